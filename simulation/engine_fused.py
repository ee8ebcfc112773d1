"""The fused half of :class:`engine.Simulation`: stepping through :class:`fused.FusedStep`
(the same records as the reference step, in far fewer numpy calls) and, between events, through
blocks of steps (:class:`fused_block.BlockSteps`)."""

from __future__ import annotations

import numpy as np

from simulation.columns import U_GW1
from simulation.fused import FusedStep
from simulation.fused_block import BlockSteps, block_steps
from simulation.health import CLASSIFY_ROWS_MIN, State, classify_rows, classify_small

_DIVERGED = int(State.DIVERGED)
_DIVERGED_BYTE = bytes([_DIVERGED])



class FusedStepping:
    """Mixed into :class:`engine.Simulation`, whose state it steps (``_u``, ``_row``, ``history``,
    ``state``, recovery and divergence tracking)."""

    def _setup_fused(self) -> None:
        """The fused step for full-batch runs of piecewise lanes (every preset; populations with
        dropout too), its update arrays, and blocks of steps where they fit."""
        population = self.population
        self._fused: FusedStep | None = None
        self._block: BlockSteps | None = None  # many steps at once between events
        if self.network.all_fast and self.config.batch_size is None and (
                self._drop_rng is None or FusedStep.is_wide(
                    self.n_lanes, population, self.data.n)):
            self._fused = FusedStep(self.network, self.data.x, self.data.y, self._u,
                                    summary=self._row[11:16], dropout=self.dropout)
            f = self._fused
            self._classify_rows = self.n_lanes * population >= CLASSIFY_ROWS_MIN
            # the update of w1, w2, b and alpha, one multiplication: rates (4, L, 1) are lr three
            # times and PReLU's alpha_lr (0 elsewhere: alpha stays NaN, NaN - NaN x 0)
            self._prelu_rates = [(int(i), float(self.network.alpha_lr[i]))
                                 for i in np.flatnonzero(self.network.prelu)]
            self._rows = 4 if self._prelu_rates else 3
            self._rates = np.zeros((self._rows, self.n_lanes, 1))
            for lane, rate in self._prelu_rates:
                self._rates[3, lane] = rate
            self._rates_lr: float | None = None
            self._dw = np.empty((self._rows, self.n_lanes, population))
            # views of the history row: the summary lands in it directly unless the step is
            # wide (which keeps its own, for the lanes it skips)
            self._summary_in_row = not f.wide
            self._views = (self._row[2:11], self._u[:, :, 0], self._row[11:13],
                           f.summary[:2], self._row[13:16], f.summary[2:], self._row[16])
            size = 0 if f.wide or self._drop_rng is not None else block_steps(
                self.n_lanes, population, self.data.n)
            if size:
                self._block = BlockSteps(f, size, self._rates, self._dw)

    def _fused_step(self, lr: float) -> None:
        """:meth:`step` through :class:`FusedStep` (the caller silences numpy's warnings): the
        same numbers, in far fewer numpy calls, no per-sample arrays kept."""
        f, u, row = self._fused, self._u, self._row
        if self._drop_rng is not None:
            self._keep(self.data.n, factors=False)
            f.kept = self.kept
        f.run()
        state = classify_rows(u, f.flag_rows) if self._classify_rows else classify_small(u, f.flags)
        self.state = state
        state0 = state[:, 0]
        params, u0, zrange, sm01, means, sm24, row_state = self._views
        row[0] = self.t
        row[1] = lr
        np.copyto(params, u0)  # w1, w2, b, alpha, loss, grad_w1, grad_w2, grad_b, grad_alpha
        if self._summary_in_row:  # z_min and z_max are in place; sums become means
            np.multiply(means, self._inv_n, out=means)
        else:
            np.copyto(zrange, sm01)  # z_min, z_max
            np.multiply(sm24, self._inv_n, out=means)  # z_mean, a_mean, active_fraction
        np.copyto(row_state, state0)
        self.history.append(row)
        if self._tracking:
            self._track_recovery(state0)
        self._current = None
        dw, rows = self._dw, self._rows
        if lr != self._rates_lr:
            self._rates[:3] = lr
            self._rates_lr = lr
        np.multiply(u[U_GW1:U_GW1 + rows], self._rates, out=dw)  # (alpha: alpha_lr x grad)
        diverged = _DIVERGED_BYTE in state.tobytes()
        if diverged or self._any_divergence:
            self._note_divergence(state0)
        if diverged:  # a diverged neuron is frozen where it broke
            dw[:, state == _DIVERGED] = 0.0
        u[:rows] -= dw
        self.t += 1

    def _steps_to_event(self) -> int:
        """Steps until the next scheduled shock or change of an lr shock's rate (after
        :meth:`current_lr`)."""
        ahead = [s.step - self.t for s in self._schedule[:1]]
        ahead += [(w.start if w.start > self.t else w.stop) - self.t for w in self._lr_windows]
        return min(ahead, default=1 << 30)

    def _run_block(self, k: int, lr: float) -> int:
        """``k`` steps at rate ``lr`` as a block (see fused_block): recorded as
        :meth:`_fused_step` records them. Returns the steps that stand: fewer than ``k`` when a
        neuron diverged, and then the parameters are those of the first step it did."""
        block = self._block
        if lr != self._rates_lr:
            self._rates[:3] = lr
            self._rates_lr = lr
        block.run(k)
        u, states, summary = block.records(k, float(self.data.n))
        diverged = np.flatnonzero((states == _DIVERGED).reshape(k, -1).any(axis=1))
        done = int(diverged[0]) if len(diverged) else k
        if done < k:  # that step again, step by step (a diverged neuron is frozen)
            np.copyto(self._u[:4], u[:4, done])
        if not done:
            return 0
        lanes0 = states[:done, :, 0]
        rows = block.history_rows[:done]
        rows[:, 0] = np.arange(self.t, self.t + done)[:, None]
        rows[:, 1] = lr
        rows[:, 2:11] = u[:, :done, :, 0].transpose(1, 0, 2)
        rows[:, 11:13] = summary[:2, :done].transpose(1, 0, 2)
        np.multiply(summary[2:, :done].transpose(1, 0, 2), self._inv_n, out=rows[:, 13:16])
        rows[:, 16] = lanes0
        self.history.extend(rows)
        t0 = self.t
        if self._tracking:  # at the block's first step and wherever neuron 0's states change
            changes = np.flatnonzero((lanes0[1:] != lanes0[:-1]).any(axis=1)) + 1
            for j in [0, *changes.tolist()]:
                if not self._tracking:
                    break
                self.t = t0 + j
                self._track_recovery(lanes0[j])
        self.state = states[done - 1].copy()
        np.copyto(self._u[4:], u[4:, done - 1])  # the last step's loss and gradients
        self.t = t0 + done
        self._current = None
        return done
