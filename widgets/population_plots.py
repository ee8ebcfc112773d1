"""Plot helpers of the Population tab: min/max decimation of the capacity curves, plots without a
grid, a y axis of neuron counts on a log scale, and histogram ranges that do not jump
(and depend on the values drawn alone).
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


def nice_above(v: float) -> float:
    """The smallest of 1, 2, 5 x 10^n that is >= ``v`` (> 0), any n."""
    e = 10.0 ** math.floor(math.log10(v))
    return next(m * e for m in (1, 2, 5, 10) if m * e >= v * (1 - 1e-12))


RANGE_LIMIT = 1e12  # histogram ranges stay within +-this (a diverged neuron is in the edge bin)


def histogram_range(values: np.ndarray) -> tuple[float, float]:
    """A histogram range for ``values``: their middle 99.8 % (and 0) with a margin, the edges on
    a grid of a fifth of that span (a nice 1, 2, 5 step), so the bins do not jump every frame.

    A function of ``values`` alone: the same population is drawn the same whatever was drawn
    before it (a range kept from earlier frames depended on which steps the timing of the
    catch-up slices had happened to show)."""
    v = values[np.isfinite(values)]
    if not v.size:
        return -1.0, 1.0
    lo, hi = (float(q) for q in np.percentile(v, (0.1, 99.9)))
    lo = min(max(lo, -RANGE_LIMIT), 0.0)
    hi = max(min(hi, RANGE_LIMIT), 0.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    q = nice_above((hi - lo) / 5)
    return math.floor(lo / q - 0.25) * q, math.ceil(hi / q + 0.25) * q
