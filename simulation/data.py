"""The dataset the neuron learns: x in [0, 1]^2 and a (noisy) linear teacher."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation.config import DataSpec


@dataclass(frozen=True)
class Dataset:
    """Inputs ``x`` of shape (N, 2) and targets ``y`` of shape (N,)."""

    x: np.ndarray
    y: np.ndarray

    @property
    def n(self) -> int:
        return len(self.y)


def make_dataset(spec: DataSpec, rng: np.random.Generator) -> Dataset:
    """Draw the dataset of ``spec`` from ``rng`` (explicit points are used as given)."""
    if spec.x is not None and spec.y is not None:
        return Dataset(np.array(spec.x, dtype=float), np.array(spec.y, dtype=float))
    x = rng.uniform(0.0, 1.0, size=(spec.n, 2))
    y = spec.teacher_w1 * x[:, 0] + spec.teacher_w2 * x[:, 1] + spec.teacher_b
    if spec.noise > 0:
        y = y + rng.normal(0.0, spec.noise, size=spec.n)
    return Dataset(x, y)
