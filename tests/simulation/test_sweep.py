"""The death map: each cell is the run `simulate` would make with the same settings."""

import numpy as np
import pytest

from simulation import presets, sweep, sweep_cells
from simulation.config import ConfigError, LaneSpec, RunConfig
from simulation.engine import Simulation
from simulation.health import State

# a small grid that still has every outcome: death, recovery, saturation, divergence
SPEC = sweep.SweepSpec(bias=(-10.0, -2.0, -0.5, 0.3, 6.0), factor=(1.0, 3.0, 30.0, 100.0),
                       shock_step=40, lr_steps=2, steps=400)
LANES = [LaneSpec(a) for a in ("relu", "leaky_relu", "prelu", "elu", "selu", "gelu")]


@pytest.fixture(scope="module")
def result():
    base = presets.get("healthy").config()
    d = base.to_dict()
    d["lanes"] = [vars(lane) for lane in LANES]
    return RunConfig.from_dict(d), sweep.run(RunConfig.from_dict(d), SPEC)


def individual(base, i, j):
    cfg = sweep.cell_config(base, SPEC, i, j)
    sim = Simulation(cfg)
    sim.run(cfg.steps)
    return sim


@pytest.mark.parametrize("cell", [(0, 0), (0, 1), (1, 4), (2, 3), (3, 0), (3, 4), (2, 2)])
def test_cell_equals_an_individual_run(result, cell):
    base, res = result
    i, j = cell
    sim = individual(base, i, j)
    final = sim.history.last()[-1]
    np.testing.assert_array_equal(res.state[:, i, j], final)
    for lane, rec in enumerate(sim.recoveries):
        steps = rec.steps
        got = res.recovery[lane, i, j]
        assert (np.isnan(got) and steps is None) or got == steps, (lane, got, steps)


def assert_cells_equal_individual_runs(res, base, spec) -> None:
    """Every cell of ``res`` has the state and recovery of its own ``simulate`` run."""
    for i in range(len(spec.factor)):
        for j in range(len(spec.bias)):
            cfg = sweep.cell_config(base, spec, i, j)
            sim = Simulation(cfg)
            sim.run(cfg.steps)
            np.testing.assert_array_equal(res.state[:, i, j], sim.history.last()[-1])
            want = [np.nan if r.steps is None else r.steps for r in sim.recoveries]
            np.testing.assert_array_equal(res.recovery[:, i, j], want)


def test_every_cell_equals_an_individual_run_on_a_tiny_grid():
    """All cells, including those that left the computation at a fixed point."""
    base = presets.get("healthy").config()
    spec = sweep.SweepSpec(bias=(-3.0, 0.1, 4.0), factor=(1.0, 50.0), shock_step=5,
                           lr_steps=3, steps=300)
    res = sweep.run(base, spec)
    assert_cells_equal_individual_runs(res, base, spec)


def test_the_map_has_the_outcomes_the_seed_describes(result):
    _, res = result
    relu, leaky = res.state[0], res.state[1]
    assert (relu[:, 0] == State.DEAD).all()  # b = -10: ReLU dies at any learning rate
    assert (leaky != State.DEAD).all()  # Leaky ReLU never dies
    assert (res.state[3:5, 0, 0] == State.SATURATED).all()  # ELU, SELU stuck after b = -10
    assert (res.state[2] == State.DIVERGED).any()  # PReLU's slope blows up at lr x 100
    assert res.survival()[1] > res.survival()[0]


def test_cells_at_a_fixed_point_leave_the_computation():
    base = presets.get("healthy").config()
    sw = sweep.Sweep(base, SPEC)
    sw.advance()
    assert sw.done and sw.moving < sw.n_cells * len(base.lanes)
    assert sum(sw.cell_steps) < sw.n_cells * len(base.lanes) * (SPEC.steps - SPEC.shock_step)


def test_advance_in_slices_gives_the_same_result(result):
    base, res = result
    sw = sweep.Sweep(base, SPEC)
    while not sw.advance(0.0):
        pass
    again = sw.result()
    np.testing.assert_array_equal(again.state, res.state)
    np.testing.assert_array_equal(again.recovery, res.recovery)


@pytest.mark.parametrize("kwargs", [{"bias": ()}, {"factor": (-1.0,)}, {"bias": (float("nan"),)},
                                    {"shock_step": 500, "steps": 400}, {"lr_steps": 0}])
def test_bad_specs_are_refused(kwargs):
    with pytest.raises(ConfigError):
        sweep.SweepSpec(**kwargs)


def test_dropout_and_mini_batches_are_refused():
    base = presets.get("healthy").config()
    with pytest.raises(ConfigError):
        sweep.Sweep(RunConfig(batch_size=8), SPEC)
    d = base.to_dict()
    d["lanes"] = [{"activation": "relu", "dropout": 0.5}]
    with pytest.raises(ConfigError):
        sweep.Sweep(RunConfig.from_dict(d), SPEC)


KINDS = [LaneSpec("relu"), LaneSpec("prelu", {"alpha_init": 0.1, "alpha_lr": 0.05}),
         LaneSpec("elu", {"alpha": 0.7}), LaneSpec("selu"), LaneSpec("elu", id="elu1"),
         LaneSpec("leaky_relu", {"negative_slope": 0.2}), LaneSpec("selu", {"alpha": 1.0},
                                                                  id="selu1")]


def test_every_kind_of_lane_on_every_core_equals_individual_runs(monkeypatch):
    """Lanes of each kind of column run (plain, exponential with and without a select), the
    columns shared among two threads in several blocks each: every cell as its own run."""
    base = presets.get("healthy").config()
    d = base.to_dict()
    d["lanes"] = [vars(lane) for lane in KINDS]
    base = RunConfig.from_dict(d)
    spec = sweep.SweepSpec(bias=(-6.0, 0.2, 5.0), factor=(1.0, 40.0), shock_step=8,
                           lr_steps=2, steps=150)
    monkeypatch.setattr(sweep, "PARALLEL_ELEMENTS", 0)
    monkeypatch.setattr(sweep, "SET_MIN", 1)
    monkeypatch.setattr(sweep_cells, "BLOCK_ELEMENTS", 64 * 3)
    monkeypatch.setattr(sweep.os, "cpu_count", lambda: 2)
    sw = sweep.Sweep(base, spec)
    assert len(sw.sets) == 2 and all(len(c._blocks) > 1 for c in sw.sets)
    sw.advance()
    res = sw.result()
    assert_cells_equal_individual_runs(res, base, spec)
