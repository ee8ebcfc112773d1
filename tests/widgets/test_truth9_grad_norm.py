"""A card's |∇L| is the gradient's true size: never 0 while some gradient is not exactly 0 (no
underflow of the squares near 1e-219), never inf while every gradient is finite (no overflow)."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest

from simulation import presets
from simulation.engine import Simulation
from tests.widgets.test_lane_cards import _hold_hosts, card_of, make_cards, parse_numbers
from widgets.card_readout import grad_norm

__all__ = ["_hold_hosts"]  # the fixture that keeps the cards' hosts alive until teardown


@pytest.mark.parametrize(("grads", "norm"), [
    ([-3.44e-221, -1.39e-220, -1.13e-219], 1.1390e-219),
    ([3.69e188, 3.84e188, 6.57e188], 8.4555e188),
    ([3e-320, 4e-320], 5e-320),
    ([3.0, 4.0, 0.0, 0.0], 5.0),
])
def test_grad_norm_neither_underflows_nor_overflows(grads, norm):
    assert grad_norm(grads) == pytest.approx(norm, rel=1e-3, abs=0)


def test_grad_norm_is_zero_only_when_every_gradient_is():
    assert grad_norm([0.0, -0.0, 0.0]) == 0
    assert grad_norm([0.0, 0.0, 5e-324]) > 0
    assert grad_norm([np.inf, 1.0, 0.0]) == np.inf


def test_cards_show_the_true_size_after_the_lr50_bias_shock(qtbot):
    """The reviewer's run: bias shock at lr 50, step 2,900: ELU's and SELU's gradients are
    ~1e-219 and ~2e-250 (their cards read "|∇L| 0"), PReLU's ~1e188 (its card read inf)."""
    cfg = dataclasses.replace(presets.get("bias-shock").config(), lr=50.0)
    sim = Simulation(cfg, history_capacity=5000)
    sim.run(2900)
    cards = make_cards(qtbot, sim)
    fb = sim.current().fb
    for name in ("elu", "selu", "prelu"):
        card = card_of(cards, name)
        i = card.index
        grads = [fb.grad_w1[i, 0], fb.grad_w2[i, 0], fb.grad_b[i, 0]]
        if name == "prelu":
            grads.append(fb.grad_alpha[i, 0])
        true = max(abs(g) for g in grads) * np.sqrt(sum((g / max(abs(g) for g in grads)) ** 2
                                                       for g in grads))
        assert 0 < true < np.inf
        shown = parse_numbers(card.numbers.text())["grad_norm"]
        assert shown == pytest.approx(true, rel=5e-3, abs=0), (name, card.numbers.text())
