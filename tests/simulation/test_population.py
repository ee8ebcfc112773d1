"""The population: K neurons per lane, their states counted exactly, each neuron as if alone."""

import numpy as np
import pytest

from simulation import presets
from simulation.config import ConfigError, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation
from simulation.health import State
from simulation.population import (
    DEAD,
    DROPPED,
    SHOCK_STREAM,
    Population,
    hull_indices,
    population_config,
)
from simulation.replay import advance


def state_rows(sim: Simulation) -> np.ndarray:
    """(T, L) states of neuron 0 of every lane, from the history."""
    return sim.history.column("state").T.astype(int)


@pytest.mark.parametrize("preset", ["bias-shock", "lr-shock", "seed-arithmetic"])
def test_population_of_one_equals_the_single_neuron_bit_for_bit(preset):
    cfg = presets.get(preset).config(steps=400)
    single = Simulation(cfg)
    single.run(cfg.steps)
    pop = Population(cfg, 1)
    pop.run(cfg.steps)
    counts = pop.counts()  # (T, L, 5), one-hot
    assert counts.shape == (cfg.steps, len(cfg.lanes), 5)
    assert (counts.sum(-1) == 1).all()
    np.testing.assert_array_equal(counts.argmax(-1), state_rows(single))
    for f in ("w1", "w2", "b", "alpha"):
        np.testing.assert_array_equal(getattr(pop.sim.params, f), getattr(single.params, f))
    assert pop.events == single.events


def test_population_of_one_with_a_dropout_lane_equals_the_single_run():
    d = presets.get("lr-shock").config(steps=200).to_dict()
    d["lanes"] = [{"activation": "relu"}, {"activation": "relu", "id": "do", "dropout": 0.5},
                  {"activation": "elu"}]
    cfg = RunConfig.from_dict(d)
    single = Simulation(cfg)
    single.run(cfg.steps)
    pop = Population(cfg, 1)  # lanes without dropout first: relu, elu, do
    pop.run(cfg.steps)
    order = [0, 2, 1]
    np.testing.assert_array_equal(pop.counts().argmax(-1), state_rows(single)[:, order])
    np.testing.assert_array_equal(pop.biases()[:, 0], single.params.b[order, 0])


def he_start(cfg: RunConfig, k: int) -> np.ndarray:
    """The population's standard-normal draw (2, K), as the engine makes it."""
    sim = Simulation(cfg, population=k)
    return np.stack([sim.params.w1[0], sim.params.w2[0]]) / cfg.init_std()[0]


def test_each_neuron_is_the_run_of_its_own_start_and_the_counts_are_exact():
    """Every neuron of the population, run alone from its start: the per-step tallies of those
    runs are the population's counts, exactly."""
    k, steps = 24, 80
    cfg = population_config(presets.get("lr-shock").config(steps=steps), "he")
    pop = Population(cfg, k)
    pop.run(steps)
    draw = he_start(cfg, k)
    tally = np.zeros((steps, len(cfg.lanes), 5), dtype=int)
    for j in range(k):
        d = cfg.to_dict()
        d["init"] = {"w1": float(draw[0, j]), "w2": float(draw[1, j]), "b": 0.0}
        alone = Simulation(RunConfig.from_dict(d))
        alone.run(steps)
        rows = state_rows(alone)
        for lane in range(len(cfg.lanes)):
            tally[np.arange(steps), lane, rows[:, lane]] += 1
        np.testing.assert_array_equal(pop.sim.params.b[:, j], alone.params.b[:, 0])
    np.testing.assert_array_equal(pop.counts(), tally)
    assert pop.counts()[:, 0, State.DEAD].max() > 0  # ReLU lost some


def test_auto_init_scales_one_draw_per_lane():
    cfg = population_config(RunConfig(), "auto")
    sim = Simulation(cfg, population=50)
    w = sim.params.w1
    selu = next(i for i, lane in enumerate(cfg.lanes) if lane.activation == "selu")
    np.testing.assert_array_equal(w[0], w[1])  # He for ReLU and Leaky ReLU: the same draw
    np.testing.assert_allclose(w[selu], w[0] * np.sqrt(0.5), rtol=1e-15)  # LeCun normal
    assert cfg.init_std()[selu] == np.sqrt(0.5) and cfg.init_std()[0] == 1.0
    lecun = population_config(RunConfig(), "lecun").init_std()
    assert lecun == [np.sqrt(0.5)] * 5
    # "random" (the engine's original name) is He: the same numbers as before
    np.testing.assert_array_equal(
        Simulation(population_config(RunConfig(), "random"), population=50).params.w1, w[:1]
        .repeat(5, 0))
    with pytest.raises(ConfigError):
        RunConfig(init="xavier")


def test_random_shock_sizes_are_recomputable():
    cfg = population_config(
        RunConfig(seed=5, steps=30, shocks=[ShockSpec(10, "bias_shock", {"b": -4.0}),
                                            ShockSpec(20, "weight_shock", {"w1": 2.0, "w2": 1.0})]))
    pop = Population(cfg, 300, random_shocks=True)
    pop.run(10)
    pop.step()  # step 10: the bias shock, then the update
    rng = np.random.default_rng([5, SHOCK_STREAM])
    u = rng.random(300)
    np.testing.assert_array_equal(pop.shock_sizes[0], u)
    assert len(pop.events) == 1 and pop.events[0]["b"] == -4.0
    pop.run(10)
    np.testing.assert_array_equal(pop.shock_sizes[1], rng.random(300))
    # every lane got the same share: right after the shock, b = -4 u in every lane
    fresh = Population(cfg, 300, random_shocks=True)
    fresh.run(10)
    fresh.bias_shock(-4.0)
    np.testing.assert_array_equal(fresh.biases(), np.broadcast_to(-4.0 * u, (5, 300)))


def test_live_actions_replay_on_a_population():
    cfg = population_config(RunConfig(steps=60))
    pop = Population(cfg, 40)
    actions = [{"step": 5, "kind": "bias_shock", "b": -3.0},
               {"step": 9, "kind": "lr_shock", "factor": 4.0, "steps": 3},
               {"step": 20, "kind": "set_lr", "lr": 0.1}]
    advance(pop, actions, 30)
    assert pop.t == 30 and [e["step"] for e in pop.events] == [5, 9]
    assert pop.lr == 0.1
    assert pop.steps_recorded == 30


def test_ring_keeps_the_newest_counts():
    cfg = population_config(RunConfig())
    full, ring = Population(cfg, 20), Population(cfg, 20, capacity=16)
    full.run(50)
    ring.run(50)
    np.testing.assert_array_equal(ring.counts(), full.counts()[-16:])
    assert ring.first_step() == 34 and full.first_step() == 0


def test_hull_gives_the_largest_z():
    rng = np.random.default_rng(0)
    x = rng.uniform(0, 1, size=(64, 2))
    h = hull_indices(x)
    assert 3 <= len(h) < 20
    w = rng.normal(size=(3, 500))
    z = w[0, :, None] * x[:, 0] + w[1, :, None] * x[:, 1] + w[2, :, None]
    zh = w[0, :, None] * x[h, 0] + w[1, :, None] * x[h, 1] + w[2, :, None]
    np.testing.assert_array_equal(zh.max(-1), z.max(-1))
    assert list(hull_indices(np.array([[0.5, 0.5]]))) == [0]
    pop = Population(population_config(RunConfig()), 30)
    pop.run(3)
    p = pop.sim.params
    zall = p.w1[..., None] * pop.sim.data.x[:, 0] + p.w2[..., None] * pop.sim.data.x[:, 1]
    np.testing.assert_array_equal(pop.z_max(), (zall + p.b[..., None]).max(-1))


def test_trace_marks_dead_and_dropped():
    d = population_config(presets.get("lr-shock").config(steps=100)).to_dict()
    d["lanes"] = [{"activation": "relu"}, {"activation": "relu", "id": "do", "dropout": 0.5}]
    pop = Population(RunConfig.from_dict(d), 200, trace=30)
    pop.run(100)
    tr = pop.trace()
    assert tr.shape == (100, 2, 30)
    assert not (tr[:, 0] == DROPPED).any()  # no dropout, nothing dropped
    share = (tr[:, 1] == DROPPED).sum() / (tr[:, 1] != DEAD).sum()
    assert 0.4 < share < 0.6
    dead_now = pop.states()[:, :30] == State.DEAD
    np.testing.assert_array_equal(tr[-1] == DEAD, dead_now)
    # dead is for good: once a neuron's code is DEAD it stays DEAD
    first = np.argmax(tr == DEAD, axis=0)
    for lane in range(2):
        for j in np.flatnonzero((tr[:, lane] == DEAD).any(0)):
            assert (tr[first[lane, j]:, lane, j] == DEAD).all()


def test_bad_sizes_are_refused():
    with pytest.raises(ValueError):
        Population(RunConfig(), 0)
    with pytest.raises(ValueError):
        Population(RunConfig(), 10**6)


def test_summary_counts():
    pop = Population(population_config(presets.get("lr-shock").config(steps=50)), 100)
    pop.run(50)
    s = pop.summary()
    assert [row["id"] for row in s] == [lane.id for lane in pop.lanes]
    assert all(sum(row["counts"].values()) == 100 for row in s)
    assert s[0]["max_dead"] >= s[0]["counts"]["dead"] > 0


def test_lane_order_puts_dropout_lanes_last():
    lanes = [LaneSpec("relu", dropout=0.5, id="do"), LaneSpec("elu")]
    pop = Population(RunConfig(lanes=lanes), 5)
    assert [lane.id for lane in pop.lanes] == ["elu", "do"]
