"""The death map: every activation under a grid of shocks, one neuron per cell, vectorized.

Cell (i, j) is the run ``simulate`` would make of the base configuration (its own shocks
dropped) with two shocks at ``shock_step``: the bias set to ``bias[j]``, and the learning rate
multiplied by ``factor[i]`` for ``lr_steps`` steps. What each cell reports, per lane: its state at
the last step (``steps - 1``) and its recovery (steps from the shock until alive again; 0 if it
never stopped being alive; NaN if it is not alive again by the end), exactly as that run would.

How it is fast and still exact:

* before the shock every cell is the same neuron: it is run once, then copied into every cell;
* after it, every (lane, cell) pair of the piecewise lanes is a column of neuron.ColumnStep
  blocks, each with its own learning rate (one number per cell instead of one per run; the same
  multiplication); the columns are shared among the cores, each thread stepping its own set
  through a whole chunk of steps (the sets are independent: no thread waits on another within
  a chunk); other lanes (GELU, SiLU) take the engine's reference step, their cells the
  population axis;
* once the lr shock is over, a cell whose parameters came out of a step unchanged is at a fixed
  point (the step is a function of the parameters alone): every later step is the same, so its
  state and recovery are final and it leaves the computation. Dead neurons (every gradient 0),
  diverged ones (frozen) and converged ones (updates below half an ulp) all go this way.
"""

from __future__ import annotations

import itertools
import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from simulation.config import ConfigError, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation, classify_rows
from simulation.health import State, classify
from simulation.neuron import (
    BLOCK_ELEMENTS,
    U_ALPHA,
    U_B,
    U_GALPHA,
    U_GB,
    U_GW1,
    U_LOSS,
    U_W1,
    ColumnBuffers,
    ColumnStep,
    LaneKind,
    Network,
    Params,
    finish_flags,
    flag_rows,
    lane_kinds,
    sums_agree,
)

_ALIVE, _DIVERGED = int(State.ALIVE), int(State.DIVERGED)
COMPACT_EVERY = 16  # steps between looks for cells at a fixed point
CHUNK = 32  # steps each set of columns runs before the others catch up (and a time check)
PARALLEL_ELEMENTS = 1 << 16  # from this many values per step, the columns run on every core
SET_MIN = 64  # columns a thread takes at least
MAX_CELLS = 250_000


@dataclass(frozen=True)
class SweepSpec:
    """The grid (bias shock values x lr shock factors) and the timing of the shocks."""

    bias: tuple[float, ...] = tuple(np.linspace(-10.0, 10.0, 40).tolist())
    factor: tuple[float, ...] = tuple(np.geomspace(1.0, 100.0, 40).tolist())
    shock_step: int = 300
    lr_steps: int = 2
    steps: int = 2300

    def __post_init__(self) -> None:
        if not self.bias or not self.factor:
            raise ConfigError("the grid needs at least one bias value and one lr factor")
        if len(self.bias) * len(self.factor) > MAX_CELLS:
            raise ConfigError(f"at most {MAX_CELLS:,} cells, got "
                              f"{len(self.bias) * len(self.factor):,}")
        for b in self.bias:  # the checks a bias shock makes
            ShockSpec(0, "bias_shock", {"b": b})
        for f in self.factor:
            ShockSpec(0, "lr_shock", {"factor": f, "steps": self.lr_steps})
        if not 0 <= self.shock_step < self.steps:
            raise ConfigError(f"the shock step must be in 0..steps-1 = {self.steps - 1}, "
                              f"got {self.shock_step}")

    def cell_shocks(self, i: int, j: int) -> list[ShockSpec]:
        """The two shocks of cell (factor ``i``, bias ``j``)."""
        return [ShockSpec(self.shock_step, "bias_shock", {"b": self.bias[j]}),
                ShockSpec(self.shock_step, "lr_shock",
                          {"factor": self.factor[i], "steps": self.lr_steps})]


def cell_config(base: RunConfig, spec: SweepSpec, i: int, j: int) -> RunConfig:
    """The configuration of one cell, as an individual run (``simulate``) would take it."""
    d = base.to_dict()
    d["steps"] = spec.steps
    d["shocks"] = [vars(s) for s in spec.cell_shocks(i, j)]
    return RunConfig.from_dict(d)


class _Lane:
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
        diverged = state == _DIVERGED
        if diverged.any():  # a diverged neuron is frozen where it broke
            dw[:, diverged] = 0.0
        u[U_W1:U_B + 1] -= dw
        if self.prelu_rate is not None:
            step = self.prelu_rate * u[U_GALPHA, 0]
            u[U_ALPHA, 0] -= np.where(~diverged[0], step, 0.0)
        return state[0]


_FIELDS = ("lane", "cell", "rate", "lr_shocked", "left", "back", "state")


class _Columns:
    """Moving (lane, cell) pairs of the piecewise lanes, the columns of :class:`neuron.ColumnStep`
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
        for name in _FIELDS:
            setattr(self, name, fields[name])
        self._buffers = ColumnBuffers(self.n, 1)
        self._build()

    @staticmethod
    def order(lane: np.ndarray, cell: np.ndarray, kinds: list[LaneKind]) -> np.ndarray:
        """The order of columns that keeps each kind one run."""
        key = np.array([(q.group + 1 if q.exp else 0 if q.prelu else 1) for q in kinds])[lane]
        return np.lexsort((cell, lane, key))

    def fields(self) -> dict[str, np.ndarray]:
        return {name: getattr(self, name) for name in _FIELDS}

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
        # flags from the blocks' facts (neuron.finish_flags), k per column (PReLU's: alpha)
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
        for name in _FIELDS:
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
        diverged = state == _DIVERGED
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
        alive = state == _ALIVE
        left, back = self.left, self.back
        np.copyto(back, t, where=(left >= 0) & (back < 0) & alive)
        np.copyto(left, t, where=(left < 0) & ~alive)


@dataclass
class SweepResult:
    """Per lane and cell (lane, factor, bias): the state at the end and the recovery steps."""

    spec: SweepSpec
    lanes: list[LaneSpec]
    state: np.ndarray  # int8 (L, F, B): the state at step spec.steps - 1 (so far, while running)
    recovery: np.ndarray  # float (L, F, B): steps to alive again; 0 never left; NaN not (yet)
    seconds: float = 0.0
    cell_steps: int = 0  # (cell, lane) steps computed after the shock

    def survival(self) -> np.ndarray:
        """(L,) share of cells alive at the end."""
        return (self.state == _ALIVE).mean(axis=(1, 2))


class Sweep:
    """A death map being computed; ``advance(seconds)`` runs a slice (the claim tabs' job)."""

    def __init__(self, base: RunConfig, spec: SweepSpec):
        if base.batch_size is not None or any(lane.dropout for lane in base.lanes):
            raise ConfigError("the death map takes full-batch runs without dropout")
        self.base, self.spec = base, spec
        nf, nb = len(spec.factor), len(spec.bias)
        self.n_cells = nf * nb
        d = base.to_dict()
        d["shocks"], d["steps"] = [], spec.steps
        pre = Simulation(RunConfig.from_dict(d), history_capacity=1)
        pre.run(spec.shock_step)  # every cell is this neuron until the shock
        self.t = spec.shock_step
        self.base_lr = pre.lr
        cells = np.arange(self.n_cells)
        self.bias = np.tile(np.asarray(spec.bias, dtype=float), nf)  # per cell
        self.lr_shocked = self.base_lr * np.repeat(np.asarray(spec.factor, dtype=float), nb)
        n_lanes = len(base.lanes)
        network = Network(list(base.lanes))
        self._x, self._y, self._n = pre.data.x, pre.data.y, pre.data.n
        # piecewise lanes: every (lane, cell) pair a column, the columns shared among the cores
        # (each set stepped by one thread); other lanes (GELU, SiLU) lane by lane
        fused = [i for i in range(n_lanes) if network.fast[i]] if sums_agree(self._n) else []
        self._kinds = [LaneKind(1.0, 0.0, 0.0, 0.0)] * n_lanes
        self.sets: list[_Columns] = []
        if fused:
            for j, q in zip(fused, lane_kinds(Network([base.lanes[i] for i in fused])),
                            strict=True):
                self._kinds[j] = q
            lane = np.repeat(np.array(fused, dtype=np.intp), self.n_cells)
            cell = np.tile(cells, len(fused))
            u = np.full((9, 1, len(lane)), np.nan)
            for row, v in enumerate((pre.params.w1, pre.params.w2, pre.params.b,
                                     pre.params.alpha)):
                u[row, 0] = v[lane, 0]
            u[U_B, 0] = self.bias[cell]
            alpha_lr = np.array([float(network.alpha_lr[i]) if self._kinds[i].prelu else 0.0
                                 for i in range(n_lanes)])
            m = len(lane)
            self._split(u, {"lane": lane, "cell": cell, "rate": alpha_lr[lane],
                            "lr_shocked": self.lr_shocked[cell], "left": np.full(m, -1),
                            "back": np.full(m, -1), "state": np.zeros(m, dtype=np.int8)})
        self.lanes = {i: _Lane(s, pre, i, cells) for i, s in enumerate(base.lanes)
                      if not network.fast[i]}
        for lane_ in self.lanes.values():
            lane_.u[U_B, 0] = self.bias
        self.state = np.zeros((n_lanes, self.n_cells), dtype=np.int8)
        self.left_at = np.full((n_lanes, self.n_cells), -1)
        self.recovered_at = np.full((n_lanes, self.n_cells), -1)
        self.seconds = 0.0
        self.cell_steps = [0] * n_lanes  # (cell, step) pairs computed after the shock, per lane
        self._cost = 0.0  # seconds per step, the last slice's

    # --- the columns' sets ----------------------------------------------------------------------
    def _workers(self, columns: int) -> int:
        if columns * self._n < PARALLEL_ELEMENTS:
            return 1
        return max(1, min(os.cpu_count() or 1, columns // SET_MIN))

    def _split(self, u: np.ndarray, fields: dict[str, np.ndarray]) -> None:
        """Share the columns ``u``, ``fields`` among sets, one per core when there are many (every
        set a like mix of kinds)."""
        order = _Columns.order(fields["lane"], fields["cell"], self._kinds)
        workers = self._workers(len(order))
        self.sets = [_Columns(self._x, self._y, self._kinds, np.ascontiguousarray(u[:, :, idx]),
                              {k: v[idx] for k, v in fields.items()})
                     for idx in (order[i::workers] for i in range(workers)) if len(idx)]

    def _rebalance(self) -> None:
        """Share the columns again when the sets have grown unequal (cells leave at their own
        pace) or fewer threads would do."""
        sizes = [len(c) for c in self.sets]
        if not sizes:
            return
        want = self._workers(sum(sizes))
        if len(sizes) == want and max(sizes) <= 1.2 * min(sizes) + 32:
            return
        u = np.concatenate([c.u for c in self.sets], axis=2)
        fields = {k: np.concatenate([c.fields()[k] for c in self.sets]) for k in _FIELDS}
        self._split(u, fields)

    @property
    def done(self) -> bool:
        return self.t >= self.spec.steps

    @property
    def progress(self) -> float:
        s = self.spec
        return min(1.0, (self.t - s.shock_step) / max(s.steps - s.shock_step, 1))

    @property
    def moving(self) -> int:
        """(cell, lane) pairs still computed."""
        return (sum(len(c) for c in self.sets)
                + sum(len(lane.cells) for lane in self.lanes.values()))

    def advance(self, seconds: float | None = None) -> bool:
        """Run until done, or for about ``seconds``; True once done."""
        start = time.perf_counter()
        with np.errstate(all="ignore"):
            while not self.done:
                chunk = CHUNK
                if seconds is not None:  # slices of about ``seconds``: as many steps as fit
                    left = seconds - (time.perf_counter() - start)
                    chunk = max(1, min(CHUNK, int(left / self._cost) if self._cost else 1))
                stop = min(self.spec.steps, self.t + chunk)
                t0 = time.perf_counter()
                counts = [[0] * len(self.cell_steps) for _ in self.sets]
                jobs = [(i, self.t, stop, counts[i]) for i in range(len(self.sets))]
                if len(jobs) > 1:
                    list(_pool().map(lambda job: self._run_set(*job), jobs))
                elif jobs:
                    self._run_set(*jobs[0])
                for li, lane in self.lanes.items():
                    self._run_lane(li, lane, self.t, stop)
                for c in counts:
                    for li, v in enumerate(c):
                        self.cell_steps[li] += v
                self._rebalance()
                self._cost = (time.perf_counter() - t0) / (stop - self.t)
                self.t = stop
                if seconds is not None and time.perf_counter() - start >= seconds:
                    break
        self.seconds += time.perf_counter() - start
        return self.done

    def _look(self, t: int) -> tuple[bool, bool]:
        """(the lr shock is in force at step t, look for cells at a fixed point after it)."""
        s = self.spec
        shocked = t < s.shock_step + s.lr_steps
        return shocked, not shocked and (t - s.shock_step) % COMPACT_EVERY == 0

    def _run_set(self, i: int, t0: int, t1: int, counts: list[int]) -> None:
        """Steps t0..t1-1 of the columns of set ``i`` (sets are independent: one thread each)."""
        cols = self.sets[i]
        with np.errstate(all="ignore"):  # (numpy's errstate is per thread)
            for t in range(t0, t1):
                if not len(cols):
                    return
                shocked, look = self._look(t)
                before = cols.u[:4].copy() if look else None
                cols.step(t, None if shocked else self.base_lr)
                for li, count in cols.counts:
                    counts[li] += count
                if before is not None:
                    after = cols.u[:4]
                    same = ((before == after) | (np.isnan(before) & np.isnan(after))).all(
                        axis=(0, 1))
                    if same.any():
                        self._save(cols)
                        cols.keep(~same)

    def _run_lane(self, li: int, lane: _Lane, t0: int, t1: int) -> None:
        """Steps t0..t1-1 of a lane without the piecewise form (the reference step)."""
        for t in range(t0, t1):
            if not len(lane.cells):
                return
            shocked, look = self._look(t)
            before = lane.u[:4].copy() if look else None
            state = lane.step(self.lr_shocked[lane.cells] if shocked else self.base_lr)
            self.cell_steps[li] += len(lane.cells)
            self._track(li, lane.cells, state, t)
            if before is not None:
                after = lane.u[:4]
                same = ((before == after) | (np.isnan(before) & np.isnan(after))).all(axis=(0, 1))
                if same.any():
                    lane.keep(~same)

    def _save(self, cols: _Columns) -> None:
        """The columns' states and recovery steps, into the grid."""
        self.state[cols.lane, cols.cell] = cols.state
        self.left_at[cols.lane, cols.cell] = cols.left
        self.recovered_at[cols.lane, cols.cell] = cols.back

    def _track(self, li: int, cells: np.ndarray, state: np.ndarray, t: int) -> None:
        """The engine's recovery bookkeeping (Recovery), per cell: when it left ALIVE after the
        shock and when it came back."""
        self.state[li, cells] = state
        alive = state == _ALIVE
        left, back = self.left_at[li, cells], self.recovered_at[li, cells]
        newly_left = (left < 0) & ~alive
        newly_back = (left >= 0) & (back < 0) & alive
        left[newly_left] = t
        back[newly_back] = t
        self.left_at[li, cells] = left
        self.recovered_at[li, cells] = back

    def result(self) -> SweepResult:
        """What is known so far (final once :attr:`done`)."""
        for cols in self.sets:
            self._save(cols)
        s = self.spec
        shape = (len(self.base.lanes), len(s.factor), len(s.bias))
        rec = np.where(self.left_at < 0, 0.0,
                       np.where(self.recovered_at < 0, np.nan,
                                (self.recovered_at - s.shock_step).astype(float)))
        return SweepResult(s, list(self.base.lanes), self.state.reshape(shape).copy(),
                           rec.reshape(shape), self.seconds, sum(self.cell_steps))


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 1, thread_name_prefix="sweep")
    return _POOL


def run(base: RunConfig, spec: SweepSpec) -> SweepResult:
    """The whole sweep, now."""
    sweep = Sweep(base, spec)
    sweep.advance()
    return sweep.result()


def nan_median(values: np.ndarray) -> float:
    """The median of the finite values (NaN if there are none), without numpy's warning."""
    v = values[np.isfinite(values)]
    return float(np.median(v)) if v.size else math.nan
