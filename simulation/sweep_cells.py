"""The death map's moving cells after the shock, stepped exactly as the engine steps a run.

Two kinds: :class:`ColumnSet`, (lane, cell) pairs of the piecewise lanes as the columns of
columns.ColumnStep blocks (cache-sized), each column with its own learning rate, stepped by one
thread; and :class:`ReferenceLane`, the cells of one lane without a piecewise form (GELU, SiLU)
by the engine's reference step, its cells the population axis. Both keep the recovery
bookkeeping (when a cell left ALIVE after the shock, when it came back). Driven by
:class:`simulation.sweep.Sweep`.
"""

from __future__ import annotations

import itertools

import numpy as np

from simulation.column_sums import ColumnBuffers
from simulation.columns import (
    U_ALPHA,
    U_B,
    U_GALPHA,
    U_GB,
    U_GW1,
    U_LOSS,
    U_W1,
    ColumnStep,
    LaneKind,
    finish_flags,
    flag_rows,
)
from simulation.config import LaneSpec
from simulation.engine import Simulation, classify_rows
from simulation.fused import BLOCK_ELEMENTS
from simulation.health import State, classify
from simulation.neuron import Network, Params

ALIVE, DIVERGED = int(State.ALIVE), int(State.DIVERGED)
FIELDS = ("lane", "cell", "rate", "lr_shocked", "left", "back", "state")  # per column


class ReferenceLane:
    """The cells of one lane still moving, by the engine's reference step (lanes whose activation
    has no piecewise form: GELU, SiLU)."""

    def __init__(self, spec: LaneSpec, sim: Simulation, lane: int, cells: np.ndarray):
        self.network = Network([spec])
        self.x, self.y = sim.data.x, sim.data.y
        self.prelu_rate = float(self.network.alpha_lr[0]) if self.network.prelu[0] else None
        p = sim.params
        self.u = np.full((9, 1, len(cells)), np.nan)
        for row, v in enumerate((p.w1, p.w2, p.b, p.alpha)):
            self.u[row] = v[lane, 0]
        self.cells = cells  # indices into the grid

    def keep(self, mask: np.ndarray) -> None:
        """Go on with the cells where ``mask`` only."""
        self.u = np.ascontiguousarray(self.u[:, :, mask])
        self.cells = self.cells[mask]

    def step(self, lr: float | np.ndarray) -> np.ndarray:
        """One step of every cell (the engine's, each cell with its own ``lr``): the states."""
        u = self.u
        p = Params(*u[:4])
        fb = self.network.run(p, self.x, self.y)
        state = classify(p, fb)
        dw = np.stack([lr * fb.grad_w1, lr * fb.grad_w2, lr * fb.grad_b])
        u[U_GALPHA] = fb.grad_alpha
        diverged = state == DIVERGED
        if diverged.any():  # a diverged neuron is frozen where it broke
            dw[:, diverged] = 0.0
        u[U_W1:U_B + 1] -= dw
        if self.prelu_rate is not None:
            step = self.prelu_rate * u[U_GALPHA, 0]
            u[U_ALPHA, 0] -= np.where(~diverged[0], step, 0.0)
        return state[0]


class ColumnSet:
    """Moving (lane, cell) pairs of the piecewise lanes, the columns of :class:`columns.ColumnStep`
    blocks (cache-sized), stepped by one thread: columns of lanes with the exponential last,
    PReLU's first, so each kind is one run of columns.

    Per column: the parameters and what a step records (``u`` (9, 1, M), rows as in the engine),
    the lane, the cell, the learning rate under the lr shock, PReLU's alpha rate, the recovery
    bookkeeping (the step it left ALIVE and the step it came back, -1 until then) and the last
    state.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, kinds: list[LaneKind],
                 u: np.ndarray, fields: dict[str, np.ndarray]):
        self.x, self.y, self.kinds = x, y, kinds
        self.n = len(y)
        self.u = u
        for name in FIELDS:
            setattr(self, name, fields[name])
        self._buffers = ColumnBuffers(self.n, 1)
        self._build()

    @staticmethod
    def order(lane: np.ndarray, cell: np.ndarray, kinds: list[LaneKind]) -> np.ndarray:
        """The order of columns that keeps each kind one run."""
        key = np.array([(q.group + 1 if q.exp else 0 if q.prelu else 1) for q in kinds])[lane]
        return np.lexsort((cell, lane, key))

    def fields(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in FIELDS}

    def __len__(self) -> int:
        return len(self.lane)

    def _build(self) -> None:
        m = len(self.lane)
        self._tracked: np.ndarray | None = None  # the states the bookkeeping last saw
        lanes, counts = np.unique(self.lane, return_counts=True)
        self.counts = [(int(a), int(b)) for a, b in zip(lanes, counts, strict=True)]
        self.flag_rows = flag_rows(m)
        self.flags = self.flag_rows[:, :m].reshape(16, 1, m)
        # the columns of lanes without the exponential come first: their slope and steepness
        # flags from the blocks' facts (columns.finish_flags), k per column (PReLU's: alpha)
        kinds = self.kinds
        plain_lanes = self.lane[~np.array([q.exp for q in kinds])[self.lane]]
        plain = len(plain_lanes)
        self._plain = plain
        self._k = np.array([q.k for q in kinds])[plain_lanes]
        self._s = np.array([q.s for q in kinds])[plain_lanes]
        self._k_prelu = np.flatnonzero(np.array([q.prelu for q in kinds])[plain_lanes])
        self._flag_tmp = np.empty((2, plain), dtype=bool)
        self._prelu = self.rate != 0
        self._any_prelu = bool(self._prelu.any())
        # blocks of columns that stay in cache
        count = max(1, -(-m * self.n // BLOCK_ELEMENTS))
        bounds = np.linspace(0, m, count + 1).astype(int).tolist()
        self._blocks = [(ColumnStep(self.x, self.y, self.lane[a:b], kinds, self._buffers),
                         slice(a, b)) for a, b in itertools.pairwise(bounds) if b > a]

    def keep(self, mask: np.ndarray) -> None:
        """Go on with the columns where ``mask`` only."""
        self.u = np.ascontiguousarray(self.u[:, :, mask])
        for name in FIELDS:
            setattr(self, name, getattr(self, name)[mask])
        self._build()

    def step(self, t: int, lr: float | None) -> None:
        """Step ``t`` of every column, with learning rate ``lr`` (None: each its shocked one):
        the engine's step, and its recovery bookkeeping. Inside np.errstate."""
        u = self.u
        for step, sl in self._blocks:
            v = u[:, 0, sl]
            step.run(v[:4], v[U_LOSS:U_GB + 1], v[U_GALPHA], self.flags[:, 0, sl])
        plain = self._plain
        if plain:
            if len(self._k_prelu):
                self._k[self._k_prelu] = u[U_ALPHA, 0, self._k_prelu]
            finish_flags(self.flags[:, 0, :plain], self._k, self._s, self._flag_tmp)
        state = classify_rows(u, self.flag_rows)[0]
        self.state = state
        dw = u[U_GW1:U_GB + 1, 0] * (self.lr_shocked if lr is None else lr)
        diverged = state == DIVERGED
        any_diverged = bool(diverged.any())
        if any_diverged:  # a diverged neuron is frozen where it broke
            dw[:, diverged] = 0.0
        u[U_W1:U_B + 1, 0] -= dw
        if self._any_prelu:
            pr = self._prelu
            step = self.rate[pr] * u[U_GALPHA, 0, pr]
            if any_diverged:
                step = np.where(~diverged[pr], step, 0.0)
            u[U_ALPHA, 0, pr] -= step
        # Recovery: when it left ALIVE after the shock, and when it came back (only a change of
        # state can mark either, after the first step)
        if self._tracked is not None and np.array_equal(state, self._tracked):
            return
        self._tracked = state
        alive = state == ALIVE
        left, back = self.left, self.back
        np.copyto(back, t, where=(left >= 0) & (back < 0) & alive)
        np.copyto(left, t, where=(left < 0) & ~alive)

