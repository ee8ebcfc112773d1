"""Built-in 2-D classification datasets, generated locally from a seed (nothing is downloaded).

``circle`` (a disc inside a ring), ``xor`` (quadrants), ``spiral`` (three interleaved arms) and
``gaussian`` (two overlapping blobs). Inputs lie roughly in [-1, 1]²; labels are 0..K-1.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

Generator = Callable[[int, np.random.Generator, float], tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class Split:
    """Training and test inputs (N, D) and integer labels (N,), with the number of classes."""

    name: str
    x_train: np.ndarray
    y_train: np.ndarray
    x_test: np.ndarray
    y_test: np.ndarray
    n_classes: int

    @property
    def n_features(self) -> int:
        return self.x_train.shape[1]


def _circle(n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    r = np.where(y == 0, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    t = rng.uniform(0.0, 2 * np.pi, n)
    x = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    return x + rng.normal(0.0, noise, x.shape), y


def _xor(n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    x = rng.uniform(-1.0, 1.0, (n, 2))
    x += np.sign(x) * 0.05  # a small margin around the axes
    y = (x[:, 0] * x[:, 1] > 0).astype(int)
    return x + rng.normal(0.0, noise, x.shape), y


def _spiral(n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 3, n)
    r = rng.uniform(0.05, 1.0, n)
    t = y * (2 * np.pi / 3) + 4.0 * r + rng.normal(0.0, 0.2, n)
    x = np.stack([r * np.cos(t), r * np.sin(t)], axis=1)
    return x + rng.normal(0.0, noise, x.shape), y


def _gaussian(n: int, rng: np.random.Generator, noise: float) -> tuple[np.ndarray, np.ndarray]:
    y = rng.integers(0, 2, n)
    centers = np.array([[-0.4, -0.4], [0.4, 0.4]])
    return centers[y] + rng.normal(0.0, 0.35 + noise, (n, 2)), y


DATASETS: dict[str, tuple[Generator, int, str]] = {
    "circle": (_circle, 2, "a disc (r < 0.5) inside a ring (0.7 < r < 1)"),
    "xor": (_xor, 2, "class 1 where x1·x2 > 0 (two opposite quadrants)"),
    "spiral": (_spiral, 3, "three interleaved spiral arms"),
    "gaussian": (_gaussian, 2, "two overlapping Gaussian blobs (σ 0.35 around ±(0.4, 0.4))"),
}


def make(name: str, n_train: int = 1000, n_test: int = 1000, seed: int = 0,
         noise: float = 0.05) -> Split:
    """Dataset ``name`` with ``n_train`` + ``n_test`` points drawn from ``seed``."""
    if name not in DATASETS:
        raise ValueError(f"unknown dataset {name!r} (known: {', '.join(DATASETS)})")
    for label, n in (("n_train", n_train), ("n_test", n_test)):
        if isinstance(n, bool) or not isinstance(n, int) or n < 1:
            raise ValueError(f"{label} must be a positive integer, got {n!r}")
    gen, k, _ = DATASETS[name]
    rng = np.random.default_rng(seed)
    x, y = gen(n_train + n_test, rng, noise)
    return Split(name, x[:n_train], y[:n_train], x[n_train:], y[n_train:], k)
