"""The status bar's readouts: held at their text's size, and back to it after a font change."""

from PySide6.QtGui import QFont

from widgets.readout import Readout


def test_readout_takes_its_texts_size(qtbot):
    r = Readout()
    qtbot.addWidget(r)
    r.setText("step 500")
    assert r.size() == r.sizeHint()
    assert r.minimumSize() == r.maximumSize() == r.sizeHint()


def test_readout_shrinks_back_after_a_larger_font(qtbot):
    """Presentation mode doubles the font and ends: the readout went on taking the 2x room
    (a QLabel's size hint is never below its minimum size), the status bar 16 px taller."""
    r = Readout()
    qtbot.addWidget(r)
    r.setText("step 500")
    small = r.size()
    font = QFont(r.font())
    base = font.pointSizeF()
    font.setPointSizeF(2 * base)
    r.setFont(font)
    assert r.width() > small.width() and r.height() > small.height()
    font.setPointSizeF(base)
    r.setFont(font)
    assert r.size() == small
