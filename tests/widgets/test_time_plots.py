"""TimePlots: curves hold the history, shock markers once on every plot, exact zeros on the rail,
lane visibility, model replacement, diverged lanes, many refreshes; and the decimation helpers."""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QPointF

from simulation import presets
from simulation.config import LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation
from simulation.history import INDEX, History
from tests.widgets.test_shock_labels7 import misplaced
from widgets.decimate import BinReducer, bin_size, flat_mask, run_ends
from widgets.plot_zone import Mark
from widgets.time_plots import PLOTS, TimePlots, event_label, nice_step, pow10_label


def bias_shock_sim(capacity: int = 20_000) -> Simulation:
    return Simulation(presets.get("bias-shock").config(), history_capacity=capacity)


def lane(w: TimePlots, lane_id: str):
    return next(item for item in w.lanes if item.id == lane_id)


def finite_xy(curve: pg.PlotCurveItem) -> tuple[np.ndarray, np.ndarray]:
    x, y = curve.getData()
    ok = np.isfinite(y)
    return x[ok], y[ok]


def markers_in(plot: pg.PlotItem) -> list[Mark]:
    """The shock markers' vertical lines in ``plot``."""
    return [it for it in plot.items if isinstance(it, Mark)]


# --- the widget -----------------------------------------------------------------------------------
def test_curves_hold_the_history(make):
    sim = bias_shock_sim()
    sim.run(500)
    w = make(sim, simplify=False)
    h = sim.history.window()
    steps = h[:, INDEX["step"], 0]
    for item in w.lanes:
        i = item.index
        x, y = item.loss.getData()
        np.testing.assert_array_equal(x, steps)
        np.testing.assert_allclose(10 ** y, h[:, INDEX["loss"], i], rtol=1e-9)
        x, y = item.z_mean.getData()
        np.testing.assert_array_equal(x, steps)
        np.testing.assert_allclose(y, h[:, INDEX["z_mean"], i])
        np.testing.assert_allclose(item.z_lo.getData()[1], h[:, INDEX["z_min"], i])
        np.testing.assert_allclose(item.z_hi.getData()[1], h[:, INDEX["z_max"], i])
        np.testing.assert_allclose(item.a.getData()[1], h[:, INDEX["a_mean"], i])
        np.testing.assert_allclose(item.params["b"].getData()[1], h[:, INDEX["b"], i])
        np.testing.assert_allclose(item.params["w1"].getData()[1], h[:, INDEX["w1"], i])
    assert "alpha" in lane(w, "prelu").params and "alpha" not in lane(w, "relu").params


def test_simplified_curves_are_a_subset_of_the_history(make):
    sim = bias_shock_sim()
    sim.run(500)
    w = make(sim)  # simplify on: flat stretches keep only a few points
    h = sim.history.window()
    for item in w.lanes:
        x, y = item.params["b"].getData()
        idx = x.astype(int)
        assert x[0] == 0 and x[-1] == 499 and np.all(np.diff(x) > 0)
        np.testing.assert_allclose(y, h[idx, INDEX["b"], item.index])
    # the dead ReLU's bias is flat after the shock: two points are enough for 200 steps
    x, _ = lane(w, "relu").params["b"].getData()
    assert np.sum(x > 300) < 40


def test_shock_marker_once_on_every_plot(make):
    sim = bias_shock_sim()
    sim.run(250)
    w = make(sim)
    assert all(markers_in(w.plots[name]) == [] for name in PLOTS)
    items_before = {name: len(w.plots[name].items) for name in PLOTS}
    for _ in range(120):  # the shock happens at step 300, then many more frames
        sim.run(5)
        w.refresh(sim)
    for name in PLOTS:
        lines = markers_in(w.plots[name])
        assert len(lines) == 1, name
        assert lines[0].value() == 300
        assert w.markers[0].labels[name].toPlainText() == "b = −10"
        assert w.markers[0].labels[name] in w.plots[name].items
        assert len(w.plots[name].items) == items_before[name] + 2  # line and label, nothing else
    assert len(w.markers) == 1


def test_marker_appears_at_once_when_shocked_while_paused(make):
    sim = bias_shock_sim()
    sim.run(200)
    w = make(sim)
    sim.lr_shock(factor=3.0, steps=2)  # recorded at step 200, which no row shows yet
    w.refresh(sim)
    for name in PLOTS:
        (line,) = markers_in(w.plots[name])
        assert line.value() == 200 and w.markers[0].labels[name].toPlainText() == "lr ×3"
        x0, x1 = w.plots[name].vb.viewRange()[0]
        assert x0 <= 200 < x1


def test_dead_relu_gradient_is_on_the_zero_rail_and_leaky_is_not(make):
    sim = bias_shock_sim()
    sim.run(700)
    w = make(sim)
    floor = w.plots["grad"].getAxis("left").floor
    relu, leaky = lane(w, "relu"), lane(w, "leaky_relu")

    x, y = finite_xy(relu.grad["grad_b"])
    assert x.max() < 300  # the curve ends where the gradient became exactly 0
    assert np.all(y >= floor)
    rx, ry = finite_xy(relu.rail["grad_b"])
    assert rx.min() == 300 and rx.max() == 700  # the rail covers steps 300..699
    np.testing.assert_allclose(ry, w.rail_y(relu.index))
    assert w.rail_y(relu.index) < floor  # below the lowest decade shown

    x, y = finite_xy(leaky.grad["grad_b"])
    assert x.max() == 699 and np.all(y >= floor)  # small but non-zero, drawn as a curve
    assert np.all(np.isnan(leaky.rail["grad_b"].getData()[1]))
    # ELU's ~1e-4 gradient is also a curve, never on the rail
    assert np.all(np.isnan(lane(w, "elu").rail["grad_b"].getData()[1]))


def test_zero_rail_in_every_gradient_mode(make):
    sim = bias_shock_sim()
    sim.run(400)
    w = make(sim)
    w.set_grad_mode("all")
    relu = lane(w, "relu")
    ys = set()
    for g in ("grad_b", "grad_w1", "grad_w2"):
        assert relu.grad[g].isVisible() and relu.rail[g].isVisible()
        rx, ry = finite_xy(relu.rail[g])
        assert rx.min() == 300
        ys.add(float(ry[0]))
    assert len(ys) == 3  # one sub-row per gradient
    styles = {(relu.grad[g].opts["pen"].style(), tuple(relu.grad[g].opts["pen"].dashPattern()))
              for g in ("grad_b", "grad_w1", "grad_w2")}
    assert len(styles) == 3 and w.grad_key.isVisible()
    w.set_grad_mode("grad_w1")
    assert w.grad_combo.currentData() == "grad_w1"
    assert relu.grad["grad_w1"].isVisible() and not relu.grad["grad_b"].isVisible()
    assert not w.grad_key.isVisible()
    with pytest.raises(ValueError):
        w.set_grad_mode("grad_q")


def test_set_lane_visible_hides_that_lane(make):
    sim = bias_shock_sim()
    sim.run(400)
    w = make(sim)
    w.set_lane_visible("relu", False)
    relu = lane(w, "relu")
    assert not any(item.isVisible() for _, item in relu.placed())
    assert all(lane(w, "leaky_relu").loss.isVisible() for _ in [0])
    assert not w.lane_visible("relu")
    assert "<s>" in w.legend_label.text()
    sim.run(50)
    w.refresh(sim)
    w.set_lane_visible("relu", True)
    assert relu.loss.isVisible() and relu.grad["grad_b"].isVisible()
    assert not relu.grad["grad_w1"].isVisible()  # only the gradient the mode shows
    assert relu.loss.getData()[0][-1] == 449  # brought up to date when shown again


def test_set_model_with_other_lanes_rebuilds(make):
    sim = bias_shock_sim()
    sim.run(400)
    w = make(sim)
    old_items = [item for lane_items in w.lanes for _, item in lane_items.placed()]
    old_markers = [it for m in w.markers for it in [*m.lines.values(), *m.labels.values()]]
    cfg = RunConfig(lanes=[LaneSpec("relu"), LaneSpec("gelu"), LaneSpec("silu")],
                    shocks=[ShockSpec(50, "bias_shock", {"b": -3.0})])
    other = Simulation(cfg, history_capacity=20_000)
    other.run(120)
    w.set_model(other)
    w.refresh(other)
    assert [item.id for item in w.lanes] == ["relu", "gelu", "silu"]
    assert all(item.scene() is None for item in old_items + old_markers)
    curves = [it for it in w.plots["loss"].items if isinstance(it, pg.PlotCurveItem)]
    assert len(curves) == 3
    for name in PLOTS:
        (line,) = markers_in(w.plots[name])
        assert line.value() == 50 and w.markers[0].labels[name].toPlainText() == "b = −3"
    assert lane(w, "gelu").loss.getData()[0][-1] == 119
    assert "GELU" in w.legend_label.text() and "Leaky" not in w.legend_label.text()
    # refresh with a replaced simulation rebuilds too (a missed set_model is not fatal)
    w.refresh(bias_shock_sim())
    assert len(w.lanes) == 5 and w.markers == []


def test_diverged_lane_keeps_view_ranges_finite(make):
    sim = bias_shock_sim()
    sim.run(100)
    w = make(sim)
    sim.lr_shock(value=1e6, steps=5)
    for _ in range(20):
        sim.run(10)
        w.refresh(sim)
    states = sim.history.window()[:, INDEX["state"]]
    assert (states == 4).any()  # some lane did diverge (inf loss)
    for name in PLOTS:
        (x0, x1), (y0, y1) = w.plots[name].vb.viewRange()
        assert all(math.isfinite(v) for v in (x0, x1, y0, y1)), name
        assert y1 > y0
    for item in w.lanes:
        for _, curve in item.placed():
            if isinstance(curve, pg.PlotCurveItem):
                _, y = curve.getData()
                assert not np.isinf(y).any() and np.all(np.abs(y[np.isfinite(y)]) <= 1e6)
    assert w.markers[0].labels["loss"].toPlainText() == "lr = 1e+06"


def test_decimated_long_history_keeps_the_peaks(make):
    sim = bias_shock_sim()
    sim.run(6000)
    w = make(sim, simplify=False)
    h = sim.history.window()
    width = int(w.plots["params"].vb.width())
    for item in w.lanes:
        x, y = item.a.getData()
        assert len(x) <= 2 * width + 4  # about two points per pixel
        col = h[:, INDEX["a_mean"], item.index]
        assert np.nanmax(y) == col.max() and np.nanmin(y) == col.min()  # min/max survive


def test_ring_history_slides(make):
    sim = bias_shock_sim(capacity=1000)
    sim.run(1500)
    w = make(sim)
    x0, x1 = w.plots["params"].vb.viewRange()[0]
    assert 450 <= x0 <= 500 and 1499 < x1 < 1560
    x, _ = lane(w, "leaky_relu").loss.getData()
    assert x[0] == 500 and x[-1] == 1499
    assert len(w.markers) == 1  # the step-300 shock is out of view but still marked


def test_refresh_without_new_steps_changes_nothing(make):
    sim = bias_shock_sim()
    sim.run(350)
    w = make(sim)
    x_before = lane(w, "relu").loss.getData()[0]
    items = {name: list(w.plots[name].items) for name in PLOTS}
    for _ in range(10):
        w.refresh(sim)
    assert lane(w, "relu").loss.getData()[0] is x_before
    assert all(list(w.plots[name].items) == items[name] for name in PLOTS)


def test_empty_history(make):
    sim = bias_shock_sim()
    w = make(sim)
    assert len(lane(w, "relu").loss.getData()[0]) == 0
    for name in PLOTS:
        assert all(math.isfinite(v) for r in w.plots[name].vb.viewRange() for v in r)
    sim.step()
    w.refresh(sim)
    assert len(lane(w, "relu").loss.getData()[0]) == 1


def test_before_the_first_step_the_axes_show_whole_steps_and_the_zero_rail(make):
    """What a presenter sees first: steps 0..10 (not fractions of a step), the log plots' decades
    with their ticks, the exact-zero rail with its label, and z's label in its shaded region."""
    sim = bias_shock_sim()
    w = make(sim)
    assert w.plots["params"].vb.viewRange()[0] == [0.0, 10.0]
    for name in ("loss", "grad"):
        lo, hi = w.plots[name].vb.viewRange()[1]
        assert hi - lo >= 6  # decades
        assert w.plots[name].getAxis("left").tickValues(lo, hi, 200)[0][1]  # ticks to label
    zone_lo, zone_hi = w.rail_zone.getRegion()
    assert w.plots["grad"].vb.viewRange()[1][0] <= zone_lo < zone_hi
    vb = w.plots["grad"].vb  # the label beside the zone, right of the plot (not over rails)
    label = w.rail_label.sceneBoundingRect()
    top = vb.mapViewToScene(QPointF(0.0, zone_hi)).y()
    bottom = vb.mapViewToScene(QPointF(0.0, zone_lo)).y()
    assert w.rail_label.isVisible() and top <= label.center().y() <= bottom
    assert label.left() >= vb.sceneBoundingRect().right()
    assert w.z_label.pos().y() == w.plots["z"].vb.viewRange()[1][0] < 0
    for t in (1, 5):  # the first steps keep whole-step ticks
        sim.run(t - sim.t)
        w.refresh(sim)
        assert w.plots["params"].vb.viewRange()[0] == [0.0, 10.0]
    sim.run(200)
    w.refresh(sim)
    assert w.plots["params"].vb.viewRange()[0][1] > 200  # then the range follows the run


def test_three_thousand_refreshes(make):
    """Regression: PySide6 6.12 crashed pyqtgraph after ~1,600 setData calls (6.11.3 pinned)."""
    sim = bias_shock_sim()
    w = make(sim)
    for _ in range(3000):
        sim.step()
        w.refresh(sim)
    x, _ = lane(w, "leaky_relu").loss.getData()
    k = bin_size(3000, int(w.plots["params"].vb.width()))
    assert k > 1 and 2999 - k < x[-1] <= 2999  # the newest bin starts at most k - 1 steps back
    assert len(w.markers) == 1


# --- helpers --------------------------------------------------------------------------------------
def test_event_labels():
    assert event_label({"step": 3, "kind": "bias_shock", "b": -10.0}) == "b = −10"
    assert event_label({"step": 3, "kind": "lr_shock", "factor": 3.0, "steps": 2}) == "lr ×3"
    assert event_label({"step": 3, "kind": "lr_shock", "value": 0.5, "steps": 1}) == "lr = 0.5"
    assert event_label({"step": 3, "kind": "weight_shock", "w1": 1.0, "w2": -2.5}) == \
        "w = (1, −2.5)"


def test_small_helpers():
    assert [pow10_label(n) for n in (0, 1, 2, -6)] == ["1", "10", "10²", "10⁻⁶"]
    assert [nice_step(v) for v in (0.3, 1, 3, 20, 41)] == [1, 1, 5, 20, 50]
    assert bin_size(100, 800) == 1 and bin_size(1600, 800) == 1
    assert bin_size(1601, 800) == 4 and bin_size(20_000, 880) == 32
    y = np.array([0.0, 0.0, 0.0, 0.0, 1.0, 1.0, np.nan, 2.0, 2.0])
    np.testing.assert_array_equal(flat_mask(y, 0.1),
                                  [1, 0, 0, 1, 1, 1, 1, 1, 1])
    r = np.array([np.nan, 1, 1, 1, np.nan, np.nan, 1, np.nan])
    np.testing.assert_array_equal(run_ends(r), [0, 1, 0, 1, 1, 0, 1, 1])


def _brute_force(window: np.ndarray, total: int, k: int):
    first = total - len(window)
    rows = np.arange(first, total)
    bins = rows // k
    xs, lo, hi = [], [], []
    for b in np.unique(bins):
        sel = window[bins == b]
        xs.append(sel[0, 0, 0])
        lo.append(np.fmin.reduce(sel, axis=0))
        hi.append(np.fmax.reduce(sel, axis=0))
    return np.array(xs), np.array(lo), np.array(hi)


@pytest.mark.parametrize("capacity", [None, 97])
def test_bin_reducer_matches_brute_force(capacity):
    rng = np.random.default_rng(1)
    hist = History(2, capacity)
    reducer = BinReducer(lambda rows: rows.copy())
    k = 2
    for t in range(600):
        row = rng.normal(size=(len(INDEX), 2))
        row[0] = t
        if t % 7 == 0:
            row[3, 1] = np.nan
        hist.append(row)
        if t in (150, 300):
            k *= 2  # exercises merging cached bins in pairs
        if t == 450:
            k = 3  # and a full reset
        window = hist.window()
        x, lo, hi = reducer.reduce(window, hist.total, k)
        bx, blo, bhi = _brute_force(window, hist.total, k)
        np.testing.assert_array_equal(x, bx)
        np.testing.assert_array_equal(lo, blo)
        np.testing.assert_array_equal(hi, bhi)


def test_markers_of_a_long_run_with_many_shocks_stay_bounded(make):
    """Shock after shock: the markers left of the view are dropped beyond MAX_MARKERS_OFF_VIEW,
    and at most MAX_MARKERS are kept, always the newest; nothing is marked twice."""
    from widgets.time_plots import MAX_MARKERS, MAX_MARKERS_OFF_VIEW

    sim = bias_shock_sim(capacity=1000)
    w = make(sim)
    for k in range(120):  # a shock every 20 steps: 50 in the 1,000-step window
        sim.run(20)
        sim.bias_shock(-1.0 - k % 7)
        w.refresh(sim)
    assert len(w.markers) <= MAX_MARKERS_OFF_VIEW + 1000 // 20 + 1
    steps = [m.event["step"] for m in w.markers]
    assert steps == [e["step"] for e in sim.events[-len(steps):]]  # the newest, in order
    x0 = w.plots["loss"].vb.viewRange()[0][0]
    assert sum(s < x0 for s in steps) <= MAX_MARKERS_OFF_VIEW
    assert all(len(markers_in(w.plots[name])) == len(w.markers) for name in PLOTS)
    for _ in range(110):  # 110 more shocks inside one window: the newest MAX_MARKERS
        sim.run(2)
        sim.bias_shock(-2.0)
        w.refresh(sim)
    assert len(w.markers) == MAX_MARKERS
    assert w.markers[-1].event == sim.events[-1]


def test_labels_of_close_shocks_sit_apart_by_their_own_lines(qtbot):
    """Two shocks 20 steps apart in a 3,000-step view: the first label goes left of its line,
    the second right of its own, so neither crosses the other's line (the second used to step a
    row down, with the first's label drawn across its line); a shock far from both stays on the
    top row, right of its line."""
    sim = Simulation(presets.get("healthy").config(), history_capacity=20_000)
    plots = TimePlots(sim)
    qtbot.addWidget(plots)
    plots.resize(900, 700)
    plots.show()
    qtbot.waitExposed(plots)
    sim.run(1000)
    sim.bias_shock(-3.0)
    sim.run(20)
    sim.bias_shock(-2.0)
    sim.run(1500)
    sim.bias_shock(-1.0)
    sim.run(500)
    plots.refresh(sim)
    assert plots.label_sides == [-1, 1, 1] and plots.label_rows == [0, 0, 0]
    assert misplaced(plots) == []
