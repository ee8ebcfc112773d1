"""The preset row at 1280x720 presenting: the picker as wide as its longest name; a one-line
description (elided, its whole text as tooltip) takes the rest and no height from the plots."""

from PySide6.QtWidgets import QApplication


def _settle():
    for _ in range(3):
        QApplication.processEvents()


def test_picker_is_not_stretched_while_presenting(win):
    win.presentation.set_presentation(True, persist=False)  # (the fixture turns it off)
    _settle()
    box = win.transport.preset_box
    assert box.width() == box.sizeHint().width() < 0.25 * win.width()
    assert box.geometry().left() < 200


def test_one_line_description_takes_no_height_while_presenting(win):
    win.presentation.set_presentation(True, persist=False)
    _settle()
    t = win.transport
    hidden = t.height()  # presentation.py hides the line on a window under 900 px tall ...
    t.set_description_lines(1)  # ... where one elided line costs nothing
    t.description.setVisible(True)
    _settle()
    assert t.height() == hidden and t.description.isVisible()
    assert t.description.width() > 0.6 * win.width()
    assert t.description.toolTip() == t.description.text() != ""
    t.set_description_lines(0)
