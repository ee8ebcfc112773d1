"""A lane card's look by state: the dots' pen and brush are reused, so shock after shock (each
changing some lane's state) adds nothing to pyqtgraph's symbol atlas of the card's dots."""

from __future__ import annotations

from simulation.health import State
from tests.helpers import bias_shock_sim
from tests.widgets.test_lane_cards import card_of, make_cards
from widgets.card_readout import dot_brush, dot_pen


def atlas_sizes(cards) -> list[int]:
    return [len(card.dots.fragmentAtlas) for card in cards.cards]


def test_state_changes_add_no_symbols(qtbot):
    cards = make_cards(qtbot, bias_shock_sim(200))
    card = card_of(cards, "relu")
    for state in (State.DEAD, State.ALIVE):  # every look once: its symbols are in the atlas
        card._apply_style(state)
    before = len(card.dots.fragmentAtlas)
    for i in range(300):
        card._apply_style((State.DEAD, State.ALIVE, State.RECOVERING, State.DIVERGED)[i % 4])
    assert len(card.dots.fragmentAtlas) == before  # (a new pen and brush per call: +600)


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


def test_live_shocks_keep_the_atlases_bounded(qtbot):
    """Weight shocks back and forth (ReLU dies, then lives again), the cards refreshed after each:
    the lanes change state every time, the atlases stay as they were after the first round."""
    sim = bias_shock_sim(200)
    cards = make_cards(qtbot, sim)
    states = []

    def round_trip():
        for w in ((-2.0, -2.0), (0.5, 0.3)):
            sim.weight_shock(*w)
            sim.run(30)
            cards.refresh(sim)
            states.append(card_of(cards, "relu").state)

    round_trip()
    before = atlas_sizes(cards)
    for _ in range(40):
        round_trip()
    assert State.DEAD in states and State.ALIVE in states  # the shocks did change the look
    assert atlas_sizes(cards) == before
