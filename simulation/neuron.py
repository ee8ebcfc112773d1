"""Forward and backward pass of the one-neuron network, vectorized over lanes and a population.

Shapes: parameters are (L, P) (lanes x population), inputs (N, 2), per-sample values (L, P, N).
Every chain-rule factor of the seed is kept: dL/da, da/dz, dz/dw1 = x1, dz/dw2 = x2, dz/db = 1.
"""

from __future__ import annotations

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
