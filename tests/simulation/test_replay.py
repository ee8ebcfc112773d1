"""Replay: config + actions rebuild a run bit for bit; the timeline serves any step exactly."""

import numpy as np
import pytest

from simulation import presets
from simulation.config import ConfigError, RunConfig
from simulation.engine import Simulation
from simulation.history import History
from simulation.replay import Timeline, apply_action, normalize_action, replay

ACTIONS = [{"step": 50, "kind": "set_lr", "lr": 0.1},
           {"step": 120, "kind": "bias_shock", "b": -3.0},
           {"step": 120, "kind": "lr_shock", "factor": 2.0, "steps": 3},
           {"step": 260, "kind": "weight_shock", "w1": -1.0, "w2": 2.0}]


def same(a, b):
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def live(config, actions, steps):
    """The run as the live app makes it: steps, and actions when the run stands at their step."""
    sim = Simulation(config)
    for t in range(steps + 1):
        for a in actions:
            if a["step"] == t:
                apply_action(sim, a)
        if t < steps:
            sim.step()
    return sim


@pytest.mark.parametrize("preset", ["bias-shock", "healthy", "lr-shock"])
def test_replay_is_the_live_run_bit_for_bit(preset):
    cfg = presets.get(preset).config()
    a, b = live(cfg, ACTIONS, 400), replay(cfg, ACTIONS, 400)
    assert same(a.history.window(), b.history.window())
    assert a.events == b.events and a.lr == b.lr and a.t == b.t == 400
    assert same(a.current().fb.z, b.current().fb.z)


def test_timeline_step_t_is_the_history_row_of_step_t():
    cfg = presets.get("bias-shock").config()
    full = replay(cfg, ACTIONS, 600)
    rows = full.history.window()
    tl = Timeline(cfg, ACTIONS, 600, every=100, history_capacity=1000)
    for t in (599, 0, 121, 260, 333, 600):
        sim = tl.at(t)
        assert sim.t == t
        assert same(sim.history.window(), rows[:t])
        if t < 600:  # what step t records is what the rewound simulation shows now
            snap = sim.current()
            assert same(snap.params.w1[:, 0], rows[t, 2]) and same(snap.params.b[:, 0], rows[t, 4])
            assert same(snap.fb.loss[:, 0], rows[t, 6])
            sim.step()
            assert same(sim.history.window()[-1], rows[t])


@pytest.mark.parametrize("lanes", [None, ["relu", "gelu", "silu", "prelu"]])
def test_a_branch_goes_on_exactly_as_a_replay(lanes):
    d = presets.get("bias-shock").config().to_dict()
    if lanes:
        d["lanes"] = [{"activation": a} for a in lanes]
    d["batch_size"] = 16
    cfg = RunConfig.from_dict(d)
    tl = Timeline(cfg, ACTIONS, 500, every=64)
    branch = tl.at(200)
    branch.bias_shock(-2.0)
    branch.run(150)
    expected = replay(cfg, [*tl.actions_until(200), {"step": 200, "kind": "bias_shock",
                                                     "b": -2.0}], 350)
    assert same(branch.history.window(), expected.history.window())
    assert same(branch.params.alpha, expected.params.alpha)


def test_history_from_rows_ring_and_growing():
    sim = Simulation(presets.get("healthy").config())
    sim.run(30)
    rows = np.asarray(sim.history.window())
    ring = History.from_rows(rows, capacity=10, total=30)
    assert len(ring) == 10 and ring.total == 30 and same(ring.window(), rows[-10:])
    ring.append(rows[0])
    assert same(ring.window()[-1], rows[0]) and same(ring.window()[0], rows[-9])
    grow = History.from_rows(rows)
    grow.append(rows[1])
    assert len(grow) == 31 and same(grow.window()[:30], rows)


@pytest.mark.parametrize("bad", [
    "bias_shock", {"kind": "bias_shock", "step": -1, "b": 1}, {"kind": "nope", "step": 1},
    {"kind": "set_lr", "step": 1, "lr": 1e9}, {"kind": "set_lr", "step": 1},
    {"kind": "bias_shock", "step": 1, "b": "x"}, {"kind": "bias_shock", "step": 1.5, "b": 1},
    {"kind": "lr_shock", "step": 1, "factor": 2, "value": 3},
    {"kind": "weight_shock", "step": 1, "w1": 1}, {"kind": "bias_shock", "step": 1, "evil": 1},
    {"kind": "set_lr", "step": True, "lr": 0.1}])
def test_malformed_actions_are_refused(bad):
    with pytest.raises(ConfigError):
        normalize_action(bad)
