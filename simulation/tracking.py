"""What a simulation keeps track of around its shocks: each lane's recovery after the last one,
the learning-rate shocks in force, and why a neuron diverged."""

from __future__ import annotations

import math
from dataclasses import dataclass


@dataclass
class Recovery:
    """What a lane did after the last shock: when it left ALIVE and when it came back."""

    shock_step: int
    left_alive_at: int | None = None
    recovered_at: int | None = None

    @property
    def steps(self) -> int | None:
        """Steps from the shock to being alive again; 0 if never knocked out; None if not yet."""
        if self.left_alive_at is None:
            return 0
        return None if self.recovered_at is None else self.recovered_at - self.shock_step

    def to_dict(self) -> dict[str, int | None]:
        return {"shock_step": self.shock_step, "left_alive_at": self.left_alive_at,
                "recovered_at": self.recovered_at, "recovery_steps": self.steps}


@dataclass
class LrWindow:
    """An lr shock in force for steps [start, stop)."""

    start: int
    stop: int
    factor: float | None = None
    value: float | None = None

    def apply(self, lr: float) -> float:
        return self.value if self.value is not None else lr * float(self.factor)


def divergence_cause(w1: float, w2: float, b: float, alpha: float, loss: float,
                     prelu: bool) -> tuple[str, str]:
    """Why a neuron is DIVERGED (health.combine's test), as (what, a short sentence): the first
    non-finite parameter (alpha only for PReLU), else the loss."""
    for name, v in (("w1", w1), ("w2", w2), ("b", b), ("alpha", alpha if prelu else 0.0)):
        if math.isnan(v):
            return name, f"{name} is NaN"
        if math.isinf(v):
            return name, f"{name} overflowed to {'+' if v > 0 else '-'}inf"
    if math.isinf(loss):
        name, v = max((("w1", w1), ("w2", w2), ("b", b)), key=lambda p: abs(p[1]))
        size = f"|{name}| = {abs(v):.1e}" + (f", |alpha| = {abs(alpha):.1e}" if prelu else "")
        return "loss", f"loss overflowed to inf ({size})"
    return "loss", "loss is NaN"
