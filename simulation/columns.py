"""One full-batch step of many neurons as the columns of (N, M) arrays (:class:`ColumnStep`),
and the rows and flags every fused step shares.

A population (and the death map's cells) step as columns: samples first, so that each numpy call
runs along the neurons. Element by element the operations of :meth:`neuron.Network.run`, so the
same numbers bit for bit (sums: :mod:`simulation.column_sums`).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from simulation.column_sums import (
    ColumnBuffers,
    ColumnDots,
    PairwiseSums,
    _einsum,
    _grads_mode,
    dots_agree,
)

if TYPE_CHECKING:
    from simulation.neuron import Network

SATURATION_THRESHOLD = 1e-3  # |da/dz| below this for every sample: saturated (simulation.health)
# |x| < 5e-324 is x == 0; |x| < SATURATION_THRESHOLD: the two tests of da/dz, in one call
_THRESHOLDS = np.array([5e-324, SATURATION_THRESHOLD]).reshape(2, 1)

# rows of the (9, L, P) array a FusedStep reads and writes: the parameters, then what a step
# records about them, in the order of simulation.history.COLUMNS[2:11]
U_W1, U_W2, U_B, U_ALPHA, U_LOSS, U_GW1, U_GW2, U_GB, U_GALPHA = range(9)
# rows of FusedStep.flags, the facts the health state follows from (see health.classify_flags)
F_SLOPE, F_STEEP, F_ALIVE = 0, 1, 2  # some da/dz != 0; some not |da/dz| < threshold; some z > 0
# rows 11 and 12 (not read by the health table): lanes without the exponential, some z < thr and
# every z < thr, from which finish_flags makes their F_SLOPE and F_STEEP
F_SOME, F_EVERY = 11, 12


@dataclass(frozen=True)
class LaneKind:
    """A piecewise lane's (s, k, c, thr) (see :class:`Network`); ``prelu``: k is each neuron's
    alpha."""

    s: float
    k: float
    c: float
    thr: float
    prelu: bool = False

    @property
    def exp(self) -> bool:
        return self.c != 0

    @property
    def group(self) -> int:
        """The kind of run its columns belong to: 0 no exponential, 1 the exponential, 2 the
        exponential with k + c == s (ELU and SELU with alpha 1): there k + c e^min(z, 0) is s
        itself where z >= 0, so da/dz needs no select."""
        if not self.exp:
            return 0
        return 2 if self.k + self.c == self.s else 1


def lane_kinds(network: Network) -> list[LaneKind]:
    """The kinds of ``network``'s lanes (all piecewise)."""
    return [LaneKind(float(s), float(k), float(c), float(t), bool(p)) for s, k, c, t, p in zip(
        network._s[:, 0, 0], network._k[:, 0, 0], network._c[:, 0, 0], network._thr[:, 0, 0],
        network.prelu, strict=True)]


def finish_flags(flags: np.ndarray, k: np.ndarray, s: np.ndarray, tmp: np.ndarray) -> None:
    """F_SLOPE and F_STEEP of neurons of lanes without the exponential, from rows F_SOME and
    F_EVERY of ``flags`` (some z < thr, every z < thr, as :class:`ColumnStep` leaves them). There
    da/dz is k (z < thr) or s (else), so: some da/dz != 0 iff (some and k != 0) or (not every
    and s != 0); some not |da/dz| < threshold iff (some and not |k| < threshold) or (not every
    and not |s| < threshold). ``flags`` (16, ...) rows; ``k``, ``s`` broadcast to a row;
    ``tmp``: bool scratch (2, ...) of a row's shape."""
    some, every = flags[F_SOME], flags[F_EVERY]
    t1, t2 = tmp
    np.greater(some, np.abs(k) < SATURATION_THRESHOLD, out=t1)  # some, not |k| < threshold
    np.greater(~(np.abs(s) < SATURATION_THRESHOLD), every, out=t2)  # not every, not |s| < thr.
    np.logical_or(t1, t2, out=flags[F_STEEP])
    np.logical_and(some, k != 0, out=t1)
    np.greater(s != 0, every, out=t2)  # not every and s != 0
    np.logical_or(t1, t2, out=flags[F_SLOPE])


class ColumnStep:
    """One full-batch step of M columns, each a neuron of a piecewise lane (``lanes[j]`` is the
    lane of column j, ``kinds`` the lanes' activations): what :meth:`Network.run` computes that a
    step records, element by element the same operations, so the same numbers bit for bit (an
    exact zero may differ in sign where a +-0 term is left out).

    Arrays are (N, M), samples first: every operation runs along the M columns, a per-sample value
    is one number per run and a per-column one a row. The loss and PReLU's gradient are
    np.einsum's sums as in :meth:`Network.run`, added along the columns in einsum's order
    (:class:`ColumnDots`; where :func:`dots_agree` fails, einsum of the arrays transposed to
    (M, N)); the gradients are numpy's pairwise sums, the same additions in the same order (see
    :func:`sums_agree`). Work a block's values make a known constant is left out: the select
    where every z is on one side of thr, min(z, 0) where every z < 0, k zn (k +0) where every z
    is finite. Each run of columns of one kind
    (with or without the exponential) costs its own numpy calls: keep lanes of a kind together.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, lanes: np.ndarray, kinds: list[LaneKind],
                 buffers: ColumnBuffers, summary_stride: int = 0, mode: str | None = None):
        n, m = len(y), len(lanes)
        self.n, self.m = n, m
        xt = np.ascontiguousarray(x.T, dtype=float)
        self.x3 = np.vstack([xt, np.ones(n)]).reshape(3, n, 1)  # x1, x2, 1 per sample
        self.y = np.ascontiguousarray(y, dtype=float).reshape(n, 1)
        self.two_over_n = 2.0 / n
        self.n_float = float(n)  # loss = sum / n, the same division as by the int
        lanes = np.asarray(lanes, dtype=np.intp)
        self.s, self.k, self.c, self.thr = (np.array([getattr(q, name) for q in kinds])[lanes]
                                            for name in ("s", "k", "c", "thr"))
        self.s_bits = self.s.view(np.int64)
        self.ks = self.k.view(np.int64) ^ self.s_bits  # k xor s: PReLU's refreshed each step
        prelu = np.array([q.prelu for q in kinds])[lanes]
        self.prelu = [slice(a, b) for a, b, p in _runs(prelu) if p]
        self.summary_stride = summary_stride
        b = buffers
        if summary_stride:
            self.z0 = b.get("z0", (m // summary_stride, n))
        shape = (n, m)
        self.z, self.a, self.d, self.t = (b.get(k, shape) for k in "zadt")
        self.e = b.get("e", shape)  # also the errors transposed, (M, N)
        self.tt = b.get("e", (m, n))
        self.bits = b.get("bits", shape, bool)
        self.xmax = np.append(np.abs(xt).max(axis=1, initial=0.0), 1.0).reshape(3, 1)
        self.zbound, self.zmax = b.get("zbound", (3, m)), b.get("zmax", (m,))
        self.dmax = b.get("dmax", (m,))  # the largest |da/dz| of each column
        self.col2 = b.get("col2", (2, m), bool)
        self.mask = b.get("mask", shape, np.int64)
        self._grads = PairwiseSums(self.x3, m, b, mode or _grads_mode(n) or "reduce")
        mp = max((sl.stop - sl.start for sl in self.prelu), default=0)
        # the loss and PReLU's gradient: np.einsum of the errors transposed to (M, N) as
        # Network.run, or the same additions along the columns (ColumnDots)
        self.dots = dots_agree(n)
        if self.dots:
            self._loss = ColumnDots(n, m, b, "e")
            self._alpha = [ColumnDots(n, sl.stop - sl.start, b, "dlp") for sl in self.prelu]
            # every z < thr <= 0 (flag F_EVERY): min(z, 0) is z
            self._thr_neg = [bool((self.thr[sl] <= 0).all()) for sl in self.prelu]
            self.znp = b.get("znp", (n, mp))
        else:
            self.dlp, self.znp = b.get("dlp", (mp, n)), b.get("znp", (mp, n))
        i64 = np.int64
        self.groups = []
        for a0, b0, group in _runs(np.array([q.group for q in kinds])[lanes]):
            sl = slice(a0, b0)
            views = tuple(v[:, sl] for v in (self.z, self.a, self.d, self.t, self.e, self.bits,
                                              self.mask))
            dg, eg = views[2], views[4]
            s_one = bool((self.s[sl] == 1.0).all())
            # x 1 and + 0 change no value (but the sign of a zero): left out (ELU's c is 1)
            c_one, k_zero = bool((self.c[sl] == 1.0).all()), bool((self.k[sl] == 0.0).all())
            # k, c, s >= 0: da/dz (k + c e^zn, or s) is >= 0 or NaN, its own |da/dz|
            nonneg = bool((self.k[sl] >= 0).all() and (self.c[sl] >= 0).all()
                          and (self.s[sl] >= 0).all())
            # k +0 and c > 0: k zn + c (e^zn - 1) is its second term wherever z is finite
            # (k zn is -0 or +0, the other term then +0 too): k zn left out (kz_free)
            kz_free = bool(group and (self.k[sl].view(i64) == 0).all() and (self.c[sl] > 0).all())
            self.groups.append((group, sl, views, (
                self.thr[sl], self.k[sl], self.c[sl], self.s[sl], s_one, self.ks[sl],
                self.s_bits[sl], dg.view(i64), eg.view(i64),
                np.broadcast_to(self.s_bits[sl], eg.shape), self.dmax[sl],
                self.col2[:, sl], c_one, k_zero, nonneg, kz_free)))
        self.bufsize = max(16, min(g[1].stop - g[1].start for g in self.groups) // 16 * 16)

    def run(self, par: np.ndarray, out: np.ndarray, grad_alpha: np.ndarray, flags: np.ndarray,
            summary: np.ndarray | None = None, keep: np.ndarray | None = None) -> None:
        """From ``par`` (4, M: w1, w2, b, alpha), write ``out`` (4, M: loss, grad_w1, grad_w2,
        grad_b), ``grad_alpha`` (M; PReLU columns only), rows of ``flags`` (16, M): F_ALIVE, and
        F_SLOPE, F_STEEP of columns with the exponential, F_SOME, F_EVERY of the others (for
        :func:`finish_flags`), and with ``summary`` (5, L), column 0 of every
        ``summary_stride``: z min, max, sum, a sum, count of z > 0. With ``keep`` (N, M),
        dropout's factors (1 / (1 - p) where kept, 0 where dropped), the gradients are those of
        the training pass (a -> a keep, da/dz -> da/dz keep, as :meth:`Network.run`); the loss,
        the flags and the summary stay the full pass's. Call it inside np.errstate (numpy's
        warnings are the caller's)."""
        old = np.setbufsize(self.bufsize)  # numpy buffers broadcast operands when a run is
        try:  # shorter than its buffer size: runs here have >= bufsize values
            self._run(par, out, grad_alpha, flags, summary, keep)
        finally:
            np.setbufsize(old)

    def _run(self, par, out, grad_alpha, flags, summary, keep) -> None:
        z, a, d, t, bits = self.z, self.a, self.d, self.t, self.bits
        mul, add, xor, i64 = np.multiply, np.add, np.bitwise_xor, np.int64
        x3 = self.x3
        # z = (w1 x1 + w2 x2) + b, as Network.forward
        mul(par[0], x3[0], out=z)
        mul(par[1], x3[1], out=t)
        add(z, t, out=z)
        add(z, par[2], out=z)
        np.greater(z, 0.0, out=bits)
        bits.any(axis=0, out=flags[F_ALIVE])
        if summary is not None:  # z of column 0 of every lane, contiguous as recorded
            stride = self.summary_stride
            z0 = self.z0
            np.copyto(z0, z[:, ::stride].T)
            z0.min(-1, out=summary[0])
            z0.max(-1, out=summary[1])
            z0.sum(-1, out=summary[2])
            bits[:, ::stride].sum(0, out=summary[4])
        for sl in self.prelu:  # PReLU's k is its alpha, per neuron
            np.copyto(self.k[sl], par[U_ALPHA, sl])
            xor(self.k[sl].view(i64), self.s_bits[sl], out=self.ks[sl])
        zbound = None
        for group, sl, (zg, ag, dg, tg, eg, bg, mg), v in self.groups:
            (thr, k, c, s, s_one, ks, s_bits, di, ei, s_full, dmax, c2, c_one, k_zero, nonneg,
             kz_free) = v
            # Network._piecewise: a = k z + c (e^z - 1) where z < thr else s z, and da/dz =
            # k + c e^z or s; "x where mask else y" is ((x ^ y) & mask) ^ y on the bits
            if group != 2:
                np.less(zg, thr, out=bg)
            every_below = False
            if group == 0:
                bg.any(axis=0, out=flags[F_SOME, sl])  # (finish_flags)
                bg.all(axis=0, out=flags[F_EVERY, sl])
                every_below = bool(flags[F_EVERY, sl].all())
            elif group == 1:
                every_below = bool(bg.all())
            if not every_below and group != 2:
                np.negative(bg.view(np.int8), out=mg, casting="unsafe")  # -1 where z < thr
            if group:  # with the exponential (thr 0, k 0): zn = min(z, 0), and a is
                # (k zn + c (e^zn - 1)) + s max(z, 0): where z < 0 the first term (exactly the
                # reference's, s x 0 adds a zero), else the second (the first is a zero).
                # With no z > 0 in these columns (after a bias shock, say), zn is z and the
                # second term a zero: left out (group 2; group 1 when every z < 0, which also
                # leaves out the select)
                none_above = every_below or (group == 2 and not flags[F_ALIVE, sl].any())
                if none_above:
                    zn = zg
                else:
                    np.minimum(zg, 0.0, out=eg)
                    zn = eg
                if kz_free and zbound is None:  # |z| <= |w1| max|x1| + |w2| max|x2| + |b|
                    zbound = self.zbound
                    np.abs(par[:3], out=zbound)
                    mul(zbound, self.xmax, out=zbound)
                    add.reduce(zbound, axis=0, out=self.zmax)
                if kz_free and self.zmax[sl].max() < 1e300:  # (NaN: not finite)
                    np.expm1(zn, out=ag)
                    if not c_one:
                        mul(ag, c, out=ag)
                else:
                    np.expm1(zn, out=tg)
                    if not c_one:
                        mul(tg, c, out=tg)
                    mul(k, zn, out=ag)  # (k zn, even with k 0: NaN where z is -inf, as k z)
                    add(ag, tg, out=ag)
                if not none_above:
                    np.maximum(zg, 0.0, out=tg)
                    if not s_one:
                        mul(tg, s, out=tg)
                    add(ag, tg, out=ag)
                # da/dz: k + c e^zn; with k + c == s (group 2) that is s itself where z >= 0
                target = dg if group == 2 or every_below else eg
                if c_one and k_zero:
                    np.exp(zn, out=target)
                else:
                    np.exp(zn, out=eg)
                    if k_zero:
                        mul(eg, c, out=target)
                    else:
                        mul(eg, c, out=eg)
                        add(eg, k, out=target)
                if group == 1 and not every_below:
                    xor(ei, s_full, out=ei)
                    np.bitwise_and(ei, mg, out=ei)
                    xor(ei, s_full, out=di)
                # some da/dz != 0 is not every |da/dz| < 5e-324; steep: not every < threshold;
                # every |da/dz| < x is max |da/dz| < x (a NaN fails both, as max keeps NaN)
                if nonneg:
                    np.maximum.reduce(dg, axis=0, out=dmax)
                else:
                    np.abs(dg, out=tg)
                    np.maximum.reduce(tg, axis=0, out=dmax)
                np.less(dmax, _THRESHOLDS, out=c2)
                np.logical_not(c2, out=flags[F_SLOPE:F_STEEP + 1, sl])
            else:  # da/dz = k where z < thr else s, and a = (da/dz) z: k z or s z, the very
                # products Network._piecewise selects from; k everywhere when every z < thr
                if every_below:
                    np.copyto(dg, k)
                else:
                    np.bitwise_and(mg, ks, out=di)
                    xor(di, s_bits, out=di)
                mul(dg, zg, out=ag)
        if summary is not None:
            np.copyto(z0, a[:, ::stride].T)
            z0.sum(-1, out=summary[3])
        # Network.run's backward pass
        np.subtract(a, self.y, out=t)  # a - y
        if self.dots:
            self._loss(t, t, out[0])
        else:
            tt = self.tt
            np.copyto(tt, t.T)  # the errors, (M, N): the loss is np.einsum's sum of their squares
            _einsum("pn,pn->p", tt, tt, out=out[0])
        np.true_divide(out[0], self.n_float, out=out[0])
        if keep is not None:  # dropout's training pass: its errors, then as below
            mul(a, keep, out=a)
            np.subtract(a, self.y, out=t)
        mul(t, self.two_over_n, out=t)  # dL/da
        if keep is not None:
            mul(d, keep, out=d)
        for i, sl in enumerate(self.prelu):  # dL/dalpha = einsum(dL/da, min(z, 0) (x keep))
            w = sl.stop - sl.start
            if self.dots:  # (with every z < 0 in these columns, min(z, 0) is z)
                zn = self.znp[:, :w]
                below = self._thr_neg[i] and bool(flags[F_EVERY, sl].all())
                if keep is None and below:
                    zn = z[:, sl]
                elif keep is None:
                    np.minimum(z[:, sl], 0.0, out=zn)
                elif below:
                    mul(z[:, sl], keep[:, sl], out=zn)
                else:
                    np.minimum(z[:, sl], 0.0, out=zn)
                    mul(zn, keep[:, sl], out=zn)
                self._alpha[i](t[:, sl], zn, grad_alpha[sl])
                continue
            dl, zn = self.dlp[:w], self.znp[:w]
            np.minimum(z[:, sl].T, 0.0, out=zn)
            np.copyto(dl, t[:, sl].T)
            if keep is not None:
                mul(zn, keep[:, sl].T, out=zn)
            _einsum("pn,pn->p", dl, zn, out=grad_alpha[sl])
        mul(t, d, out=a)  # dL/dz
        self._grads(a, out[1:4])


def flag_rows(count: int) -> np.ndarray:
    """Zeroed (16, Q) bool rows for ``count`` neurons' flags, Q = ``count`` rounded up to a
    multiple of 8."""
    return np.zeros((16, -(-count // 8) * 8), dtype=bool)


def _runs(values: Any) -> list[tuple[int, int, Any]]:
    """(start, stop, value) of the runs of equal values (a sequence or a 1-d array)."""
    v = np.asarray(values)
    if not len(v):
        return []
    cuts = [0, *(np.flatnonzero(v[1:] != v[:-1]) + 1).tolist(), len(v)]
    return [(a, b, v[a].item()) for a, b in itertools.pairwise(cuts)]
