"""Many steps of the app's few neurons at once: the sequential part step by step, what a step
records computed for the whole block afterwards.

A step of a handful of neurons costs numpy calls, not arithmetic (~40 calls for 320 values).
Only the forward pass, the gradients and the update depend on the step before; the facts a step
records about itself (its loss, the health flags and states, z's range and means) follow from
that step's z, a and da/dz alone. :class:`BlockSteps` keeps those per step in (K, ...) arrays
and computes the records of all K steps in a few wide calls: element by element the operations
of :class:`fused_small._Small`, so the same numbers, bit for bit (tested against the reference
step).

A block assumes what holds between events: one learning rate, no shock, and no neuron diverged
(a diverged neuron is frozen, which a step can only know from its own state). The simulation
ends a block at its next event; when a block's states show a divergence at step j, the steps
before j stand, the parameters go back to those of step j, and the step-by-step path takes over.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

from simulation.column_sums import _einsum
from simulation.columns import SATURATION_THRESHOLD, U_GALPHA, U_GW1, flag_rows
from simulation.health import classify_rows
from simulation.history import COLUMNS

if TYPE_CHECKING:
    from simulation.fused import FusedStep

BLOCK_VALUES = 1 << 15  # per-sample values (steps x lanes x neurons x samples) a block keeps
MAX_STEPS = 64  # steps a block runs at most
MIN_STEPS = 8  # a block shorter than this is not worth its set-up: step by step instead


def block_steps(n_lanes: int, population: int, n: int) -> int:
    """Steps a block of this size holds (0: too large for blocks)."""
    k = min(MAX_STEPS, BLOCK_VALUES // max(1, n_lanes * population * n))
    return k if k >= MIN_STEPS else 0


class BlockSteps:
    """Up to ``size`` steps of the :class:`fused_small._Small` step of ``f``, recorded together.

    ``rates`` (rows, L, 1) and ``dw`` are the simulation's update arrays (lr three times, then
    PReLU's alpha_lr): the update is the engine's, ``u[:rows] -= grads x rates``.
    """

    def __init__(self, f: FusedStep, size: int, rates: np.ndarray, dw: np.ndarray):
        small = f._impl
        self.f, self.small, self.size = f, small, size
        self.rates, self.dw, self.rows = rates, dw, len(rates)
        n_lanes, population, n = f.n_lanes, f.population, f.n
        shape = (size, n_lanes, population, n)
        self.zs, self.a_s, self.ds = np.empty(shape), np.empty(shape), np.empty(shape)
        self.err = np.empty(shape)  # (records' scratch: every array a block needs is made once)
        self.summary = np.empty((5, size, n_lanes))
        self.history_rows = np.empty((size, len(COLUMNS), n_lanes))  # a block's history rows
        # per step: the parameters it started from, its loss and gradients (the rows of u); the
        # update writes the next step's parameters (slot ``size``: those after the block)
        self.u = np.full((9, size + 1, n_lanes, population), np.nan)
        self.flag_rows = flag_rows(size * n_lanes * population)
        self.bits = np.empty((3, *shape), dtype=bool)
        u = self.u
        g = small.g
        rows = self.rows
        one = (n_lanes, population, n)

        def full(v: np.ndarray, to: tuple[int, ...] = one) -> np.ndarray:
            return np.array(np.broadcast_to(v, to), dtype=float)  # (a copy: writable)

        self.k, self.s, self.c, self.thr = full(g.k), full(g.s), full(g.c), full(g.thr)
        self.y, self.two_over_n = full(f._y), full(f._two_over_n)
        self.x3 = full(f._x3, (3, *one))
        self.zn = np.empty(one)  # min(z, 0)
        # PReLU's min(z, 0): zn's rows with the exponential, else a scratch row
        zn_rows = self.zn if g.exp else small.t3[0]
        self.views = [(self.zs[k], self.a_s[k], self.ds[k], u[:3, k, :, :, None],
                       [(self.k[r], u[3, k, r, :, None]) for r in g.prelu],
                       u[U_GW1:U_GW1 + 3, k], u[U_GW1:U_GW1 + rows, k], u[:rows, k],
                       u[:rows, k + 1],
                       [(self.zs[k, r], zn_rows[r], small.t[r], u[U_GALPHA, k, r])
                        for r in g.prelu]) for k in range(size)]

    def run(self, steps: int) -> None:
        """Run ``steps`` (<= size) steps from the parameters in ``f.u``, keeping what each
        step's records need (read them with :meth:`records`)."""
        f, small = self.f, self.small
        t, t3, pos, dz, zn = small.t, small.t3, small.pos, small.e, self.zn
        k, s, c, thr, y, x3, two_over_n = self.k, self.s, self.c, self.thr, self.y, self.x3, \
            self.two_over_n
        rates, dw = self.rates, self.dw
        t30, t31, t32 = t3
        exp, s_one = small.g.exp, small.g.s_one
        mul, add, copyto = np.multiply, np.add, np.copyto
        copyto(self.u[:4, 0], f.u[:4])
        for j in range(steps):
            z, a, e, w3, k_prelu, grads, grads_rows, params, after, prelu = self.views[j]
            for kr, alpha in k_prelu:  # PReLU's k is its alpha
                copyto(kr, alpha)
            # the forward pass and f, f' as _Small.run (its constants spelled out in full: a
            # call on arrays of one shape costs a third of a broadcasting one)
            mul(w3, f._x3, out=t3)
            add(t30, t31, out=z)
            add(z, t32, out=z)
            np.greater_equal(z, thr, out=pos)
            mul(k, z, out=a)
            if exp:
                np.minimum(z, 0.0, out=zn)
                np.expm1(zn, out=t)
                mul(t, c, out=t)
                add(a, t, out=a)
            copyto(a, z if s_one else mul(s, z, out=t), where=pos)
            if exp:
                np.exp(zn, out=e)
                mul(e, c, out=e)
                add(e, k, out=e)
            else:
                copyto(e, k)
            copyto(e, s, where=pos)
            # the backward pass
            np.subtract(a, y, out=t)
            mul(t, two_over_n, out=t)  # dL/da
            for zr, tmp, dl, out in prelu:  # dL/dalpha = einsum(dL/da, min(z, 0))
                if not exp:
                    np.minimum(zr, 0.0, out=tmp)
                _einsum("pn,pn->p", dl, tmp, out=out)
            mul(t, e, out=dz)  # dL/dz
            mul(dz, x3, out=t3)
            np.add.reduce(t3, axis=-1, out=grads)
            # the update (Simulation._fused_step's, no neuron diverged), into the next slot
            mul(grads_rows, rates, out=dw)
            np.subtract(params, dw, out=after)
        copyto(f.u[:4], self.u[:4, steps])

    def records(self, steps: int, n_float: float) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """After :meth:`run`: each step's u rows (9, steps, L, P, with the loss), states
        (steps, L, P) and neuron 0's summary (5, steps, L: z min, z max, z sum, a sum, count of
        z > 0), as _Small.run and the engine's classification give them."""
        zs, a_s, ds = self.zs[:steps], self.a_s[:steps], self.ds[:steps]
        u = self.u[:, :steps]
        bits = self.bits[:, :steps]
        count = steps * self.f.n_lanes * self.f.population
        # the loss: the errors' squares summed as _Small.run's einsum sums them, per step
        err = np.subtract(a_s, self.f._y, out=self.err[:steps])
        _einsum("klpn,klpn->klp", err, err, out=u[4])
        np.true_divide(u[4], n_float, out=u[4])
        np.not_equal(ds, 0.0, out=bits[0])
        np.abs(ds, out=err)
        np.greater_equal(err, SATURATION_THRESHOLD, out=bits[1])
        np.greater(zs, 0.0, out=bits[2])
        rows = self.flag_rows
        flags = rows[:, :count].reshape(16, steps, self.f.n_lanes, self.f.population)
        bits.any(-1, out=flags[:3])
        states = classify_rows(u.reshape(9, -1, self.f.population), rows)
        summary = self.summary[:, :steps]
        z0 = zs[:, :, 0]
        z0.min(-1, out=summary[0])
        z0.max(-1, out=summary[1])
        z0.sum(-1, out=summary[2])
        a_s[:, :, 0].sum(-1, out=summary[3])
        bits[2, :, :, 0].sum(-1, out=summary[4])
        return u, states.reshape(steps, self.f.n_lanes, self.f.population), summary
