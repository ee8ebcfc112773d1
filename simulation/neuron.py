"""Forward and backward pass of the one-neuron network, vectorized over lanes and a population.

Shapes: parameters are (L, P) (lanes x population), inputs (N, 2), per-sample values (L, P, N).
Every chain-rule factor of the seed is kept: dL/da, da/dz, dz/dw1 = x1, dz/dw2 = x2, dz/db = 1.
"""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

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
BLOCK_ELEMENTS = 1 << 18  # values (lane x neuron x sample) per block
THREAD_ELEMENTS = 1 << 19  # from this many values per step, blocks run on every core

# rows of the (9, L, P) array a FusedStep reads and writes: the parameters, then what a step
# records about them, in the order of simulation.history.COLUMNS[2:11]
U_W1, U_W2, U_B, U_ALPHA, U_LOSS, U_GW1, U_GW2, U_GB, U_GALPHA = range(9)
# rows of FusedStep.flags, the facts the health state follows from (see health.classify_flags)
F_SLOPE, F_STEEP, F_ALIVE = 0, 1, 2  # some da/dz != 0; some not |da/dz| < threshold; some z > 0
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


def _select(mask: np.ndarray, a: np.ndarray, b: np.ndarray, out: np.ndarray) -> None:
    """``out = a where mask else b`` bit for bit, ``mask`` -1 or 0 (int64); ``out`` may be ``a``
    but not ``b``. Unlike np.where it writes into ``out``, at the same cost for any mask."""
    ai, bi, oi = a.view(np.int64), b.view(np.int64), out.view(np.int64)
    np.bitwise_xor(ai, bi, out=oi)
    np.bitwise_and(oi, mask, out=oi)
    np.bitwise_xor(oi, bi, out=oi)


class FusedStep:
    """What one full-batch step of piecewise lanes records, without keeping per-sample arrays.

    Element by element the same operations as :meth:`Network.run` (so the same numbers, bit for
    bit, except that an exact zero may differ in sign where a term of +-0 is left out), into
    preallocated arrays: large temporaries would cost a page fault per 4 KiB each time the
    allocator gives memory back. Sums over the samples are numpy's own reductions along the
    contiguous sample axis, as in :meth:`Network.run`, so neither the block size nor the
    population changes a neuron's numbers.

    ``u`` (9, L, P) holds the parameters (rows U_W1..U_ALPHA); :meth:`run` writes the loss and
    the gradients into the other rows, the facts of the health state into ``flags`` (16, L, P)
    rows F_SLOPE, F_STEEP, F_ALIVE, and, for neuron 0, ``summary`` (5, L): z min, z max, z sum,
    a sum, count of z > 0.

    A population is evaluated in blocks of neurons that stay in cache, by every core for large
    ones (numpy releases the GIL inside each operation); a single block (the app's one neuron
    per lane) takes a path with as few numpy calls as possible, since there the calls, not the
    arithmetic, are the cost.
    """

    def __init__(self, network: Network, x: np.ndarray, y: np.ndarray, u: np.ndarray):
        if not network.all_fast:
            raise ValueError("FusedStep needs piecewise activations only")
        n_lanes, population = u.shape[1:]
        n = len(y)
        self.n_lanes, self.population, self.n = n_lanes, population, n
        self.u = u
        self._y = np.ascontiguousarray(y, dtype=float)
        self._x = np.ascontiguousarray(x.T, dtype=float)  # (2, N): x1 and x2 rows
        self._x3 = np.vstack([self._x, np.ones(n)])[:, None, None, :]  # (3, 1, 1, N)
        self._two_over_n = 2.0 / n
        self.flags = np.zeros((16, n_lanes, population), dtype=bool)
        self.summary = np.empty((5, n_lanes))
        per_neuron = n_lanes * n
        size = min(max(1, BLOCK_ELEMENTS // per_neuron), population)
        blocks = [(p, min(p + size, population)) for p in range(0, population, size)]
        workers = 1
        if len(blocks) > 1 and population * per_neuron >= THREAD_ELEMENTS:
            workers = min(os.cpu_count() or 1, len(blocks))
        self._work = [blocks[i::workers] for i in range(workers)]
        # one group of every lane when the whole step is one block (fewer calls), else runs of
        # lanes with and without the exponential branch (exp only where it is needed)
        s, k, c = network._s[:, 0, 0], network._k[:, 0, 0], network._c[:, 0, 0]
        kinds = [bool(ci != 0) for ci in c]
        if len(blocks) == 1:
            runs = [(0, n_lanes, any(kinds))]
        else:
            runs, start = [], 0
            for i in range(1, n_lanes + 1):
                if i == n_lanes or kinds[i] != kinds[start]:
                    runs.append((start, i, kinds[start]))
                    start = i
        shape = (-1, 1, 1)
        prelu = network.prelu
        self.groups = [
            _Group(a, b, e, s[a:b].reshape(shape).copy(), k[a:b].reshape(shape).copy(),
                   c[a:b].reshape(shape).copy(), network._thr[a:b].reshape(shape).copy(),
                   bool((s[a:b] == 1.0).all()), [int(r) for r in np.flatnonzero(prelu[a:b])])
            for a, b, e in runs]
        self._k = [np.repeat(g.k, population, axis=1) if g.prelu else None for g in self.groups]
        if len(blocks) == 1:
            self._small = _Small(self)
        else:
            self._small = None
            self._scratch = [_Scratch(n_lanes, size, n) for _ in range(workers)]

    def run(self) -> None:
        """One pass over the parameters in ``u``."""
        if self._small is not None:
            self._small.run()
            return
        w = self.u
        for g, k in zip(self.groups, self._k, strict=True):
            for r in g.prelu:  # PReLU's k is its alpha, per neuron
                k[r, :, 0] = w[U_ALPHA, g.start + r]
        if len(self._work) > 1:
            list(_pool().map(self._blocks, self._work, self._scratch))
        else:
            self._blocks(self._work[0], self._scratch[0])

    def _blocks(self, blocks: list[tuple[int, int]], sc: _Scratch) -> None:
        with np.errstate(all="ignore"):  # the caller's errstate does not reach pool threads
            for p0, p1 in blocks:
                self._block(p0, p1, sc)

    def _block(self, p0: int, p1: int, sc: _Scratch) -> None:
        m = p1 - p0
        x, w, flags = self._x, self.u, self.flags
        z, a, d, t, e = sc.z[:, :m], sc.a[:, :m], sc.d[:, :m], sc.t[:, :m], sc.e[:, :m]
        # z = w1 x1 + w2 x2 + b, in the order of Network.forward
        np.multiply(w[U_W1, :, p0:p1, None], x[0], out=z)
        np.multiply(w[U_W2, :, p0:p1, None], x[1], out=t)
        np.add(z, t, out=z)
        np.add(z, w[U_B, :, p0:p1, None], out=z)
        first = p0 == 0
        if first:
            z0, sm = z[:, 0], self.summary
            z0.min(-1, out=sm[0])
            z0.max(-1, out=sm[1])
            z0.sum(-1, out=sm[2])
        for g, kfull in zip(self.groups, self._k, strict=True):
            lanes = g.lanes
            zg, ag, dg, tg, eg = z[lanes], a[lanes], d[lanes], t[lanes], e[lanes]
            neg, mask = sc.neg[lanes, :m], sc.mask[lanes, :m]
            k = g.k if kfull is None else kfull[:, p0:p1]
            slope, steep = flags[F_SLOPE, lanes, p0:p1], flags[F_STEEP, lanes, p0:p1]
            # Network._piecewise: a = k z + c (e^z - 1) where neg else s z; da/dz = k + c e^z or s
            np.less(zg, g.thr, out=neg)
            np.negative(neg.view(np.int8), out=mask, casting="unsafe")  # -1 where neg
            np.multiply(k, zg, out=ag)
            if g.exp:
                np.minimum(zg, 0.0, out=eg)
                np.expm1(eg, out=tg)
                np.multiply(tg, g.c, out=tg)
                np.add(ag, tg, out=ag)
            _select(mask, ag, zg if g.s_one else np.multiply(g.s, zg, out=tg), out=ag)
            if first:
                ag[:, 0].sum(-1, out=self.summary[3, lanes])
            if g.exp:
                np.exp(eg, out=eg)
                np.multiply(eg, g.c, out=eg)
                np.add(eg, k, out=eg)
                _select(mask, eg, np.broadcast_to(g.s, eg.shape), out=eg)  # eg is da/dz now
                np.not_equal(eg, 0.0, out=neg)
                neg.any(-1, out=slope)
                np.abs(eg, out=dg)
                np.less(dg, SATURATION_THRESHOLD, out=neg)
                np.logical_not(neg, out=neg)  # not (|da/dz| < threshold): NaN counts
                neg.any(-1, out=steep)
            else:  # every da/dz is k (where neg) or s: which occur decides
                some, every = sc.some[lanes, :m], sc.every[lanes, :m]
                neg.any(-1, out=some)
                neg.all(-1, out=every)
                kr, sr = k[..., 0], g.s[..., 0]
                slope[...] = (some & (kr != 0)) | (~every & (sr != 0))
                steep[...] = (some & ~(np.abs(kr) < SATURATION_THRESHOLD)) | (
                    ~every & ~(np.abs(sr) < SATURATION_THRESHOLD))
            np.greater(zg, 0.0, out=neg)
            neg.any(-1, out=flags[F_ALIVE, lanes, p0:p1])
            if first:
                self.summary[4, lanes] = np.count_nonzero(neg[:, 0], axis=-1)
            # Network.run's backward pass
            np.subtract(ag, self._y, out=tg)  # a - y
            loss = w[U_LOSS, lanes, p0:p1]
            _einsum("lpn,lpn->lp", tg, tg, out=loss)
            loss /= self.n
            np.multiply(tg, self._two_over_n, out=tg)  # dL/da
            for r in g.prelu:
                np.minimum(zg[r], 0.0, out=dg[r])
                _einsum("pn,pn->p", tg[r], dg[r], out=w[U_GALPHA, g.start + r, p0:p1])
            if g.exp:  # dL/dz = dL/da * da/dz
                np.multiply(tg, eg, out=ag)
            else:
                np.multiply(tg, k, out=ag)
                _select(mask, ag, tg if g.s_one else np.multiply(tg, g.s, out=dg), out=ag)
            gg = sc.g[:2, lanes, :m]
            np.multiply(ag, self._x3[:2], out=gg)  # dL/dz x1, dL/dz x2
            np.add.reduce(gg, axis=-1, out=w[U_GW1:U_GW2 + 1, lanes, p0:p1])
            np.add.reduce(ag, axis=-1, out=w[U_GB, lanes, p0:p1])




class _Scratch:
    """One worker's arrays for a block of ``size`` neurons."""

    def __init__(self, n_lanes: int, size: int, n: int):
        shape = (n_lanes, size, n)
        self.z, self.a, self.d, self.t, self.e = (np.empty(shape) for _ in range(5))
        self.g = np.empty((2, *shape))
        self.neg = np.empty(shape, dtype=bool)
        self.mask = np.empty(shape, dtype=np.int64)
        self.some = np.empty((n_lanes, size), dtype=bool)
        self.every = np.empty((n_lanes, size), dtype=bool)


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
        self.mask = np.empty(shape, dtype=np.int64)
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
        i64 = np.int64
        self.ints = (self.a.view(i64), self.z.view(i64), self.e.view(i64), self.s_full.view(i64))
        sm = f.summary
        self.sm = (self.z[:, 0], sm[0], sm[1], self.za[:, :, 0], sm[2:4], self.bits[2, :, 0], sm[4])

    def run(self) -> None:
        g, f = self.g, self.f
        z, a, e, t, t3, mask = self.z, self.a, self.e, self.t, self.t3, self.mask
        ai, zi, ei, si = self.ints
        xor, mul = np.bitwise_xor, np.multiply
        for k, alpha in self.k_prelu:
            np.copyto(k, alpha)
        k = self.k
        # z = (w1 x1 + w2 x2) + b, as Network.forward
        mul(self.w3, f._x3, out=t3)
        np.add(t3[0], t3[1], out=z)
        np.add(z, t3[2], out=z)
        # Network._piecewise: a = k z + c (e^z - 1) where z < thr else s z, and
        # da/dz = k + c e^z or s; "x where mask else y" is ((x ^ y) * mask) ^ y on the bits
        np.less(z, g.thr, out=mask, casting="unsafe")
        mul(k, z, out=a)
        if g.exp:
            np.minimum(z, 0.0, out=e)
            np.expm1(e, out=t)
            mul(t, g.c, out=t)
            np.add(a, t, out=a)
        yi = zi if g.s_one else mul(g.s, z, out=t).view(np.int64)
        xor(ai, yi, out=ai)
        mul(ai, mask, out=ai)
        xor(ai, yi, out=ai)
        if g.exp:
            np.exp(e, out=e)
            mul(e, g.c, out=e)
            np.add(e, k, out=e)
        else:
            np.copyto(e, self.k_full)
        xor(ei, si, out=ei)
        mul(ei, mask, out=ei)
        xor(ei, si, out=ei)
        d, bits = e, self.bits
        np.not_equal(d, 0.0, out=bits[0])
        np.abs(d, out=t)
        np.less(t, SATURATION_THRESHOLD, out=bits[1])
        np.logical_not(bits[1], out=bits[1])  # not (|da/dz| < threshold): NaN counts
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
