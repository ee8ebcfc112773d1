"""The death map's grid and its result: which shocks each cell takes, what each cell reports.

Cell (i, j) is the run ``simulate`` would make of the base configuration (its own shocks
dropped) with two shocks at ``shock_step``: the bias set to ``bias[j]``, and the learning rate
multiplied by ``factor[i]`` for ``lr_steps`` steps (:func:`cell_config`). What each cell reports,
per lane: its state at the last step (``steps - 1``) and its recovery (steps from the shock until
alive again; 0 if it never stopped being alive; NaN if it is not alive again by the end).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from simulation.config import ConfigError, LaneSpec, RunConfig, ShockSpec
from simulation.health import State

MAX_CELLS = 250_000


@dataclass(frozen=True)
class SweepSpec:
    """The grid (bias shock values x lr shock factors) and the timing of the shocks."""

    bias: tuple[float, ...] = tuple(np.linspace(-10.0, 10.0, 40).tolist())
    factor: tuple[float, ...] = tuple(np.geomspace(1.0, 100.0, 40).tolist())
    shock_step: int = 300
    lr_steps: int = 2
    steps: int = 2300

    def __post_init__(self) -> None:
        if not self.bias or not self.factor:
            raise ConfigError("the grid needs at least one bias value and one lr factor")
        if len(self.bias) * len(self.factor) > MAX_CELLS:
            raise ConfigError(f"at most {MAX_CELLS:,} cells, got "
                              f"{len(self.bias) * len(self.factor):,}")
        for b in self.bias:  # the checks a bias shock makes
            ShockSpec(0, "bias_shock", {"b": b})
        for f in self.factor:
            ShockSpec(0, "lr_shock", {"factor": f, "steps": self.lr_steps})
        if not 0 <= self.shock_step < self.steps:
            raise ConfigError(f"the shock step must be in 0..steps-1 = {self.steps - 1}, "
                              f"got {self.shock_step}")

    def cell_shocks(self, i: int, j: int) -> list[ShockSpec]:
        """The two shocks of cell (factor ``i``, bias ``j``)."""
        return [ShockSpec(self.shock_step, "bias_shock", {"b": self.bias[j]}),
                ShockSpec(self.shock_step, "lr_shock",
                          {"factor": self.factor[i], "steps": self.lr_steps})]


def cell_config(base: RunConfig, spec: SweepSpec, i: int, j: int) -> RunConfig:
    """The configuration of one cell, as an individual run (``simulate``) would take it."""
    d = base.to_dict()
    d["steps"] = spec.steps
    d["shocks"] = [vars(s) for s in spec.cell_shocks(i, j)]
    return RunConfig.from_dict(d)


@dataclass
class SweepResult:
    """Per lane and cell (lane, factor, bias): the state at the end and the recovery steps."""

    spec: SweepSpec
    lanes: list[LaneSpec]
    state: np.ndarray  # int8 (L, F, B): the state at step spec.steps - 1 (so far, while running)
    recovery: np.ndarray  # float (L, F, B): steps to alive again; 0 never left; NaN not (yet)
    seconds: float = 0.0
    cell_steps: int = 0  # (cell, lane) steps computed after the shock

    def survival(self) -> np.ndarray:
        """(L,) share of cells alive at the end."""
        return (self.state == int(State.ALIVE)).mean(axis=(1, 2))


def nan_median(values: np.ndarray) -> float:
    """The median of the finite values (NaN if there are none), without numpy's warning."""
    v = values[np.isfinite(values)]
    return float(np.median(v)) if v.size else math.nan
