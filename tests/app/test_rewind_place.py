"""The rewind bar keeps its place and width while the window's size does not change: the step
growing, the rate coming and going, a rewind, a status message move nothing."""

import math

import pytest
from PySide6.QtWidgets import QApplication

from tests.helpers import play


def _place(win):
    QApplication.processEvents()
    bar = win.rewind.bar
    return bar.geometry().getRect(), bar.slider.geometry().getRect()


@pytest.mark.parametrize("presenting", [False, True])
def test_rewind_bar_stays_put(win, presenting):
    if presenting:
        win.presentation.set_presentation(True, persist=False)  # (the fixture turns it off)
    c = win.controller
    start = _place(win)
    for change in (lambda: play(win, 10_700), lambda: c.stats.emit(20_000.0, 60.0),
                   lambda: c.stats.emit(math.nan, math.nan), lambda: win.rewind.go_to(10_165),
                   lambda: win.rewind.go_to(7), lambda: win.statusBar().showMessage("Saved"),
                   lambda: win.statusBar().clearMessage(), win.rewind.back_to_live):
        change()
        assert _place(win) == start
    assert win.size().toTuple() == (1280, 720)
    assert win.rewind.bar.slider.width() >= 120  # room to scrub


def test_status_message_keeps_the_readouts_room(win):
    room = win.readouts.width()
    win.statusBar().showMessage("A message")
    QApplication.processEvents()
    assert win.readouts.isHidden() and win.readouts.width() == room
