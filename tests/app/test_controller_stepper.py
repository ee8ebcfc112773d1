"""The live loop with a second process stepping at high speed: what the window shows is the run,
shocks land at the step shown, and the loop goes on in its own process when the other fails."""

import os
import signal

import numpy as np
import pytest

from app.controller import STEPPER_SPEED, LiveController
from simulation import presets, stepper_process
from simulation.replay import replay
from tests.helpers import open_window


def same(a, b):
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("bias-shock").config())
    c.use_stepper_process()
    yield c
    c.pause()
    c.close_stepper()


def play_until(qtbot, c, t):
    c.play()
    qtbot.waitUntil(lambda: c.sim.t >= t, timeout=60_000)


def test_a_fast_run_stepped_in_the_other_process_is_the_replayed_run(controller, qtbot):
    c = controller
    c.set_speed(20_000)
    frames = []
    c.frame.connect(lambda sim: frames.append(sim.t))
    play_until(qtbot, c, 3_000)
    # (until the other process is ready, this one steps)
    qtbot.waitUntil(lambda: c.stepper.loaded and c.stepper.in_flight > 0, timeout=60_000)
    c.bias_shock(-10.0)  # while chunks are on their way: they are dropped
    shocked_at = c.sim.t
    assert c.journal[-1]["step"] == shocked_at == c.sim.events[-1]["step"]
    qtbot.waitUntil(lambda: c.sim.t >= shocked_at + 4_000, timeout=60_000)
    c.lr_shock(factor=20.0, steps=50)
    qtbot.waitUntil(lambda: c.sim.t >= shocked_at + 8_000, timeout=60_000)
    c.pause()
    expected = replay(c.config, c.journal, c.sim.t, history_capacity=c.sim.history.capacity)
    assert same(c.sim.history.window(), expected.history.window())
    assert same(c.sim._u, expected._u) and c.sim.events == expected.events
    assert (c.sim.params.b[:, 0] != -10.0).any()  # (the shock's effect is in the run)
    assert max(np.diff(frames)) > 50  # steps came in chunks, as at top speed


def test_slow_speeds_step_here(controller, qtbot):
    c = controller
    c.set_speed(STEPPER_SPEED / 4)
    play_until(qtbot, c, 200)
    qtbot.wait(300)
    t = c.sim.t
    qtbot.waitUntil(lambda: c.sim.t > t + 20, timeout=10_000)
    assert c.stepper._proc is None  # (not even started)
    c.set_speed(STEPPER_SPEED)
    qtbot.waitUntil(lambda: c.stepper.loaded, timeout=60_000)
    c.set_speed(STEPPER_SPEED - 1)
    t = c.sim.t
    qtbot.waitUntil(lambda: c.sim.t > t + 20, timeout=10_000)
    assert not c.stepper.loaded and c.stepper.ready


def test_when_the_other_process_dies_stepping_goes_on_here(controller, qtbot, capfd):
    c = controller
    c.set_speed(20_000)
    play_until(qtbot, c, 2_000)
    qtbot.waitUntil(lambda: c.stepper.loaded, timeout=60_000)
    c.stepper._proc.kill()
    t = c.sim.t
    qtbot.waitUntil(lambda: c.stepper.failed is not None, timeout=10_000)
    qtbot.waitUntil(lambda: c.sim.t > t + 2_000, timeout=60_000)
    c.pause()
    assert "stepping in the window's process" in capfd.readouterr().err
    expected = replay(c.config, c.journal, c.sim.t, history_capacity=c.sim.history.capacity)
    assert same(c.sim.history.window(), expected.history.window())


def test_a_stopped_other_process_is_given_up(controller, qtbot, capfd, monkeypatch):
    monkeypatch.setattr(stepper_process, "STALL_S", 0.5)
    c = controller
    c.set_speed(20_000)
    play_until(qtbot, c, 2_000)
    qtbot.waitUntil(lambda: c.stepper.loaded, timeout=60_000)
    proc = c.stepper._proc
    os.kill(proc.pid, signal.SIGSTOP)  # (alive, never answering)
    t = c.sim.t
    qtbot.waitUntil(lambda: c.stepper.failed is not None, timeout=10_000)
    assert proc.poll() is not None  # (killed, not left stopped)
    qtbot.waitUntil(lambda: c.sim.t > t + 2_000, timeout=60_000)
    c.pause()
    assert "has not answered for" in capfd.readouterr().err
    expected = replay(c.config, c.journal, c.sim.t, history_capacity=c.sim.history.capacity)
    assert same(c.sim.history.window(), expected.history.window())


def test_closing_the_window_ends_the_other_process(qtbot, monkeypatch):
    monkeypatch.setenv("DYING_RELU_LAB_STEPPER", "process")
    w = open_window(qtbot)
    c = w.controller
    c.set_speed(20_000)
    play_until(qtbot, c, 1_000)
    qtbot.waitUntil(lambda: c.stepper.ready, timeout=60_000)
    proc = c.stepper._proc
    w.close()
    assert proc.poll() is not None
    assert not c.running



def test_with_a_follower_the_lanes_step_here_and_the_run_stays_the_replayed_one(controller,
                                                                               qtbot):
    """While a population follows the lanes (the Population tab shown) they step here, beside
    it; when it is gone, in the other process again: the run is the replayed run throughout."""
    from app.population_tabs import PopulationFollower

    c = controller
    c.set_speed(20_000)
    play_until(qtbot, c, 2_000)
    qtbot.waitUntil(lambda: c.stepper.loaded, timeout=60_000)
    f = PopulationFollower(size=40, threaded=True)
    c.followers.append(f)
    qtbot.waitUntil(lambda: not c.stepper.loaded, timeout=60_000)
    t = c.sim.t
    qtbot.waitUntil(lambda: c.sim.t > t + 500 and f.pop is not None and f.pop.t > t,
                    timeout=60_000)  # (both stepping)
    c.bias_shock(-10.0)
    t = c.sim.t
    qtbot.waitUntil(lambda: c.sim.t > t + 500, timeout=60_000)
    c.followers.remove(f)
    qtbot.waitUntil(lambda: c.stepper.loaded, timeout=60_000)
    t = c.sim.t
    qtbot.waitUntil(lambda: c.sim.t > t + 3_000, timeout=60_000)
    c.pause()
    expected = replay(c.config, c.journal, c.sim.t, history_capacity=c.sim.history.capacity)
    assert same(c.sim.history.window(), expected.history.window())
