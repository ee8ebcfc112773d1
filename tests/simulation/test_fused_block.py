"""Blocks of steps (fused_block.BlockSteps, Simulation.run) record what the same steps one by one
record, bit for bit, across events, lr shocks, divergence and ring wrap-around."""

import numpy as np
import pytest

from simulation import fused_block, presets
from simulation.config import DataSpec, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation
from simulation.history import History

SHOCKS = [ShockSpec(20, "weight_shock", {"w1": -1.0, "w2": 0.5}),
          ShockSpec(40, "bias_shock", {"b": -1.5}),
          ShockSpec(50, "lr_shock", {"factor": 2.0, "steps": 10}),
          ShockSpec(70, "bias_shock", {"b": -800.0}),
          ShockSpec(81, "bias_shock", {"b": 3.0}),
          ShockSpec(130, "lr_shock", {"factor": 1e6, "steps": 5})]  # diverges
LANES = [LaneSpec("relu"), LaneSpec("leaky_relu", {"negative_slope": 0.2}),
         LaneSpec("prelu", {"alpha_init": 0.1, "alpha_lr": 0.05}), LaneSpec("elu", {"alpha": 0.7}),
         LaneSpec("selu")]
CASES = {
    "bias-shock": (presets.get("bias-shock").config(), 1, 500),
    "lr-shock": (presets.get("lr-shock").config(), 1, 300),
    "seed-arithmetic": (presets.get("seed-arithmetic").config(), 1, 60),  # PReLU diverges
    "events": (RunConfig(seed=3, init="random", lanes=LANES, shocks=SHOCKS,
                         data=DataSpec(n=37, noise=0.1)), 3, 220),
    "no-exp": (RunConfig(seed=4, lanes=LANES[:3], shocks=SHOCKS[:4],
                         data=DataSpec(n=16, noise=0.2)), 1, 150),
}


def bits(a):
    return np.ascontiguousarray(a).view(np.int64)


@pytest.mark.parametrize("chunk", [1, 9, 64, 1000])
@pytest.mark.parametrize("name", list(CASES))
def test_blocks_record_what_single_steps_record(name, chunk):
    cfg, population, steps = CASES[name]
    blocks = Simulation(cfg, population=population, history_capacity=100)
    single = Simulation(cfg, population=population, history_capacity=100)
    assert blocks._block is not None
    single._block = None
    done = 0
    while done < steps:
        n = min(chunk, steps - done)
        blocks.run(n)
        for _ in range(n):
            single.step()
        done += n
        assert blocks.t == single.t
        np.testing.assert_array_equal(bits(blocks.history.window()),
                                      bits(single.history.window()))
        np.testing.assert_array_equal(blocks.state, single.state)
    assert np.array_equal(bits(blocks._u[:4]), bits(single._u[:4]))
    assert [r and r.to_dict() for r in blocks.recoveries] == [
        r and r.to_dict() for r in single.recoveries]
    assert blocks.divergence == single.divergence
    assert blocks.events == single.events


def test_a_divergence_inside_a_block_hands_over_at_its_step():
    cfg = CASES["events"][0]
    sim = Simulation(cfg, population=3)
    sim.run(220)
    ref = Simulation(cfg, population=3)
    ref._block = None
    ref.run(220)
    assert any(d is not None for d in ref.divergence)  # the lr x1e6 shock blew some lane up
    assert sim.divergence == ref.divergence


def test_large_steps_take_no_blocks():
    assert fused_block.block_steps(5, 1, 64) == fused_block.MAX_STEPS
    assert fused_block.block_steps(5, 1, 10_000) == 0
    big = Simulation(RunConfig(data=DataSpec(n=10_000)))
    assert big._block is None


@pytest.mark.parametrize("capacity", [None, 7, 50])
@pytest.mark.parametrize("sizes", [[3, 5, 20, 1], [60], [6, 1, 6, 1, 9]])
def test_extend_is_append_row_by_row(capacity, sizes):
    one, many = History(2, capacity), History(2, capacity)
    rng = np.random.default_rng(1)
    for k in sizes:
        rows = rng.normal(size=(k, 17, 2))
        many.extend(rows)
        for row in rows:
            one.append(row)
        np.testing.assert_array_equal(one.window(), many.window())
        assert one.total == many.total
