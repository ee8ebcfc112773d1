"""numpy's own sums over the samples of many neurons at once, bit for bit.

A population's per-sample values are (N, M), samples first, so that one numpy call runs along
the M neurons; its gradients need the sums over the N samples that :meth:`ndarray.sum` would
give each neuron alone, the same additions in the same order. :class:`PairwiseSums` forms them,
:func:`sums_agree` checks it against this numpy.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

try:  # np.einsum without its Python wrapper (half the cost of a call on a few hundred values)
    from numpy._core.multiarray import c_einsum as _einsum
except ImportError:  # pragma: no cover
    _einsum = np.einsum


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
    """Whether :class:`PairwiseSums` sums ``n`` samples' products as numpy does, bit for bit, one
    way or the other (see :func:`_grads_mode`)."""
    return _grads_mode(n) is not None


_MODES: dict[int, str | None] = {}


def _grads_mode(n: int) -> str | None:
    """How :class:`PairwiseSums` forms the eight running sums of dL/dz x1 and dL/dz x2 for ``n``
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
            x3 = np.vstack([x, np.ones(n)]).reshape(3, n, 1)
            got = np.empty((3, 3))
            with np.errstate(all="ignore"):
                PairwiseSums(x3, 3, ColumnBuffers(n, 3), mode)(np.ascontiguousarray(v.T), got)
            if np.array_equal(want.view(np.int64), got.view(np.int64)):
                _MODES[n] = mode
                break
    return _MODES[n]


# np.einsum("pn,pn->p") on contiguous rows (the loss and PReLU's gradient in Network.run) adds
# the products in two running sums (lanes of a 128-bit vector, this numpy's baseline): the
# products 6, 4, 2, 0 (lane 0) and 7, 5, 3, 1 (lane 1) of every eight, then the last ones two at
# a time, and returns 0 + (lane 0 + lane 1). ColumnDots adds a block's columns so, samples first;
# dots_agree checks it against this numpy (another build may use wider vectors or FMA).
_DOTS: dict[int, bool] = {}


def dots_agree(n: int) -> bool:
    """Whether :class:`ColumnDots` gives np.einsum's sums of ``n`` products, bit for bit."""
    if n not in _DOTS:
        rng = np.random.default_rng(n + 1)
        v = rng.normal(size=(2, 7, n)) * np.exp(rng.normal(size=(2, 7, n)) * 6)
        v[0, 0, ::3] = -0.0
        v[1, 1] = -0.0
        v[0, 2, 1::2] = 0.0
        v[1, 3, ::5] = np.inf
        want = np.einsum("pn,pn->p", v[0], v[1])
        got = np.empty(7)
        with np.errstate(all="ignore"):
            ColumnDots(n, 7, ColumnBuffers(n, 7), "d")(
                np.ascontiguousarray(v[0].T), np.ascontiguousarray(v[1].T), got)
        _DOTS[n] = bool(np.array_equal(want.view(np.int64), got.view(np.int64)))
    return _DOTS[n]


class ColumnDots:
    """``out`` (M,) = np.einsum("pn,pn->p") of the columns of two (N, M) arrays, in that order of
    additions (see :func:`dots_agree`), in scratch arrays of ``buffers`` named after ``name``."""

    def __init__(self, n: int, m: int, buffers: ColumnBuffers, name: str):
        self.n, self.m, self.head = n, m, n // 8 * 8
        self.prod = buffers.get(name, (n // 8, 4, 2, m))  # the products, in order of addition
        self.acc = buffers.get(name + "acc", (2, m))

    def order(self, a: np.ndarray) -> np.ndarray:
        """``a`` (N, M)'s first rows, (N // 8, 4, 2, M), in the order einsum adds them."""
        return a[:self.head].reshape(self.head // 8, 4, 2, a.shape[1])[:, ::-1]

    def __call__(self, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
        """``out`` = the sums over the rows of ``a`` x ``b`` (each (N, M), rows may be strided)."""
        add, acc, n, head = np.add, self.acc, self.n, self.head
        np.multiply(self.order(a), self.order(b), out=self.prod)
        add.reduce(self.prod.reshape(-1, 2, self.m), axis=0, out=acc)
        for i in range(head, n, 2):  # the rest, two at a time (a last one alone)
            if i + 1 < n:
                add(acc, a[i:i + 2] * b[i:i + 2], out=acc)
            else:
                add(acc[0], a[i] * b[i], out=acc[0])
        add(acc[0], acc[1], out=out)
        add(out, 0.0, out=out)


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


class PairwiseSums:
    """``out`` (3, M) = numpy's sums over the samples of ``dz`` (N, M) times x1, x2 and 1 (the
    rows of ``x3``, (3, N, 1)), in scratch arrays of ``buffers``. ``mode``: see
    :func:`_grads_mode`."""

    def __init__(self, x3: np.ndarray, m: int, buffers: ColumnBuffers, mode: str):
        n = x3.shape[1]
        self.n, self.m, self.mode = n, m, mode
        self.x2 = x3[:2]
        self.x2_flat = x3[:2, :, 0]
        b = buffers
        if mode == "reduce":
            self.te = b.get("te", (2, n, m))  # dL/dz x1, dL/dz x2
        self.r = b.get("r", (3, 8, m))
        self.q, self.s2 = b.get("q", (3, 4, m)), b.get("s2", (3, 2, m))
        self.one = b.get("one", (3, m))
        self._halves = [b.get(f"half{i}", (3, m)) for i in range(max(0, math.ceil(
            math.log2(max(n, 1) / 128)) + 1))]

    def __call__(self, dz: np.ndarray, out: np.ndarray) -> None:
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
            if self.mode == "einsum":  # (one call per row of x: twice as fast as one for both)
                for i in range(2):
                    _einsum("cjm,cj->jm", slabs, self.x2_flat[i, i0:stop].reshape(chunks, 8),
                            out=r[i])
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
