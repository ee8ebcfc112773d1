"""The simulation: seed numbers, presets, shocks, batches, history, health, recomputation."""

import json
import math
from functools import cache

import numpy as np
import pytest

from simulation import presets
from simulation.config import DataSpec, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation
from simulation.health import SATURATION_THRESHOLD, STATE_NAMES, State, classify
from simulation.history import COLUMNS, History
from simulation.neuron import Network, Params
from simulation.record import run_record, to_json

PRESET_IDS = list(presets.PRESETS)
ALIVE, RECOVERING, SATURATED, DEAD, DIVERGED = (int(s) for s in State)


@cache
def preset_run(pid):
    """The preset run to its full length (cached: tests only read it)."""
    cfg = presets.get(pid).config()
    sim = Simulation(cfg)
    sim.run(cfg.steps)
    return sim


def lane_index(sim, lane_id):
    return [lane.id for lane in sim.config.lanes].index(lane_id)


def col(sim, name, lane_id):
    return sim.history.column(name)[lane_index(sim, lane_id)]


def first_step(states, value, start=0):
    """First step >= start with that state, or None."""
    hits = np.flatnonzero(states[start:] == value)
    return None if len(hits) == 0 else start + int(hits[0])


# --- the seed's numbers ---------------------------------------------------------------------------
def test_seed_arithmetic_one_step():
    """dL/dw1 = 10 at step 0, w1 = 0.5 - 0.5 * 10 = -4.5 and z = -14.1 at step 1, ReLU dead."""
    sim = preset_run("seed-arithmetic")
    assert col(sim, "grad_w1", "relu")[0] == 10.0
    assert col(sim, "w1", "relu")[0] == 0.5
    assert col(sim, "w1", "relu")[1] == -4.5
    assert col(sim, "z_min", "relu")[1] == pytest.approx(-14.1, abs=1e-12)
    assert col(sim, "z_max", "relu")[1] == pytest.approx(-14.1, abs=1e-12)
    states = col(sim, "state", "relu")
    assert states[0] == ALIVE
    assert (states[1:] == DEAD).all()


def test_bias_shock_gives_minus_nine_point_two_at_one_one():
    """Right after b = -10 at step 300: z(1, 1) = w1 + w2 + b = 0.5 + 0.3 - 10 = -9.2 for ReLU."""
    sim = preset_run("bias-shock")
    w1, w2, b = (col(sim, c, "relu")[300] for c in ("w1", "w2", "b"))
    assert b == -10.0
    assert w1 + w2 + b == pytest.approx(-9.2, abs=1e-3)
    assert col(sim, "b", "relu")[299] != -10.0


def test_dead_relu_is_frozen_for_a_thousand_steps():
    """After b = -10, ReLU's gradients are exactly 0.0 and its parameters never change."""
    cfg = RunConfig(steps=1100, lanes=[LaneSpec("relu"), LaneSpec("leaky_relu")],
                    shocks=[ShockSpec(100, "bias_shock", {"b": -10.0})])
    sim = Simulation(cfg)
    sim.run(cfg.steps)
    for g in ("grad_w1", "grad_w2", "grad_b"):
        assert (col(sim, g, "relu")[100:] == 0.0).all()
        assert len(col(sim, g, "relu")[100:]) == 1000
    for p in ("w1", "w2", "b"):
        values = col(sim, p, "relu")[100:]
        assert (values == values[0]).all()
    assert sim.params.b[0, 0] == -10.0
    assert (col(sim, "state", "relu")[100:] == DEAD).all()
    assert col(sim, "b", "leaky_relu")[-1] != -10.0  # the leaky lane beside it does move


# --- every preset ends as its description says ---------------------------------------------------
def assert_frozen_from_death(sim, lane_id):
    states = col(sim, "state", lane_id)
    died = first_step(states, DEAD)
    assert died is not None and (states[died:] == DEAD).all()
    for p in ("w1", "w2", "b"):
        values = col(sim, p, lane_id)[died:]
        assert (values == values[0]).all(), p
    return died


def test_preset_healthy():
    """Every lane alive at every step, and every lane fits the teacher."""
    sim = preset_run("healthy")
    assert (sim.history.column("state") == ALIVE).all()
    assert (sim.history.column("loss")[:, -1] < 1e-20).all()
    assert not sim.events


def test_preset_bias_shock():
    """ReLU dead for good; Leaky back (~1,400 steps); ELU/SELU stuck; PReLU's slope negative."""
    sim = preset_run("bias-shock")
    assert assert_frozen_from_death(sim, "relu") == 300
    last = {lane.id: int(sim.history.column("state")[i, -1])
            for i, lane in enumerate(sim.config.lanes)}
    assert last["relu"] == DEAD
    assert last["leaky_relu"] == ALIVE
    assert last["elu"] == SATURATED and last["selu"] == SATURATED
    for lane_id in ("elu", "selu"):  # stuck from the shock to the end
        assert (col(sim, "state", lane_id)[300:] == SATURATED).all()
    assert col(sim, "alpha", "prelu")[-1] < 0
    leaky = sim.recoveries[lane_index(sim, "leaky_relu")].steps
    assert 1200 <= leaky <= 1600
    # the slope of ELU at the end is about e^-9 ~ 1e-4
    fb = sim.current().fb
    assert fb.da_dz[lane_index(sim, "elu"), 0].max() < 1e-3


def test_preset_bias_shock_past_its_length():
    """The live run goes on after step 3,000: SELU comes back ~3,800 steps after the shock and
    ELU ~9,700 after it (the preset's description says so); ReLU never does."""
    cfg = presets.get("bias-shock").config()
    sim = Simulation(cfg, history_capacity=100)
    sim.run(10_500)
    back = {lane.id: sim.recoveries[i].steps for i, lane in enumerate(cfg.lanes)}
    assert back["relu"] is None
    assert 3_500 <= back["selu"] <= 4_100
    assert 9_200 <= back["elu"] <= 10_200
    desc = presets.get("bias-shock").description
    assert "~9,700 and ~3,800 steps" in desc and "step 3,000" in desc


def test_preset_lr_shock():
    """lr x 3 on steps 0 and 1: ReLU dies at step 2 (every z < 0); the others come back."""
    sim = preset_run("lr-shock")
    lr = col(sim, "lr", "relu")
    assert lr[0] == lr[1] == 0.3 * 3.0 and (lr[2:] == 0.3).all()
    assert assert_frozen_from_death(sim, "relu") == 2
    assert col(sim, "z_max", "relu")[2] < 0
    for lane_id in ("leaky_relu", "prelu", "elu", "selu"):
        assert col(sim, "state", lane_id)[-1] == ALIVE, lane_id


def test_preset_mild_bias_shock():
    """ReLU dies; ELU/SELU back within a few steps, PReLU ~10, Leaky ~200; all alive at the end."""
    sim = preset_run("mild-bias-shock")
    assert assert_frozen_from_death(sim, "relu") == 300
    for lane_id in ("leaky_relu", "prelu", "elu", "selu"):
        assert col(sim, "state", lane_id)[-1] == ALIVE, lane_id
    steps = {lane.id: rec.steps for lane, rec in zip(sim.config.lanes, sim.recoveries, strict=True)}
    assert steps["relu"] is None
    assert steps["elu"] <= 5 and steps["selu"] <= 5
    assert steps["prelu"] <= 15
    assert 150 <= steps["leaky_relu"] <= 250


# --- recovery bookkeeping -------------------------------------------------------------------------
@pytest.mark.parametrize("pid", [p for p in PRESET_IDS if presets.get(p).config().shocks])
def test_recoveries_match_the_state_column(pid):
    """left_alive_at, recovered_at and steps follow from the history's state column."""
    sim = preset_run(pid)
    shock = sim.events[-1]["step"]
    for i, rec in enumerate(sim.recoveries):
        states = sim.history.column("state")[i]
        left = first_step(states != ALIVE, True, shock)
        back = None if left is None else first_step(states, ALIVE, left)
        assert rec.shock_step == shock
        assert rec.left_alive_at == left
        assert rec.recovered_at == back
        expected = 0 if left is None else None if back is None else back - shock
        assert rec.steps == expected


def test_recoveries_are_none_without_a_shock():
    assert preset_run("healthy").recoveries == [None] * 5


def test_recovery_of_a_lane_never_knocked_out_is_zero():
    """A shock that leaves a lane alive: steps == 0."""
    sim = Simulation(RunConfig(steps=50))
    sim.run(20)
    sim.lr_shock(factor=1.0, steps=3)
    sim.run(30)
    assert all(rec.steps == 0 and rec.left_alive_at is None for rec in sim.recoveries)


# --- determinism ----------------------------------------------------------------------------------
def batched_config(seed=11, **kw):
    return RunConfig(seed=seed, steps=60, init="random", batch_size=8,
                     data=DataSpec(n=32, noise=0.05), **kw)


def test_same_seed_same_history():
    """Two runs of the same config: identical data, histories and batches."""
    a, b = (Simulation(batched_config(), record_batches=True) for _ in range(2))
    a.run(60)
    b.run(60)
    np.testing.assert_array_equal(a.data.x, b.data.x)
    np.testing.assert_array_equal(a.history.window(), b.history.window())
    assert a.batches == b.batches


def test_different_seed_different_data():
    a, b = Simulation(batched_config(seed=1)), Simulation(batched_config(seed=2))
    assert not np.array_equal(a.data.x, b.data.x)
    assert not np.array_equal(a.data.y, b.data.y)


# --- shocks ---------------------------------------------------------------------------------------
def test_bias_shock_sets_every_lane_and_is_an_event():
    sim = Simulation(RunConfig(steps=100))
    sim.run(40)
    sim.bias_shock(-3.5)
    assert sim.events == [{"step": 40, "kind": "bias_shock", "b": -3.5}]
    sim.run(5)
    assert (sim.history.column("b")[:, 40] == -3.5).all()
    assert (sim.history.column("b")[:, 39] != -3.5).all()


def test_weight_shock_sets_every_lane_and_is_an_event():
    sim = Simulation(RunConfig(steps=100))
    sim.run(10)
    sim.weight_shock(2.0, -1.5)
    sim.run(1)
    assert sim.events == [{"step": 10, "kind": "weight_shock", "w1": 2.0, "w2": -1.5}]
    assert (sim.history.column("w1")[:, 10] == 2.0).all()
    assert (sim.history.column("w2")[:, 10] == -1.5).all()


@pytest.mark.parametrize(("k", "n"), [(3.0, 5), (0.1, 1), (7.0, 12)])
def test_lr_shock_factor_for_n_steps(k, n):
    """lr = base * k exactly for n steps from the shock, then base again."""
    base = 0.3
    sim = Simulation(RunConfig(steps=100, lr=base))
    sim.run(10)
    sim.lr_shock(factor=k, steps=n)
    sim.run(n + 10)
    lr = sim.history.column("lr")
    assert (lr[:, :10] == base).all()
    assert (lr[:, 10 : 10 + n] == base * k).all()
    assert (lr[:, 10 + n :] == base).all()
    assert sim.events == [{"step": 10, "kind": "lr_shock", "factor": k, "steps": n}]


def test_lr_shock_value_variant():
    sim = Simulation(RunConfig(steps=100, lr=0.3))
    sim.run(3)
    sim.lr_shock(value=0.05, steps=4)
    sim.run(10)
    lr = sim.history.column("lr")[0]
    assert list(lr) == [0.3] * 3 + [0.05] * 4 + [0.3] * 6
    assert sim.events[0]["value"] == 0.05 and "factor" not in sim.events[0]


def test_scheduled_shocks_are_applied_at_their_step():
    cfg = RunConfig(steps=30, shocks=[ShockSpec(20, "weight_shock", {"w1": 1.0, "w2": 2.0}),
                                      ShockSpec(5, "lr_shock", {"value": 0.1, "steps": 2})])
    sim = Simulation(cfg)
    sim.run(cfg.steps)
    assert [e["step"] for e in sim.events] == [5, 20]
    assert (sim.history.column("w1")[:, 20] == 1.0).all()
    assert list(sim.history.column("lr")[0, 4:8]) == [0.3, 0.1, 0.1, 0.3]


# --- mini-batches ---------------------------------------------------------------------------------
def flatten(batches):
    return [i for batch in batches for i in batch]


def run_batches(n, size, steps, seed=7):
    cfg = RunConfig(seed=seed, steps=steps, batch_size=size, data=DataSpec(n=n))
    sim = Simulation(cfg, record_batches=True)
    sim.run(steps)
    return sim.batches


def test_batches_are_recorded_one_per_step():
    batches = run_batches(64, 16, 40)
    assert len(batches) == 40 and all(len(b) == 16 for b in batches)


def test_no_batches_recorded_for_full_batch_runs():
    sim = Simulation(RunConfig(steps=5), record_batches=True)
    sim.run(5)
    assert sim.batches == []


@pytest.mark.parametrize(("n", "size"), [(64, 16), (64, 8), (30, 5)])
def test_each_epoch_is_a_permutation(n, size):
    """Batch size dividing n: the batches of each epoch cover every index exactly once."""
    batches = run_batches(n, size, 6 * n // size)
    per_epoch = n // size
    epochs = [flatten(batches[e * per_epoch : (e + 1) * per_epoch]) for e in range(6)]
    for epoch in epochs:
        assert sorted(epoch) == list(range(n))
    assert epochs[0] != epochs[1]  # reshuffled each epoch


@pytest.mark.parametrize(("n", "size"), [(10, 4), (10, 3), (33, 6)])
def test_short_last_batch_when_size_does_not_divide_n(n, size):
    """Each epoch is ceil(n / size) batches, all full but the last, covering every index once."""
    per_epoch = math.ceil(n / size)
    batches = run_batches(n, size, 3 * per_epoch)
    for e in range(3):
        epoch = batches[e * per_epoch : (e + 1) * per_epoch]
        assert [len(b) for b in epoch] == [size] * (per_epoch - 1) + [n - size * (per_epoch - 1)]
        assert sorted(flatten(epoch)) == list(range(n))


def test_epochs_are_permutations_when_size_does_not_divide_n():
    """n = 10, batch 4: every run of 10 consecutive draws is a permutation; no batch repeats."""
    batches = run_batches(10, 4, 40)
    assert all(len(set(b)) == len(b) for b in batches)
    flat = flatten(batches)
    for e in range(len(flat) // 10):
        assert sorted(flat[10 * e : 10 * (e + 1)]) == list(range(10))


def test_same_seed_same_batches_different_seed_different_batches():
    assert run_batches(64, 16, 20) == run_batches(64, 16, 20)
    assert run_batches(64, 16, 20) != run_batches(64, 16, 20, seed=8)


# --- history --------------------------------------------------------------------------------------
def rows(start, stop, n_lanes=2):
    """Rows whose every value is the row number."""
    for t in range(start, stop):
        yield np.full((len(COLUMNS), n_lanes), float(t))


@pytest.mark.parametrize("capacity", [1, 7, 100])
def test_ring_keeps_the_newest_rows_oldest_first(capacity):
    h = History(2, capacity)
    for t, row in enumerate(rows(0, 10 * capacity + 3)):
        h.append(row)
        expected = np.arange(max(0, t + 1 - capacity), t + 1, dtype=float)
        np.testing.assert_array_equal(h.column("loss")[1], expected)
    assert len(h) == capacity and h.total == 10 * capacity + 3
    assert h.column("step").shape == (2, capacity)
    assert (h.last() == 10 * capacity + 2).all()


def test_ring_memory_does_not_grow():
    """After 10 x capacity appends the ring still holds its one buffer of 2 x capacity rows."""
    h = History(3, 50)
    h.append(next(rows(0, 1, 3)))
    buf, nbytes = h._buf, h._buf.nbytes
    for row in rows(1, 500, 3):
        h.append(row)
    assert h._buf is buf and h._buf.nbytes == nbytes
    assert len(h) == 50


def test_growing_history_keeps_every_row():
    h = History(1, None)
    for row in rows(0, 3000, 1):
        h.append(row)
    np.testing.assert_array_equal(h.column("step")[0], np.arange(3000.0))


def test_window_is_read_only():
    h = History(1, 4)
    for row in rows(0, 6, 1):
        h.append(row)
    with pytest.raises(ValueError):
        h.window()[0, 0, 0] = 1.0


# --- health ---------------------------------------------------------------------------------------
X = np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0], [0.3, 0.7]])
Y = 0.5 * X[:, 0] + 0.3 * X[:, 1] + 0.1


def classify_one(activation, w1, w2, b, alpha=0.25, params=None):
    """The state of one neuron with these parameters on the five points X."""
    lane = LaneSpec(activation, params or {})
    net = Network([lane])
    p = Params(*(np.array([[v]], dtype=float) for v in (w1, w2, b, alpha)))
    if not net.prelu[0]:
        p.alpha[...] = np.nan
    with np.errstate(all="ignore"):  # as the engine calls them
        fb = net.run(p, X, Y)
        state = classify(p, fb)
    return State(state[0, 0]), fb


@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "prelu", "elu", "selu", "gelu",
                                        "silu"])
def test_alive_when_some_z_is_positive(activation):
    state, fb = classify_one(activation, 1.0, -2.0, -0.5)  # z > 0 only at x = (1, 0)
    assert (fb.z > 0).sum() == 1
    assert state == State.ALIVE


@pytest.mark.parametrize(("activation", "b"), [("leaky_relu", -3.0), ("prelu", -3.0),
                                               ("elu", -1.5), ("selu", -1.5), ("gelu", -1.0)])
def test_recovering_when_every_z_is_negative_but_gradient_flows(activation, b):
    state, fb = classify_one(activation, 0.5, 0.3, b)
    assert (fb.z <= 0).all() and (np.abs(fb.da_dz) >= SATURATION_THRESHOLD).any()
    assert state == State.RECOVERING


@pytest.mark.parametrize("activation", ["elu", "selu"])
def test_saturated_at_minus_nine(activation):
    """ELU/SELU at z ~ -9: slope ~ 1e-4, every |da/dz| < 1e-3."""
    state, fb = classify_one(activation, 0.0, 0.0, -9.0)
    assert (np.abs(fb.da_dz) < SATURATION_THRESHOLD).all() and (fb.da_dz > 0).all()
    assert state == State.SATURATED


def test_prelu_with_zero_slope_is_saturated_not_dead():
    """alpha = 0 and every z < 0: da/dz = 0, but alpha itself still has a gradient."""
    state, fb = classify_one("prelu", 0.5, 0.3, -3.0, alpha=0.0)
    assert (fb.da_dz == 0).all() and fb.grad_alpha[0, 0] != 0
    assert state == State.SATURATED


@pytest.mark.parametrize("b", [-10.0, -0.8, 0.0])
def test_relu_dead_when_every_z_is_non_positive(b):
    """b = 0 with zero weights: z == 0 everywhere, ReLU'(0) = 0: dead too."""
    w = 0.0 if b == 0.0 else 0.5
    state, fb = classify_one("relu", w, w * 0.6, b)
    assert (fb.z <= 0).all()
    assert state == State.DEAD


@pytest.mark.parametrize("bad", [np.inf, -np.inf, np.nan])
@pytest.mark.parametrize("which", ["w1", "w2", "b"])
@pytest.mark.parametrize("activation", ["relu", "leaky_relu", "prelu", "elu"])
def test_diverged_when_a_parameter_is_not_finite(activation, which, bad):
    values = {"w1": 0.5, "w2": 0.3, "b": 0.1, which: bad}
    state, _ = classify_one(activation, **values)
    assert state == State.DIVERGED


@pytest.mark.parametrize("bad", [np.inf, np.nan])
def test_diverged_when_prelu_alpha_is_not_finite(bad):
    state, fb = classify_one("prelu", 0.5, 0.3, 0.1, alpha=bad)
    assert (fb.z > 0).all()
    assert state == State.DIVERGED


def test_huge_but_finite_parameters_are_not_diverged():
    """w1 = w2 = 1e308, b = -1e308 at x = (0.5, 0.5): every parameter, z and the loss are finite."""
    net = Network([LaneSpec("relu")])
    p = Params(*(np.array([[v]]) for v in (1e308, 1e308, -1e308, np.nan)))
    x, y = np.array([[0.5, 0.5]]), np.array([0.0])
    with np.errstate(all="ignore"):
        fb = net.run(p, x, y)
        state = State(classify(p, fb)[0, 0])
    assert np.isfinite(fb.z).all() and np.isfinite(fb.loss).all()
    assert state == State.DEAD


def test_lr_shock_of_a_million_diverges_without_warnings():
    """lr = 1e6: lanes diverge (and freeze there), a dead ReLU lane keeps stepping, no warnings."""
    cfg = RunConfig(steps=200, shocks=[ShockSpec(30, "bias_shock", {"b": -10.0}),
                                       ShockSpec(40, "lr_shock", {"value": 1e6, "steps": 100})])
    sim = Simulation(cfg)
    sim.run(cfg.steps)  # filterwarnings = error: any numpy warning fails here
    states = sim.history.column("state")
    assert (states[lane_index(sim, "relu"), 30:] == DEAD).all()
    assert (col(sim, "grad_b", "relu")[30:] == 0.0).all()
    assert len(sim.history) == 200
    diverged = [lane.id for i, lane in enumerate(cfg.lanes) if states[i, -1] == DIVERGED]
    assert "leaky_relu" in diverged
    for lane_id in diverged:
        s = col(sim, "state", lane_id)
        t = first_step(s, DIVERGED)
        assert (s[t:] == DIVERGED).all()
        for p in ("w1", "w2", "b"):
            values = col(sim, p, lane_id)[t:]
            assert (values == values[0]).all()
        loss = col(sim, "loss", lane_id)
        assert not np.isfinite(loss[t:]).all()
    record = json.loads(to_json(run_record(sim)))  # and the record still serializes
    assert record["lanes"][lane_index(sim, "leaky_relu")]["steps"]["state"][-1] == "diverged"


def test_a_diverged_lane_does_not_disturb_the_others():
    """A wild lane (negative slope 100) diverges; the other lanes' histories are unchanged."""
    base = [LaneSpec("relu"), LaneSpec("leaky_relu"), LaneSpec("elu"), LaneSpec("selu")]
    wild = LaneSpec("leaky_relu", {"negative_slope": 100.0}, id="wild")
    shocks = [ShockSpec(50, "bias_shock", {"b": -2.0})]
    alone = Simulation(RunConfig(steps=600, lanes=base, shocks=shocks))
    alone.run(600)
    mixed = Simulation(RunConfig(steps=600, lanes=[*base[:2], wild, *base[2:]],
                                 shocks=shocks))
    mixed.run(600)
    assert col(mixed, "state", "wild")[-1] == DIVERGED
    others = mixed.history.window()[:, :, [0, 1, 3, 4]]
    np.testing.assert_array_equal(alone.history.window(), others)
    assert (mixed.history.column("state")[[1, 3, 4], -1] == ALIVE).all()


# --- recomputation from the record alone ----------------------------------------------------------
def own_activation(name, params, z, alpha):
    """f(z), f'(z) written out here (not imported), for z of shape (T, N) and alpha (T,)."""
    neg = z < 0
    if name == "relu":
        return np.maximum(z, 0.0), (z > 0) * 1.0
    if name in ("leaky_relu", "prelu"):
        s = params["negative_slope"] if name == "leaky_relu" else alpha[:, None]
        return np.where(neg, s * z, z), np.where(neg, s * np.ones_like(z), 1.0)
    if name in ("elu", "selu"):
        scale = params.get("scale", 1.0)
        e = np.exp(np.minimum(z, 0.0))
        return scale * np.where(neg, params["alpha"] * (e - 1.0), z), \
            scale * np.where(neg, params["alpha"] * e, 1.0)
    if name == "gelu":
        c = math.sqrt(2.0 / math.pi)
        zc = np.clip(z, -20.0, 20.0)
        t = np.tanh(c * (zc + 0.044715 * zc**3))
        d = 0.5 * (1.0 + t) + 0.5 * z * (1 - t * t) * c * (1 + 0.134145 * zc**2)
        return 0.5 * z * (1.0 + t), d
    if name == "silu":
        s = 1.0 / (1.0 + np.exp(-np.clip(z, -700.0, 700.0)))
        return z * s, s * (1.0 + z * (1.0 - s))
    raise AssertionError(name)


def as_float(values):
    return np.array([np.nan if v is None else float(v) for v in values])


def recompute(lane, x, y, batches):
    """Loss, gradients, z range, active fraction and state of every step, from the parameters."""
    s = lane["steps"]
    w1, w2, b, alpha = (as_float(s[c]) for c in ("w1", "w2", "b", "alpha"))
    prelu = lane["activation"] == "prelu"
    z = w1[:, None] * x[:, 0] + w2[:, None] * x[:, 1] + b[:, None]  # (T, N)
    a, d = own_activation(lane["activation"], lane["activation_params"], z, alpha)
    err = a - y
    n = len(y)
    out = {"loss": np.sum(err * err, axis=1) / n, "z_min": z.min(1), "z_max": z.max(1),
           "z_mean": np.sum(z, axis=1) / n, "a_mean": np.sum(a, axis=1) / n,
           "active_fraction": np.sum(z > 0, axis=1) / n}
    # gradients on the batch of each step: a weight per sample (its count in the batch)
    weight = np.ones_like(z)
    if batches is not None:
        weight = np.zeros_like(z)
        for t, idx in enumerate(batches):
            np.add.at(weight[t], idx, 1.0)
    m = weight.sum(1)
    dz = 2.0 * err * d * weight / m[:, None]
    out["grad_w1"], out["grad_w2"], out["grad_b"] = (dz @ x[:, 0], dz @ x[:, 1], dz.sum(1))
    if prelu:
        out["grad_alpha"] = (2.0 * err * np.minimum(z, 0.0) * weight / m[:, None]).sum(1)
        full_grad_alpha = (2.0 * err * np.minimum(z, 0.0) / n).sum(1)
    else:
        out["grad_alpha"] = np.full(len(w1), np.nan)
    finite = np.isfinite(w1) & np.isfinite(w2) & np.isfinite(b) & np.isfinite(out["loss"]) \
        & np.isfinite(z).all(1)
    dead = (d == 0).all(1) & ((full_grad_alpha == 0) if prelu else True)
    state = np.where((z > 0).any(1), ALIVE, RECOVERING)
    state = np.where((np.abs(d) < 1e-3).all(1), SATURATED, state)
    state = np.where(dead, DEAD, state)
    out["state"] = np.where(finite, state, DIVERGED)
    return out


def mixed_config():
    """Random init, noise, mini-batches, every kind of shock, and GELU/SiLU lanes."""
    lanes = [LaneSpec(n) for n in ("relu", "leaky_relu", "prelu", "elu", "selu", "gelu", "silu")]
    shocks = [ShockSpec(40, "weight_shock", {"w1": -1.0, "w2": 0.5}),
              ShockSpec(80, "bias_shock", {"b": -1.5}),
              ShockSpec(100, "lr_shock", {"factor": 2.0, "steps": 10})]
    return RunConfig(seed=5, steps=300, init="random", batch_size=10, lanes=lanes, shocks=shocks,
                     data=DataSpec(n=48, noise=0.1))


RECOMPUTE_CASES = [*(pytest.param(pid, id=pid) for pid in PRESET_IDS),
                   pytest.param(None, id="mixed")]


@pytest.mark.parametrize("pid", RECOMPUTE_CASES)
def test_every_step_recomputes_from_the_record(pid):
    """Loss, gradients, z range, active fraction and state from the dataset and parameters alone;
    params at t + 1 = params at t - lr_t * grad_t (frozen once diverged), except where shocked."""
    if pid is None:
        sim = Simulation(mixed_config(), record_batches=True)
        sim.run(sim.config.steps)
    else:
        sim = preset_run(pid)
    record = json.loads(to_json(run_record(sim)))
    x, y = np.array(record["dataset"]["x"]), np.array(record["dataset"]["y"])
    shocked = {e["step"]: e for e in record["events"] if e["kind"] != "lr_shock"}
    for lane in record["lanes"]:
        s = lane["steps"]
        with np.errstate(all="ignore"):
            mine = recompute(lane, x, y, s.get("batch"))
        for c in ("loss", "grad_w1", "grad_w2", "grad_b", "grad_alpha", "z_min", "z_max",
                  "z_mean", "a_mean", "active_fraction"):
            np.testing.assert_allclose(as_float(s[c]), mine[c], rtol=1e-9, atol=1e-12,
                                       err_msg=f"{lane['id']}: {c}")
        states = np.array([STATE_NAMES.index(v) for v in s["state"]])
        np.testing.assert_array_equal(states, mine["state"], err_msg=f"{lane['id']}: state")
        lr = as_float(s["lr"])
        live = states[:-1] != DIVERGED
        pairs = [("w1", "grad_w1", lr), ("w2", "grad_w2", lr), ("b", "grad_b", lr)]
        if lane["activation"] == "prelu":
            pairs.append(("alpha", "grad_alpha", lane["activation_params"]["alpha_lr"]))
        for p, g, rate in pairs:
            v, grad = as_float(s[p]), as_float(s[g])
            with np.errstate(all="ignore"):
                expected = np.where(live, v[:-1] - (rate if np.isscalar(rate) else rate[:-1])
                                    * grad[:-1], v[:-1])
            for t, e in shocked.items():
                if 0 < t < len(v) and p in e:
                    assert v[t] == e[p]
                    expected[t - 1] = e[p]
            np.testing.assert_array_equal(v[1:], expected, err_msg=f"{lane['id']}: {p}")
        assert s["step"] == list(range(len(s["step"])))
