"""The death map: every activation under a grid of shocks, one neuron per cell, vectorized.

Cell (i, j) is the run ``simulate`` would make of the base configuration (its own shocks
dropped) with two shocks at ``shock_step``: the bias set to ``bias[j]``, and the learning rate
multiplied by ``factor[i]`` for ``lr_steps`` steps. What each cell reports, per lane: its state at
the last step (``steps - 1``) and its recovery (steps from the shock until alive again; 0 if it
never stopped being alive; NaN if it is not alive again by the end), exactly as that run would.

How it is fast and still exact:

* before the shock every cell is the same neuron: it is run once, then copied into every cell;
* after it, the cells of a lane are the population axis of one fused step, each cell with its
  own learning rate (one number per cell instead of one per run; the same multiplication);
* once the lr shock is over, a cell whose parameters came out of a step unchanged is at a fixed
  point (the step is a function of the parameters alone): every later step is the same, so its
  state and recovery are final and it leaves the computation. Dead neurons (every gradient 0),
  diverged ones (frozen) and converged ones (updates below half an ulp) all go this way.
"""

from __future__ import annotations

import math
import os
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import numpy as np

from simulation.config import ConfigError, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation
from simulation.health import State, classify, classify_flags
from simulation.neuron import U_ALPHA, U_B, U_GALPHA, U_GB, U_GW1, U_W1, FusedStep, Network, Params

_ALIVE, _DIVERGED = int(State.ALIVE), int(State.DIVERGED)
COMPACT_EVERY = 16  # steps between looks for cells at a fixed point
CHUNK = 32  # steps each lane runs before the others catch up (and a time check)
PARALLEL_ELEMENTS = 1 << 16  # from this many values per step, the lanes run on every core
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
    """The cells of one lane still moving, stepped together (fused when the activation allows)."""

    def __init__(self, spec: LaneSpec, sim: Simulation, lane: int, cells: np.ndarray):
        self.network = Network([spec])
        self.x, self.y = sim.data.x, sim.data.y
        self.prelu_rate = float(self.network.alpha_lr[0]) if self.network.prelu[0] else None
        p = sim.params
        self.u = np.full((9, 1, len(cells)), np.nan)
        for row, v in enumerate((p.w1, p.w2, p.b, p.alpha)):
            self.u[row] = v[lane, 0]
        self.cells = cells  # indices into the grid
        self._build()

    def _build(self) -> None:
        self.fused = FusedStep(self.network, self.x, self.y, self.u) if self.network.all_fast \
            else None

    def keep(self, mask: np.ndarray) -> None:
        """Go on with the cells where ``mask`` only."""
        self.u = np.ascontiguousarray(self.u[:, :, mask])
        self.cells = self.cells[mask]
        self._build()

    def step(self, lr: float | np.ndarray) -> np.ndarray:
        """One step of every cell (the engine's, each cell with its own ``lr``): the states."""
        u = self.u
        if self.fused is not None:
            self.fused.run()
            state = classify_flags(u, self.fused.flags)
            dw = u[U_GW1:U_GB + 1] * lr
        else:  # the engine's reference step
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
        self.lanes = [_Lane(s, pre, i, cells) for i, s in enumerate(base.lanes)]
        for lane in self.lanes:
            lane.u[U_B, 0] = self.bias
        n_lanes = len(base.lanes)
        self.state = np.zeros((n_lanes, self.n_cells), dtype=np.int8)
        self.left_at = np.full((n_lanes, self.n_cells), -1)
        self.recovered_at = np.full((n_lanes, self.n_cells), -1)
        self.seconds = 0.0
        self.cell_steps = [0] * n_lanes  # (cell, step) pairs computed after the shock, per lane
        self._n = pre.data.n
        self._cost = 0.0  # seconds per step of every lane, the last slice's

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
        return sum(len(lane.cells) for lane in self.lanes)

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
                if len(self.lanes) > 1 and self.moving * self._n >= PARALLEL_ELEMENTS:
                    n = len(self.lanes)
                    list(_pool().map(self._run_lane, range(n), [self.t] * n, [stop] * n))
                else:
                    for li in range(len(self.lanes)):
                        self._run_lane(li, self.t, stop)
                self._cost = (time.perf_counter() - t0) / (stop - self.t)
                self.t = stop
                if seconds is not None and time.perf_counter() - start >= seconds:
                    break
        self.seconds += time.perf_counter() - start
        return self.done

    def _run_lane(self, li: int, t0: int, t1: int) -> None:
        """Steps t0..t1-1 of lane ``li`` (lanes are independent: one thread each)."""
        with np.errstate(all="ignore"):  # (numpy's errstate is per thread)
            self._lane_steps(li, t0, t1)

    def _lane_steps(self, li: int, t0: int, t1: int) -> None:
        lane, s = self.lanes[li], self.spec
        for t in range(t0, t1):
            if not len(lane.cells):
                return
            shocked = t < s.shock_step + s.lr_steps
            look = not shocked and (t - s.shock_step) % COMPACT_EVERY == 0
            before = lane.u[:4].copy() if look else None
            state = lane.step(self.lr_shocked[lane.cells] if shocked else self.base_lr)
            self.cell_steps[li] += len(lane.cells)
            self._track(li, lane.cells, state, t)
            if before is not None:
                after = lane.u[:4]
                same = ((before == after) | (np.isnan(before) & np.isnan(after))).all(axis=(0, 1))
                if same.any():
                    lane.keep(~same)

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
        s = self.spec
        shape = (len(self.lanes), len(s.factor), len(s.bias))
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
