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
    """The activations of L lanes, applied to (L, P, N) arrays of z."""

    def __init__(self, lanes: list[LaneSpec]):
        self.lanes = lanes
        self.acts = [activations.get(spec.activation) for spec in lanes]
        self.kwargs = [activations.function_params(spec.activation, spec.params) for spec in lanes]
        self.prelu = np.array([a.learnable_alpha for a in self.acts])

    def forward(self, p: Params, x: np.ndarray) -> np.ndarray:
        """z = w1 x1 + w2 x2 + b, shape (L, P, N)."""
        return p.w1[..., None] * x[:, 0] + p.w2[..., None] * x[:, 1] + p.b[..., None]

    def activate(self, z: np.ndarray, alpha: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """f(z) and f'(z) per lane."""
        a = np.empty_like(z)
        d = np.empty_like(z)
        for i, (act, kw) in enumerate(zip(self.acts, self.kwargs, strict=True)):
            if act.learnable_alpha:
                kw = {"alpha": alpha[i][:, None]}
            a[i] = act.value(z[i], **kw)
            d[i] = act.grad(z[i], **kw)
        return a, d

    def run(self, p: Params, x: np.ndarray, y: np.ndarray) -> Pass:
        """Forward and backward pass on the samples (x, y)."""
        z = self.forward(p, x)
        a, da_dz = self.activate(z, p.alpha)
        err = a - y
        n = len(y)
        loss = np.einsum("lpn,lpn->lp", err, err) / n
        dL_da = (2.0 / n) * err
        dL_dz = dL_da * da_dz
        g = dL_dz @ x  # (L, P, 2)
        grad_alpha = np.full(p.w1.shape, np.nan)
        if self.prelu.any():
            k = self.prelu
            grad_alpha[k] = np.einsum("lpn,lpn->lp", dL_da[k], activations.prelu_grad_alpha(z[k]))
        return Pass(z, a, dL_da, da_dz, loss, g[..., 0], g[..., 1], dL_dz.sum(-1), grad_alpha)
