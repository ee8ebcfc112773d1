"""A lane card's look by state: the dots' pen and brush are reused, and the dots keep one symbol
image, drawn in the current look, however many times a shock changes some lane's state."""

from __future__ import annotations

from PySide6.QtGui import QColor

from simulation.health import State
from tests.helpers import bias_shock_sim
from tests.widgets.test_lane_cards import card_of, make_cards
from widgets.card_readout import dot_brush, dot_pen


def symbol_fill(card) -> str:
    """The colour at the centre of the card's dot symbol (its fill)."""
    image = card.dots.symbol().toImage()
    return QColor(image.pixel(image.width() // 2, image.height() // 2)).name()


def test_state_changes_keep_one_symbol_in_the_current_look(qtbot):
    cards = make_cards(qtbot, bias_shock_sim(200))
    card = card_of(cards, "relu")
    for i in range(300):
        state = (State.DEAD, State.ALIVE, State.RECOVERING, State.DIVERGED)[i % 4]
        card._apply_style(state)
        assert symbol_fill(card) == card.dots.opts["brush"].color().name(), state
    symbol = card.dots.symbol()
    assert card.dots.symbol() is symbol  # kept while the look stays (not rendered per paint)
    card._apply_style(State.DEAD)
    assert card.dots.symbol() is not symbol and symbol_fill(card) == "#9a9a9a"


def test_dots_take_the_look_of_the_state(qtbot):
    cards = make_cards(qtbot, bias_shock_sim(200))
    card = card_of(cards, "relu")
    card._apply_style(State.DEAD)
    assert card.dots.opts["brush"].color().name() == "#9a9a9a"
    assert card.dots.opts["pen"].color().name() == "#3a3a3a"
    card._apply_style(State.ALIVE)
    assert card.dots.opts["brush"].color().name() == card.color.lower()
    assert card.dots.opts["pen"].color().name() == "#1a1a1a"
    assert card.dots.opts["pen"] is dot_pen("#1A1A1A")
    assert card.dots.opts["brush"] is dot_brush(card.color)


def test_live_shocks_leave_each_card_one_symbol_in_its_look(qtbot):
    """Weight shocks back and forth (ReLU dies, then lives again), the cards refreshed and
    painted after each: the lanes change state every time, and every card's dot symbol is the
    one of its current look."""
    sim = bias_shock_sim(200)
    cards = make_cards(qtbot, sim)
    states = []
    for _ in range(20):
        for w in ((-2.0, -2.0), (0.5, 0.3)):
            sim.weight_shock(*w)
            sim.run(30)
            cards.refresh(sim)
            cards.grab()
            states.append(card_of(cards, "relu").state)
            for card in cards.cards:
                assert symbol_fill(card) == card.dots.opts["brush"].color().name()
    assert State.DEAD in states and State.ALIVE in states  # the shocks did change the look
