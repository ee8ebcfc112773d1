"""Self-normalization: the mean and variance of activations, layer by layer, in a deep plain net.

Seed 000 claims that SELU with LeCun-normal weights keeps activations at mean ~0 and variance ~1
across layers. This module measures it: a stack of ``depth`` fully connected layers of ``width``
units, no biases, weights ``N(0, gain / fan_in)`` (LeCun: gain 1, He: gain 2), inputs of mean 0
and variance 1. Every activation sees the same standard-normal weight draws (scaled by its own
init), so lanes differ only by activation and init. Per layer it records the mean and variance of
the activations over every sample and unit, and the fraction of units that are exactly 0 for every
sample (the seed's ``check_dead_neurons`` criterion).

:func:`mean_field` is the infinite-width prediction (numerical integration of the same map),
for reference lines and tests.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np

from simulation import activations

INIT_GAINS: dict[str, float] = {"lecun": 1.0, "he": 2.0}
INIT_LABELS = {"lecun": "LeCun normal (σ² = 1/fan_in)", "he": "He normal (σ² = 2/fan_in)"}
# "recommended": what each activation is usually paired with (SELU's paper: LeCun; ReLU family: He)
RECOMMENDED_INIT: dict[str, str] = {"selu": "lecun", "relu": "he", "leaky_relu": "he",
                                    "elu": "he", "prelu": "he", "gelu": "he", "silu": "he"}
INIT_CHOICES = ("recommended", *INIT_GAINS)
DEFAULT_ACTIVATIONS = ("selu", "relu", "leaky_relu", "elu")
MAX_DEPTH, MAX_WIDTH, MAX_SAMPLES = 100, 512, 4096


@dataclass(frozen=True)
class SelfNormConfig:
    """Depth, width, samples, init choice, activations and seed of one measurement."""

    depth: int = 50
    width: int = 256
    samples: int = 1000
    init: str = "recommended"
    activations: tuple[str, ...] = DEFAULT_ACTIVATIONS
    seed: int = 0

    def __post_init__(self) -> None:
        for name, value, hi in (("depth", self.depth, MAX_DEPTH), ("width", self.width, MAX_WIDTH),
                                ("samples", self.samples, MAX_SAMPLES)):
            if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= hi:
                raise ValueError(f"{name} must be an integer 1..{hi}, got {value!r}")
        if self.init not in INIT_CHOICES:
            raise ValueError(f"unknown init {self.init!r} (known: {', '.join(INIT_CHOICES)})")
        if not self.activations:
            raise ValueError("give at least one activation")
        for name in self.activations:
            activations.get(name)
        if len(set(self.activations)) != len(self.activations):
            raise ValueError("an activation is listed twice")

    def init_of(self, name: str) -> str:
        """The init an activation gets: the chosen one, or its recommended one."""
        return RECOMMENDED_INIT[name] if self.init == "recommended" else self.init


@dataclass
class LayerStats:
    """Per-layer statistics of one activation; index 0 is the input, 1..depth the layers."""

    activation: str
    init: str
    mean: list[float] = field(default_factory=list)
    var: list[float] = field(default_factory=list)
    dead_fraction: list[float] = field(default_factory=list)


def _call(name: str, z: np.ndarray) -> np.ndarray:
    act = activations.get(name)
    return act.value(z, **activations.function_params(name, act.defaults))


class SelfNormRun:
    """The measurement, one layer at a time (:meth:`step`), so a view can show it growing."""

    def __init__(self, config: SelfNormConfig):
        self.config = config
        self.rng = np.random.default_rng(config.seed)
        n, w, names = config.samples, config.width, config.activations
        x = self.rng.standard_normal((n, w))
        x -= x.mean()  # exactly mean 0 and variance 1 over the whole input
        if x.std() > 0:
            x /= x.std()
        self._h = np.broadcast_to(x, (len(names), n, w)).copy()  # (A, n, w)
        self._std = np.array([np.sqrt(INIT_GAINS[config.init_of(a)] / w) for a in names])
        self.stats = [LayerStats(a, config.init_of(a)) for a in names]
        self._record()
        self.layer = 0
        self._next = 0  # the activation the next step pushes through layer ``layer + 1``
        self._w = np.empty((0, 0))

    @property
    def done(self) -> bool:
        return self.layer >= self.config.depth

    def step(self) -> None:
        """Push one activation's batch through the next layer (the weights of a layer are drawn
        once, for all); after the last activation, record the layer's statistics."""
        if self.done:
            return
        if self._next == 0:
            self._w = self.rng.standard_normal((self.config.width, self.config.width))
        i = self._next
        with np.errstate(all="ignore"):
            self._h[i] = _call(self.config.activations[i], (self._h[i] @ self._w) * self._std[i])
        self._next = (i + 1) % len(self.config.activations)
        if self._next == 0:
            self.layer += 1
            self._record()

    def _record(self) -> None:
        h = self._h
        means = h.mean(axis=(1, 2))
        variances = h.var(axis=(1, 2))
        dead = (h == 0).all(axis=1).mean(axis=1)
        for i, s in enumerate(self.stats):
            s.mean.append(float(means[i]))
            s.var.append(float(variances[i]))
            s.dead_fraction.append(float(dead[i]))

    def advance(self, seconds: float | None = None) -> bool:
        """Steps for about ``seconds`` (at least one; or to the end); True once done."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        while not self.done:
            self.step()
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.done

    def run(self) -> list[LayerStats]:
        """Every remaining layer; the statistics."""
        self.advance()
        return self.stats

    def reference(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """The infinite-width (mean, variance) per layer of every activation, for comparison."""
        return {s.activation: mean_field(s.activation, s.init, self.config.depth)
                for s in self.stats}


def drift(stats: LayerStats) -> tuple[float, float, float]:
    """Over layers 1..L: the largest |mean|, the smallest and the largest variance."""
    m, v = np.abs(stats.mean[1:]), np.asarray(stats.var[1:])
    if m.size == 0:
        return 0.0, 1.0, 1.0
    return float(m.max()), float(v.min()), float(v.max())


def measure(config: SelfNormConfig) -> list[LayerStats]:
    """Layer statistics for every activation of ``config``."""
    return SelfNormRun(config).run()


_GRID = np.linspace(-12.0, 12.0, 24_001)  # standard-normal units; 0 is a node (every kink is at 0)
_DENSITY = np.exp(-0.5 * _GRID**2) / np.sqrt(2.0 * np.pi)


def gaussian_moments(name: str, var: float) -> tuple[float, float]:
    """E[f(z)] and E[f(z)²] for z ~ N(0, var), by the trapezoid rule on a grid with a node at 0."""
    a = _call(name, np.sqrt(var) * _GRID)
    return (float(np.trapezoid(a * _DENSITY, _GRID)),
            float(np.trapezoid(a * a * _DENSITY, _GRID)))


def mean_field(name: str, init: str, depth: int) -> tuple[np.ndarray, np.ndarray]:
    """Infinite-width mean and variance per layer (index 0 = the N(0, 1) input).

    Layer l's pre-activation is N(0, gain · q) where q is layer l-1's mean square.
    """
    gain = INIT_GAINS[init]
    means, variances, q = [0.0], [1.0], 1.0
    for _ in range(depth):
        m, q = gaussian_moments(name, gain * q)
        means.append(m)
        variances.append(q - m * m)
    return np.array(means), np.array(variances)
