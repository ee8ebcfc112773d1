"""The fused step (fused.FusedStep, health.classify_flags) records what the reference step
(Network.run, health.classify, one operation per factor) records, bit for bit."""

import numpy as np
import pytest

from simulation import fused as fused_step
from simulation import presets
from simulation.column_sums import sums_agree
from simulation.columns import flag_rows
from simulation.config import DataSpec, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation, classify_rows, classify_small
from simulation.fused import ThreadChoice, _Wide
from simulation.health import State, classify_flags

ALT_LANES = [LaneSpec("relu"), LaneSpec("leaky_relu", {"negative_slope": 0.2}, id="lk2"),
             LaneSpec("prelu", {"alpha_init": 0.1, "alpha_lr": 0.05}),
             LaneSpec("elu", {"alpha": 0.7}), LaneSpec("selu", {"scale": 1.2, "alpha": 1.5}),
             LaneSpec("leaky_relu", {"negative_slope": -0.5}, id="lkneg"),
             LaneSpec("leaky_relu", {"negative_slope": 0.0}, id="lk0"),
             LaneSpec("selu", {"scale": 0.0, "alpha": 1.0}, id="selu0"),
             LaneSpec("prelu", {"alpha_init": 0.0, "alpha_lr": 0.0}, id="prelu0")]
SHOCKS = [ShockSpec(20, "weight_shock", {"w1": -1.0, "w2": 0.5}),
          ShockSpec(40, "bias_shock", {"b": -1.5}),
          ShockSpec(50, "lr_shock", {"factor": 2.0, "steps": 10}),
          ShockSpec(70, "bias_shock", {"b": -800.0}),
          ShockSpec(80, "weight_shock", {"w1": 0.0, "w2": 0.0}),
          ShockSpec(81, "bias_shock", {"b": 0.0}),
          ShockSpec(90, "bias_shock", {"b": 3.0})]
REORDERED = [LaneSpec(a) for a in ("selu", "relu", "elu", "prelu", "leaky_relu")]


def runs(cfg, population, steps):
    """The same run through the fused step and through the reference step."""
    fused = Simulation(cfg, population=population)
    reference = Simulation(cfg, population=population)
    assert fused._fused is not None
    reference._fused = None
    fused.run(steps)
    reference.run(steps)
    return fused, reference


CASES = {
    "bias-shock": (presets.get("bias-shock").config(), 1, 400),
    "lr-shock": (presets.get("lr-shock").config(), 1, 50),
    "seed-arithmetic": (presets.get("seed-arithmetic").config(), 1, 50),
    "lanes-and-shocks": (RunConfig(seed=3, init="random", lanes=ALT_LANES, shocks=SHOCKS,
                                   data=DataSpec(n=37, noise=0.1)), 3, 120),
    "reordered": (RunConfig(seed=9, init="random", lanes=REORDERED, shocks=SHOCKS[:3],
                            data=DataSpec(n=64, noise=0.3)), 5, 100),
    "diverges": (RunConfig(shocks=[ShockSpec(10, "lr_shock", {"factor": 1e6, "steps": 5})]),
                 2, 40),
    "tiny-data": (RunConfig(data=DataSpec(n=5, noise=0.2), init="random"), 4, 60),
    # several blocks, on every core
    "population": (RunConfig(seed=4, init="random", lanes=REORDERED, shocks=SHOCKS[:4],
                             data=DataSpec(n=64, noise=0.2)), 2000, 45),
}


@pytest.mark.parametrize("name", list(CASES))
def test_fused_step_records_what_the_reference_step_records(name):
    cfg, population, steps = CASES[name]
    fused, reference = runs(cfg, population, steps)
    np.testing.assert_array_equal(fused.history.window(), reference.history.window())
    for f in ("w1", "w2", "b", "alpha"):
        np.testing.assert_array_equal(getattr(fused.params, f), getattr(reference.params, f))
    assert [r and r.to_dict() for r in fused.recoveries] == [
        r and r.to_dict() for r in reference.recoveries]


def test_population_case_takes_several_blocks():
    cfg, population, _ = CASES["population"]
    f = Simulation(cfg, population=population)._fused
    assert isinstance(f._impl, _Wide) and sum(len(w) for w in f._impl.work) > 1


def test_mini_batches_and_other_activations_take_the_reference_step():
    assert Simulation(RunConfig(batch_size=8))._fused is None
    assert Simulation(RunConfig(lanes=[LaneSpec("gelu")]))._fused is None


# --- populations in the wide layout (fused._Wide: blocks of ColumnStep columns) ---------------
WIDE_LANES = [*ALT_LANES, LaneSpec("elu", id="elu1"),  # k + c == s: da/dz without a select
              LaneSpec("selu", {"alpha": 1.0}, id="selu1")]
WIDE = {
    # every kind of lane; ReLU dies at the b = -800 shock (its lane is then left out of the step)
    # and comes back at b = 3; 37 samples (pairwise sums with a rest)
    "lanes-and-shocks": (RunConfig(seed=5, init="random", lanes=WIDE_LANES, shocks=SHOCKS,
                                   data=DataSpec(n=37, noise=0.1)), 64, 120),
    "tiny-data": (RunConfig(data=DataSpec(n=5, noise=0.2), init="random", lanes=WIDE_LANES),
                  60, 40),
    "many-samples": (RunConfig(seed=2, init="random", lanes=REORDERED,
                               data=DataSpec(n=300, noise=0.2), shocks=SHOCKS[:2]), 50, 30),
    "diverges": (RunConfig(init="random", lanes=WIDE_LANES,
                           shocks=[ShockSpec(10, "lr_shock", {"factor": 1e6, "steps": 5})]),
                 64, 40),
}


@pytest.fixture
def wide_always(monkeypatch):
    """Populations this small take the wide layout too (normally from 32,768 values a step)."""
    monkeypatch.setattr(fused_step, "WIDE_ELEMENTS", 0)


@pytest.mark.parametrize("name", list(WIDE))
def test_wide_population_steps_as_the_reference_every_neuron(name, wide_always):
    cfg, population, steps = WIDE[name]
    fused = Simulation(cfg, population=population)
    reference = Simulation(cfg, population=population)
    assert isinstance(fused._fused._impl, _Wide)
    reference._fused = None
    with np.errstate(all="ignore"):
        for _ in range(steps):
            fused.step()
            reference.step()
            np.testing.assert_array_equal(fused.state, reference.state)
    np.testing.assert_array_equal(fused.history.window(), reference.history.window())
    for f in ("w1", "w2", "b", "alpha"):
        np.testing.assert_array_equal(getattr(fused.params, f), getattr(reference.params, f))


def test_a_lane_at_a_fixed_point_is_left_out_and_computed_again_when_it_moves(wide_always):
    cfg, population, _ = WIDE["lanes-and-shocks"]
    sim = Simulation(cfg, population=population)
    sim.run(79)  # ReLU dead since the b = -800 shock at step 70
    wide = sim._fused._impl
    assert any(0 not in lanes for lanes in wide._plans)
    computed = dict(wide._plans)
    sim.run(15)  # w1 = w2 = 0 at 80, b = 0 at 81, b = 3 at 90: every lane moves again
    assert len(wide._plans) >= len(computed)
    np.testing.assert_array_equal(sim.state[0] == State.ALIVE, np.ones(population, dtype=bool))


def test_classify_rows_gives_the_states_of_classify_flags():
    rng = np.random.default_rng(0)
    for n_lanes, population in ((3, 7), (5, 64), (2, 1001)):
        count = n_lanes * population
        rows = flag_rows(count)
        flags = rows[:, :count].reshape(16, n_lanes, population)
        flags[:3] = rng.random((3, n_lanes, population)) < 0.5
        u = rng.normal(size=(9, n_lanes, population))
        for row in range(9):
            u[row][rng.random((n_lanes, population)) < 0.1] = np.nan
            u[row][rng.random((n_lanes, population)) < 0.05] = np.inf
        u[8][rng.random((n_lanes, population)) < 0.2] = 0.0
        want = classify_flags(u, flags.copy())
        np.testing.assert_array_equal(classify_rows(u, rows), want)
        np.testing.assert_array_equal(classify_small(u, flags.copy()), want)


def test_column_sums_are_numpys_for_any_number_of_samples():
    for n in (1, 3, 7, 8, 9, 16, 37, 64, 127, 128, 129, 300, 1000):
        assert sums_agree(n), n


# --- dropout in the wide layout ------------------------------------------------------------------
DROPOUT_LANES = [LaneSpec("relu", id="relu-do", dropout=0.5),
                 LaneSpec("prelu", {"alpha_init": 0.1, "alpha_lr": 0.05}, id="prelu-do",
                          dropout=0.25),
                 LaneSpec("elu", id="elu-do", dropout=0.5), LaneSpec("leaky_relu"),
                 LaneSpec("selu", {"scale": 1.2, "alpha": 1.5}, id="selu-do", dropout=0.9)]


@pytest.mark.parametrize("n", [37, 64])
def test_wide_dropout_steps_as_the_reference_every_neuron(n, wide_always):
    """Masks from the same stream; the gradients of the training pass, the loss, states and
    summary of the full pass: bit for bit what the reference step records, every neuron."""
    cfg = RunConfig(seed=6, init="random", lanes=DROPOUT_LANES, shocks=SHOCKS,
                    data=DataSpec(n=n, noise=0.1))
    fused = Simulation(cfg, population=40, record_batches=True)
    reference = Simulation(cfg, population=40, record_batches=True)
    assert isinstance(fused._fused._impl, _Wide)
    reference._fused = None
    with np.errstate(all="ignore"):
        for _ in range(100):
            fused.step()
            reference.step()
            np.testing.assert_array_equal(fused.state, reference.state)
            np.testing.assert_array_equal(fused.kept, reference.kept)
    np.testing.assert_array_equal(fused.history.window(), reference.history.window())
    for f in ("w1", "w2", "b", "alpha"):
        np.testing.assert_array_equal(getattr(fused.params, f), getattr(reference.params, f))
    assert all(np.array_equal(a, b) for a, b in zip(fused.masks, reference.masks, strict=True))


def test_dropout_takes_the_fused_step_only_in_the_wide_layout():
    cfg = RunConfig(lanes=DROPOUT_LANES[:1], init="random")
    assert Simulation(cfg, population=1)._fused is None  # one neuron: the reference step
    assert isinstance(Simulation(cfg, population=1_000)._fused._impl, _Wide)


def test_thread_choice_takes_the_faster_way_after_its_trials():
    choice = ThreadChoice()
    seen = []
    for threaded_s, single_s in [(9.0, 9.0), (3.0, 2.0), (3.1, 2.2), (2.9, 2.1)]:
        for _ in range(2):
            threaded = choice.choose()
            seen.append(threaded)
            choice.observe(threaded, threaded_s if threaded else single_s)
    assert seen == [True, False] * 4  # alternating while it measures
    assert choice.decided is False and choice.choose() is False
    fast = ThreadChoice()
    for _ in range(8):
        threaded = fast.choose()
        fast.observe(threaded, 1.0 if threaded else 2.0)
    assert fast.decided is True
