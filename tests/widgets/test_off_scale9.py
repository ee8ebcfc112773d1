"""Off-scale labels of the time plots, the reviewer's bias-shock run at lr 20 (PReLU blows up at
step ~10, ELU's and SELU's gradients sink to 1e-40, 1e-44): the step an ended clipped stretch
ends at is exact at any width; values below a log plot's lowest decade are labelled and not
drawn at its bottom edge; a label's value says its step; the linear axes tick the clipped edge
in one number format."""

from __future__ import annotations

import numpy as np
import pytest

from simulation import presets
from simulation.engine import Simulation
from simulation.history import INDEX
from widgets.plot_axes import FitAxis
from widgets.plot_series import LIN_LIMIT
from widgets.time_plots import TimePlots


def lr20_sim() -> Simulation:
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=200_000)
    sim.set_lr(20.0)  # (set before Play, as the reviewer did)
    return sim


def texts(w: TimePlots, plot: str) -> list[str]:
    return [lab.toPlainText() for lane in w.lanes for (p, _), lab in lane.off.items()
            if p == plot and lab.isVisible()]


def lane(sim: Simulation, lane_id: str) -> int:
    return [spec.id for spec in sim.config.lanes].index(lane_id)


@pytest.mark.parametrize("width", [700, 1100])
def test_until_step_is_the_last_clipped_step_at_any_zoom(make, width):
    sim = lr20_sim()
    w = make(sim, size=(width, 800))
    z = sim.history  # (filled below)
    for target in (743, 2037):
        sim.run(target - sim.t)
        w.refresh(sim)
        z = sim.history.window()[:, INDEX["z_mean"], lane(sim, "prelu")]
        last = int(np.flatnonzero(np.isfinite(z) & (z >= LIN_LIMIT))[-1])
        assert last < 20
        assert any(f"until step {last:,} " in t for t in texts(w, "z")), (target, texts(w, "z"))


def test_values_below_the_lowest_decade_are_labelled_not_drawn_at_the_edge(make):
    sim = lr20_sim()
    w = make(sim)
    sim.run(2037)
    w.refresh(sim)
    h = sim.history.window()
    lo, hi = w._decades["grad"]
    # PReLU's inf (labelled) does not set the decades: Leaky ReLU's healthy value is inside
    leaky = abs(h[-1, INDEX["grad_b"], lane(sim, "leaky_relu")])
    assert lo < np.log10(leaky) < hi
    for lane_id in ("elu", "selu"):
        i = lane(sim, lane_id)
        g = abs(h[-1, INDEX["grad_b"], i])
        assert 0 < g < 10.0 ** lo
        _, y = w.lanes[i].grad["grad_b"].getData()
        assert not np.any(y[np.isfinite(y)] <= lo)  # not drawn as if it were 10^lo
    elu = w.lanes[lane(sim, "elu")].off[("grad", "bottom")]
    assert elu.isVisible() and "ELU below scale" in elu.toPlainText()
    assert "6.38e-40" in elu.toPlainText() or "6.38e-40" in elu.toolTip()
    # (above the lowest decade, inside the plot, not over the exact-zero rails)
    assert elu.pos().y() == lo


def test_a_value_label_says_the_step_of_the_plots_newest_point(make):
    sim = lr20_sim()
    w = make(sim)
    sim.run(10)  # the cards show step 10 (not recorded yet); the plots end at step 9
    w.refresh(sim)
    newest = int(sim.history.window()[-1, INDEX["step"], 0])
    assert newest == sim.t - 1
    shown = texts(w, "loss")
    assert shown and all(f"at step {newest:,}:" in t for t in shown), shown
    sim.run(100)  # frozen since it diverged: the cards show that value too, and no step
    w.refresh(sim)
    shown = texts(w, "loss")
    assert shown and not any("at step" in t for t in shown), shown


def test_linear_axes_tick_the_clipped_edges_in_one_format(make):
    sim = lr20_sim()
    w = make(sim, size=(1100, 420))  # short plots: one tick per 2e6 without the edges
    sim.run(300)
    w.refresh(sim)
    for name in ("z", "a", "params"):
        axis = w.plots[name].getAxis("left")
        y0, y1 = w.plots[name].vb.viewRange()[1]
        assert y0 < -LIN_LIMIT and LIN_LIMIT < y1
        (spacing, values), = axis.tickValues(y0, y1, w.plots[name].vb.height())
        assert -LIN_LIMIT in values and LIN_LIMIT in values, (name, values)
        # ...far enough inside for their labels to be drawn (an axis hides a label that would
        # stick out of it: at +-1.12e6 the edges' labels were not drawn)
        px = w.plots[name].vb.height() / (y1 - y0)
        assert (y1 - LIN_LIMIT) * px >= 0.5 * axis.label_px()
        assert (-LIN_LIMIT - y0) * px >= 0.5 * axis.label_px()
        assert axis.tickStrings(values, 1.0, spacing)[-1] == "1e6"
    assert FitAxis("left").tickStrings([-1e6, -5e5, 0.0, 5e5, 1e6], 1.0, 5e5) == [
        "-1e6", "-5e5", "0", "5e5", "1e6"]
    assert FitAxis("left").tickStrings([-1.5e6, 0.0, 1.5e6], 1.0, 1.5e6) == ["-1.5e6", "0", "1.5e6"]


def test_log_plot_labels_go_where_the_curves_leave_room(make):
    sim = lr20_sim()
    w = make(sim)
    sim.run(2037)
    w.refresh(sim)
    # the healthy gradients are at the top decades, the room below them is empty: the labels
    # (PReLU's inf, ELU's 6e-40) are stacked from the lowest decade up, not over the curves
    assert w._off_side["grad"] == "bottom"
    lo, _ = w._decades["grad"]
    shown = [lane.off[("grad", e)] for lane in w.lanes for e in ("top", "bottom")
             if lane.off[("grad", e)].isVisible()]
    assert len(shown) >= 2 and all(lab.pos().y() == lo for lab in shown)


def test_labels_end_left_of_a_shock_marker_at_the_newest_step(make):
    sim = lr20_sim()
    w = make(sim)
    sim.run(2037)
    w.refresh(sim)
    sim.bias_shock(-10.0)  # a marker at the newest step, at the plots' right end
    sim.run(1)
    w.refresh(sim)
    step = float(sim.events[-1]["step"])
    shown = [lab for lane in w.lanes for lab in lane.off.values() if lab.isVisible()]
    assert shown and all(lab.pos().x() < step for lab in shown)
