"""The live loop: a timer runs simulation steps at the chosen speed and tells views to redraw.

Simulation speed is decoupled from drawing: each tick (~60 a second) runs as many steps as the
speed asks for since the last tick, within a time budget so the window never freezes, then
emits ``frame`` once. Views pull what they draw from the model when told.
"""

from __future__ import annotations

import math
import time
from typing import Any

from PySide6.QtCore import QObject, Qt, QTimer, Signal

from simulation.config import RunConfig, _finite
from simulation.engine import Simulation
from simulation.replay import LR_MAX

FRAME_MS = 16  # ~60 frames a second
STEP_BUDGET_S = 0.010  # at most this much stepping per tick
HISTORY_CAPACITY = 20_000  # steps kept for the time plots (bounded memory)
MAX_SPEED = 20_000


class LiveController(QObject):
    """Owns the simulation and its timer; every control's intent goes through here."""

    model_changed = Signal(object)  # a new Simulation (after reset or a new config)
    frame = Signal(object)  # the Simulation, after steps ran; at most ~60 a second
    running_changed = Signal(bool)
    stats = Signal(float, float)  # steps per second, frames per second (measured)

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
        self._stat_t0 = 0.0
        self._stat_steps = 0
        self._stat_frames = 0

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
        self._last_tick = self._stat_t0 = time.perf_counter()
        self._owed = 0.0
        self._stat_steps = self._stat_frames = 0
        self._timer.start()
        self.running_changed.emit(True)

    def pause(self) -> None:
        if not self.running:
            return
        self._timer.stop()
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
        self.sim.bias_shock(b)
        self.journal.append(dict(self.sim.events[-1]))
        self.frame.emit(self.sim)

    def lr_shock(self, factor: float | None = None, value: float | None = None,
                 steps: int = 1) -> None:
        self.sim.lr_shock(factor=factor, value=value, steps=steps)
        self.journal.append(dict(self.sim.events[-1]))
        self.frame.emit(self.sim)

    def weight_shock(self, w1: float, w2: float) -> None:
        self.sim.weight_shock(w1, w2)
        self.journal.append(dict(self.sim.events[-1]))
        self.frame.emit(self.sim)

    def set_lr(self, lr: float) -> None:
        lr = _finite("learning rate", lr, 0, LR_MAX)  # what a session can replay
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

    def _chunk(self) -> int:
        """Steps per slice: fewer when followers are slow, so a frame stays within budget."""
        return min([64, *(f.steps_within(STEP_BUDGET_S) for f in self.followers)])

    def _tick(self) -> None:
        now = time.perf_counter()
        self._owed = min(self._owed + self.speed * (now - self._last_tick), self.speed * 0.25 + 1)
        self._last_tick = now
        n = int(self._owed)
        done = 0
        deadline = now + STEP_BUDGET_S
        self._followers_ready(deadline)
        while done < n:
            chunk = min(self._chunk(), n - done, self._room())
            if chunk <= 0:
                break  # a follower is too far behind: the lanes wait for it
            self.sim.run(chunk)
            done += chunk
            self._followers_ready(deadline)
            if time.perf_counter() > deadline:
                break
        self._owed -= n if done == n else done
        self._owed = max(self._owed, 0.0) if done == n else 0.0
        self.frame.emit(self.sim)
        self._stat_steps += done
        self._stat_frames += 1
        elapsed = time.perf_counter() - self._stat_t0
        if elapsed >= 1.0:
            self.stats.emit(self._stat_steps / elapsed, self._stat_frames / elapsed)
            self._stat_t0 = time.perf_counter()
            self._stat_steps = self._stat_frames = 0
