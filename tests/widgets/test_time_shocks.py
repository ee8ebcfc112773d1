"""Time plots around shocks: with bins of several steps nothing moves before the shock's step
(bins split at events, the bin before drawn at its last step), and shock labels stay inside
their plots (flipped left of the line at the right edge, no rows below the bottom)."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest

from simulation import presets
from simulation.engine import Simulation
from simulation.history import INDEX, History
from widgets.decimate import BinReducer, bin_size
from widgets.time_plots import PLOTS

SHOCK = 300  # the bias-shock preset's b = -10


def shocked(steps: int) -> Simulation:
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=20_000)
    sim.run(steps)
    return sim


def inside(label: pg.TextItem, vb: pg.ViewBox) -> bool:
    r, box = label.sceneBoundingRect(), vb.sceneBoundingRect()
    return (label.isVisible() and r.width() > 0 and box.left() - 0.5 <= r.left()
            and r.right() <= box.right() + 0.5 and box.top() - 0.5 <= r.top()
            and r.bottom() <= box.bottom() + 0.5)


# --- A: nothing drawn before the shock ------------------------------------------------------------
@pytest.mark.parametrize("steps", [3000, 6000, 12_000])
def test_no_vertex_before_the_shock_shows_its_effect(make, steps):
    """Every vertex left of the marker is a value of the steps before the shock (near its x),
    and the line leaves the old level at step 299, not a bin or more earlier."""
    sim = shocked(steps)
    w = make(sim)
    h = sim.history.window()
    k = bin_size(len(h), w._pixels())
    assert k >= 4  # bins of several steps
    relu = next(lane for lane in w.lanes if lane.id == "relu")
    with np.errstate(divide="ignore"):
        loss = np.log10(h[:, INDEX["loss"], relu.index])
    series = {"z_mean": (relu.z_mean, h[:, INDEX["z_mean"], relu.index]),
              "z_lo": (relu.z_lo, h[:, INDEX["z_min"], relu.index]),
              "z_hi": (relu.z_hi, h[:, INDEX["z_max"], relu.index]),
              "loss": (relu.loss, loss)}
    steps_col = h[:, INDEX["step"], 0]
    lo_clip = w._yrange["loss"][0]
    for name, (curve, values) in series.items():
        x, y = curve.getData()
        before = x < SHOCK
        assert before.any() and (~before).any()
        for xv, yv in zip(x[before], y[before], strict=True):
            near = values[(steps_col >= xv - k) & (steps_col <= xv + k) & (steps_col < SHOCK)]
            lo, hi = near.min(), near.max()
            if name == "loss":
                lo, hi = max(lo, lo_clip), max(hi, lo_clip)
            assert lo - 1e-9 <= yv <= hi + 1e-9, (name, xv, yv, lo, hi)
        assert x[before][-1] == SHOCK - 1, name  # the drop is drawn from 299 to 300
        assert x[~before][0] == SHOCK, name
        post = values[steps_col == SHOCK][0]
        assert abs(y[~before][0] - post) < abs(y[before][-1] - post), name


def _brute(window: np.ndarray, total: int, k: int, events: list[int]):
    """Bins of k absolute rows, split at the event steps; x_draw: last step before an event."""
    first = total - len(window)
    bins = np.arange(first, total) // k
    steps = window[:, 0, 0]
    for e in events:
        bins = bins * 2 + (steps >= e)  # a new bin from each event step on
    xs, xd, lo, hi = [], [], [], []
    for b in np.unique(bins):
        sel = bins == b
        xs.append(steps[sel][0])
        xd.append(steps[sel][-1] if steps[sel][-1] + 1 in events else steps[sel][0])
        lo.append(np.fmin.reduce(window[sel], axis=0))
        hi.append(np.fmax.reduce(window[sel], axis=0))
    return np.array(xs), np.array(xd), np.array(lo), np.array(hi)


@pytest.mark.parametrize("capacity", [None, 97])
def test_cut_matches_brute_force(capacity):
    """Frame after frame (bins growing, merging, the ring sliding): the bins split at events
    (two in one bin, one on a bin edge, one at the window's first step) equal a brute force."""
    rng = np.random.default_rng(3)
    hist = History(2, capacity)
    reducer = BinReducer(lambda rows: rows.copy())
    events = [37, 64, 101, 103, 256, 300, 451]
    k = 2
    for t in range(600):
        row = rng.normal(size=(len(INDEX), 2))
        row[0] = t
        hist.append(row)
        if t in (150, 300):
            k *= 2
        if t == 450:
            k = 3
        window = hist.window()
        x, lo, hi = reducer.reduce(window, hist.total, k)
        x, xd, lo, hi = reducer.cut(window, x, lo, hi, [e for e in events if e <= t + 5])
        seen = [e for e in events if window[0, 0, 0] < e <= t]
        bx, bxd, blo, bhi = _brute(window, hist.total, k, seen)
        np.testing.assert_array_equal(x, bx)
        np.testing.assert_array_equal(xd, bxd)
        np.testing.assert_array_equal(lo, blo)
        np.testing.assert_array_equal(hi, bhi)


# --- B: shock labels inside their plots -----------------------------------------------------------
@pytest.mark.parametrize("kind", ["bias", "lr", "weight"])
def test_label_of_a_shock_at_the_newest_step_is_inside_the_plot(make, qtbot, kind):
    """Paused, a shock at the newest step: its marker is at the right edge, so its label is
    flipped left of the line, wholly inside every plot."""
    sim = shocked(2000)
    w = make(sim)
    {"bias": lambda: sim.bias_shock(-5.0), "lr": lambda: sim.lr_shock(factor=3.0, steps=2),
     "weight": lambda: sim.weight_shock(-2.0, -2.0)}[kind]()
    w.refresh(sim)
    qtbot.wait(10)
    assert w.label_sides == [1, -1]  # the step-300 label stays right of its line
    for name in PLOTS:
        for marker in w.markers:
            assert inside(marker.labels[name], w.plots[name].vb), (name, marker.event)


def test_labels_of_three_shocks_at_one_step_stay_inside_short_plots(make, qtbot):
    """Three shocks at one step in plots too short for three rows of labels: no label below a
    plot's bottom edge (the rows the plots hold, then the left of the line)."""
    sim = shocked(2000)
    sim.weight_shock(-2.0, -2.0)
    sim.bias_shock(-10.0)
    sim.lr_shock(factor=3.0, steps=2)
    sim.run(1200)
    w = make(sim, size=(900, 420))
    qtbot.wait(10)
    height = min(w.plots[name].vb.height() for name in PLOTS)
    label_h = w.markers[0].labels["z"].textItem.boundingRect().height()
    assert height < (1.02 + 2 * 1.05) * label_h  # three rows do not fit
    for marker in w.markers:  # plots this short: the labels on the top plot only
        assert inside(marker.labels[PLOTS[0]], w.plots[PLOTS[0]].vb), marker.event
        assert not any(marker.labels[name].isVisible() for name in PLOTS[1:])
        assert all(marker.lines[name].isVisible() for name in PLOTS)


@pytest.mark.parametrize("size", [(1100, 800), (620, 540)])
def test_shock_labels_sit_above_the_log_plots_top_decade(make, qtbot, size):
    """The log plots keep room above their top decade for the shock markers' labels, so a
    label never hides the values there (the loss at ~1 right after the shock: in a 1280x720
    window, whose time plots are ~620x540, the label covered its plateau); no decade is ticked
    in that room. (In plots so short that the room would take over LABEL_ROOM_MAX of them, the
    labels may overlap the top decade again.)"""
    sim = shocked(2000)
    sim.lr_shock(factor=3.0, steps=2)
    sim.run(10)
    w = make(sim, size=size)
    qtbot.wait(10)
    checked = 0
    for name in ("loss", "grad"):
        vb = w.plots[name].vb
        hi = w._decades[name][1]
        top_decade = vb.mapViewToScene(pg.Point(0.0, float(hi))).y()
        labels = [m.labels[name] for m in w.markers if m.labels[name].isVisible()]
        for label in labels:  # (the text's bottom: its box's less the document margin)
            bottom = label.sceneBoundingRect().bottom() - label.textItem.document().documentMargin()
            assert bottom <= top_decade, (name, size)
        checked += len(labels)
        axis = w.plots[name].getAxis("left")
        y0, y1 = w._yrange[name]
        ticks = [v for _, values in axis.tickValues(y0, y1, vb.height()) for v in values]
        assert max(ticks) <= hi
    assert checked >= 2  # (both markers' labels on the top plot at least)
