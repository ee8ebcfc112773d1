"""The live loop: a timer runs simulation steps at the chosen speed and tells views to redraw.

Simulation speed is decoupled from drawing: each tick (~60 a second) runs as many steps as the
speed asks for since the last tick, within a time budget so the window never freezes, then
emits ``frame`` once. Views pull what they draw from the model when told. The budget is what a
60 Hz frame leaves after the drawing, as measured over the last ticks (:class:`StepBudget`).

At ``STEPPER_SPEED`` steps a second and more, a second process steps instead (when the window
asked for one: :meth:`LiveController.use_stepper_process`), a chunk ahead of what is shown: each
tick absorbs the chunks that came (the same numbers as stepping here, see
``simulation.stepper_process``) and asks for the steps owed. One core draws, the other steps.
"""

from __future__ import annotations

import math
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from simulation.config import RunConfig, _finite
from simulation.engine import Simulation
from simulation.replay import LR_MAX
from simulation.stepper_process import StepperProcess, absorb

FRAME_MS = 16  # ~60 frames a second
STEP_BUDGET_S = 0.010  # stepping per tick before any drawing has been measured
HISTORY_CAPACITY = 20_000  # steps kept for the time plots (bounded memory)
MAX_SPEED = 20_000
# at this speed and above, a second process steps (when the controller has one): a tick's
# steps would otherwise take a few milliseconds of the drawing's frame
STEPPER_SPEED = 2_000
# chunks of half a frame's steps, up to four asked for at once: the child always has the next
# one, and a frame seldom passes without new steps (chunks of what was owed, up to 2,000, came
# in bursts: 85% of the frames had none)
STEPPER_CHUNKS = 4
STEPPER_CHUNK_FRAMES = 0.5


class StepBudget:
    """How long the next tick may step: what is left of a frame (``period``, a little over the
    timer's 16 ms, so ~60 frames a second) after the drawing that follows the steps.

    The drawing of a tick is measured as what the tick's period (the time to the next tick) had
    beyond its stepping, for ticks that stepped until their deadline (a tick that did every step
    owed says nothing about what more steps would cost). Frames alternate between every view's
    data and the time plots' painting (``MainWindow.draw``), so the estimate is kept per parity
    of the tick and the next tick plans with the frame two ticks back. A period that ended on
    the timer's schedule may have included idle time: the drawing was at most that, so the
    estimate is taken a millisecond lower, and the budget grows until the period is full. At
    most ``ceiling`` (the window never freezes); at least ``floor`` on average over two ticks
    (stepping goes on however slow the drawing, but a tick before a slow frame may step less to
    keep the frame rate).
    """

    def __init__(self, period: float = 0.0164, interval: float = FRAME_MS / 1000,
                 floor: float = 0.005, ceiling: float = 0.015, start: float = STEP_BUDGET_S):
        self.period, self.interval = period, interval
        self.floor, self.ceiling = floor, ceiling
        self._drawing = [period - start, period - start]  # per parity of the tick
        self._n = 0  # ticks planned

    def next(self) -> float:
        """The stepping budget of the coming tick, in seconds."""
        low = 0.2 * self.floor  # a tick before a slow frame may step this little ...
        b = [min(max(self.period - d, low), self.ceiling) for d in self._drawing]
        lift = self.floor - 0.5 * (b[0] + b[1])  # ... if two ticks together step 2 x floor
        i = self._n % 2
        self._n += 1
        return min(b[i] + max(lift, 0.0), self.ceiling)

    def observe(self, period: float, stepped: float, bound: bool) -> None:
        """The last planned tick stepped ``stepped`` seconds and the next tick came ``period``
        seconds after it started; ``bound``: it stopped at its deadline."""
        if not bound:
            return
        drawing = min(max(period - stepped, 0.0), 0.1)
        if period < self.interval + 0.0003:  # on the timer's schedule: there may have been idle
            drawing = max(drawing - 0.001, 0.0)
        slot = (self._n - 1) % 2
        self._drawing[slot] = 0.5 * (self._drawing[slot] + drawing)


class LiveController(QObject):
    """Owns the simulation and its timer; every control's intent goes through here."""

    model_changed = Signal(object)  # a new Simulation (after reset or a new config)
    frame = Signal(object)  # the Simulation, after steps ran; at most ~60 a second
    running_changed = Signal(bool)
    # steps per second, frames per second, measured over about a second while running; NaN,
    # NaN when the loop stops (paused, stepped, reset, rewound): there is no live rate then
    stats = Signal(float, float)

    def __init__(self, config: RunConfig, parent: QObject | None = None):
        super().__init__(parent)
        self.config = config
        self.sim = self._new_sim(config)
        self.journal: list[dict] = []  # what was done live, at its step (see simulation.replay)
        self.followers: list[Any] = []  # stepped beside the lanes, a little behind (population)
        self.speed = 240.0  # steps per second
        self._timer = QTimer(self)
        self._timer.setObjectName("live-loop")
        self._timer.setTimerType(Qt.TimerType.PreciseTimer)
        self._timer.setInterval(FRAME_MS)
        self._timer.timeout.connect(self._tick)
        self._owed = 0.0
        self._last_tick = 0.0
        self.clock = time.perf_counter  # (tests give a fake one)
        self.budget = StepBudget()
        self._last_stepping: tuple[float, bool] | None = None  # (seconds, hit the deadline)
        self._stat_t0 = 0.0
        self._stat_steps = 0
        self._stat_frames = 0
        # the second process that steps at high speeds (see use_stepper_process); None: this one
        self.stepper: StepperProcess | None = None
        self._stepper_key: tuple | None = None  # the simulation as the last chunk left it

    @staticmethod
    def _new_sim(config: RunConfig) -> Simulation:
        return Simulation(config, history_capacity=HISTORY_CAPACITY)

    # --- transport ------------------------------------------------------------------------------
    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def play(self) -> None:
        if self.running:
            return
        self._last_tick = self._stat_t0 = self.clock()
        self._owed = 0.0
        self._last_stepping = None  # the first period after a pause measures nothing
        self._stat_steps = self._stat_frames = 0
        self._timer.start()
        self.running_changed.emit(True)

    def use_stepper_process(self) -> None:
        """Step in a second process at high speeds (started the first time a tick wants it; this
        process draws meanwhile). Without one, or after it fails, this process steps."""
        if self.stepper is None:
            self.stepper = StepperProcess()

    def close_stepper(self) -> None:
        """End the second process, if any (the window is closing)."""
        if self.stepper is not None:
            self.stepper.close()

    def _stepper_stale(self) -> None:
        """The simulation changed here: the second process's copy is no longer it."""
        if self.stepper is not None and self.stepper.loaded:
            self.stepper.invalidate()

    def pause(self) -> None:
        self._stepper_stale()
        if not self.running:
            return
        self._timer.stop()
        self.stats.emit(math.nan, math.nan)  # the last measured rate is no longer true
        self.running_changed.emit(False)

    def toggle(self) -> None:
        self.pause() if self.running else self.play()

    def step_once(self) -> None:
        """Exactly one update (pauses first)."""
        self.pause()
        self.sim.step()
        self.frame.emit(self.sim)

    def reset(self, config: RunConfig | None = None) -> None:
        """Start over from step 0 with ``config`` (or the current one): same seed, same run."""
        self.pause()
        if config is not None:
            self.config = config
        self.sim = self._new_sim(self.config)
        self.journal = []
        self.model_changed.emit(self.sim)
        self.frame.emit(self.sim)

    def adopt(self, sim: Simulation, journal: list[dict]) -> None:
        """Go on live from ``sim`` (a replayed run: a session, a rewind), which got where it is
        through ``journal``."""
        self.pause()
        self.config, self.sim, self.journal = sim.config, sim, [dict(a) for a in journal]
        self.model_changed.emit(self.sim)
        self.frame.emit(self.sim)

    def set_speed(self, steps_per_second: float) -> None:
        """Steps per second, clamped to 1..MAX_SPEED; ConfigError (nothing changes) for NaN, an
        infinity or what is not a number."""
        speed = _finite("speed", steps_per_second, -math.inf, math.inf)
        self.speed = float(min(max(speed, 1.0), MAX_SPEED))

    # --- shocks and settings, applied to every lane at the current step -----------------------
    # (a value out of range, NaN, an infinity or text: ConfigError from the engine, nothing done)
    def bias_shock(self, b: float) -> None:
        self._stepper_stale()
        self.sim.bias_shock(b)
        self.journal.append(dict(self.sim.events[-1]))
        self.frame.emit(self.sim)

    def lr_shock(self, factor: float | None = None, value: float | None = None,
                 steps: int = 1) -> None:
        self._stepper_stale()
        self.sim.lr_shock(factor=factor, value=value, steps=steps)
        self.journal.append(dict(self.sim.events[-1]))
        self.frame.emit(self.sim)

    def weight_shock(self, w1: float, w2: float) -> None:
        self._stepper_stale()
        self.sim.weight_shock(w1, w2)
        self.journal.append(dict(self.sim.events[-1]))
        self.frame.emit(self.sim)

    def set_lr(self, lr: float) -> None:
        lr = _finite("learning rate", lr, 0, LR_MAX)  # what a session can replay
        self._stepper_stale()
        self.sim.set_lr(lr)
        self.journal.append({"step": self.sim.t, "kind": "set_lr", "lr": float(lr)})
        self.frame.emit(self.sim)

    # --- the loop -------------------------------------------------------------------------------
    def _followers_ready(self, deadline: float | None = None) -> bool:
        """Bring every follower towards the lanes' step (stopping at ``deadline``, or starting
        a slice on its worker); True when all are there. A follower has ``sync(sim, journal,
        deadline) -> bool``, ``room(sim) -> int`` and ``steps_within(seconds) -> int``."""
        return all([f.sync(self.sim, self.journal, deadline) for f in self.followers])

    def _room(self) -> int:
        """Steps the lanes may take before a follower must catch up."""
        return min([1 << 30, *(f.room(self.sim) for f in self.followers)])

    def _chunk(self, budget: float) -> int:
        """Steps per slice: fewer when followers are slow, so a frame stays within budget."""
        return min([64, *(f.steps_within(budget) for f in self.followers)])

    def _tick(self) -> None:
        clock = self.clock
        now = clock()
        if self._last_stepping is not None:
            self.budget.observe(now - self._last_tick, *self._last_stepping)
        self._owed = min(self._owed + self.speed * (now - self._last_tick), self.speed * 0.25 + 1)
        self._last_tick = now
        if self._stepper_usable():
            done = self._take_from_stepper()
            self._last_stepping = None  # (the budget is this process's stepping)
        else:
            self._stepper_stale()
            done = self._step_here(now)
        self.frame.emit(self.sim)
        self._stat_steps += done
        self._stat_frames += 1
        elapsed = clock() - self._stat_t0
        if elapsed >= 1.0:
            self.stats.emit(self._stat_steps / elapsed, self._stat_frames / elapsed)
            self._stat_t0 = clock()
            self._stat_steps = self._stat_frames = 0

    def _stepper_usable(self) -> bool:
        """Step in the second process this tick? At high speed, without followers (they step
        beside the lanes here), once it is ready (it starts the first time it is wanted)."""
        s = self.stepper
        if s is None or self.speed < STEPPER_SPEED or self.followers:
            return False
        s.start()
        return s.ready

    def _take_from_stepper(self) -> int:
        """Absorb the chunks the second process has sent, ask for what is owed; steps taken."""
        s, sim = self.stepper, self.sim
        answers = s.results()
        done = 0
        if answers and self._stepper_key != self._key(sim):  # changed behind the controller
            s.invalidate()
        elif answers:
            done = absorb(sim, answers)
            if done < sum(len(rows) for _t0, rows, _state in answers):
                s.invalidate()  # (an answer that does not go on from the last: never seen)
            self._stepper_key = self._key(sim)
        if s.failed:
            return done
        if not s.loaded:
            s.load(sim)
            self._stepper_key = self._key(sim)
        size = max(int(self.speed * FRAME_MS / 1000 * STEPPER_CHUNK_FRAMES), 1)
        while s.in_flight < STEPPER_CHUNKS and self._owed >= 1:
            n = min(int(self._owed), size)
            s.request(n)
            self._owed -= n
        return done

    @staticmethod
    def _key(sim: Simulation) -> tuple:
        """What a change made outside the controller would alter (a new simulation, a step, a
        shock, a learning rate)."""
        return id(sim), sim.t, len(sim.events), sim.lr

    def _step_here(self, now: float) -> int:
        """This tick's steps in this process, within the stepping budget; steps taken."""
        clock = self.clock
        n = int(self._owed)
        done = 0
        budget = self.budget.next()
        deadline = now + budget
        self._followers_ready(deadline)
        late = False
        while done < n:
            chunk = min(self._chunk(budget), n - done, self._room())
            if chunk <= 0:
                break  # a follower is too far behind: the lanes wait for it
            if done:  # (the first slice always runs: the lanes never stand still)
                # steps cost about the same: the last slice only as long as the budget has room
                spent = clock() - now
                fit = int((budget - spent) * done / spent) if spent > 0 else chunk
                if fit <= 0:
                    late = True
                    break
                chunk = min(chunk, fit)
            self.sim.run(chunk)
            done += chunk
            self._followers_ready(deadline)
            if clock() > deadline:
                late = True
                break
        self._last_stepping = (clock() - now, late)
        self._owed -= n if done == n else done
        self._owed = max(self._owed, 0.0) if done == n else 0.0
        return done
