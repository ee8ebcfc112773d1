"""The live loop: transport, shocks and speed change the model as they should."""

import numpy as np
import pytest

from app.controller import HISTORY_CAPACITY, LiveController, StepBudget
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


# --- the stepping budget: what a 60 Hz frame leaves after the drawing (fake clocks only) ------

def settle(budget: StepBudget, drawing: list[float], ticks: int = 200) -> list[float]:
    """Ticks that step until their deadline, each followed by ``drawing[tick % len]`` seconds of
    drawing; the timer never fires before ``budget.interval`` after the last tick. The budgets."""
    out = []
    for i in range(ticks):
        b = budget.next()
        out.append(b)
        period = max(b + drawing[i % len(drawing)], budget.interval)
        budget.observe(period, b, bound=True)
    return out


def test_budget_fills_the_frame_left_by_the_drawing():
    b = StepBudget()
    budgets = settle(b, [0.006])
    assert budgets[-1] + 0.006 == pytest.approx(b.period, abs=0.0005)


def test_budget_grows_when_the_frame_has_room():
    # drawing much cheaper than first assumed: the timer's schedule hides how much, the budget
    # still climbs until the frame is full (up to its ceiling)
    b = StepBudget()
    budgets = settle(b, [0.002], ticks=60)
    assert budgets[0] == pytest.approx(0.010)
    assert budgets[-1] == pytest.approx(b.period - 0.002, abs=0.0005)


def test_budget_follows_frames_that_take_turns():
    # time plots one frame, the other views the next: each tick plans with its own kind
    b = StepBudget()
    budgets = settle(b, [0.009, 0.004])
    assert budgets[-2] == pytest.approx(b.period - 0.009, abs=0.0005)
    assert budgets[-1] == pytest.approx(b.period - 0.004, abs=0.0005)


def test_budget_keeps_a_floor_and_a_ceiling():
    b = StepBudget()
    # drawing slower than a frame: stepping goes on
    assert settle(b, [0.05])[-1] == pytest.approx(b.floor)
    b = StepBudget()
    assert settle(b, [0.0])[-1] == b.ceiling
    # one slow kind of frame: the tick before it steps little, the other one more, the two
    # together at least two floors
    b = StepBudget()
    slow, fast = settle(b, [0.016, 0.013])[-2:]
    assert slow < b.floor < fast
    assert slow + fast == pytest.approx(2 * b.floor)
    b = StepBudget()
    slow, fast = settle(b, [0.015, 0.007])[-2:]  # room enough: each what its frame leaves
    assert slow == pytest.approx(b.period - 0.015, abs=0.0005)
    assert fast == pytest.approx(b.period - 0.007, abs=0.0005)


def test_budget_learns_only_from_ticks_that_hit_their_deadline():
    b = StepBudget()
    first = b.next()
    b.observe(0.5, 0.001, bound=False)  # did all it owed, then idled: says nothing
    assert b.next() == first
    b.observe(0.1, 0.01, bound=True)  # a very slow frame moves the estimate, within bounds
    assert b.floor <= b.next() <= b.ceiling


class FakeClock:
    def __init__(self):
        self.t = 100.0

    def __call__(self) -> float:
        return self.t


def test_tick_steps_within_the_budget(controller, monkeypatch):
    clock = FakeClock()
    controller.clock = clock
    controller.set_speed(20_000)
    per_step = 0.0001
    run = controller.sim.run

    def timed_run(n: int):
        clock.t += n * per_step
        return run(n)

    monkeypatch.setattr(controller.sim, "run", timed_run)
    controller.play()
    frames: list[int] = []
    controller.frame.connect(lambda sim: frames.append(sim.t))
    budgets = []
    for _ in range(20):
        clock.t += 0.006  # the drawing after the last tick, and the wait for the timer
        budget = controller.budget._drawing[:]  # (before the tick observes the last one)
        start, t0 = controller.sim.t, clock.t
        controller._tick()
        budgets.append((budget, clock.t - t0, controller.sim.t - start))
    controller.pause()
    assert len(frames) == 20
    for _, spent, steps in budgets[2:]:
        # never past the budget by more than one step, and always some steps
        assert spent <= controller.budget.ceiling + per_step
        assert steps >= 1
    # the frames left ~6 ms: the ticks step for the rest of a 60 Hz frame
    spent = budgets[-1][1]
    assert spent == pytest.approx(controller.budget.period - 0.006, abs=0.0015)


def test_first_tick_after_play_measures_nothing(controller):
    clock = FakeClock()
    controller.clock = clock
    controller.set_speed(1)
    controller.play()
    clock.t += 5.0  # a long wait (the first tick after play)
    before = controller.budget._drawing[:]
    controller._tick()
    assert controller.budget._drawing == before
    controller.pause()
