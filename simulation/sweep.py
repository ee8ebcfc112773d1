"""The death map: every activation under a grid of shocks, one neuron per cell, vectorized.

The grid, the cells' configurations and the result are :mod:`simulation.sweep_grid`; the cells
stepped after the shock :mod:`simulation.sweep_cells` (both re-exported here). Each cell reports
exactly what the individual ``simulate`` run of :func:`cell_config` would.

How it is fast and still exact:

* before the shock every cell is the same neuron: it is run once, then copied into every cell;
* after it, every (lane, cell) pair of the piecewise lanes is a column of columns.ColumnStep
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

import os
import time
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from simulation.column_sums import sums_agree
from simulation.columns import U_B, LaneKind, lane_kinds
from simulation.config import ConfigError, RunConfig
from simulation.engine import Simulation
from simulation.fused import ThreadChoice
from simulation.neuron import Network
from simulation.sweep_cells import ALIVE, FIELDS, ColumnSet, ReferenceLane
from simulation.sweep_grid import (  # noqa: F401  (re-exported: the death map's public names)
    MAX_CELLS,
    SweepResult,
    SweepSpec,
    cell_config,
    nan_median,
)

COMPACT_EVERY = 16  # steps between looks for cells at a fixed point
CHUNK = 32  # steps each set of columns runs before the others catch up (and a time check)
PARALLEL_ELEMENTS = 1 << 16  # from this many values per step, the columns run on every core
SET_MIN = 64  # columns a thread takes at least


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
        self.sets: list[ColumnSet] = []
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
        self.lanes = {i: ReferenceLane(s, pre, i, cells) for i, s in enumerate(base.lanes)
                      if not network.fast[i]}
        for lane_ in self.lanes.values():
            lane_.u[U_B, 0] = self.bias
        self.state = np.zeros((n_lanes, self.n_cells), dtype=np.int8)
        self.left_at = np.full((n_lanes, self.n_cells), -1)
        self.recovered_at = np.full((n_lanes, self.n_cells), -1)
        self.seconds = 0.0
        self.cell_steps = [0] * n_lanes  # (cell, step) pairs computed after the shock, per lane
        self._cost = 0.0  # seconds per step, the last slice's
        self._threads = ThreadChoice()  # the sets on every core, or one after the other

    # --- the columns' sets ----------------------------------------------------------------------
    def _workers(self, columns: int) -> int:
        if columns * self._n < PARALLEL_ELEMENTS:
            return 1
        return max(1, min(os.cpu_count() or 1, columns // SET_MIN))

    def _split(self, u: np.ndarray, fields: dict[str, np.ndarray]) -> None:
        """Share the columns ``u``, ``fields`` among sets, one per core when there are many (every
        set a like mix of kinds)."""
        order = ColumnSet.order(fields["lane"], fields["cell"], self._kinds)
        workers = self._workers(len(order))
        self.sets = [ColumnSet(self._x, self._y, self._kinds, np.ascontiguousarray(u[:, :, idx]),
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
        fields = {k: np.concatenate([c.fields()[k] for c in self.sets]) for k in FIELDS}
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
                threaded = len(jobs) > 1 and self._threads.choose()
                if threaded:
                    list(_pool().map(lambda job: self._run_set(*job), jobs))
                else:
                    for job in jobs:
                        self._run_set(*job)
                if len(jobs) > 1:  # seconds a step, threaded or not (fused.ThreadChoice)
                    self._threads.observe(threaded, (time.perf_counter() - t0) / (stop - self.t))
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

    def _run_lane(self, li: int, lane: ReferenceLane, t0: int, t1: int) -> None:
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

    def _save(self, cols: ColumnSet) -> None:
        """The columns' states and recovery steps, into the grid."""
        self.state[cols.lane, cols.cell] = cols.state
        self.left_at[cols.lane, cols.cell] = cols.left
        self.recovered_at[cols.lane, cols.cell] = cols.back

    def _track(self, li: int, cells: np.ndarray, state: np.ndarray, t: int) -> None:
        """The engine's recovery bookkeeping (Recovery), per cell: when it left ALIVE after the
        shock and when it came back."""
        self.state[li, cells] = state
        alive = state == ALIVE
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
