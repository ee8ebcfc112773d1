"""The Population tab before the first step: the table shows the states of the neurons as they
start, as the engine classifies them (the counts step 0 then records), labelled as such, not '–'."""

import numpy as np
import pytest

from app.application import configure_pyqtgraph
from app.controller import LiveController
from app.population_tabs import PopulationFollower
from simulation import presets
from simulation.health import State
from tests import helpers
from widgets.population_drawing import counts_before_step
from widgets.population_texts import lane_label
from widgets.population_view import PopulationView


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("lr-shock").config())
    yield c
    c.pause()


@pytest.fixture
def view(controller, qtbot):
    configure_pyqtgraph()
    v = helpers.show(qtbot, PopulationView(controller, PopulationFollower(size=200,
                                                                          dropout=0.5)),
                     (1280, 640))
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    return v




def test_table_shows_the_states_at_the_start(view, controller):
    pop = view.follower.pop
    assert pop.t == 0 and len(pop.counts()) == 0
    shown = view.table.text()
    assert "–" not in shown
    assert "at start, before step 0, by state:" in shown
    start = counts_before_step(pop)
    relu = [i for i, lane in enumerate(pop.lanes) if lane.activation == "relu"]
    assert len(relu) == 2 and start[relu[0], State.DEAD] > 0  # ReLU: some dead at birth
    np.testing.assert_array_equal(start[relu[0]], start[relu[1]])  # same starts, same states
    for i, lane in enumerate(pop.lanes):
        c = start[i]
        cells = "".join(f"<td align='right'>{int(v):,}</td>" for v in c)  # every state
        lost = 100 * int(c[[State.SATURATED, State.DEAD, State.DIVERGED]].sum()) / pop.size
        off = 100 * (pop.size - int(c[State.ALIVE])) / pop.size  # not firing: all but alive
        assert (f"{cells}<td align='right'>{off:.1f}&nbsp;%</td><td align='right'><b>{lost:.1f}"
                "&nbsp;%") in shown, lane_label(lane)
    # what step 0 then counts (no shock at step 0): the same numbers, from the model's own step
    controller.sim.run(1)
    assert view.follower.sync(controller.sim, controller.journal)
    np.testing.assert_array_equal(pop.counts()[0], start)


def test_counting_the_start_leaves_the_population_as_it_was(view, controller):
    pop = view.follower.pop
    before = [sim.params.copy() for sim in pop.sims]
    counts_before_step(pop)
    for sim, p in zip(pop.sims, before, strict=True):
        np.testing.assert_array_equal(sim.params.b, p.b)
        assert sim._current is None


def test_a_shock_before_the_first_step_is_named(view, controller):
    controller.bias_shock(-10.0)
    assert view.follower.sync(controller.sim, controller.journal)
    view.refresh(force=True)
    pop = view.follower.pop
    assert pop.t == 0 and pop.events
    shown = view.table.text()
    assert "at start" not in shown and "before step 0 (after the shock), by state:" in shown
    relu = pop.lanes.index(next(lane for lane in pop.lanes if lane.activation == "relu"))
    assert counts_before_step(pop)[relu, State.DEAD] == pop.size  # b = -10: every ReLU dead
