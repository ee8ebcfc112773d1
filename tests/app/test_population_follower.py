"""The population that follows the live lanes is a pure function of the lanes' journal: however
its slices fall (on the worker thread or not, actions and new settings arriving while a slice
runs), it ends bit-identical to a Population run directly with the same actions at their steps."""

import numpy as np
import pytest

from app.controller import LiveController
from app.population_tabs import HISTORY_CAPACITY, TRACE_NEURONS, PopulationFollower
from simulation import presets
from simulation.population import Population
from simulation.replay import advance


def direct(f: PopulationFollower, c: LiveController) -> Population:
    """The population the follower must be: run straight to the lanes' step."""
    cfg = f.config_for(c.sim.config)
    pop = Population(cfg, f.effective_size(cfg, c.sim.data.n), random_shocks=f.random_shocks,
                     capacity=HISTORY_CAPACITY, trace=TRACE_NEURONS)
    advance(pop, c.journal, c.sim.t)
    return pop


def assert_same(a: Population, b: Population) -> None:
    assert a.t == b.t and a.events == b.events
    for sa, sb in zip(a.sims, b.sims, strict=True):
        for name in ("w1", "w2", "b"):
            np.testing.assert_array_equal(getattr(sa.params, name), getattr(sb.params, name))
        np.testing.assert_array_equal(sa.state, sb.state)
    np.testing.assert_array_equal(a.counts(), b.counts())
    np.testing.assert_array_equal(a.trace(), b.trace())
    for ua, ub in zip(a.shock_sizes, b.shock_sizes, strict=True):
        np.testing.assert_array_equal(ua, ub)


@pytest.mark.parametrize("threaded", [False, True])
@pytest.mark.parametrize("slice_steps", [1, 7, 64])
def test_follower_ends_bit_identical_to_a_direct_population(qtbot, threaded, slice_steps):
    c = LiveController(presets.get("lr-shock").config())
    f = PopulationFollower(size=40, threaded=threaded, random_shocks=True)
    f.steps_within = lambda seconds: slice_steps  # forced slice sizes
    assert f.sync(c.sim, c.journal)  # started at step 0, as a view shown at once does
    actions = {40: lambda: c.bias_shock(-3.0), 55: lambda: c.weight_shock(1.5, -0.5),
               70: lambda: c.lr_shock(factor=5.0, steps=3), 90: lambda: c.bias_shock(2.0)}
    for i, chunk in enumerate([3, 11, 26, 5, 10, 15, 9, 11, 20, 10]):
        if c.sim.t in actions:
            actions[c.sim.t]()  # (while a slice may still be running on the worker)
        if i == 4:
            f.configure(random_shocks=True)  # new settings mid-run: starts over, catches up
        c.sim.run(chunk)
        done = f.sync(c.sim, c.journal, deadline=float("inf"))
        if i % 3 == 0:
            f.wait()
        assert done or threaded
    while not f.sync(c.sim, c.journal, deadline=float("inf")):
        f.wait()
    assert f.pop.t == c.sim.t == 120
    assert len(f.pop.shock_sizes) == 3  # bias, weight, bias: one draw each, in order
    assert_same(f.pop, direct(f, c))
