"""The fused full-batch step (:class:`FusedStep`): what a step of piecewise lanes records, in
few numpy calls and without per-sample arrays kept; for a population, blocks of
:class:`columns.ColumnStep` columns on every core."""

from __future__ import annotations

import os
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING

import numpy as np

from simulation.column_sums import sums_agree
from simulation.columns import (
    F_ALIVE,
    F_EVERY,
    F_SLOPE,
    F_SOME,
    U_ALPHA,
    U_GALPHA,
    U_GB,
    U_LOSS,
    ColumnBuffers,
    ColumnStep,
    _runs,
    finish_flags,
    flag_rows,
    lane_kinds,
)
from simulation.fused_small import _Group, _Small

if TYPE_CHECKING:
    from simulation.neuron import Network

WIDE_MIN = 16  # neurons per lane the population layout (_Wide) needs at least
WIDE_ELEMENTS = 1 << 15  # and values (lane x neuron x sample) a step: below, _Small's
# fewer numpy calls are faster
BLOCK_ELEMENTS = 1 << 17  # values (lane x sample x neuron) per block of the population layout
THREAD_ELEMENTS = 1 << 18  # from this many values per step, blocks run on every core


class FusedStep:
    """What one full-batch step of piecewise lanes records, without keeping per-sample arrays.

    Element by element the same operations as :meth:`Network.run` (so the same numbers, bit for
    bit, except that an exact zero may differ in sign where a term of +-0 is left out), into
    preallocated arrays: large temporaries would cost a page fault per 4 KiB each time the
    allocator gives memory back. Sums over the samples are numpy's own, or the same additions in
    the same order (:func:`sums_agree`), so neither the layout nor the population changes a
    neuron's numbers.

    ``u`` (9, L, P) holds the parameters (rows U_W1..U_ALPHA); :meth:`run` writes the loss and
    the gradients into the other rows, the facts of the health state into ``flags`` (16, L, P)
    rows F_SLOPE, F_STEEP, F_ALIVE, and, for neuron 0, ``summary`` (5, L): z min, z max, z sum,
    a sum, count of z > 0 (into the caller's ``summary`` array if given and not :attr:`wide`;
    a wide step leaves the rows of lanes it skips as they were).

    A few neurons per lane (the app's one) take :class:`_Small`, as few numpy calls as possible,
    since there the calls, not the arithmetic, are the cost; a population takes :class:`_Wide`,
    blocks of neurons as :class:`ColumnStep` columns, on every core for large ones (numpy
    releases the GIL inside each operation).
    """

    def __init__(self, network: Network, x: np.ndarray, y: np.ndarray, u: np.ndarray,
                 summary: np.ndarray | None = None, dropout: np.ndarray | None = None):
        if not network.all_fast:
            raise ValueError("FusedStep needs piecewise activations only")
        n_lanes, population = u.shape[1:]
        n = len(y)
        self.n_lanes, self.population, self.n = n_lanes, population, n
        self.u = u
        # dropout rate per lane (wide steps only): the caller sets :attr:`kept` (L, P, N), the
        # step's mask, before each run
        self.dropout = (np.zeros(n_lanes) if dropout is None
                        else np.asarray(dropout, dtype=float))
        self.kept: np.ndarray | None = None
        self.x, self.y = x, y
        self._y = np.ascontiguousarray(y, dtype=float)
        self._x = np.ascontiguousarray(x.T, dtype=float)  # (2, N): x1 and x2 rows
        self._x3 = np.vstack([self._x, np.ones(n)])[:, None, None, :]  # (3, 1, 1, N)
        self._two_over_n = 2.0 / n
        # (16, L, P) flags, each row padded to a multiple of 8 bytes (flag_rows): classifying
        # many neurons reads 8 of them per uint64 (engine.classify_rows)
        self.flag_rows = flag_rows(n_lanes * population)
        self.flags = self.flag_rows[:, :n_lanes * population].reshape(16, n_lanes, population)
        self.summary = np.empty((5, n_lanes))
        self.kinds = lane_kinds(network)
        self.wide = self.is_wide(n_lanes, population, n)
        if self.dropout.any() and not self.wide:
            raise ValueError("FusedStep takes dropout only in the wide layout")
        if self.wide:
            self._impl: _Small | _Wide = _Wide(self)
        else:
            if summary is not None:  # (the caller's (5, L) array: written every step)
                self.summary = summary
            kinds = [q.exp for q in self.kinds]
            shape = (-1, 1, 1)
            s, k, c = network._s[:, 0, 0], network._k[:, 0, 0], network._c[:, 0, 0]
            self.groups = [_Group(0, n_lanes, any(kinds), s.reshape(shape).copy(),
                                  k.reshape(shape).copy(), c.reshape(shape).copy(),
                                  network._thr.reshape(shape).copy(), bool((s == 1.0).all()),
                                  [int(r) for r in np.flatnonzero(network.prelu)])]
            self._impl = _Small(self)

    @staticmethod
    def is_wide(n_lanes: int, population: int, n: int) -> bool:
        """Whether a step of this size takes the wide layout (:class:`_Wide`; the one that applies
        dropout)."""
        return (population >= WIDE_MIN and population * n_lanes * n >= WIDE_ELEMENTS
                and sums_agree(n))

    def run(self) -> None:
        """One pass over the parameters in ``u``."""
        self._impl.run()


class ThreadChoice:
    """Whether a wide step's blocks run on every core or one after the other: the faster, as
    measured over its first steps (alternating). Cores that share their execution units or
    memory bandwidth (two vCPUs of one physical core) make threads slower, not faster; the
    numbers are the same either way."""

    TRIALS = 3  # steps timed each way, after a first step of each

    def __init__(self) -> None:
        self.times: dict[bool, list[float]] = {True: [], False: []}
        self.decided: bool | None = None
        self._calls = 0

    def choose(self) -> bool:
        """Threads for the coming step?"""
        if self.decided is not None:
            return self.decided
        self._calls += 1
        return self._calls % 2 == 1

    def observe(self, threaded: bool, seconds: float) -> None:
        """A step's time, run threaded or not."""
        if self.decided is not None:
            return
        self.times[threaded].append(seconds)
        runs = self.times[True][1:], self.times[False][1:]  # (the first of each: warm-up)
        if all(len(r) >= self.TRIALS for r in runs):
            threaded_s, single_s = (float(np.median(r)) for r in runs)
            self.decided = threaded_s < single_s


class _Wide:
    """FusedStep for a population: blocks of neurons, each a :class:`ColumnStep` of L x m columns
    (lane by lane), of about BLOCK_ELEMENTS values (cache); from THREAD_ELEMENTS values a step,
    the blocks are shared among the cores.

    A lane whose every neuron has the parameters of the last step computed (ReLU once all are
    dead, or every neuron diverged and frozen) is left out: a step is a function of the
    parameters, so what it recorded then (loss, gradients, flags, neuron 0's summary) still
    holds, bit for bit."""

    def __init__(self, f: FusedStep):
        n_lanes, population, n = f.n_lanes, f.population, f.n
        self.f = f
        self.last = np.empty((4, n_lanes, population))  # the parameters last computed
        self._computed = False
        workers = os.cpu_count() or 1
        if population * n_lanes * n < THREAD_ELEMENTS:
            workers = 1
        self.buffers = [ColumnBuffers(n, 1) for _ in range(workers)]
        self._threads = ThreadChoice()
        self._plans: dict[tuple[int, ...], _WidePlan] = {}
        # lanes without the exponential: their slope and steepness flags, from the blocks' facts
        self.finish = []
        for a, b, exp in _runs([q.exp for q in f.kinds]):
            if not exp:
                kinds = f.kinds[a:b]
                prelu = [i for i, q in enumerate(kinds) if q.prelu]
                k = np.array([[q.k] for q in kinds])
                if prelu:
                    k = np.repeat(k, population, axis=1)
                s = np.array([[q.s] for q in kinds])
                tmp = np.empty((2, b - a, population), dtype=bool)
                self.finish.append((slice(a, b), k, s, prelu, tmp))

    @property
    def work(self) -> list[list[tuple[int, int]]]:
        """The blocks (neurons p0:p1) of every lane, per worker."""
        return self._plan(tuple(range(self.f.n_lanes))).work

    def _plan(self, lanes: tuple[int, ...]) -> _WidePlan:
        plan = self._plans.get(lanes)
        if plan is None:
            plan = self._plans[lanes] = _WidePlan(self, lanes)
        return plan

    def run(self) -> None:
        f = self.f
        u = f.u
        params = u[:4]
        if self._computed:  # lanes whose parameters all are those last computed: left out
            # (not with dropout: a new mask, another training pass)
            same = np.equal(params.view(np.int64), self.last.view(np.int64)).all(axis=(0, 2))
            same &= self.f.dropout == 0
            lanes = tuple(np.flatnonzero(~same).tolist())
        else:
            lanes = tuple(range(f.n_lanes))
        if lanes:
            plan = self._plan(lanes)
            workers = range(len(plan.work))
            threaded = len(plan.work) > 1 and self._threads.choose()
            start = time.perf_counter()
            if threaded:
                list(_pool().map(plan.blocks, workers))
            else:
                for w in workers:  # (each worker's blocks in its own buffers)
                    plan.blocks(w)
            if len(plan.work) > 1:
                self._threads.observe(threaded, time.perf_counter() - start)
            np.copyto(self.last, params)
            self._computed = True
        flags = f.flags
        for sl, k, s, prelu, tmp in self.finish:
            for r in prelu:  # PReLU's k is its alpha, per neuron
                np.copyto(k[r], u[U_ALPHA, sl.start + r])
            finish_flags(flags[:, sl], k, s, tmp)


class _WidePlan:
    """The blocks of :class:`_Wide` for some of the lanes."""

    def __init__(self, wide: _Wide, lanes: tuple[int, ...]):
        f = wide.f
        self.wide, self.f = wide, f
        n_lanes, population, n = len(lanes), f.population, f.n
        self.n_lanes = n_lanes
        first, last = lanes[0], lanes[-1]
        contiguous = last - first + 1 == n_lanes
        self.lanes = slice(first, last + 1) if contiguous else np.array(lanes)
        self.kinds = [f.kinds[i] for i in lanes]
        per_neuron = n_lanes * n
        workers = len(wide.buffers)
        if population * per_neuron < THREAD_ELEMENTS:
            workers = 1
        # as many blocks for every worker, of about BLOCK_ELEMENTS values
        count = workers * max(1, round(population * per_neuron / (BLOCK_ELEMENTS * workers)))
        workers = min(workers, count, population)
        size = -(-population // count)  # blocks of nearly equal size
        blocks = [(p, min(p + size, population)) for p in range(0, population, size)]
        self.work = [blocks[i::workers] for i in range(workers)]
        self._steps: list[dict[int, tuple]] = [{} for _ in range(workers)]
        # dropout: (lane, its place in the block, 1 - p) of each lane
        self.scales = [(lane, i, 1.0 - float(f.dropout[lane]))
                       for i, lane in enumerate(lanes)] if f.dropout.any() else []

    def blocks(self, worker: int) -> None:
        with np.errstate(all="ignore"):  # the caller's errstate does not reach pool threads
            for p0, p1 in self.work[worker]:
                self._block(worker, p0, p1)

    def _block(self, worker: int, p0: int, p1: int) -> None:
        f, m, n_lanes, lanes = self.f, p1 - p0, self.n_lanes, self.lanes
        got = self._steps[worker].get(m)
        if got is None:
            b = self.wide.buffers[worker]
            got = self._steps[worker][m] = (
                ColumnStep(f.x, f.y, np.repeat(np.arange(n_lanes), m), self.kinds, b, m),
                b.get("par", (4, n_lanes, m)), b.get("out", (4, n_lanes, m)),
                b.get("flags", (16, n_lanes, m), bool), b.get("galpha", (n_lanes, m)),
                b.get("summary", (5, n_lanes)),
                b.get("keep", (f.n, n_lanes, m)) if self.scales else None)
        cols, par, out, flags, galpha, summary, keep = got
        if p0:
            summary = None
        if keep is not None:  # the mask's factors, as Simulation._keep: kept / (1 - p)
            for lane, i, scale in self.scales:
                kl = keep[:, i]
                np.copyto(kl, f.kept[lane, p0:p1].T)
                np.true_divide(kl, scale, out=kl)
            keep = keep.reshape(f.n, -1)
        u = f.u
        sub = isinstance(lanes, slice)
        if sub:
            np.copyto(par, u[:4, lanes, p0:p1])
        else:
            np.copyto(par, u[:4][:, lanes, p0:p1])
        cols.run(par.reshape(4, -1), out.reshape(4, -1), galpha.reshape(-1),
                 flags.reshape(16, -1), summary, keep)
        rows = (slice(F_SLOPE, F_ALIVE + 1), slice(F_SOME, F_EVERY + 1))
        if sub:
            np.copyto(u[U_LOSS:U_GB + 1, lanes, p0:p1], out)
            for r in rows:
                np.copyto(f.flags[r, lanes, p0:p1], flags[r])
            if summary is not None:
                np.copyto(f.summary[:, lanes], summary)
        else:
            u[U_LOSS:U_GB + 1, lanes, p0:p1] = out
            for r in rows:
                f.flags[r, lanes, p0:p1] = flags[r]
            if summary is not None:
                f.summary[:, lanes] = summary
        for sl in cols.prelu:
            for i in range(sl.start // m, sl.stop // m):
                lane = lanes.start + i if sub else int(lanes[i])
                np.copyto(u[U_GALPHA, lane, p0:p1], galpha[i])


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                                   thread_name_prefix="fused-step")
    return _POOL
