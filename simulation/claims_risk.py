"""The star table's dead-neuron-risk evidence, as numbers: the death map's lost cells, the
single-neuron presets' outcomes and the trained network's stuck units per seed.

The death map (:mod:`simulation.sweep`) runs the ``healthy`` preset (its own data, seed and
learning rate) under a ``grid`` x ``grid`` shock grid: bias set to -10..10 (evenly spaced) and
learning rate x1..x100 (log spaced) for ``lr_steps`` steps, both at ``shock_step``: the Death-map
tab's default ranges and the sweep's default timing. A cell is *lost* for an activation when
its state at the last step (``SweepResult.state``) is dead, saturated or diverged: the states
the presets count as stuck. Recovering cells (every z <= 0 but gradients flow) are not lost.
"""

from __future__ import annotations

import numpy as np

from simulation import presets
from simulation.config import RunConfig
from simulation.dropout_net import RunHistory
from simulation.health import State
from simulation.sweep import SweepResult, SweepSpec

DEATH_MAP_BASE = "healthy"
DEATH_MAP_GRID = 16  # 16 x 16 = 256 cells per activation: about 1.5 s on two cores
BIAS_RANGE = (-10.0, 10.0)
FACTOR_RANGE = (1.0, 100.0)
LOST_STATES = (State.DEAD, State.SATURATED, State.DIVERGED)
MIN_GRID = 2  # (a 1 x 1 map is no map; and sweep.Sweep fails when a lane's only cell settles)
MAX_GRID = 200  # 40,000 cells


def death_map_spec(grid: int = DEATH_MAP_GRID) -> SweepSpec:
    """The star table's shock grid: ``grid`` bias values x ``grid`` lr factors."""
    if isinstance(grid, bool) or not isinstance(grid, int) or not MIN_GRID <= grid <= MAX_GRID:
        raise ValueError(f"the death-map grid must be an integer {MIN_GRID}..{MAX_GRID}, "
                         f"got {grid!r}")
    return SweepSpec(bias=tuple(np.linspace(*BIAS_RANGE, grid).tolist()),
                     factor=tuple(np.geomspace(*FACTOR_RANGE, grid).tolist()))


def death_map_base(names: tuple[str, ...]) -> RunConfig:
    """The ``healthy`` preset with one lane per activation in ``names`` (default parameters)."""
    d = presets.get(DEATH_MAP_BASE).config().to_dict()
    d["lanes"] = [{"activation": a} for a in names]
    return RunConfig.from_dict(d)


def state_counts(res: SweepResult, activation: str) -> dict[str, int]:
    """Cells per end state (``alive``, ``recovering``, ...) of ``activation``'s lane."""
    li = [lane.activation for lane in res.lanes].index(activation)
    return {s.label: int((res.state[li] == s).sum()) for s in State}


def lost_shares(res: SweepResult) -> dict[str, float]:
    """Per activation: the share of the grid's cells whose end state is in LOST_STATES."""
    lost = np.isin(res.state, [int(s) for s in LOST_STATES]).mean(axis=(1, 2))
    return {lane.activation: float(v) for lane, v in zip(res.lanes, lost, strict=True)}


def grid_text(spec: SweepSpec) -> str:
    """``16 × 16 = 256 shocks (b −10…10, lr ×1…×100 for 2 steps, at step 300 of 2,300)``."""
    nb, nf = len(spec.bias), len(spec.factor)
    lo, hi = (f"{v:g}".replace("-", "−") for v in (spec.bias[0], spec.bias[-1]))
    return (f"{nf} × {nb} = {nf * nb:,} shocks (b {lo}…{hi}, "
            f"lr ×{spec.factor[0]:g}…×{spec.factor[-1]:g} for {spec.lr_steps} steps, at step "
            f"{spec.shock_step:,} of {spec.steps:,})")


def network_shares(per_seed: list[list[RunHistory]], activation: str) -> list[float]:
    """Per seed: the share of ``activation``'s hidden units stuck after training, mean over the
    datasets (``per_seed[k]`` holds seed k's runs on every dataset)."""
    out = []
    for runs in per_seed:
        mine = [h for h in runs if h.spec.activation == activation]
        out.append(float(np.mean([h.stuck[-1] / h.hidden for h in mine])))
    return out
