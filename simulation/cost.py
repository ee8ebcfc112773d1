"""What an activation costs on this machine: forward and backward over 1,000,000 values.

Seed 000 states "ReLU 1.0x, Leaky ReLU 1.1x, ELU 1.5x". This measures this app's own numpy
implementations (:mod:`simulation.activations`): forward is ``a = f(z)``, backward is the chain-rule
product ``g · f'(z)`` with an upstream gradient ``g`` (PReLU's backward also sums its slope's
gradient ``Σ g · min(z, 0)``). Each is timed with :func:`time.perf_counter`, ``repeats`` times
after one untimed warm-up, activations interleaved within each repeat so that a slow moment of the
machine hits them all alike; the median is kept and divided by ReLU's.
"""

from __future__ import annotations

import time
from dataclasses import dataclass

import numpy as np

from simulation import activations

SEED_RATIOS: dict[str, float] = {"relu": 1.0, "leaky_relu": 1.1, "elu": 1.5}
DEFAULT_SIZE = 1_000_000
BASELINE = "relu"


@dataclass(frozen=True)
class CostRow:
    """Median seconds of one activation and its ratios to ReLU; all repeats kept."""

    activation: str
    forward_s: float
    backward_s: float
    total_s: float
    ratio: float  # total / ReLU's total
    forward_ratio: float
    backward_ratio: float
    repeats: int
    seed_ratio: float | None
    size: int = DEFAULT_SIZE  # values timed


def _kwargs(name: str) -> dict[str, float]:
    act = activations.get(name)
    if act.learnable_alpha:
        return {"alpha": act.defaults["alpha_init"]}
    return activations.function_params(name, act.defaults)


class CostRun:
    """The timing, one (repeat, activation) pair per :meth:`step`."""

    def __init__(self, names: tuple[str, ...] | None = None, size: int = DEFAULT_SIZE,
                 repeats: int = 9, seed: int = 0):
        names = tuple(names or activations.ACTIVATIONS)
        for name in names:
            activations.get(name)
        if BASELINE not in names:
            names = (BASELINE, *names)
        if isinstance(size, bool) or not isinstance(size, int) or size < 1:
            raise ValueError(f"size must be a positive integer, got {size!r}")
        if isinstance(repeats, bool) or not isinstance(repeats, int) or repeats < 1:
            raise ValueError(f"repeats must be a positive integer, got {repeats!r}")
        self.names, self.size, self.repeats = names, size, repeats
        rng = np.random.default_rng(seed)
        self.z = rng.standard_normal(size)  # half negative, half positive: both branches work
        self.g = rng.standard_normal(size)
        self.times = {n: ([], []) for n in names}  # forward, backward seconds per repeat
        self._queue = [(r, n) for r in range(-1, repeats) for n in names]  # -1: warm-up
        self._total = len(self._queue)
        self.finished_at: float | None = None  # time.time() when the last timing ended

    @property
    def done(self) -> bool:
        return not self._queue

    @property
    def progress(self) -> float:
        return 1.0 - len(self._queue) / self._total

    def step(self) -> None:
        """Time the next activation once (forward, then backward)."""
        if not self._queue:
            return
        repeat, name = self._queue.pop(0)
        act, kw = activations.get(name), _kwargs(name)
        z, g = self.z, self.g
        t0 = time.perf_counter()
        act.value(z, **kw)
        t1 = time.perf_counter()
        dz = g * act.grad(z, **kw)
        if act.learnable_alpha:
            float(np.sum(g * activations.prelu_grad_alpha(z)))
        t2 = time.perf_counter()
        del dz
        if repeat >= 0:
            self.times[name][0].append(t1 - t0)
            self.times[name][1].append(t2 - t1)
        if not self._queue:
            self.finished_at = time.time()

    def covers(self, names: tuple[str, ...]) -> bool:
        """True if this run is complete and timed every one of ``names``."""
        return self.done and set(names) <= set(self.names)

    def advance(self, seconds: float | None = None) -> bool:
        """Steps for about ``seconds`` (at least one; or to the end); True once done."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        while self._queue:  # at least one step per call
            self.step()
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.done

    def rows(self) -> list[CostRow]:
        """One row per activation timed so far (medians of the repeats done), ReLU first."""
        medians = {n: (float(np.median(f)), float(np.median(b)), len(f))
                   for n, (f, b) in self.times.items() if f}
        if BASELINE not in medians:
            return []
        bf, bb, _ = medians[BASELINE]
        return [CostRow(name, f, b, f + b, (f + b) / (bf + bb), f / bf, b / bb, k,
                        SEED_RATIOS.get(name), self.size)
                for name, (f, b, k) in medians.items()]


class SharedCost:
    """The session's latest complete timing, kept by the views that show one, so that every
    view can show the same numbers rather than time again (timings vary from run to run)."""

    def __init__(self) -> None:
        self.run: CostRun | None = None

    def keep(self, run: CostRun) -> None:
        """Keep ``run`` if it is complete."""
        if run.done:
            self.run = run

    def covering(self, names: tuple[str, ...]) -> CostRun | None:
        """The kept run if it timed every one of ``names``; else None."""
        return self.run if self.run is not None and self.run.covers(names) else None


def clock_text(finished_at: float | None) -> str:
    """``finished_at`` (seconds since the epoch) as the local time of day, HH:MM:SS."""
    return "—" if finished_at is None else time.strftime("%H:%M:%S", time.localtime(finished_at))


def measure(names: tuple[str, ...] | None = None, size: int = DEFAULT_SIZE,
            repeats: int = 9, seed: int = 0) -> list[CostRow]:
    """The cost table of ``names`` (every activation by default)."""
    run = CostRun(names, size, repeats, seed)
    run.advance()
    return run.rows()
