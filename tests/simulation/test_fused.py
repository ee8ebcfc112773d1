"""The fused step (neuron.FusedStep, health.classify_flags) records what the reference step
(Network.run, health.classify, one operation per factor) records, bit for bit."""

import numpy as np
import pytest

from simulation import presets
from simulation.config import DataSpec, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation

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
    assert f._small is None and sum(len(w) for w in f._work) > 1


def test_mini_batches_and_other_activations_take_the_reference_step():
    assert Simulation(RunConfig(batch_size=8))._fused is None
    assert Simulation(RunConfig(lanes=[LaneSpec("gelu")]))._fused is None
