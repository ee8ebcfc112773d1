"""Divergence: a lane whose values overflow is marked DIVERGED with the step and the cause, is
frozen there, and disturbs no other lane; nothing raises, no numpy warning is printed."""

import json
import math

import numpy as np
import pytest

from simulation import presets
from simulation.config import ConfigError, DataSpec, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation, divergence_cause
from simulation.health import State
from simulation.record import run_record, to_json
from simulation.replay import Timeline, replay

DIVERGED = int(State.DIVERGED)
INF, NAN = math.inf, math.nan
ALL_LANES = [LaneSpec(a) for a in ("relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu")]


@pytest.mark.parametrize(("values", "what", "cause"), [
    ((INF, 0.3, 0.1, NAN, 1.0, False), "w1", "w1 overflowed to +inf"),
    ((0.5, -INF, 0.1, NAN, INF, False), "w2", "w2 overflowed to -inf"),
    ((0.5, 0.3, NAN, NAN, NAN, False), "b", "b is NaN"),
    ((0.5, 0.3, 0.1, INF, 1.0, True), "alpha", "alpha overflowed to +inf"),
    ((0.5, 0.3, 0.1, NAN, NAN, True), "alpha", "alpha is NaN"),
    ((2e154, -3e154, 1.0, NAN, INF, False), "loss", "loss overflowed to inf (|w2| = 3.0e+154)"),
    ((1.0, 2.0, -4e85, -3e80, INF, True), "loss",
     "loss overflowed to inf (|b| = 4.0e+85, |alpha| = 3.0e+80)"),
    ((0.5, 0.3, 0.1, 0.0, NAN, True), "loss", "loss is NaN"),
])
def test_the_cause_names_the_first_value_that_is_not_finite(values, what, cause):
    """alpha is NaN outside PReLU by design: it is only a cause for PReLU."""
    assert divergence_cause(*values) == (what, cause)


def first(states, value):
    hits = np.flatnonzero(states == value)
    return None if len(hits) == 0 else int(hits[0])


def lr_shock_run(batch_size=None, lanes=ALL_LANES, steps=200):
    """The bias-shock preset's start, then lr = 1e6 from step 40 for 100 steps."""
    cfg = RunConfig(steps=steps, batch_size=batch_size, lanes=lanes,
                    shocks=[ShockSpec(40, "lr_shock", {"value": 1e6, "steps": 100})])
    sim = Simulation(cfg, record_batches=True)
    sim.run(steps)
    return sim


@pytest.mark.parametrize("path", ["fused", "reference", "mini-batch"])
def test_a_huge_lr_marks_the_lane_diverged_with_its_step_and_cause(path):
    lanes = ALL_LANES[:5] if path == "fused" else ALL_LANES
    sim = lr_shock_run(batch_size=16 if path == "mini-batch" else None, lanes=lanes)
    assert (sim._fused is not None) == (path == "fused")
    assert sim.t == 200  # every lane kept stepping
    states = sim.history.column("state")
    record = json.loads(to_json(run_record(sim)))
    diverged = 0
    for i, lane in enumerate(record["lanes"]):
        note = sim.divergence[i]
        assert lane["summary"]["divergence"] == note
        t = first(states[i], DIVERGED)
        if t is None:
            assert note is None
            continue
        diverged += 1
        assert t >= 40 and (states[i, t:] == DIVERGED).all()
        s = lane["steps"]
        values = [s[c][t] for c in ("w1", "w2", "b", "alpha", "loss")]
        values = [math.nan if v is None else float(v) for v in values]
        assert note == {"step": t, **dict(zip(("what", "cause"), divergence_cause(
            *values, prelu=lane["activation"] == "prelu"), strict=True))}
        assert "overflowed" in note["cause"] or "NaN" in note["cause"]
    assert diverged >= 2  # Leaky ReLU and PReLU at least


def test_every_other_lane_runs_on_unchanged():
    """The diverging lanes do not change a bit of the others' history."""
    mixed = lr_shock_run(lanes=ALL_LANES)
    diverged = [i for i, d in enumerate(mixed.divergence) if d is not None]
    calm = [i for i in range(len(ALL_LANES)) if i not in diverged]
    assert diverged and calm
    alone = lr_shock_run(lanes=[ALL_LANES[i] for i in calm])
    np.testing.assert_array_equal(alone.history.window(), mixed.history.window()[:, :, calm])


def test_a_shock_that_makes_the_lane_finite_again_clears_the_note():
    """Leaky ReLU diverges on its loss (finite weights); later shocks put every weight back: the
    lane is alive again and the note is gone; a second divergence gets a note of its own."""
    cfg = RunConfig(steps=400, shocks=[
        ShockSpec(40, "lr_shock", {"value": 1e6, "steps": 60}),
        ShockSpec(150, "weight_shock", {"w1": 0.2, "w2": 0.2}),
        ShockSpec(150, "bias_shock", {"b": 0.3}),
        ShockSpec(300, "lr_shock", {"value": 1e6, "steps": 100})])
    sim = Simulation(cfg)
    leaky = [lane.id for lane in cfg.lanes].index("leaky_relu")
    sim.run(150)
    note = sim.divergence[leaky]
    assert note is not None and note["what"] == "loss" and 40 <= note["step"] < 150
    sim.run(150)
    assert sim.divergence[leaky] is None
    assert sim.history.column("state")[leaky, 160] == int(State.ALIVE)
    sim.run(100)
    again = sim.divergence[leaky]
    assert again is not None and again["step"] >= 300
    assert first(sim.history.column("state")[leaky, 300:], DIVERGED) + 300 == again["step"]


def test_a_parameter_forced_to_infinity_or_nan():
    sim = Simulation(RunConfig(lanes=[LaneSpec("relu"), LaneSpec("prelu"), LaneSpec("elu")]))
    sim.run(5)
    sim.params.w1[0] = np.inf
    sim.params.alpha[1] = np.nan
    sim.params.b[2] = -np.inf
    assert [d and d["cause"] for d in sim.current().divergence] == [
        "w1 overflowed to +inf", "alpha is NaN", "b overflowed to -inf"]
    sim.run(3)
    assert [d["step"] for d in sim.divergence] == [5, 5, 5]
    assert [d["what"] for d in sim.divergence] == ["w1", "alpha", "b"]


def test_a_nan_loss_from_finite_parameters():
    """PReLU with alpha = 0 and z = -inf at a sample: a = 0 * -inf = NaN, every parameter finite."""
    cfg = RunConfig(lanes=[LaneSpec("prelu", {"alpha_init": 0.0, "alpha_lr": 0.0})],
                    init={"w1": -1e6, "w2": -1e6, "b": 0.0},
                    data=DataSpec(x=[[1e6, 1e6]] * 2, y=[0.0, 0.0]))
    sim = Simulation(cfg)
    sim.params.w1[...] = sim.params.w2[...] = -1.7e308  # a shock allows 1e6 at most
    sim.run(2)
    assert sim.divergence == [{"step": 0, "what": "loss", "cause": "loss is NaN"}]


def test_the_snapshot_names_a_divergence_before_its_step_is_recorded():
    """The views show sim.current(): the step about to be recorded. Its note is the one the
    recorded step gets."""
    sim = Simulation(RunConfig(steps=200, lanes=ALL_LANES[:5],
                               shocks=[ShockSpec(40, "lr_shock", {"value": 1e6, "steps": 100})]))
    seen = 0
    for _ in range(200):
        snap = sim.current()
        sim.step()
        for lane, note in enumerate(snap.divergence):
            if snap.state[lane, 0] == DIVERGED:
                seen += 1
                assert note == sim.divergence[lane]
            else:
                assert note is None
    assert seen


def test_population_notes_follow_neuron_zero():
    sim = Simulation(presets.get("lr-shock").config(), population=50)
    sim.lr_shock(value=1e6, steps=30)
    sim.run(60)
    one = Simulation(presets.get("lr-shock").config())
    one.lr_shock(value=1e6, steps=30)
    one.run(60)
    assert sim.divergence == one.divergence and any(sim.divergence)


def test_replay_and_rewind_rebuild_the_notes():
    cfg = RunConfig(steps=120)
    actions = [{"step": 30, "kind": "lr_shock", "value": 1e6, "steps": 40}]
    live = Simulation(cfg)
    live.run(30)
    live.lr_shock(value=1e6, steps=40)
    live.run(90)
    assert any(live.divergence)
    assert replay(cfg, actions, 120).divergence == live.divergence
    timeline = Timeline(cfg, actions, 120, every=25)
    assert timeline.at(120).divergence == live.divergence
    assert timeline.at(20).divergence == [None] * len(cfg.lanes)


def test_a_new_simulation_starts_clean():
    sim = lr_shock_run()
    assert any(sim.divergence)
    fresh = Simulation(sim.config)
    assert fresh.divergence == [None] * len(ALL_LANES)
    fresh.run(30)
    assert fresh.divergence == [None] * len(ALL_LANES)


@pytest.mark.parametrize("call", [
    lambda s: s.bias_shock(math.nan), lambda s: s.bias_shock(math.inf),
    lambda s: s.bias_shock("-10"), lambda s: s.bias_shock(2e6), lambda s: s.bias_shock(None),
    lambda s: s.weight_shock(math.inf, 0.0), lambda s: s.weight_shock(0.0, math.nan),
    lambda s: s.weight_shock(-1e7, 0.0), lambda s: s.weight_shock(True, 0.0),
    lambda s: s.lr_shock(value=math.inf), lambda s: s.lr_shock(factor=math.nan),
    lambda s: s.lr_shock(value=-1.0), lambda s: s.lr_shock(factor=1e7),
    lambda s: s.lr_shock(factor=2.0, value=1.0), lambda s: s.lr_shock(),
    lambda s: s.lr_shock(factor=2.0, steps=0), lambda s: s.lr_shock(factor=2.0, steps=1.5),
    lambda s: s.set_lr(-1.0), lambda s: s.set_lr(math.nan), lambda s: s.set_lr(math.inf),
    lambda s: s.set_lr("fast"), lambda s: s.set_lr(2e6), lambda s: s.set_lr(None),
], ids=lambda f: "")
def test_bad_values_are_refused_and_change_nothing(call):
    sim = Simulation(presets.get("bias-shock").config())
    sim.run(10)
    before = (sim.params.copy(), sim.lr, list(sim.events), sim.current_lr())
    with pytest.raises(ConfigError) as e:
        call(sim)
    assert 0 < len(str(e.value)) < 200
    p, lr, events, current = before
    for name in ("w1", "w2", "b", "alpha"):
        np.testing.assert_array_equal(getattr(sim.params, name), getattr(p, name))
    assert (sim.lr, sim.events, sim.current_lr()) == (lr, events, current)
    sim.run(5)  # and it goes on
    assert sim.t == 15
