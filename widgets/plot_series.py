"""What the time plots show: the plots, the gradient and parameter series (labels, line styles),
and the display features of each history row that the plots reduce per bin (min and max)."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt

from simulation.history import INDEX

PLOTS = ("loss", "z", "a", "grad", "params")  # top to bottom; "params" carries the step axis
GRADS = ("grad_b", "grad_w1", "grad_w2")
GRAD_LABELS = {"grad_b": "∂L/∂b", "grad_w1": "∂L/∂w1", "grad_w2": "∂L/∂w2"}
GRAD_MODES: dict[str, tuple[str, ...]] = {"grad_b": ("grad_b",), "grad_w1": ("grad_w1",),
                                          "grad_w2": ("grad_w2",), "all": GRADS}
PARAMS = ("b", "w1", "w2", "alpha")  # b first: the bias shock's story is b's curve
PARAM_LABELS = {"w1": "w1", "w2": "w2", "b": "b", "alpha": "α PReLU"}

# Line styles: the colour says which lane, the style which parameter / gradient.
PARAM_STYLES = {"b": Qt.PenStyle.SolidLine, "w1": Qt.PenStyle.DashLine,
                "w2": Qt.PenStyle.DotLine, "alpha": Qt.PenStyle.DashDotLine}
GRAD_STYLES = {"grad_b": Qt.PenStyle.SolidLine, "grad_w1": Qt.PenStyle.DashLine,
               "grad_w2": Qt.PenStyle.DotLine}

# --- per-row features, reduced per bin (min and max) ------------------------------------------
F_LOSS = 0  # log10(loss), NaN where not > 0 or not finite
F_GRAD = {g: 1 + i for i, g in enumerate(GRADS)}  # log10|g|, NaN where g == 0 or not finite
F_ZERO = {g: 4 + i for i, g in enumerate(GRADS)}  # 1 where g == 0 exactly, else 0
F_ZMIN, F_ZMAX, F_ZMEAN, F_A = 7, 8, 9, 10
F_PARAM = {"w1": 11, "w2": 12, "b": 13, "alpha": 14}
N_FEATURES = 15
PLOT_OF_FEATURE = {F_LOSS: "loss", **dict.fromkeys(F_GRAD.values(), "grad"), F_ZMEAN: "z",
                   F_A: "a", **dict.fromkeys(F_PARAM.values(), "params")}
_GRAD_COLS = [INDEX[g] for g in GRADS]
_LIN_COLS = [INDEX[c] for c in ("z_min", "z_max", "z_mean", "a_mean", "w1", "w2", "b", "alpha")]

LIN_LIMIT = 1e6  # linear values are clipped to +-this for drawing (a diverged lane goes off-chart)


def row_features(rows: np.ndarray) -> np.ndarray:
    """History rows (m, C, L) -> display features (m, N_FEATURES, L); non-finite -> NaN."""
    out = np.empty((rows.shape[0], N_FEATURES, rows.shape[2]))
    with np.errstate(all="ignore"):
        loss = rows[:, INDEX["loss"]]
        out[:, F_LOSS] = np.where(np.isfinite(loss) & (loss > 0), np.log10(loss), np.nan)
        g = rows[:, _GRAD_COLS]
        mag = np.abs(g)
        out[:, 1:4] = np.where(np.isfinite(mag) & (mag > 0), np.log10(mag), np.nan)
        out[:, 4:7] = g == 0
        lin = rows[:, _LIN_COLS]
        out[:, 7:15] = np.where(np.isfinite(lin), np.clip(lin, -LIN_LIMIT, LIN_LIMIT), np.nan)
    return out

# --- values off the scale -----------------------------------------------------------------------
# Per plot, the series a lane may draw there as (history column, feature, name on the label).
# A drawn value is off the scale where it is not finite (a gap in the curve) or clipped: beyond
# +-LIN_LIMIT on a linear plot, above the top decade on a log plot (loss, gradients).
OFF_SCALE_SERIES: dict[str, tuple[tuple[str, int, str], ...]] = {
    "loss": (("loss", F_LOSS, "loss"),),
    "z": (("z_mean", F_ZMEAN, "z mean"), ("z_min", F_ZMIN, "z min"), ("z_max", F_ZMAX, "z max")),
    "a": (("a_mean", F_A, "a mean"),),
    "grad": tuple((g, F_GRAD[g], f"|{GRAD_LABELS[g]}|") for g in GRADS),
    "params": tuple((p, F_PARAM[p], "α" if p == "alpha" else p) for p in PARAMS),
}
LOG_PLOTS = ("loss", "grad")
