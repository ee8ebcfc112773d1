"""Named scenarios. Each description states what the run shows; tests check every claim."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from simulation.config import ConfigError, DataSpec, RunConfig, ShockSpec


@dataclass(frozen=True)
class Preset:
    """An id, a one-line description and the configuration it builds."""

    id: str
    description: str
    build: Callable[[], RunConfig]

    def config(self, steps: int | None = None, seed: int | None = None) -> RunConfig:
        """The preset's configuration, with ``steps`` and ``seed`` overridden if given."""
        cfg = self.build()
        if steps is not None or seed is not None:
            d = cfg.to_dict()
            d["steps"] = steps if steps is not None else d["steps"]
            d["seed"] = seed if seed is not None else d["seed"]
            cfg = RunConfig.from_dict(d)
        return cfg


PRESETS: dict[str, Preset] = {p.id: p for p in (
    Preset(
        "healthy",
        "No shock: every lane learns the teacher y = 0.5·x1 + 0.3·x2 + 0.1 and stays alive.",
        lambda: RunConfig(steps=1000),
    ),
    Preset(
        "bias-shock",
        "b = −10 at step 300 (z = 0.5 + 0.3 − 10 = −9.2 at x = (1, 1)): ReLU dies for good; "
        "Leaky ReLU crawls back (~1,400 steps); ELU and SELU saturate (slope ≈ e⁻⁹ ≈ 1e−4): "
        "still stuck at step 3,000, back only after ~9,700 and ~3,800 steps; PReLU learns a "
        "negative slope and fits from the negative side.",
        lambda: RunConfig(steps=3000, shocks=[ShockSpec(300, "bias_shock", {"b": -10.0})]),
    ),
    Preset(
        "lr-shock",
        "lr × 3 for the first 2 steps: step 0 overshoots, step 1's large gradient × high rate "
        "throws every z below 0: ReLU dies; Leaky ReLU, PReLU, ELU and SELU come back.",
        lambda: RunConfig(steps=1000,
                          shocks=[ShockSpec(0, "lr_shock", {"factor": 3.0, "steps": 2})]),
    ),
    Preset(
        "mild-bias-shock",
        "b = −2 at step 300: ReLU dies; ELU and SELU come back within a few steps, "
        "PReLU within ~10, Leaky ReLU within ~200.",
        lambda: RunConfig(steps=1500, shocks=[ShockSpec(300, "bias_shock", {"b": -2.0})]),
    ),
    Preset(
        "seed-arithmetic",
        "The seed's one step: w = (0.5, 0.3), b = 0.1, x = (1, 1), dL/dw1 = 10, lr 0.5: "
        "w1 goes 0.5 → −4.5 and z = −14.1 < 0: ReLU is dead after one update "
        "(and at lr 0.5 with one sample, PReLU's slope then blows up: diverged).",
        lambda: RunConfig(steps=50, lr=0.5, init={"w1": 0.5, "w2": 0.3, "b": 0.1},
                          data=DataSpec(x=[[1.0, 1.0]], y=[-4.1])),
    ),
)}

DEFAULT_PRESET = "bias-shock"


def get(preset_id: str) -> Preset:
    """The preset called ``preset_id``; ConfigError listing the known ones otherwise."""
    try:
        return PRESETS[preset_id]
    except KeyError:
        raise ConfigError(
            f"unknown scenario {preset_id!r} (known: {', '.join(PRESETS)})") from None
