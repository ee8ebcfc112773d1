"""The lane cards' small f(z) plots take no keyboard focus: Tab went through five plots (and the
cards' scroll area: tests/app/test_tour9_focus.py) that showed no focus and did nothing."""

from PySide6.QtCore import Qt

from tests.helpers import bias_shock_sim
from widgets.lane_card import LaneCards


def test_card_plots_take_no_focus(qtbot):
    cards = LaneCards(bias_shock_sim(10))
    qtbot.addWidget(cards)
    assert len(cards.cards) == 5
    for card in cards.cards:
        assert card.plot.focusPolicy() == Qt.FocusPolicy.NoFocus
        assert card.plot.viewport().focusPolicy() == Qt.FocusPolicy.NoFocus
