"""Health of a neuron at a step: alive, recovering, saturated, dead or diverged."""

from __future__ import annotations

from enum import IntEnum

import numpy as np

from simulation.columns import (
    F_ALIVE,
    F_SLOPE,
    F_STEEP,
    SATURATION_THRESHOLD,
    U_ALPHA,
    U_GALPHA,
    U_LOSS,
)
from simulation.neuron import (
    Params,
    Pass,
)

__all__ = ["SATURATION_THRESHOLD", "STATE_NAMES", "State", "classify", "classify_flags", "combine"]


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
    d = fb.da_dz
    return combine(p, fb.loss, fb.grad_alpha, alive=(fb.z > 0).any(-1), flat=(d == 0).all(-1),
                   saturated=(np.abs(d) < SATURATION_THRESHOLD).all(-1))


def combine(p: Params, loss: np.ndarray, grad_alpha: np.ndarray, alive: np.ndarray,
            flat: np.ndarray, saturated: np.ndarray) -> np.ndarray:
    """The state from per-neuron facts, each (L, P): ``alive`` (some z > 0), ``flat`` (every
    da/dz exactly 0), ``saturated`` (every |da/dz| < SATURATION_THRESHOLD)."""
    # a non-finite z makes the loss non-finite; alpha is NaN (and grad_alpha too) outside PReLU
    bad_alpha = np.isinf(p.alpha) | (np.isnan(p.alpha) & ~np.isnan(grad_alpha))
    finite = (np.isfinite(p.w1) & np.isfinite(p.w2) & np.isfinite(p.b) & np.isfinite(loss)
              & ~bad_alpha)
    alpha_ok = np.isnan(grad_alpha) | (grad_alpha == 0)
    dead = flat & alpha_ok
    state = np.where(alive, _ALIVE, _RECOVERING).astype(np.int8)
    state[saturated] = _SATURATED
    state[dead] = _DEAD
    state[~finite] = _DIVERGED
    return state


# --- the same decision from packed facts (the fused step) -----------------------------------------
# rows of fused.FusedStep.flags (16, L, P) after F_SLOPE, F_STEEP, F_ALIVE: filled here
_W1_FIN, _W2_FIN, _B_FIN, _A_FIN, _LOSS_FIN, _A_NAN, _GA_NAN, _GA_ZERO = range(3, 11)
_N_BITS = 11


def _flag_table() -> np.ndarray:
    """The state for each combination of the flags, decided by :func:`combine` itself (so the
    two can never disagree); indexed [bits 8.., bits 0..7]."""
    bits = (np.arange(1 << _N_BITS)[None, :, None] >> np.arange(_N_BITS)) & 1 == 1  # (1, n, b)
    b = bits.transpose(2, 0, 1)  # (b, 1, n)

    def value(finite: np.ndarray) -> np.ndarray:
        return np.where(finite, 1.0, np.inf)

    alpha = np.where(b[_A_NAN], np.nan, np.where(b[_A_FIN], 0.5, np.inf))
    ga = np.where(b[_GA_NAN], np.nan, np.where(b[_GA_ZERO], 0.0, 1.0))
    p = Params(value(b[_W1_FIN]), value(b[_W2_FIN]), value(b[_B_FIN]), alpha)
    with np.errstate(all="ignore"):
        state = combine(p, value(b[_LOSS_FIN]), ga, alive=b[F_ALIVE], flat=~b[F_SLOPE],
                        saturated=~b[F_STEEP])
    return state[0].reshape(-1, 256)


_TABLE = _flag_table()


def classify_flags(u: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """:func:`combine` for a fused step, (L, P) int8: ``u`` (9, L, P) as in fused.FusedStep,
    ``flags`` (16, L, P) bool with rows F_SLOPE, F_STEEP, F_ALIVE set. Seven numpy calls
    whatever L and P: the facts are packed into bytes that index a table of states."""
    # (every output contiguous: numpy 2.4's isnan/isfinite write wrong values into a strided
    # boolean output, seen with 2.4.6)
    np.isfinite(u[:U_LOSS + 1], out=flags[_W1_FIN:_LOSS_FIN + 1])  # w1, w2, b, alpha, loss
    np.isnan(u[U_ALPHA], out=flags[_A_NAN])
    np.isnan(u[U_GALPHA], out=flags[_GA_NAN])
    np.equal(u[U_GALPHA], 0.0, out=flags[_GA_ZERO])
    low, high = np.packbits(flags, axis=0, bitorder="little")
    return _TABLE[high, low]


# --- the states of many neurons at once, from a fused step's flags ---------------------------
CLASSIFY_ROWS_MIN = 64  # from this many neurons, classify_rows (fewer, wider numpy calls)
_TABLE_FLAT = np.ascontiguousarray(_TABLE.reshape(-1))  # index: high byte x 256 + low byte
_SHIFTS = np.array([0, 1, 2, 3, 4, 5, 6, 7, 0, 1, 2], dtype=np.uint64)[:, None]


def classify_rows(u: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """:func:`health.classify_flags` for many neurons, the same states: ``rows`` (16, Q) is the
    padded buffer of the flags (``columns.flag_rows``; its first L x P columns are the flags of
    ``u`` (9, L, P), rows F_SLOPE, F_STEEP, F_ALIVE set). The eleven facts of 8 neurons at a time
    are packed into two bytes each by shifting and or-ing uint64 words (numpy's packbits along
    the rows costs ~35 ns a neuron), then looked up in :data:`_TABLE`."""
    n_lanes, population = u.shape[1:]
    count = n_lanes * population
    flags = rows[:, :count].reshape(16, n_lanes, population)
    # the facts of health.classify_flags (every output row contiguous: numpy 2.4's isnan and
    # isfinite write wrong values into a strided boolean output)
    np.isfinite(u[:5], out=flags[3:8])  # w1, w2, b, alpha, loss
    np.isnan(u[3], out=flags[8])  # alpha
    np.isnan(u[8], out=flags[9])  # grad_alpha
    np.equal(u[8], 0.0, out=flags[10])
    words = rows[:11].view(np.uint64)  # 8 neurons' fact i per word of row i, a byte each
    shifted = np.left_shift(words, _SHIFTS)
    packed = np.empty((rows.shape[1], 2), dtype=np.uint8)  # low byte, high byte per neuron
    np.copyto(packed[:, 0], np.bitwise_or.reduce(shifted[:8], axis=0).view(np.uint8))
    np.copyto(packed[:, 1], np.bitwise_or.reduce(shifted[8:], axis=0).view(np.uint8))
    index = packed.view("<u2")[:count, 0]
    return _TABLE_FLAT.take(index).reshape(n_lanes, population)


def classify_small(u: np.ndarray, flags: np.ndarray) -> np.ndarray:
    """:func:`health.classify_flags` in one numpy call fewer (alpha and grad_alpha, rows 3 and 8
    of ``u``, are tested for NaN together): the same states."""
    np.isfinite(u[:5], out=flags[3:8])  # w1, w2, b, alpha, loss (contiguous outputs: see above)
    np.isnan(u[3::5], out=flags[8:10])  # alpha, grad_alpha
    np.equal(u[8], 0.0, out=flags[10])
    low, high = np.packbits(flags, axis=0, bitorder="little")
    return _TABLE[high, low]
