"""PReLU's card dots stay on its f(z) curve when z stands still but alpha moves (lr 0: w and b
stay, alpha still learns at its own rate, so a = alpha·z changes with the same z)."""

from __future__ import annotations

import numpy as np

from simulation import presets
from simulation.engine import Simulation
from tests.widgets.test_lane_cards import _hold_hosts, card_of, make_cards  # noqa: F401


def test_prelu_dots_follow_alpha_when_z_stands_still(qtbot):
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=20000)
    sim.run(400)  # after the bias shock: every z < 0, PReLU's alpha learning
    sim.set_lr(0.0)
    cards = make_cards(qtbot, sim)
    prelu = card_of(cards, "prelu")
    i = prelu.index
    z_before, alpha_before = sim.current().fb.z[i, 0].copy(), float(sim.params.alpha[i, 0])
    sim.run(200)
    cards.refresh(sim)
    snap = sim.current()
    np.testing.assert_array_equal(snap.fb.z[i, 0], z_before)  # z stood still ...
    alpha = float(snap.params.alpha[i, 0])
    assert alpha != alpha_before  # ... while alpha moved
    z, a = prelu.dots.getData()
    np.testing.assert_array_equal(z, snap.fb.z[i, 0])
    np.testing.assert_array_equal(a, snap.fb.a[i, 0])  # the dots' a is the current one
    np.testing.assert_allclose(a, alpha * z)  # on the curve f(z) = alpha·z (z < 0)
