"""CurvePoints: a frame that reuses the last frame's points gives every curve exactly the points
a fresh start gives it, through growth, jumps, shocks, a hidden lane, another gradient mode and
a sliding ring history; and the curves are given them."""

from __future__ import annotations

import numpy as np

from simulation import presets
from simulation.engine import Simulation
from widgets.plot_series import F_A, F_GRAD, F_LOSS, F_PARAM, F_ZMEAN, GRAD_MODES, PARAMS
from widgets.time_points import CurvePoints


def _check_against_fresh(w) -> list[int]:
    """Make ``w``'s CurvePoints check every frame against a fresh one fed the same bins; the
    list counts the frames that differed."""
    points = w._points
    raw, shape = points.raw, points.shape
    args: list[tuple] = []
    differed = [0]

    def spy_raw(*a):
        got = raw(*a)
        args[:] = [a, got]
        return got

    def spy_shape(s, zlo, zhi):
        got = shape(s, zlo, zhi)
        fresh = CurvePoints()
        want_raw = fresh.raw(*args[0])
        want = fresh.shape(s, zlo.copy(), zhi.copy())
        same = (np.array_equal(got.xs, want.xs) and np.array_equal(got.keep, want.keep)
                and np.array_equal(got.y, want.y, equal_nan=True)
                and np.array_equal(got.zkeep, want.zkeep)
                and all(np.array_equal(getattr(args[1], f), getattr(want_raw, f), equal_nan=True)
                        for f in ("rows", "zlo", "zhi", "bins")))
        differed[0] += not same
        return got

    points.raw, points.shape = spy_raw, spy_shape
    return differed


def _curves_hold_their_points(w) -> None:
    """Every visible lane's curves hold the points the last frame worked out, no more."""
    pts = w._points._last[3]
    shown = GRAD_MODES[w.grad_mode]
    used = [F_LOSS, *(F_GRAD[g] for g in shown), F_ZMEAN, F_A, *(F_PARAM[p] for p in PARAMS)]
    row = {f: r for r, f in enumerate(used)}
    xd = pts.xs[::len(pts.xs) // len(pts.zlo[0])]
    for lane in w.lanes:
        if not w.lane_visible(lane.id):
            continue
        li = lane.index
        items = [(lane.loss, F_LOSS), (lane.z_mean, F_ZMEAN), (lane.a, F_A),
                 *((lane.grad[g], F_GRAD[g]) for g in shown),
                 *((c, F_PARAM[p]) for p, c in lane.params.items())]
        for item, f in items:
            m = pts.keep[row[f], li]
            assert np.array_equal(item.xData, pts.xs[m])
            assert np.array_equal(item.yData, pts.y[row[f], li][m], equal_nan=True)
        for item, z in ((lane.z_lo, pts.zlo), (lane.z_hi, pts.zhi)):
            m = pts.zkeep[li]
            assert np.array_equal(item.xData, xd[m])
            assert np.array_equal(item.yData, z[li][m], equal_nan=True)


def test_reused_points_are_a_fresh_starts_points(make):
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=20_000)
    sim.run(2000)
    w = make(sim)
    differed = _check_against_fresh(w)
    frames = 0

    def frames_of(n: int, steps: int = 17) -> None:
        nonlocal frames
        for _ in range(n):
            sim.run(steps)
            w.refresh(sim)
            frames += 1
        _curves_hold_their_points(w)

    frames_of(40)
    frames_of(3, 1000)  # (jumps: the bin size doubles)
    frames_of(20)
    sim.bias_shock(-6.0)  # a new event: the bins split at it
    frames_of(40)
    lane_id = sim.config.lanes[1].id
    w.set_lane_visible(lane_id, False)
    frames_of(20)
    w.set_lane_visible(lane_id, True)
    frames_of(5)
    w.set_grad_mode("all")
    frames_of(20)
    sim.lr_shock(factor=10.0)
    frames_of(30, 3)
    assert differed[0] == 0
    assert w._points.reuses >= frames // 2, (w._points.reuses, frames)


def test_a_sliding_ring_history_is_worked_out_afresh(make):
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=3000)
    sim.run(2900)
    w = make(sim)
    differed = _check_against_fresh(w)
    reused = w._points.reuses
    for _ in range(30):
        sim.run(17)
        w.refresh(sim)
    assert len(sim.history.window()) == 3000
    _curves_hold_their_points(w)
    assert differed[0] == 0
    assert w._points.reuses - reused <= 6  # (only while the ring still had room)
