"""The state badge keeps a margin of its colour either side of its word on every card width and
font size: on a 1280x720 window Leaky ReLU's card left RECOVERING filling its badge edge to edge
(the name took the room, the badge was squeezed to the text's width)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QFont

from simulation.health import State
from tests.helpers import bias_shock_sim
from tests.widgets.test_lane_cards import make_cards
from widgets.card_frame import BADGE_PAD, LaneCard


def assert_padded(card: LaneCard) -> None:
    """Every state word fits the badge with BADGE_PAD px either side."""
    fm = card.badge.fontMetrics()
    widest = max(fm.horizontalAdvance(s.name) for s in State)
    assert card.badge.width() >= widest + 2 * BADGE_PAD, (
        card.act.label, card.width(), card.badge.width(), widest)
    assert card.badge.geometry().left() > card.name.geometry().left()  # beside the name


@pytest.mark.parametrize("scale", [1.0, 1.5, 2.0])
@pytest.mark.parametrize("width", [240, 288, 320, 360, 465])
def test_the_badge_word_has_padding_on_every_card(qtbot, width, scale):
    cards = make_cards(qtbot, bias_shock_sim(1000), size=(width, 900))
    for card in cards.cards:
        if scale != 1.0:  # what presentation mode does to the fonts (app.restyle)
            for label in (card.name, card.badge):
                font = QFont(label.font())
                font.setPointSizeF(font.pointSizeF() * scale)
                label.setFont(font)
    for card in cards.cards:
        qtbot.waitUntil(lambda c=card: c.badge.width() >= c.badge.fontMetrics()
                        .horizontalAdvance("RECOVERING") + 2 * BADGE_PAD, timeout=2000)
        assert_padded(card)


def test_a_wide_card_keeps_the_full_badge_font(qtbot):
    cards = make_cards(qtbot, bias_shock_sim(1000), size=(450, 900))
    for card in cards.cards:
        assert card.badge.font().pointSizeF() == 15.0
    cards.resize(288, 900)  # narrow: smaller, the same on every card
    qtbot.waitUntil(lambda: cards.cards[0].badge.font().pointSizeF() < 15.0)
    sizes = {c.badge.font().pointSizeF() for c in cards.cards}
    assert len(sizes) == 1
    cards.resize(450, 900)  # and back
    qtbot.waitUntil(lambda: all(c.badge.font().pointSizeF() == 15.0 for c in cards.cards))
