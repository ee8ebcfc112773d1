"""The preset row at 1280x720 presenting: the picker as wide as its longest name. (The
description is shown whole: tests/app/test_presentation_restore_description.py.)"""

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
