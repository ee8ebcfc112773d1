"""The live loop: transport, shocks and speed change the model as they should."""

import numpy as np
import pytest

from app.controller import HISTORY_CAPACITY, LiveController
from simulation import presets
from simulation.health import State


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("bias-shock").config())
    yield c
    c.pause()


def test_step_once_is_exactly_one_update(controller, qtbot):
    with qtbot.waitSignal(controller.frame):
        controller.step_once()
    assert controller.sim.t == 1
    assert controller.sim.history.total == 1


def test_play_runs_steps_and_pause_stops(controller, qtbot):
    controller.set_speed(2000)
    with qtbot.waitSignal(controller.running_changed):
        controller.play()
    qtbot.waitUntil(lambda: controller.sim.t > 50, timeout=5000)
    controller.pause()
    t = controller.sim.t
    qtbot.wait(100)
    assert controller.sim.t == t
    assert not controller.running


def test_reset_gives_the_same_run(controller):
    controller.sim.run(400)
    first = controller.sim.history.window().copy()
    controller.reset()
    assert controller.sim.t == 0
    controller.sim.run(400)
    np.testing.assert_array_equal(controller.sim.history.window(), first)


def test_bias_shock_hits_every_lane_and_relu_stays_dead(controller):
    controller.sim.run(100)
    controller.bias_shock(-10.0)
    assert (controller.sim.params.b == -10.0).all()
    assert controller.sim.events[-1] == {"step": 100, "kind": "bias_shock", "b": -10.0}
    controller.sim.run(2000)
    relu_states = controller.sim.history.column("state")[0, -2000:]
    assert (relu_states == State.DEAD).all()


def test_lr_and_lr_shock(controller):
    controller.set_lr(0.05)
    controller.lr_shock(factor=4.0, steps=3)
    controller.sim.run(5)
    lr = controller.sim.history.column("lr")[0]
    np.testing.assert_array_equal(lr, [0.2, 0.2, 0.2, 0.05, 0.05])


def test_weight_shock(controller):
    controller.weight_shock(-1.0, 2.0)
    assert (controller.sim.params.w1 == -1.0).all() and (controller.sim.params.w2 == 2.0).all()


def test_speed_is_clamped(controller):
    controller.set_speed(0)
    assert controller.speed == 1
    controller.set_speed(1e9)
    assert controller.speed == 20_000


def test_history_is_bounded(controller):
    controller.sim.run(HISTORY_CAPACITY + 500)
    assert len(controller.sim.history) == HISTORY_CAPACITY
    assert controller.sim.history.total == HISTORY_CAPACITY + 500
