"""Plot helpers of the Population tab: min/max decimation of the capacity curves, plots without a
grid, a y axis of neuron counts on a log scale, and histogram ranges that do not jump.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg

from widgets.claim_plots import make_plot


def bins_of(x: np.ndarray, y: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) with y (L, T) reduced to at most ~2 points per pixel (min and max per bin)."""
    n = y.shape[1]
    k = max(1, math.ceil(n / max(width, 50)))
    if k == 1:
        return x, y
    m = n // k * k
    lo = y[:, :m].reshape(len(y), -1, k).min(-1)
    hi = y[:, :m].reshape(len(y), -1, k).max(-1)
    xs = np.repeat(x[:m:k], 2)
    ys = np.stack([lo, hi], axis=-1).reshape(len(y), -1)
    if m < n:
        xs = np.concatenate([xs, x[m:]])
        ys = np.concatenate([ys, y[:, m:]], axis=1)
    return xs, ys


def plain_plot(layout: Any, row: int, y_label: str, x_label: str, col: int = 0,
               left: pg.AxisItem | None = None) -> pg.PlotItem:
    """:func:`make_plot` without a grid (an axis drawing a grid repaints across the whole plot
    every frame, ~6 ms an axis on the raster engine) and with a narrower left axis."""
    return make_plot(layout, row, y_label, x_label, col=col, grid=False, left=left, left_width=70)


class CountAxis(pg.AxisItem):
    """A y axis over log10(1 + count), labelled with the counts 0, 1, 10, 100, ..."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        hi = max(minVal, maxVal)
        return [(1.0, [0.0] + [math.log10(1 + 10 ** e) for e in range(0, int(hi) + 1)
                               if math.log10(1 + 10 ** e) <= hi])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{round(10 ** v - 1):,}" for v in values]


def sticky_range(values: np.ndarray, current: tuple[float, float] | None) -> tuple[float, float]:
    """A histogram range covering the middle 99.8 % of the finite ``values``; kept while the data
    fills at least a third of it, so the bins do not jump every frame."""
    v = values[np.isfinite(values)]
    if not v.size:
        return current or (-1.0, 1.0)
    lo, hi = (float(q) for q in np.percentile(v, (0.1, 99.9)))
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    if current is not None:
        inside = current[0] <= lo and hi <= current[1]
        if inside and (hi - lo) >= (current[1] - current[0]) / 3:
            return current
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad
