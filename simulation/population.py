"""A population: K neurons per activation, each from its own random start, on the same data and
under the same shocks; how many are alive, recovering, saturated, dead or diverged at each step.

Seed 000's capacity argument ("of 1,000 neurons, if 500 die you lose half your capacity"), made
countable. :class:`Population` wraps ``Simulation(config, population=K)`` (neuron j of every lane
starts from the same standard-normal draw, scaled per lane: He normal for the ReLU family, LeCun
normal for SELU with ``init="auto"``) and counts the states of every neuron after each step, as
integers. The states are the engine's: judged on the full pass, never on a dropout pass.

Shocks hit every neuron. With ``random_shocks`` a bias or weight shock has a random size per
neuron: neuron j gets ``u_j`` times the shock's value, ``u_j`` uniform in [0, 1), one draw per
shock from ``default_rng([seed, SHOCK_STREAM])`` shared by every lane (a learning-rate shock is
the same for every neuron: the rate is one number per step).
"""

from __future__ import annotations

from typing import Any

import numpy as np

from simulation.config import RunConfig
from simulation.engine import Simulation
from simulation.health import STATE_NAMES, State

DEFAULT_SIZE = 1_000
MAX_SIZE = 100_000
SHOCK_STREAM = 3  # random shock sizes: np.random.default_rng([seed, SHOCK_STREAM])
N_STATES = len(State)
# the codes of a trace (the first neurons of each lane, on the first sample, step by step)
FIRING, SILENT, DROPPED, DEAD = range(4)
TRACE_NAMES = ("firing", "silent (z ≤ 0 on this sample)", "dropped (this step only)",
               "dead (for good)")


def population_config(config: RunConfig, init: str = "auto") -> RunConfig:
    """``config`` with random initial weights drawn by scheme ``init`` (see RunConfig.init)."""
    d = config.to_dict()
    d["init"] = init
    return RunConfig.from_dict(d)


def hull_indices(x: np.ndarray) -> np.ndarray:
    """Indices of the vertices of the convex hull of the points ``x`` (N, 2) (monotone chain).

    A linear function's largest value over the points is taken at one of them: max z over the
    data, per neuron, from a handful of points instead of all N."""
    order = np.lexsort((x[:, 1], x[:, 0]))
    pts = x[order]

    def half(idx: range) -> list[int]:
        chain: list[int] = []
        for i in idx:
            while len(chain) >= 2:
                (ax, ay), (bx, by) = pts[chain[-2]], pts[chain[-1]]
                cx, cy = pts[i]
                if (bx - ax) * (cy - ay) - (by - ay) * (cx - ax) > 0:
                    break
                chain.pop()
            chain.append(i)
        return chain

    n = len(pts)
    lower, upper = half(range(n)), half(range(n - 1, -1, -1))
    vertices = {int(order[i]) for i in lower + upper}
    return np.array(sorted(vertices), dtype=int)


class _Rows:
    """Rows of one shape, oldest first: all of them, or the newest ``capacity`` in a ring written
    twice (so the window is always one contiguous view, as simulation.history.History)."""

    def __init__(self, shape: tuple[int, ...], dtype: Any, capacity: int | None):
        self.capacity = capacity
        self._buf = np.zeros((2 * capacity if capacity else 256, *shape), dtype=dtype)
        self.total = 0

    def append(self, row: np.ndarray) -> None:
        if self.capacity is None:
            if self.total == len(self._buf):
                self._buf = np.concatenate([self._buf, np.zeros_like(self._buf)])
            self._buf[self.total] = row
        else:
            i = self.total % self.capacity
            self._buf[i] = self._buf[i + self.capacity] = row
        self.total += 1

    def window(self) -> np.ndarray:
        if self.capacity is None or self.total <= self.capacity:
            return self._buf[: self.total]
        start = self.total % self.capacity
        return self._buf[start : start + self.capacity]


class Population:
    """K neurons per lane, stepped together; duck-types the Simulation methods replay uses
    (``t``, ``run``, ``bias_shock``, ``lr_shock``, ``weight_shock``, ``set_lr``).

    Lanes without dropout take the engine's fused step; lanes with dropout (which need the
    reference step) run in a second simulation of the same seed, so the same data and the same
    starts. :attr:`lanes` is the order of every per-lane array: those without dropout first.
    """

    def __init__(self, config: RunConfig, size: int = DEFAULT_SIZE, *,
                 random_shocks: bool = False, capacity: int | None = None, trace: int = 0):
        if not 1 <= size <= MAX_SIZE:
            raise ValueError(f"population size must be 1..{MAX_SIZE:,}, got {size}")
        self.config = config
        self.size = size
        self.random_shocks = random_shocks
        plain = [lane for lane in config.lanes if not lane.dropout]
        dropped = [lane for lane in config.lanes if lane.dropout]
        self.lanes = plain + dropped
        d = config.to_dict()
        d["shocks"] = []  # applied here, so random sizes apply to scheduled shocks too
        self.sims = []
        for group in (plain, dropped):
            if group:
                d["lanes"] = [vars(lane) for lane in group]
                self.sims.append(Simulation(RunConfig.from_dict(d), population=size,
                                            history_capacity=1))
        self.sim = self.sims[0]
        self._schedule = list(config.shocks)
        self._shock_rng = np.random.default_rng([config.seed, SHOCK_STREAM])
        self.shock_sizes: list[np.ndarray] = []  # u per random-size shock, in order
        n_lanes = len(self.lanes)
        self._offsets = (np.arange(n_lanes) * N_STATES)[:, None]
        self._counts = _Rows((n_lanes, N_STATES), np.int32, capacity)
        self.trace_size = min(trace, size)
        self._trace = _Rows((n_lanes, self.trace_size), np.int8, capacity) if trace else None
        self._x0 = self.sim.data.x[0]
        self._hull = hull_indices(self.sim.data.x)

    # --- what replay.advance and the live controller call ------------------------------------
    @property
    def t(self) -> int:
        return self.sim.t

    @property
    def events(self) -> list[dict[str, Any]]:
        return self.sim.events

    @property
    def lr(self) -> float:
        return self.sim.lr

    def bias_shock(self, b: float = -10.0) -> None:
        """Every neuron's bias to ``b`` (times its own u with random shock sizes)."""
        u = self._sizes()
        for sim in self.sims:
            sim.bias_shock(b)
            if u is not None:
                sim.params.b[...] = b * u

    def weight_shock(self, w1: float, w2: float) -> None:
        """Every neuron's weights to (w1, w2) (times its own u with random shock sizes)."""
        u = self._sizes()
        for sim in self.sims:
            sim.weight_shock(w1, w2)
            if u is not None:
                sim.params.w1[...] = w1 * u
                sim.params.w2[...] = w2 * u

    def lr_shock(self, factor: float | None = None, value: float | None = None,
                 steps: int = 1) -> None:
        for sim in self.sims:
            sim.lr_shock(factor=factor, value=value, steps=steps)

    def set_lr(self, lr: float) -> None:
        for sim in self.sims:
            sim.set_lr(lr)

    def _sizes(self) -> np.ndarray | None:
        if not self.random_shocks:
            return None
        u = self._shock_rng.random(self.size)
        self.shock_sizes.append(u)
        return u

    def step(self) -> None:
        """One step of every neuron: due shocks, the update, then the count of its states."""
        while self._schedule and self._schedule[0].step <= self.t:
            shock = self._schedule.pop(0)
            p = shock.params
            if shock.kind == "bias_shock":
                self.bias_shock(p["b"])
            elif shock.kind == "weight_shock":
                self.weight_shock(p["w1"], p["w2"])
            else:
                self.lr_shock(p.get("factor"), p.get("value"), int(p["steps"]))
        if self._trace is not None:
            k = self.trace_size
            w1, w2, b = (self._stack(f, k) for f in ("w1", "w2", "b"))
            with np.errstate(all="ignore"):
                z0 = w1 * self._x0[0] + w2 * self._x0[1] + b
        for sim in self.sims:
            sim.step()
        state = self.states()
        counts = np.bincount((state + self._offsets).ravel(),
                             minlength=self._offsets.size * N_STATES).reshape(-1, N_STATES)
        self._counts.append(counts)
        if self._trace is not None:
            code = np.where(z0 > 0, FIRING, SILENT).astype(np.int8)
            row = 0
            for sim in self.sims:
                if sim.kept is not None:
                    code[row:row + sim.n_lanes][~sim.kept[:, :k, 0]] = DROPPED
                row += sim.n_lanes
            code[state[:, :k] == State.DEAD] = DEAD
            self._trace.append(code)

    def run(self, n: int) -> None:
        for _ in range(n):
            self.step()

    def _stack(self, name: str, k: int | None = None) -> np.ndarray:
        """Parameter ``name`` of every lane, (L, K) (or of the first ``k`` neurons)."""
        arrays = [getattr(sim.params, name)[:, :k] for sim in self.sims]
        return arrays[0] if len(arrays) == 1 else np.concatenate(arrays)

    # --- what was counted ---------------------------------------------------------------------
    def states(self) -> np.ndarray:
        """(L, K) int8: every neuron's state at the last step."""
        states = [sim.state for sim in self.sims]
        return states[0] if len(states) == 1 else np.concatenate(states)

    @property
    def steps_recorded(self) -> int:
        return self._counts.total

    def counts(self) -> np.ndarray:
        """(T, L, 5) int: neurons per state (alive, recovering, saturated, dead, diverged) per lane
        at each kept step, oldest first; the last row is step ``t - 1``."""
        return self._counts.window()

    def fractions(self) -> np.ndarray:
        """:meth:`counts` / K."""
        return self.counts() / self.size

    def first_step(self) -> int:
        """The step of the first row of :meth:`counts`."""
        return self._counts.total - len(self._counts.window())

    def trace(self) -> np.ndarray:
        """(T, L, trace) codes FIRING, SILENT, DROPPED, DEAD of the first neurons of each lane on
        the first sample, oldest first (empty without ``trace``)."""
        if self._trace is None:
            return np.zeros((0, len(self.lanes), 0), dtype=np.int8)
        return self._trace.window()

    def biases(self) -> np.ndarray:
        """(L, K): every neuron's b now."""
        return self._stack("b")

    def z_max(self) -> np.ndarray:
        """(L, K): every neuron's largest z over the data now (ReLU is dead where it is <= 0)."""
        x = self.sim.data.x[self._hull]
        w1, w2, b = (self._stack(f)[..., None] for f in ("w1", "w2", "b"))
        with np.errstate(all="ignore"):
            z = w1 * x[:, 0] + w2 * x[:, 1] + b
        return z.max(-1)

    def summary(self) -> list[dict[str, Any]]:
        """Per lane: the latest counts by state and the largest number ever dead."""
        counts = self.counts()
        out = []
        for i, spec in enumerate(self.lanes):
            last = counts[-1, i] if len(counts) else np.zeros(N_STATES, dtype=int)
            dead = counts[:, i, State.DEAD] if len(counts) else np.zeros(1, dtype=int)
            out.append({"id": spec.id, "activation": spec.activation, "dropout": spec.dropout,
                        "counts": {n: int(c) for n, c in zip(STATE_NAMES, last, strict=True)},
                        "max_dead": int(dead.max())})
        return out
