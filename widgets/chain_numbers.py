"""The numbers of one step-through: the engine's values for one lane and one sample, and how a
number is written (real minus sign, x10ⁿ, an exact zero as "0"). Plain Python: no Qt."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation import activations
from simulation.engine import Simulation
from simulation.health import State

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt(v: float, digits: int = 4) -> str:
    """``v`` with ``digits`` significant digits, a real minus sign and x10ⁿ; exact zero is "0"."""
    v = float(v)
    if v == 0.0:
        return "0"
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    s = f"{v:.{digits}g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        s = f"{mantissa}×10{str(int(exp)).translate(_SUPERSCRIPT)}"
    return s.replace("-", "−")


def fmt_paren(v: float) -> str:
    """``fmt(v)``, in parentheses when negative (for use after an operator)."""
    s = fmt(v)
    return f"({s})" if s.startswith("−") else s


def fmt_apart(u: float, v: float, digits: int = 4) -> tuple[str, str, int]:
    """``u`` and ``v`` with ``digits`` significant digits, or with more (up to 17, all a float has)
    when they differ but would look equal: their strings differ whenever the numbers do. Returns
    both strings and the number of significant digits used."""
    u, v = float(u), float(v)
    d = digits
    while u != v and d < 17 and fmt(u, d) == fmt(v, d):
        d += 1
    return fmt(u, d), fmt(v, d), d


@dataclass
class _Numbers:
    """Everything one walk-through shows, read from the engine (nothing recomputed)."""

    step: int
    lane: int
    label: str
    activation: str
    state: State
    sample: int
    auto_sample: bool
    n: int
    x1: float
    x2: float
    y: float
    w1: float
    w2: float
    b: float
    alpha: float  # NaN outside PReLU
    alpha_lr: float
    z: float
    a: float
    loss: float
    dL_da: float
    da_dz: float
    grad_w1: float
    grad_w2: float
    grad_b: float
    grad_alpha: float
    lr: float
    params: dict[str, float]
    batch_size: int | None
    shock_pending: bool

    @property
    def prelu(self) -> bool:
        return self.activation == "prelu"

    @property
    def sq_error(self) -> float:
        """(a - y)^2 of this sample (a product, so an overflow is inf, not an exception)."""
        d = self.a - self.y
        return d * d

    @property
    def all_samples(self) -> str:
        return "the 1 sample" if self.n == 1 else f"all {self.n} samples"

    @property
    def dead_factor(self) -> bool:
        return self.da_dz == 0.0


def largest_z_sample(sim: Simulation, lane: int) -> int:
    """The sample with the largest z in ``lane`` (the one closest to being active)."""
    return int(np.argmax(sim.current().fb.z[lane, 0]))


def read_numbers(sim: Simulation, lane: int, sample: int | None) -> _Numbers:
    """The engine's numbers for ``lane`` and ``sample`` (None: the sample with the largest z)."""
    snap = sim.current()
    fb, p = snap.fb, snap.params
    auto = sample is None
    k = largest_z_sample(sim, lane) if auto else int(sample)
    spec = sim.config.lanes[lane]
    act = activations.get(spec.activation)
    return _Numbers(
        step=snap.step, lane=lane, label=act.label, activation=spec.activation,
        state=State(int(snap.state[lane, 0])), sample=k, auto_sample=auto, n=sim.data.n,
        x1=float(sim.data.x[k, 0]), x2=float(sim.data.x[k, 1]), y=float(sim.data.y[k]),
        w1=float(p.w1[lane, 0]), w2=float(p.w2[lane, 0]), b=float(p.b[lane, 0]),
        alpha=float(p.alpha[lane, 0]), alpha_lr=float(spec.params.get("alpha_lr", 0.0)),
        z=float(fb.z[lane, 0, k]), a=float(fb.a[lane, 0, k]), loss=float(fb.loss[lane, 0]),
        dL_da=float(fb.dL_da[lane, 0, k]), da_dz=float(fb.da_dz[lane, 0, k]),
        grad_w1=float(fb.grad_w1[lane, 0]), grad_w2=float(fb.grad_w2[lane, 0]),
        grad_b=float(fb.grad_b[lane, 0]), grad_alpha=float(fb.grad_alpha[lane, 0]),
        lr=float(snap.lr), params=dict(spec.params), batch_size=sim.config.batch_size,
        shock_pending=any(s.step == snap.step for s in sim.config.shocks),
    )
