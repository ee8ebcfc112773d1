"""Activation functions, their derivatives, and PReLU's derivative in its slope.

Every function is vectorized, takes any finite ``z`` without warning or overflow, and
follows the seeds' conventions: ReLU'(0) = 0, Leaky/PReLU'(0) = 1 (``z >= 0 -> 1``),
ELU/SELU use ``z >= 0`` for the linear branch.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

SELU_SCALE = 1.0507009873554805
SELU_ALPHA = 1.6732632423543772
_GELU_C = np.sqrt(2.0 / np.pi)

Array = np.ndarray


def relu(z: Array) -> Array:
    """max(0, z)."""
    return np.maximum(z, 0.0)


def relu_grad(z: Array) -> Array:
    """1 where z > 0, else exactly 0 (ReLU'(0) = 0)."""
    return (z > 0).astype(float)


def leaky_relu(z: Array, negative_slope: float = 0.01) -> Array:
    """z for z >= 0, negative_slope * z otherwise."""
    return np.where(z >= 0, z, negative_slope * z)


def leaky_relu_grad(z: Array, negative_slope: float = 0.01) -> Array:
    """1 for z >= 0, negative_slope otherwise."""
    return np.where(z >= 0, 1.0, negative_slope)


def prelu(z: Array, alpha: Array | float = 0.25) -> Array:
    """Leaky ReLU whose slope ``alpha`` is learned."""
    return np.where(z >= 0, z, alpha * z)


def prelu_grad(z: Array, alpha: Array | float = 0.25) -> Array:
    """d prelu / dz: 1 for z >= 0, alpha otherwise."""
    return np.where(z >= 0, 1.0, alpha)


def prelu_grad_alpha(z: Array) -> Array:
    """d prelu / d alpha: z where z < 0, else 0."""
    return np.minimum(z, 0.0)


def elu(z: Array, alpha: float = 1.0) -> Array:
    """z for z >= 0, alpha * (exp(z) - 1) otherwise (exp never sees positive z)."""
    return np.where(z >= 0, z, alpha * np.expm1(np.minimum(z, 0.0)))


def elu_grad(z: Array, alpha: float = 1.0) -> Array:
    """1 for z >= 0, alpha * exp(z) otherwise."""
    return np.where(z >= 0, 1.0, alpha * np.exp(np.minimum(z, 0.0)))


def selu(z: Array, scale: float = SELU_SCALE, alpha: float = SELU_ALPHA) -> Array:
    """scale * elu(z, alpha) with the self-normalizing constants."""
    return scale * elu(z, alpha)


def selu_grad(z: Array, scale: float = SELU_SCALE, alpha: float = SELU_ALPHA) -> Array:
    """scale for z >= 0, scale * alpha * exp(z) otherwise."""
    return scale * elu_grad(z, alpha)


def gelu(z: Array) -> Array:
    """GELU, tanh approximation (PyTorch ``approximate='tanh'``)."""
    return 0.5 * z * (1.0 + np.tanh(_gelu_inner(z)))


def _gelu_inner(z: Array) -> Array:
    zc = np.clip(z, -20.0, 20.0)  # tanh is exactly +-1 past here; z**3 would overflow later
    return _GELU_C * (zc + 0.044715 * zc**3)


def gelu_grad(z: Array) -> Array:
    """Exact derivative of the tanh-approximated GELU."""
    t = np.tanh(_gelu_inner(z))
    zc = np.clip(z, -20.0, 20.0)
    d_inner = _GELU_C * (1.0 + 3 * 0.044715 * zc**2)
    return 0.5 * (1.0 + t) + 0.5 * z * (1.0 - t * t) * d_inner


def _sigmoid(z: Array) -> Array:
    """1 / (1 + e^-z) to full relative precision on both sides (e^-|z| never overflows); the
    form 0.5 (1 + tanh(z / 2)) cancels for z < 0: 1e-9 off at z = -17, exactly 0 from z = -38."""
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def silu(z: Array) -> Array:
    """z * sigmoid(z) (also called swish)."""
    return z * _sigmoid(z)


def silu_grad(z: Array) -> Array:
    """sigmoid(z) * (1 + z * (1 - sigmoid(z)))."""
    s = _sigmoid(z)
    return s * (1.0 + z * (1.0 - s))


@dataclass(frozen=True)
class Activation:
    """One activation: its name, formula text, functions and default parameters."""

    name: str
    label: str
    formula: str
    derivative: str
    value: Callable[..., Array]
    grad: Callable[..., Array]
    defaults: dict[str, float] = field(default_factory=dict)
    learnable_alpha: bool = False
    zero_gradient_when_negative: bool = False  # True only for ReLU: f'(z) = 0 exactly for z <= 0


ACTIVATIONS: dict[str, Activation] = {
    a.name: a
    for a in (
        Activation("relu", "ReLU", "max(0, z)", "1 if z > 0 else 0", relu, relu_grad,
                   zero_gradient_when_negative=True),
        Activation("leaky_relu", "Leaky ReLU", "z if z ≥ 0 else 0.01·z", "1 if z ≥ 0 else 0.01",
                   leaky_relu, leaky_relu_grad, {"negative_slope": 0.01}),
        Activation("prelu", "PReLU", "z if z ≥ 0 else α·z (α learned)", "1 if z ≥ 0 else α",
                   prelu, prelu_grad, {"alpha_init": 0.25, "alpha_lr": 0.01}, learnable_alpha=True),
        Activation("elu", "ELU", "z if z ≥ 0 else α(eᶻ − 1)", "1 if z ≥ 0 else α·eᶻ",
                   elu, elu_grad, {"alpha": 1.0}),
        Activation("selu", "SELU", "λ·(z if z ≥ 0 else α(eᶻ − 1))", "λ if z ≥ 0 else λα·eᶻ",
                   selu, selu_grad, {"scale": SELU_SCALE, "alpha": SELU_ALPHA}),
        Activation("gelu", "GELU", "½z(1 + tanh(√(2/π)(z + 0.044715z³)))",
                   "½(1 + tanh u) + ½z(1 − tanh²u)·√(2/π)(1 + 0.134145z²), "
                   "u = √(2/π)(z + 0.044715z³)",
                   gelu, gelu_grad),
        Activation("silu", "SiLU", "z·σ(z)", "σ(z)(1 + z(1 − σ(z)))", silu, silu_grad),
    )
}

DEFAULT_LANES = ("relu", "leaky_relu", "prelu", "elu", "selu")


def function_params(name: str, params: dict[str, float]) -> dict[str, float]:
    """The keyword arguments the value/grad functions take, from a lane's params."""
    if name == "prelu":
        return {}
    return {k: float(v) for k, v in params.items()}


def get(name: str) -> Activation:
    """The activation called ``name``; ValueError listing the known ones otherwise."""
    try:
        return ACTIVATIONS[name]
    except KeyError:
        known = ", ".join(ACTIVATIONS)
        raise ValueError(f"unknown activation {name!r} (known: {known})") from None
