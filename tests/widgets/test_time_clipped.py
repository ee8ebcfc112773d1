"""TimePlots after a divergence: values drawn clipped (beyond +-LIN_LIMIT, above the top decade)
or not drawn at all (inf, NaN) are labelled at the plot's edge with the true value, as the lane
card writes it; a clipped stretch that has ended says up to which step; the labels are made
once per lane (a frame only shows, hides or re-texts them)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from simulation.config import RunConfig
from simulation.engine import Simulation
from simulation.history import INDEX
from widgets.card_text import fmt_grad, fmt_param
from widgets.plot_series import LIN_LIMIT
from widgets.time_plots import TimePlots


def diverged_sim() -> Simulation:
    """The reviewer's run: lr 99 and a bias shock b = -130: PReLU's b goes to about -2e127
    (frozen there, loss inf); the other lanes stay on the scale."""
    sim = Simulation(RunConfig(steps=3000), history_capacity=20_000)
    sim.run(100)
    sim.set_lr(99.0)
    sim.bias_shock(-130.0)
    return sim


def run(w: TimePlots, sim: Simulation, steps: int, chunk: int = 10) -> None:
    for _ in range(steps // chunk):
        sim.run(chunk)
        w.refresh(sim)


def shown_texts(w: TimePlots, plot: str) -> list[str]:
    """The texts of the labels shown on plot ``plot`` (shock marker labels included)."""
    return [it.toPlainText() for it in w.plots[plot].items
            if isinstance(it, pg.TextItem) and it.isVisible() and it.toPlainText()]


def lane_index(sim: Simulation, lane_id: str) -> int:
    return [lane.id for lane in sim.config.lanes].index(lane_id)


def test_clipped_parameter_is_labelled_with_the_cards_value(make):
    sim = diverged_sim()
    w = make(sim)
    run(w, sim, 200)
    i = lane_index(sim, "prelu")
    b = float(sim.current().params.b[i, 0])
    assert abs(b) > 1e100 and b == sim.history.window()[-1, INDEX["b"], i]  # frozen: as drawn
    _, y = w.lanes[i].params["b"].getData()
    assert np.nanmin(y) == -LIN_LIMIT  # the curve itself is drawn clipped...
    texts = shown_texts(w, "params")
    assert any(f"b = {fmt_param(b)}" in t and "PReLU" in t and "off scale" in t
               for t in texts), texts  # ...and the plot says where b really is
    label = w.lanes[i].off[("params", "bottom")]  # (b < 0: at the bottom edge, lane's colour)
    assert label.isVisible() and label.color.name() == w.lanes[i].color.lower()
    (_, x1), (y0, _) = w.plots["params"].vb.viewRange()
    assert label.pos().y() == -LIN_LIMIT and y0 <= -LIN_LIMIT and label.pos().x() == x1
    # the lanes that stayed on the scale have no such label (but a gradient that sank below the
    # gradient plot's lowest decade, as ELU's saturated one, is labelled there)
    for lane in w.lanes:
        if lane.index != i:
            assert not any(lab.isVisible() for (plot, edge), lab in lane.off.items()
                           if (plot, edge) != ("grad", "bottom")), lane.id
            below = lane.off[("grad", "bottom")]
            assert not below.isVisible() or "below scale" in below.toPlainText()


def test_infinite_loss_and_clipped_gradient_are_labelled(make):
    sim = diverged_sim()
    w = make(sim)
    run(w, sim, 200)
    i = lane_index(sim, "prelu")
    h = sim.history.window()
    assert np.isinf(h[-1, INDEX["loss"], i])  # not drawn at all: a gap in the curve
    # (frozen since it diverged: the lane card shows the same value, the label no step)
    assert any("PReLU off scale: loss = inf" in t for t in shown_texts(w, "loss"))
    g = abs(float(h[-1, INDEX["grad_b"], i]))
    assert g > 1e100
    assert any(f"|∂L/∂b| = {fmt_grad(g)}" in t for t in shown_texts(w, "grad"))


def test_ended_clipped_stretch_says_until_when(make):
    sim = diverged_sim()
    w = make(sim)
    run(w, sim, 200)
    sim.set_lr(0.3)
    sim.weight_shock(0.1, 0.1)
    sim.bias_shock(0.0)  # finite again: PReLU's b and weights are back on the scale
    run(w, sim, 100)
    texts = shown_texts(w, "params")
    assert not any("off scale: b" in t or "off scale: w" in t for t in texts), texts
    assert any("PReLU: off scale until step" in t and "−1e6" in t for t in texts), texts


def test_no_labels_on_a_healthy_run_nor_for_a_hidden_lane(make):
    sim = Simulation(RunConfig(steps=3000), history_capacity=20_000)
    w = make(sim)
    run(w, sim, 300)
    assert not any(lab.isVisible() for lane in w.lanes for lab in lane.off.values())
    sim.set_lr(99.0)
    sim.bias_shock(-130.0)
    run(w, sim, 200)
    prelu = w.lanes[lane_index(sim, "prelu")]
    assert any(lab.isVisible() for lab in prelu.off.values())
    w.set_lane_visible("prelu", False)
    assert not any(lab.isVisible() for lab in prelu.off.values())
    w.set_lane_visible("prelu", True)
    assert prelu.off[("params", "bottom")].isVisible()


def test_labels_are_made_once_and_stack(make):
    sim = Simulation(RunConfig(steps=3000), history_capacity=20_000)
    sim.run(100)
    sim.lr_shock(value=1e6, steps=5)  # every lane off the scale
    w = make(sim)
    run(w, sim, 20)
    items = {name: list(p.items) for name, p in w.plots.items()}
    run(w, sim, 100)
    assert {name: list(p.items) for name, p in w.plots.items()} == items  # nothing added
    bottom = [lane.off[("params", "bottom")] for lane in w.lanes
              if lane.off[("params", "bottom")].isVisible()]
    assert len(bottom) >= 2
    rows = sorted(lab.anchor[1] for lab in bottom)
    assert rows == pytest.approx([rows[0] + k for k in range(len(bottom))])


def test_a_short_plot_shows_the_labels_it_has_rows_for_and_how_many_more(make):
    sim = Simulation(RunConfig(steps=3000), history_capacity=20_000)
    sim.run(100)
    sim.lr_shock(value=1e6, steps=5)  # every lane off the scale
    w = make(sim)
    w.resize(900, 420)  # plots ~60 px tall: room for two or three labels each
    run(w, sim, 100)
    w._redraw()
    for name in ("z", "params"):
        vb = w.plots[name].vb
        shown = [lab for lane in w.lanes for (plot, _), lab in lane.off.items()
                 if plot == name and lab.isVisible()]
        assert shown, name
        assert sum(lab.textItem.boundingRect().height() for lab in shown) <= vb.height()
        assert any("more)" in lab.toPlainText() for lab in shown), name
