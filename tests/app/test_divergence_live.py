"""A learning rate of a million in the live window: lanes diverge and say when and why, the others
run on, nothing raises (pytest-qt fails a test on any exception in a slot), no warning is
printed, no NaN or infinity reaches a plot's range, and Reset brings everything back."""

import math

import numpy as np
import pyqtgraph as pg

from app.controller import MAX_SPEED
from simulation.health import State


def plot_ranges(win):
    return {name: p.vb.viewRange() for name, p in win.plots.plots.items()}


def assert_ranges_sane(win, limit):
    for name, (xr, yr) in plot_ranges(win).items():
        for v in (*xr, *yr):
            assert math.isfinite(v) and abs(v) <= limit, (name, xr, yr)
        assert yr[1] > yr[0] and xr[1] > xr[0], name


def curves(win):
    for p in win.plots.plots.values():
        for item in p.items:
            if isinstance(item, (pg.PlotCurveItem, pg.PlotDataItem, pg.ScatterPlotItem)):
                yield item


def test_a_diverging_run_poisons_nothing_and_reset_brings_it_back(win, qtbot):
    c = win.controller
    c.set_speed(MAX_SPEED)
    c.sim.run(100)
    c.lr_shock(value=1e6, steps=200)
    c.play()
    qtbot.waitUntil(lambda: c.sim.t > 1500, timeout=20_000)
    c.pause()
    sim = c.sim
    win._on_frame(sim)

    diverged = [i for i, note in enumerate(sim.divergence) if note is not None]
    assert len(diverged) >= 2  # Leaky ReLU and PReLU
    states = sim.history.column("state")[:, -1]
    for i, card in enumerate(win.cards.cards):
        if i in diverged:
            note = sim.divergence[i]
            assert card.badge.text() == "DIVERGED"
            full = f"blew up at step {note['step']:,}: {note['cause']}"
            shown = card.recovery.lines()  # in full, or a short form with the full in its tip
            assert note["cause"].split(" (")[0] in " ".join(shown)
            assert shown[-1] == full or full in card.recovery.toolTip()
            assert 100 <= note["step"] < 300
        else:
            assert card.badge.text() == State(int(states[i])).name
    # the other lanes ran on to the end, their numbers finite
    alive = [i for i in range(len(sim.config.lanes)) if i not in diverged]
    assert np.isfinite(sim.history.column("loss")[alive]).all()

    assert_ranges_sane(win, limit=1e13)  # linear plots clip at 1e6, log plots at 10^12
    for item in curves(win):  # what is drawn: finite, or NaN for a gap
        y = item.getData()[1]
        assert y is None or not np.isinf(np.asarray(y, dtype=float)).any()
    win.grab()  # paint every view with the diverged lanes: no warning, no exception
    win.select_lane(diverged[0])
    win.grab()

    c.reset()
    assert sim is not c.sim and c.sim.divergence == [None] * len(sim.config.lanes)
    assert [card.badge.text() for card in win.cards.cards] == ["ALIVE"] * len(win.cards.cards)
    c.sim.run(200)
    win._on_frame(c.sim)
    assert_ranges_sane(win, limit=1e3)
    lo, hi = win.plots.plots["params"].vb.viewRange()[1]
    assert hi - lo < 5  # the weights' scale, not the diverged run's
    assert "blew up" not in " ".join(line for card in win.cards.cards
                                     for line in card.recovery.lines())
