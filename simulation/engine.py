"""The simulation: lanes of one neuron each (or a population), stepped together by gradient descent.

Order within step t: scheduled and requested events at t are applied, then the forward pass of
step t is recorded (values, gradients, state), then the parameters become those of step t + 1:
``p <- p - lr_t * grad`` (PReLU's alpha: ``alpha <- alpha - alpha_lr * grad_alpha``).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from simulation.config import RunConfig, ShockSpec, _finite
from simulation.data import Dataset, make_dataset
from simulation.engine_fused import FusedStepping
from simulation.fused_block import MIN_STEPS
from simulation.health import (  # noqa: F401  (classify_rows, classify_small: re-exported)
    State,
    classify,
    classify_rows,
    classify_small,
)
from simulation.history import COLUMNS, History
from simulation.neuron import Network, Params, Pass
from simulation.tracking import LrWindow, Recovery, divergence_cause

_ALIVE, _DIVERGED = int(State.ALIVE), int(State.DIVERGED)
DROPOUT_STREAM = 2  # dropout draws come from np.random.default_rng([seed, DROPOUT_STREAM])


@dataclass
class Snapshot:
    """The latest step, for views: per-sample chain-rule factors and per-lane summaries."""

    step: int
    params: Params
    fb: Pass
    state: np.ndarray
    lr: float
    recoveries: list[Recovery | None] = field(default_factory=list)
    # per lane (neuron 0): {"step", "what", "cause"} while diverged (see Simulation.divergence)
    divergence: list[dict[str, Any] | None] = field(default_factory=list)


class Simulation(FusedStepping):
    """Lanes sharing data, initial weights, learning rate and shocks, stepped together."""

    def __init__(self, config: RunConfig, population: int = 1, history_capacity: int | None = None,
                 record_batches: bool = False):
        self.config = config
        self.population = population
        self.rng = np.random.default_rng(config.seed)
        self.data: Dataset = make_dataset(config.data, self.rng)
        self.network = Network(config.lanes)
        self.n_lanes = len(config.lanes)
        # w1, w2, b and alpha are rows of one (9, L, P) array; a fused step writes the loss and
        # the gradients into the rows after them (see fused.FusedStep): one update, one copy
        # of nine columns into each history row
        init = self._initial_params()
        self._u = np.full((9, self.n_lanes, population), np.nan)
        self._u[:4] = init.w1, init.w2, init.b, init.alpha
        self.params = Params(*self._u[:4])
        self.lr = config.lr
        self.t = 0
        self.events: list[dict[str, Any]] = []
        self.history = History(self.n_lanes, history_capacity)
        self.batches: list[list[int]] | None = [] if record_batches else None
        # dropout (lanes with a rate p > 0): each step one uniform draw per (neuron, sample) from
        # a stream of its own, shared by every lane; a lane keeps an output where the draw is
        # >= p, scaled by 1 / (1 - p). ``masks`` holds neuron 0's kept-or-not, (L, n) a step.
        self.dropout = np.array([lane.dropout for lane in config.lanes])
        self._drop_rng = (np.random.default_rng([config.seed, DROPOUT_STREAM])
                          if self.dropout.any() else None)
        self.masks: list[np.ndarray] | None = (
            [] if record_batches and self._drop_rng is not None else None)
        self.state = np.zeros((self.n_lanes, population), dtype=np.int8)  # last step's, all
        self.kept: np.ndarray | None = None
        self.recoveries: list[Recovery | None] = [None] * self.n_lanes
        # per lane (its recorded neuron 0): the step it became DIVERGED at and why, while it is
        self.divergence: list[dict[str, Any] | None] = [None] * self.n_lanes
        self._any_divergence = False
        self._divergence_key = b""
        self._lr_windows: list[LrWindow] = []
        self._schedule = list(config.shocks)
        self._batch_order = np.empty(0, dtype=int)
        self._current: Snapshot | None = None
        self._row = np.empty((len(COLUMNS), self.n_lanes))
        self._inv_n = 1.0 / self.data.n
        self._tracking = False  # some lane's recovery after the last shock is still open
        self._tracked_states: list[int] | None = None
        self._setup_fused()

    # --- set-up -----------------------------------------------------------------------------
    def _initial_params(self) -> Params:
        shape = (self.n_lanes, self.population)
        init = self.config.init
        if isinstance(init, dict):
            w1, w2, b = (np.full(shape, init[k]) for k in ("w1", "w2", "b"))
        else:  # one standard-normal draw per neuron shared by every lane, scaled per lane (He or
            # LeCun normal, RunConfig.init_std), zero bias
            draw = self.rng.normal(0.0, 1.0, size=(2, self.population))
            std = np.array(self.config.init_std())[:, None]
            w1, w2 = (np.broadcast_to(d, shape) * std for d in draw)
            b = np.zeros(shape)
        alpha = np.full(shape, np.nan)
        for i, spec in enumerate(self.config.lanes):
            if self.network.prelu[i]:
                alpha[i] = spec.params["alpha_init"]
        return Params(w1, w2, b, alpha)

    # --- shocks, applied to every lane at the current step ------------------------------------
    def bias_shock(self, b: float = -10.0) -> None:
        """Set every lane's bias to ``b`` now (recorded at the current step)."""
        self._apply(ShockSpec(self.t, "bias_shock", {"b": b}))

    def lr_shock(self, factor: float | None = None, value: float | None = None,
                 steps: int = 1) -> None:
        """Multiply the learning rate by ``factor`` (or set it to ``value``) for ``steps`` steps."""
        params: dict[str, float] = {"steps": steps}
        if factor is not None:
            params["factor"] = factor
        if value is not None:  # both or neither: ShockSpec refuses it
            params["value"] = value
        self._apply(ShockSpec(self.t, "lr_shock", params))

    def weight_shock(self, w1: float, w2: float) -> None:
        """Set every lane's w1 and w2 now."""
        self._apply(ShockSpec(self.t, "weight_shock", {"w1": w1, "w2": w2}))

    def _apply(self, shock: ShockSpec) -> None:
        self._current = None
        p = shock.params
        if shock.kind == "bias_shock":
            self.params.b[...] = p["b"]
        elif shock.kind == "weight_shock":
            self.params.w1[...] = p["w1"]
            self.params.w2[...] = p["w2"]
        else:
            self._lr_windows.append(LrWindow(self.t, self.t + int(p["steps"]),
                                             p.get("factor"), p.get("value")))
        self.events.append({"step": self.t, "kind": shock.kind, **p})
        self.recoveries = [Recovery(self.t) for _ in range(self.n_lanes)]
        self._tracking = True
        self._tracked_states: list[int] | None = None

    def set_lr(self, lr: float) -> None:
        """Change the base learning rate from the current step on (ConfigError unless a finite
        number in the configuration's range, 0..1e6)."""
        self.lr = _finite("learning rate", lr, 0, 1e6)
        self._current = None

    def current(self) -> Snapshot:
        """The forward and backward pass of the parameters as they are now (full dataset).

        This is what step ``t`` will record (for full-batch runs), before it updates anything.
        """
        if self._current is None:
            p = self.params.copy()
            with np.errstate(all="ignore"):
                fb = self.network.run(p, self.data.x, self.data.y)
                state = classify(p, fb)
            divergence = [d if s == _DIVERGED else None
                          for d, s in zip(self.divergence, state[:, 0].tolist(), strict=True)]
            for lane in np.flatnonzero(state[:, 0] == _DIVERGED):  # not recorded yet: step t
                if divergence[lane] is None:
                    what, cause = divergence_cause(
                        float(p.w1[lane, 0]), float(p.w2[lane, 0]), float(p.b[lane, 0]),
                        float(p.alpha[lane, 0]), float(fb.loss[lane, 0]),
                        prelu=bool(self.network.prelu[lane]))
                    divergence[lane] = {"step": self.t, "what": what, "cause": cause}
            self._current = Snapshot(self.t, p, fb, state, self.current_lr(),
                                     list(self.recoveries), divergence)
        return self._current

    def current_lr(self) -> float:
        """The learning rate of the current step, with any lr shock in force."""
        if not self._lr_windows:
            return self.lr
        self._lr_windows = [w for w in self._lr_windows if w.stop > self.t]
        lr = self.lr
        for w in self._lr_windows:
            if w.start <= self.t:
                lr = w.apply(lr)
        return lr

    # --- stepping ---------------------------------------------------------------------------
    def _batch(self) -> np.ndarray | None:
        size = self.config.batch_size
        if size is None:
            return None
        if len(self._batch_order) == 0:  # a new epoch: a fresh permutation of every sample
            self._batch_order = self.rng.permutation(self.data.n)
        # the last batch of an epoch is smaller when the size does not divide N
        idx, self._batch_order = self._batch_order[:size], self._batch_order[size:]
        return np.sort(idx)

    def _keep(self, n: int, factors: bool = True) -> np.ndarray | None:
        """This step's dropout factors, (L, P, n): 1 / (1 - p) where kept, 0 where dropped (with
        ``factors``; the mask is :attr:`kept` either way)."""
        if self._drop_rng is None:
            return None
        kept = self._drop_rng.random((self.population, n)) >= self.dropout[:, None, None]
        self.kept = kept  # the last step's mask, every neuron's (read by simulation.population)
        if self.masks is not None:
            self.masks.append(kept[:, 0].copy())
        return kept / (1.0 - self.dropout)[:, None, None] if factors else None

    def step(self) -> None:
        """One gradient-descent update of every lane."""
        with np.errstate(all="ignore"):
            self._step()

    def _step(self) -> None:
        while self._schedule and self._schedule[0].step <= self.t:
            self._apply(self._schedule.pop(0))
        lr = self.current_lr()
        if self._fused is not None:
            self._fused_step(lr)
            return
        p = self.params
        x, y = self.data.x, self.data.y
        with np.errstate(all="ignore"):
            fb = self.network.run(p, x, y)
            idx = self._batch()
            keep = self._keep(self.data.n if idx is None else len(idx))
            if idx is None and keep is None:
                grads = fb
            else:  # the training pass: a mini-batch, dropout, or both (health: the full pass)
                xb, yb = (x, y) if idx is None else (x[idx], y[idx])
                grads = self.network.run(p, xb, yb, keep=keep)
            state = classify(p, fb)
            self.state = state
            self._record(p, fb, grads, state, lr)
            if idx is not None and self.batches is not None:
                self.batches.append(idx.tolist())
            self._current = None
            live = state != _DIVERGED  # a diverged neuron is frozen where it broke
            if live.all():
                p.w1 -= lr * grads.grad_w1
                p.w2 -= lr * grads.grad_w2
                p.b -= lr * grads.grad_b
            else:
                p.w1 -= np.where(live, lr * grads.grad_w1, 0.0)
                p.w2 -= np.where(live, lr * grads.grad_w2, 0.0)
                p.b -= np.where(live, lr * grads.grad_b, 0.0)
            k = self.network.prelu
            if k.any():
                step = self.network.alpha_lr[k, None] * grads.grad_alpha[k]
                p.alpha[k] -= np.where(live[k], step, 0.0)
        self.t += 1

    def run(self, n: int) -> None:
        """``n`` steps (between events, in blocks where the step allows: see fused_block)."""
        with np.errstate(all="ignore"):
            while n > 0:
                if self._block is not None and not self._any_divergence:
                    while self._schedule and self._schedule[0].step <= self.t:
                        self._apply(self._schedule.pop(0))
                    lr = self.current_lr()
                    k = min(n, self._block.size, self._steps_to_event())
                    if k >= MIN_STEPS:
                        done = self._run_block(k, lr)
                        n -= done
                        if done == k:
                            continue
                self._step()  # (after a block cut short: its diverging step, step by step)
                n -= 1

    def _record(self, p: Params, fb: Pass, grads: Pass, state: np.ndarray, lr: float) -> None:
        z = fb.z[:, 0]
        row = self._row
        row[0] = self.t
        row[1] = lr
        row[2], row[3], row[4], row[5] = p.w1[:, 0], p.w2[:, 0], p.b[:, 0], p.alpha[:, 0]
        row[6] = fb.loss[:, 0]
        row[7], row[8] = grads.grad_w1[:, 0], grads.grad_w2[:, 0]
        row[9], row[10] = grads.grad_b[:, 0], grads.grad_alpha[:, 0]
        z.min(-1, out=row[11])
        z.max(-1, out=row[12])
        row[13] = z.sum(-1) * self._inv_n
        row[14] = fb.a[:, 0].sum(-1) * self._inv_n
        row[15] = np.count_nonzero(z > 0, axis=-1) * self._inv_n
        row[16] = state[:, 0]
        self.history.append(row)
        if self._tracking:
            self._track_recovery(state[:, 0])
        if self._any_divergence or (state[:, 0] == _DIVERGED).any():
            self._note_divergence(state[:, 0])

    def _note_divergence(self, lane_states: np.ndarray) -> None:
        """From the row just recorded: the step a lane became DIVERGED at and why, kept while it
        stays diverged (frozen); a shock that makes it finite again clears it."""
        key = lane_states.tobytes()
        if key == self._divergence_key:  # the states the last call saw: nothing new to note
            return
        self._divergence_key = key
        row = self._row
        for lane, s in enumerate(lane_states.tolist()):
            if s != _DIVERGED:
                self.divergence[lane] = None
            elif self.divergence[lane] is None:
                what, cause = divergence_cause(*(float(v) for v in row[2:7, lane]),
                                               prelu=bool(self.network.prelu[lane]))
                self.divergence[lane] = {"step": self.t, "what": what, "cause": cause}
        self._any_divergence = any(d is not None for d in self.divergence)

    def _track_recovery(self, lane_states: np.ndarray) -> None:
        states = lane_states.tolist()
        if states == self._tracked_states:  # what the last step saw, so nothing to note
            return
        self._tracked_states = states
        pending = False
        for lane, rec in enumerate(self.recoveries):
            if rec is None or rec.recovered_at is not None:
                continue
            pending = True
            alive = states[lane] == _ALIVE
            if rec.left_alive_at is None and not alive:
                rec.left_alive_at = self.t
            elif rec.left_alive_at is not None and alive:
                rec.recovered_at = self.t
        self._tracking = pending
