"""The fused step of the app's few neurons per lane (:class:`_Small`): every view built once,
as few numpy calls as possible, since at this size the calls, not the arithmetic, are the cost."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from simulation.column_sums import _einsum
from simulation.columns import (
    SATURATION_THRESHOLD,
    U_ALPHA,
    U_B,
    U_GALPHA,
    U_GB,
    U_GW1,
    U_LOSS,
    U_W1,
)

if TYPE_CHECKING:
    from simulation.fused import FusedStep


@dataclass
class _Group:
    """Lanes ``start:stop`` evaluated together, with their activations' (s, k, c, thr)."""

    start: int
    stop: int
    exp: bool  # some lane has c != 0 (ELU, SELU): the exponential branch
    s: np.ndarray  # (g, 1, 1)
    k: np.ndarray  # (g, 1, 1); PReLU rows are replaced by alpha each step
    c: np.ndarray
    thr: np.ndarray
    s_one: bool  # every s is 1: s * z is z itself
    prelu: list[int]  # rows (within the group) of PReLU lanes

    @property
    def lanes(self) -> slice:
        return slice(self.start, self.stop)


class _Small:
    """FusedStep for a single block (all lanes one group), every view built once: ~40 calls."""

    def __init__(self, f: FusedStep):
        (g,) = f.groups
        n_lanes, population, n = f.n_lanes, f.population, f.n
        shape = (n_lanes, population, n)
        u = f.u
        self.g, self.f = g, f
        self.t3 = np.empty((3, *shape))  # x-products of the forward pass, then of the gradients
        self.za = np.empty((2, *shape))  # z and a, side by side: one call sums both for neuron 0
        self.z, self.a = self.za
        self.e, self.t = np.empty(shape), np.empty(shape)
        self.pos = np.empty(shape, dtype=bool)  # not z < thr (or NaN: see run)
        self.bits = np.empty((3, *shape), dtype=bool)
        self.k = np.repeat(g.k, population, axis=1)  # (L, P, 1)
        self.k_prelu = [(self.k[r, :, 0], u[U_ALPHA, r]) for r in g.prelu]
        self.w3 = u[U_W1:U_B + 1, :, :, None]
        self.grads = u[U_GW1:U_GB + 1]
        self.loss = u[U_LOSS]
        self.n = float(n)  # loss = sum / n, the same division as by the int
        self.prelu = [(self.z[r], self.t3[0, r], self.t[r], u[U_GALPHA, r]) for r in g.prelu]
        self.s_full = np.broadcast_to(g.s, shape)
        self.k_full = np.broadcast_to(self.k, shape)
        self.flags3 = f.flags[:3]
        sm = f.summary
        self.sm = (self.z[:, 0], sm[0], sm[1], self.za[:, :, 0], sm[2:4], self.bits[2, :, 0], sm[4])

    def run(self) -> None:
        g, f = self.g, self.f
        z, a, e, t, t3, pos = self.z, self.a, self.e, self.t, self.t3, self.pos
        mul = np.multiply
        for k, alpha in self.k_prelu:
            np.copyto(k, alpha)
        k = self.k
        # z = (w1 x1 + w2 x2) + b, as Network.forward
        mul(self.w3, f._x3, out=t3)
        np.add(t3[0], t3[1], out=z)
        np.add(z, t3[2], out=z)
        # Network._piecewise: a = k z + c (e^z - 1) where z < thr else s z, and da/dz =
        # k + c e^z or s: the first forms everywhere, then the second copied where z >= thr.
        # (Where z is NaN the first stays: a is NaN either way, and so is dL/da there, so
        # da/dz (k + ..., not s) changes nothing recorded: the loss is NaN, the lane diverged.)
        np.greater_equal(z, g.thr, out=pos)
        mul(k, z, out=a)
        if g.exp:
            np.minimum(z, 0.0, out=e)
            np.expm1(e, out=t)
            mul(t, g.c, out=t)
            np.add(a, t, out=a)
        np.copyto(a, z if g.s_one else mul(g.s, z, out=t), where=pos)
        if g.exp:
            np.exp(e, out=e)
            mul(e, g.c, out=e)
            np.add(e, k, out=e)
        else:
            np.copyto(e, self.k_full)
        np.copyto(e, self.s_full, where=pos)
        d, bits = e, self.bits
        np.not_equal(d, 0.0, out=bits[0])
        np.abs(d, out=t)
        # not |da/dz| < threshold; a NaN da/dz would count too, but it comes only with a NaN
        # loss (z or PReLU's alpha NaN): the lane is diverged whatever this flag says
        np.greater_equal(t, SATURATION_THRESHOLD, out=bits[1])
        np.greater(z, 0.0, out=bits[2])
        bits.any(-1, out=self.flags3)
        z0, zmin, zmax, za0, sums, pos0, count = self.sm
        z0.min(-1, out=zmin)
        z0.max(-1, out=zmax)
        za0.sum(-1, out=sums)
        pos0.sum(-1, out=count)
        # Network.run's backward pass
        np.subtract(a, f._y, out=t)
        _einsum("lpn,lpn->lp", t, t, out=self.loss)
        np.true_divide(self.loss, self.n, out=self.loss)
        mul(t, f._two_over_n, out=t)  # dL/da
        for zr, tmp, dl, out in self.prelu:
            np.minimum(zr, 0.0, out=tmp)
            _einsum("pn,pn->p", dl, tmp, out=out)
        mul(t, d, out=a)  # dL/dz
        mul(a, f._x3, out=t3)
        np.add.reduce(t3, axis=-1, out=self.grads)
