"""Presenting on a 1280x720 projector, the preset's description (the sentence telling the room
what will happen) shows whole: in the large font where two lines hold it, else smaller (never
below the normal size); leaving presentation gives it the normal font back."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QApplication


def _settle():
    for _ in range(3):
        QApplication.processEvents()


def _rows(label) -> int:
    """The lines the label's text takes wrapped at its width, in its font."""
    fm = label.fontMetrics()
    return fm.boundingRect(label.contentsRect().adjusted(0, 0, 0, 100_000),
                           int(Qt.TextFlag.TextWordWrap), label.text()).height() // fm.lineSpacing()


def _choose(win, preset_id):
    box = win.transport.preset_box
    box.setCurrentIndex(box.findData(preset_id))
    _settle()


@pytest.mark.parametrize("preset_id", ["bias-shock", "lr-shock", "seed-arithmetic", "healthy"])
def test_the_whole_description_is_shown_while_presenting_at_720(win, preset_id):
    normal_pt = QApplication.font().pointSizeF()
    normal_line = QFontMetrics(QApplication.font()).lineSpacing()
    win.presentation.set_presentation(True, persist=False)
    _settle()
    _choose(win, preset_id)
    d = win.transport.description
    large = QFontMetrics(QApplication.font()).lineSpacing()
    assert d.isVisible() and d.lines == 0 and d.toolTip() == ""  # not elided
    rows = _rows(d)
    assert rows * d.fontMetrics().lineSpacing() <= d.contentsRect().height()  # every line drawn
    assert d.font().pointSizeF() >= normal_pt  # never smaller than the normal text
    # the plots' room: two lines of the large font, or three of a font near the normal one
    assert d.height() <= max(2 * large, 3 * normal_line) + 4


def test_a_description_two_large_lines_hold_keeps_the_large_font(win):
    win.presentation.set_presentation(True, persist=False)
    _settle()
    _choose(win, "lr-shock")
    assert win.transport.description.font().pointSizeF() == QApplication.font().pointSizeF()


def test_leaving_presentation_gives_the_description_the_normal_font(win):
    win.presentation.set_presentation(True, persist=False)
    _settle()
    win.presentation.set_presentation(False, persist=False)
    d = win.transport.description
    assert not d.testAttribute(Qt.WidgetAttribute.WA_SetFont)
    assert d.font().pointSizeF() == QApplication.font().pointSizeF()
