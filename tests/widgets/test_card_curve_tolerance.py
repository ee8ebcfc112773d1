"""PReLU's card curve is redrawn only when alpha moved it on screen (CURVE_TOLERANCE_PX): never
further than that from the exact curve, and redrawn at once when it moves more."""

import numpy as np

from simulation import presets
from simulation.engine import Simulation
from widgets.card_curve import CURVE_TOLERANCE_PX
from widgets.lane_card import LaneCards


def setup(qtbot):
    sim = Simulation(presets.get("bias-shock").config())
    sim.run(400)  # past the bias shock: PReLU's alpha moves a little every step
    cards = LaneCards(sim)
    qtbot.addWidget(cards)
    cards.resize(360, 700)
    cards.show()
    qtbot.waitExposed(cards)
    cards.refresh(sim)
    card = next(c for c in cards.cards if c.act.learnable_alpha)
    return sim, cards, card


def off_by_px(card, alpha: float) -> float:
    """How far (px) the curves shown are from the exact curves for ``alpha``."""
    _, f, d, yr = card._curves(alpha)
    assert yr == card._yrange
    vb = card.plot.getPlotItem().getViewBox()
    with np.errstate(all="ignore"):
        moved = max(np.nanmax(np.abs(card.value_curve.yData - f)),
                    np.nanmax(np.abs(card.grad_curve.yData - d)))
    return float(moved) * vb.height() / (yr[1] - yr[0])


def test_curve_kept_within_tolerance_and_redrawn_less_often(qtbot):
    sim, cards, card = setup(qtbot)
    redraws = []
    set_data = card.value_curve.setData

    def counted(*args, **kwargs):
        redraws.append(1)
        return set_data(*args, **kwargs)

    card.value_curve.setData = counted
    frames = 40
    for _ in range(frames):
        sim.run(17)
        cards.refresh(sim)
        alpha = float(sim.current().params.alpha[card.index, 0])
        assert off_by_px(card, alpha) < CURVE_TOLERANCE_PX
    assert 0 < len(redraws) < frames / 2


def test_a_larger_move_is_redrawn(qtbot):
    sim, cards, card = setup(qtbot)
    alpha = card._alpha
    assert not card._curves_moved(alpha + 1e-7)
    assert card._curves_moved(alpha + 0.01)
    before = card.value_curve.yData.copy()
    sim.params.alpha[card.index, 0] = alpha + 0.05  # a jump: the curve is drawn anew
    sim.run(1)
    cards.refresh(sim)
    new_alpha = float(sim.current().params.alpha[card.index, 0])
    assert card._alpha == new_alpha
    assert not np.array_equal(before, card.value_curve.yData)
    assert off_by_px(card, new_alpha) == 0.0
