"""Health of a neuron at a step: alive, recovering, saturated, dead or diverged."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from simulation.neuron import Params, Pass

SATURATION_THRESHOLD = 1e-3


class State(IntEnum):
    """Health states, ordered from best to worst."""

    ALIVE = 0  # some z > 0
    RECOVERING = 1  # every z <= 0, but gradients flow
    SATURATED = 2  # not dead, but every |da/dz| < 1e-3: stuck in practice
    DEAD = 3  # every gradient exactly 0: can never move again
    DIVERGED = 4  # a non-finite parameter or value

    @property
    def label(self) -> str:
        return self.name.lower()


STATE_NAMES = [s.label for s in State]
_ALIVE, _RECOVERING, _SATURATED, _DEAD, _DIVERGED = (int(s) for s in State)


def classify(p: Params, fb: Pass) -> np.ndarray:
    """State per (lane, neuron), shape (L, P), from a pass over the whole dataset."""
    # a non-finite z makes the loss non-finite; alpha is NaN (and grad_alpha too) outside PReLU
    bad_alpha = np.isinf(p.alpha) | (np.isnan(p.alpha) & ~np.isnan(fb.grad_alpha))
    finite = (np.isfinite(p.w1) & np.isfinite(p.w2) & np.isfinite(p.b) & np.isfinite(fb.loss)
              & ~bad_alpha)
    alpha_ok = np.isnan(fb.grad_alpha) | (fb.grad_alpha == 0)
    dead = (fb.da_dz == 0).all(-1) & alpha_ok
    saturated = (np.abs(fb.da_dz) < SATURATION_THRESHOLD).all(-1)
    alive = (fb.z > 0).any(-1)
    state = np.where(alive, _ALIVE, _RECOVERING).astype(np.int8)
    state[saturated] = _SATURATED
    state[dead] = _DEAD
    state[~finite] = _DIVERGED
    return state
