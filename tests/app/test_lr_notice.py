"""The window's status bar says when the toolbar's lr field limited a typed value, in the set-up
panel's words."""

from PySide6.QtCore import Qt


def test_the_status_bar_says_the_lr_typed_was_limited(win, qtbot):
    box = win.transport.lr_box
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), "1000")
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    assert win.statusBar().currentMessage() == "lr is limited to 0 … 100: 1000 became 100."
    assert win.controller.sim.lr == 100.0
