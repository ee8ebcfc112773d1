"""A lane card's z>0 share never reads 0% while some samples are on the live side, nor 100%
while some are not: the reviewer's 18 of 5,000 read "0%" beside an ALIVE badge."""

from __future__ import annotations

import re

import pytest

from simulation import presets
from simulation.config import RunConfig
from simulation.engine import Simulation
from simulation.health import State
from tests.widgets.test_lane_cards import make_cards
from widgets.card_readout import fmt_share


@pytest.mark.parametrize(("k", "n", "text"), [
    (0, 64, "0% (0/64)"), (64, 64, "100% (64/64)"), (32, 64, "50% (32/64)"),
    (18, 5000, "<1% (18/5000)"), (1, 5000, "<1% (1/5000)"), (25, 5000, "<1% (25/5000)"),
    (4999, 5000, ">99% (4999/5000)"), (4982, 5000, ">99% (4982/5000)"),
    (50, 5000, "1% (50/5000)"), (4950, 5000, "99% (4950/5000)"), (0, 0, "-"),
])
def test_share_never_rounds_to_none_or_all(k, n, text):
    assert fmt_share(k, n) == text


def sim_with_live(live: int, n: int = 5000) -> Simulation:
    """Every lane with exactly ``live`` of ``n`` samples at z > 0 (z = x2 - 0.5, x2 in {0, 1})."""
    d = presets.get("bias-shock").config().to_dict()
    d["data"] = {"x": [[0.0, 1.0]] * live + [[0.0, 0.0]] * (n - live), "y": [0.0] * n}
    d["init"] = {"w1": 0.0, "w2": 1.0, "b": -0.5}
    d["shocks"] = []
    return Simulation(RunConfig.from_dict(d))


@pytest.mark.parametrize(("live", "share"), [(18, "<1%"), (4999, ">99%")])
@pytest.mark.parametrize("size", [(360, 900), (300, 560)])  # full rows, and the compact ones
def test_cards_show_a_share_true_to_the_count(qtbot, live, share, size):
    cards = make_cards(qtbot, sim_with_live(live), size)
    for card in cards.cards:
        assert card.state == State.ALIVE
        line = next(t for t in card.numbers.lines() if t.startswith("z>0"))
        assert re.fullmatch(rf"z>0\s+{re.escape(share)} \({live}/5000\)", line), line
