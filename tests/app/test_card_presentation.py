"""Presentation mode on a 1920x1080 screen: every lane card keeps its f(z) plot at a usable
height (the dots can be seen sliding into the shaded z <= 0 region), whatever the font size."""

import pytest
from PySide6.QtWidgets import QApplication

from tests.helpers import play
from widgets.card_frame import PLOT_MIN


@pytest.mark.parametrize("scale", [1.5, 1.75, 2.0])
def test_cards_keep_a_usable_plot_presenting_at_1080(win, qtbot, scale):
    win.resize(1920, 1080)
    win.presentation.set_scale(scale)
    win.presentation.set_presentation(True, persist=False)  # (the win fixture turns it off)
    play(win, 1000)  # after the bias shock: the dots lie in the shaded region
    for _ in range(3):
        QApplication.processEvents()
    assert win.size().toTuple() == (1920, 1080)
    for card in win.cards.cards:
        vb = card.plot.getPlotItem().getViewBox()
        qtbot.waitUntil(lambda v=vb: v.height() >= PLOT_MIN)
        assert not card.bare and vb.height() >= card.plot_min(), card.act.label
        x, _ = card.dots.getData()
        lo, hi = vb.viewRange()[0]
        assert len(x) == 64 and ((x >= lo) & (x <= hi)).all()
        assert card.recovery.geometry().top() > card.plot.geometry().bottom()
        assert card.recovery.geometry().bottom() <= card.height()
        fm = card.recovery.fontMetrics()
        assert all(fm.horizontalAdvance(t) <= card.recovery.width()
                   for t in card.recovery.lines()), card.recovery.lines()
