"""Forward and backward pass of the one-neuron network, vectorized over lanes and a population.

Shapes: parameters are (L, P) (lanes x population), inputs (N, 2), per-sample values (L, P, N).
Every chain-rule factor of the seed is kept: dL/da, da/dz, dz/dw1 = x1, dz/dw2 = x2, dz/db = 1.
"""

from __future__ import annotations

import itertools
import math
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import Any

import numpy as np

from simulation import activations
from simulation.config import LaneSpec


@dataclass
class Params:
    """The learnable parameters, each of shape (L, P). ``alpha`` is NaN outside PReLU lanes."""

    w1: np.ndarray
    w2: np.ndarray
    b: np.ndarray
    alpha: np.ndarray

    def copy(self) -> Params:
        return Params(self.w1.copy(), self.w2.copy(), self.b.copy(), self.alpha.copy())


@dataclass
class Pass:
    """One forward and backward pass; every factor of the chain rule, per sample."""

    z: np.ndarray  # (L, P, N)
    a: np.ndarray  # f(z)
    dL_da: np.ndarray  # 2 (a - y) / N
    da_dz: np.ndarray  # f'(z)
    loss: np.ndarray  # (L, P): mean((a - y)^2)
    grad_w1: np.ndarray  # (L, P): sum_i dL/da * da/dz * x1
    grad_w2: np.ndarray
    grad_b: np.ndarray
    grad_alpha: np.ndarray  # NaN outside PReLU lanes


class Network:
    """The activations of L lanes, applied to (L, P, N) arrays of z.

    ReLU, Leaky ReLU, PReLU, ELU and SELU share one piecewise form, evaluated for all of those
    lanes at once: for z >= 0 (z > 0 for ReLU) f = s z, f' = s; otherwise
    f = k z + c (e^z - 1), f' = k + c e^z, with (s, k, c) per lane (PReLU's k is its alpha).
    Other activations (GELU, SiLU) call their own functions lane by lane.
    """

    _PIECEWISE = frozenset({"relu", "leaky_relu", "prelu", "elu", "selu"})

    def __init__(self, lanes: list[LaneSpec]):
        self.lanes = lanes
        self.acts = [activations.get(spec.activation) for spec in lanes]
        self.kwargs = [activations.function_params(spec.activation, spec.params) for spec in lanes]
        self.prelu = np.array([a.learnable_alpha for a in self.acts])
        self.alpha_lr = np.array([spec.params.get("alpha_lr", 0.0) for spec in lanes])
        self.fast = np.array([spec.activation in self._PIECEWISE for spec in lanes])
        self.all_fast = bool(self.fast.all())
        s, k, c, thr = [], [], [], []
        for spec in lanes:
            name, prm = spec.activation, spec.params
            scale = prm.get("scale", 1.0) if name == "selu" else 1.0
            s.append(scale)
            k.append(prm.get("negative_slope", 0.0) if name == "leaky_relu" else 0.0)
            c.append(scale * prm["alpha"] if name in ("elu", "selu") else 0.0)
            thr.append(5e-324 if name == "relu" else 0.0)  # z < 5e-324 <=> z <= 0
        shape = (-1, 1, 1)
        idx = self.fast
        self._s, self._k, self._c, self._thr = (
            np.array(v)[idx].reshape(shape) for v in (s, k, c, thr))
        self._has_exp = bool((self._c != 0).any())
        self._prelu_fast = self.prelu[idx]

    def _piecewise(self, z: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = self._k
        if self._prelu_fast.any():
            k = np.broadcast_to(k, (len(k), z.shape[1], 1)).copy()
            k[self._prelu_fast] = alpha[self._prelu_fast][..., None]
        neg = z < self._thr
        if self._has_exp:
            zn = np.minimum(z, 0.0)  # exp never sees a positive z
            a = np.where(neg, k * z + self._c * np.expm1(zn), self._s * z)
            d = np.where(neg, k + self._c * np.exp(zn), self._s)
        else:
            a = np.where(neg, k * z, self._s * z)
            d = np.where(neg, k, self._s)
        return a, d

    def forward(self, p: Params, x: np.ndarray) -> np.ndarray:
        """z = w1 x1 + w2 x2 + b, shape (L, P, N)."""
        return p.w1[..., None] * x[:, 0] + p.w2[..., None] * x[:, 1] + p.b[..., None]

    def activate(self, z: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """f(z) and f'(z) per lane."""
        if self.all_fast:
            return self._piecewise(z, alpha)
        a = np.empty_like(z)
        d = np.empty_like(z)
        if self.fast.any():
            a[self.fast], d[self.fast] = self._piecewise(z[self.fast], alpha[self.fast])
        for i in np.flatnonzero(~self.fast):
            a[i] = self.acts[i].value(z[i], **self.kwargs[i])
            d[i] = self.acts[i].grad(z[i], **self.kwargs[i])
        return a, d

    def run(self, p: Params, x: np.ndarray, y: np.ndarray, keep: np.ndarray | None = None) -> Pass:
        """Forward and backward pass on the samples (x, y); with ``keep`` (L, P, N), dropout's
        training pass: a -> a * keep (keep = mask / (1 - p)), and so da/dz and da/dalpha."""
        z = self.forward(p, x)
        a, da_dz = self.activate(z, p.alpha)
        if keep is not None:
            a = a * keep
            da_dz = da_dz * keep
        err = a - y
        n = len(y)
        loss = np.einsum("lpn,lpn->lp", err, err) / n
        dL_da = (2.0 / n) * err
        dL_dz = dL_da * da_dz
        # elementwise product and sum, not a matmul: BLAS rounding would depend on P, and a
        # population must give each neuron exactly what a population of one gives it
        grad_w1 = (dL_dz * x[:, 0]).sum(-1)
        grad_w2 = (dL_dz * x[:, 1]).sum(-1)
        grad_alpha = np.full(p.w1.shape, np.nan)
        if self.prelu.any():
            k = self.prelu
            da_dalpha = activations.prelu_grad_alpha(z[k])
            if keep is not None:
                da_dalpha = da_dalpha * keep[k]
            grad_alpha[k] = np.einsum("lpn,lpn->lp", dL_da[k], da_dalpha)
        return Pass(z, a, dL_da, da_dz, loss, grad_w1, grad_w2, dL_dz.sum(-1), grad_alpha)


# --- the fused full-batch step -------------------------------------------------------------------
SATURATION_THRESHOLD = 1e-3  # |da/dz| below this for every sample: saturated (simulation.health)
# |x| < 5e-324 is x == 0; |x| < SATURATION_THRESHOLD: the two tests of da/dz, in one call
_THRESHOLDS = np.array([5e-324, SATURATION_THRESHOLD]).reshape(2, 1, 1)
WIDE_MIN = 16  # neurons per lane the population layout (_Wide) needs at least
WIDE_ELEMENTS = 1 << 15  # and values (lane x neuron x sample) a step: below, _Small's
# fewer numpy calls are faster
BLOCK_ELEMENTS = 1 << 17  # values (lane x sample x neuron) per block of the population layout
THREAD_ELEMENTS = 1 << 18  # from this many values per step, blocks run on every core

# rows of the (9, L, P) array a FusedStep reads and writes: the parameters, then what a step
# records about them, in the order of simulation.history.COLUMNS[2:11]
U_W1, U_W2, U_B, U_ALPHA, U_LOSS, U_GW1, U_GW2, U_GB, U_GALPHA = range(9)
# rows of FusedStep.flags, the facts the health state follows from (see health.classify_flags)
F_SLOPE, F_STEEP, F_ALIVE = 0, 1, 2  # some da/dz != 0; some not |da/dz| < threshold; some z > 0
# rows 11 and 12 (not read by the health table): lanes without the exponential, some z < thr and
# every z < thr, from which finish_flags makes their F_SLOPE and F_STEEP
F_SOME, F_EVERY = 11, 12
try:  # np.einsum without its Python wrapper (half the cost of a call on a few hundred values)
    from numpy._core.multiarray import c_einsum as _einsum
except ImportError:  # pragma: no cover
    _einsum = np.einsum


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


# Sums over the samples, with the samples along an outer axis (many sums per numpy call), in
# numpy's order of additions. Along a contiguous axis np.add.reduce (ndarray.sum) computes
# 0 + pairwise(values): below 8 values one after the other; up to 128, eight running sums of
# every eighth value, combined ((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7)), then the rest
# one by one; above, the halves (the first a multiple of 8) summed so and added. The eight
# running sums are np.add.reduce over the outer axis of the values shaped (n // 8, 8, M), which
# adds the slabs one after the other (its start, the first slab or 0 + it, can differ only in
# the sign of a zero, which the final 0 + undoes). sums_agree checks the whole against numpy for
# the number of samples at hand; where it differs (another numpy), FusedStep keeps the samples
# contiguous (_Small) instead.
def sums_agree(n: int) -> bool:
    """Whether :class:`ColumnStep` sums ``n`` samples' products as numpy does, bit for bit, one
    way or the other (see :func:`_grads_mode`)."""
    return _grads_mode(n) is not None


_MODES: dict[int, str | None] = {}


def _grads_mode(n: int) -> str | None:
    """How :class:`ColumnStep` forms the eight running sums of dL/dz x1 and dL/dz x2 for ``n``
    samples: "einsum" (np.einsum's sum over the slabs of the products, one after the other, as
    this numpy computes it: no fused multiply-add), else "reduce" (the products, then
    np.add.reduce over the slabs), whichever first gives numpy's own sums bit for bit (checked
    on values of every size and sign, zeros among them); None if neither does."""
    if n not in _MODES:
        rng = np.random.default_rng(n)
        v = rng.normal(size=(3, n)) * np.exp(rng.normal(size=(3, n)) * 6)
        v[0, ::3] = -0.0
        v[1, 1::2] = 0.0
        x = rng.normal(size=(2, n)) * np.exp(rng.normal(size=(2, n)))
        want = np.add.reduce(v[None] * np.vstack([x, np.ones(n)])[:, None, :], axis=-1)
        _MODES[n] = None
        for mode in ("einsum", "reduce"):
            cols = ColumnStep(x.T, np.zeros(n), np.zeros(3, dtype=int),
                              [LaneKind(1.0, 0.0, 0.0, 0.0)], ColumnBuffers(n, 3), mode=mode)
            got = np.empty((3, 3))
            with np.errstate(all="ignore"):
                cols._grads(np.ascontiguousarray(v.T), got)
            if np.array_equal(want.view(np.int64), got.view(np.int64)):
                _MODES[n] = mode
                break
    return _MODES[n]


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


class ColumnBuffers:
    """Arrays for :class:`ColumnStep` s of up to ``columns`` columns (one worker's)."""

    def __init__(self, n: int, columns: int):
        self.n, self.columns = n, columns
        self._flat: dict[str, np.ndarray] = {}

    def get(self, name: str, shape: tuple[int, ...], dtype: Any = float) -> np.ndarray:
        """A contiguous array of ``shape`` (its memory shared by every ColumnStep asking for
        ``name``)."""
        count = math.prod(shape)
        buf = self._flat.get(name)
        if buf is None or buf.size < count or buf.dtype != dtype:
            buf = self._flat[name] = np.empty(count, dtype=dtype)
        return buf[:count].reshape(shape)


class ColumnStep:
    """One full-batch step of M columns, each a neuron of a piecewise lane (``lanes[j]`` is the
    lane of column j, ``kinds`` the lanes' activations): what :meth:`Network.run` computes that a
    step records, element by element the same operations, so the same numbers bit for bit (an
    exact zero may differ in sign where a +-0 term is left out).

    Arrays are (N, M), samples first: every operation runs along the M columns, a per-sample value
    is one number per run and a per-column one a row. The loss is np.einsum of the errors
    transposed to (M, N), as in :meth:`Network.run`; the gradients are numpy's pairwise sums, the
    same additions in the same order (see :func:`sums_agree`). Each run of columns of one kind
    (with or without the exponential) costs its own numpy calls: keep lanes of a kind together.
    """

    def __init__(self, x: np.ndarray, y: np.ndarray, lanes: np.ndarray, kinds: list[LaneKind],
                 buffers: ColumnBuffers, summary_stride: int = 0, mode: str | None = None):
        n, m = len(y), len(lanes)
        self.n, self.m = n, m
        self.mode = mode or _grads_mode(n) or "reduce"
        xt = np.ascontiguousarray(x.T, dtype=float)
        self.x3 = np.vstack([xt, np.ones(n)]).reshape(3, n, 1)  # x1, x2, 1 per sample
        self.x2 = self.x3[:2]
        self.x2_flat = self.x3[:2, :, 0]
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
        self.bits2 = b.get("bits2", (2, n, m), bool)
        self.col2 = b.get("col2", (2, m), bool)
        self.mask = b.get("mask", shape, np.int64)
        if self.mode == "reduce":
            self.te = b.get("te", (2, n, m))  # dL/dz x1, dL/dz x2
        self.r = b.get("r", (3, 8, m))
        self.q, self.s2 = b.get("q", (3, 4, m)), b.get("s2", (3, 2, m))
        self.one = b.get("one", (3, m))
        mp = max((sl.stop - sl.start for sl in self.prelu), default=0)
        self.dlp, self.znp = b.get("dlp", (mp, n)), b.get("znp", (mp, n))
        self._halves = [b.get(f"half{i}", (3, m)) for i in range(max(0, math.ceil(
            math.log2(max(n, 1) / 128)) + 1))]
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
            self.groups.append((group, sl, views, (
                self.thr[sl], self.k[sl], self.c[sl], self.s[sl], s_one, self.ks[sl],
                self.s_bits[sl], dg.view(i64), eg.view(i64),
                np.broadcast_to(self.s_bits[sl], eg.shape), self.bits2[:, :, sl],
                self.col2[:, sl], c_one, k_zero)))
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
        for group, sl, (zg, ag, dg, tg, eg, bg, mg), v in self.groups:
            thr, k, c, s, s_one, ks, s_bits, di, ei, s_full, b2, c2, c_one, k_zero = v
            # Network._piecewise: a = k z + c (e^z - 1) where z < thr else s z, and da/dz =
            # k + c e^z or s; "x where mask else y" is ((x ^ y) & mask) ^ y on the bits
            if group != 2:
                np.less(zg, thr, out=bg)
                np.negative(bg.view(np.int8), out=mg, casting="unsafe")  # -1 where z < thr
            if group:  # with the exponential (thr 0, k 0): zn = min(z, 0), and a is
                # (k zn + c (e^zn - 1)) + s max(z, 0): where z < 0 the first term (exactly the
                # reference's, s x 0 adds a zero), else the second (the first is a zero)
                np.minimum(zg, 0.0, out=eg)
                np.expm1(eg, out=tg)
                if not c_one:
                    mul(tg, c, out=tg)
                mul(k, eg, out=ag)  # (k zn, even with k 0: NaN where z is -inf, as k z)
                add(ag, tg, out=ag)
                np.maximum(zg, 0.0, out=tg)
                if not s_one:
                    mul(tg, s, out=tg)
                add(ag, tg, out=ag)
                # da/dz: k + c e^zn; with k + c == s (group 2) that is s itself where z >= 0
                target = dg if group == 2 else eg
                if c_one and k_zero:
                    np.exp(eg, out=target)
                else:
                    np.exp(eg, out=eg)
                    if k_zero:
                        mul(eg, c, out=target)
                    else:
                        mul(eg, c, out=eg)
                        add(eg, k, out=target)
                if group == 1:
                    xor(ei, s_full, out=ei)
                    np.bitwise_and(ei, mg, out=ei)
                    xor(ei, s_full, out=di)
                # some da/dz != 0 is not every |da/dz| < 5e-324; steep: not every < threshold
                np.abs(dg, out=tg)
                np.less(tg, _THRESHOLDS, out=b2)
                np.logical_and.reduce(b2, axis=1, out=c2)
                np.logical_not(c2, out=flags[F_SLOPE:F_STEEP + 1, sl])
            else:  # da/dz = k where z < thr else s, and a = (da/dz) z: k z or s z, the very
                # products Network._piecewise selects from
                np.bitwise_and(mg, ks, out=di)
                xor(di, s_bits, out=di)
                mul(dg, zg, out=ag)
                bg.any(axis=0, out=flags[F_SOME, sl])  # (finish_flags)
                bg.all(axis=0, out=flags[F_EVERY, sl])
        if summary is not None:
            np.copyto(z0, a[:, ::stride].T)
            z0.sum(-1, out=summary[3])
        # Network.run's backward pass
        np.subtract(a, self.y, out=t)  # a - y
        tt = self.tt
        np.copyto(tt, t.T)  # the errors, (M, N): the loss is np.einsum's sum of their squares
        _einsum("pn,pn->p", tt, tt, out=out[0])
        np.true_divide(out[0], self.n_float, out=out[0])
        if keep is not None:  # dropout's training pass: its errors, then as below
            mul(a, keep, out=a)
            np.subtract(a, self.y, out=t)
            mul(t, self.two_over_n, out=t)  # dL/da
            mul(d, keep, out=d)
        for sl in self.prelu:  # dL/dalpha = einsum(dL/da, min(z, 0) (x keep))
            w = sl.stop - sl.start
            dl, zn = self.dlp[:w], self.znp[:w]
            np.minimum(z[:, sl].T, 0.0, out=zn)
            if keep is None:
                mul(tt[sl], self.two_over_n, out=dl)
            else:
                np.copyto(dl, t[:, sl].T)
                mul(zn, keep[:, sl].T, out=zn)
            _einsum("pn,pn->p", dl, zn, out=grad_alpha[sl])
        if keep is None:
            mul(t, self.two_over_n, out=t)  # dL/da
        mul(t, d, out=a)  # dL/dz
        self._grads(a, out[1:4])

    def _grads(self, dz: np.ndarray, out: np.ndarray) -> None:
        """``out`` (3, M) = numpy's sums over the samples of dz (N, M) times x1, x2 and 1."""
        if self.mode == "reduce":
            np.multiply(dz, self.x2, out=self.te)
        self._pair(dz, 0, self.n, out, 0)
        np.add(out, 0.0, out=out)  # numpy's reduction starts from 0

    def _pair(self, dz: np.ndarray, i0: int, i1: int, out: np.ndarray, depth: int) -> None:
        n, m = i1 - i0, self.m
        add, mul = np.add, np.multiply
        one = self.one
        if n < 8:
            mul(dz[i0], self.x2[:, i0], out=out[:2])
            np.copyto(out[2], dz[i0])
            add(out, 0.0, out=out)
            stop = i0 + 1
        elif n <= 128:
            chunks = n // 8
            stop = i0 + 8 * chunks
            r = self.r
            # the eight running sums: slab after slab
            slabs = dz[i0:stop].reshape(chunks, 8, m)
            if self.mode == "einsum":
                _einsum("cjm,xcj->xjm", slabs, self.x2_flat[:, i0:stop].reshape(2, chunks, 8),
                        out=r[:2])
            else:
                add.reduce(self.te[:, i0:stop].reshape(2, chunks, 8, m), axis=1, out=r[:2])
            add.reduce(slabs, axis=0, out=r[2])
            q, s = self.q, self.s2
            add(r[:, 0::2], r[:, 1::2], out=q)
            add(q[:, 0::2], q[:, 1::2], out=s)
            add(s[:, 0], s[:, 1], out=out)
        else:
            n2 = n // 2
            n2 -= n2 % 8
            self._pair(dz, i0, i0 + n2, out, depth + 1)
            right = self._halves[depth]
            self._pair(dz, i0 + n2, i1, right, depth + 1)
            add(out, right, out=out)
            return
        for i in range(stop, i1):
            mul(dz[i], self.x2[:, i], out=one[:2])
            add(out[:2], one[:2], out=out[:2])
            add(out[2], dz[i], out=out[2])


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
            if len(plan.work) > 1:
                list(_pool().map(plan.blocks, range(len(plan.work))))
            else:
                plan.blocks(0)
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


_POOL: ThreadPoolExecutor | None = None


def _pool() -> ThreadPoolExecutor:
    global _POOL
    if _POOL is None:
        _POOL = ThreadPoolExecutor(max_workers=os.cpu_count() or 1,
                                   thread_name_prefix="fused-step")
    return _POOL
