"""Styled plots of the claim tabs: the plot area, readable axes and labels, a log axis with few
ticks, an axis of whole units (layers, epochs), the ranges shown before any data, and the pen of
an activation's lane (dashed for its dropout variant).
"""

from __future__ import annotations

import math
from functools import partial
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt

from widgets import style
from widgets.claim_controls import FONT_PT, font
from widgets.plot_axes import pow10_label
from widgets.style import lane_color

LABEL_STYLE = {"font-size": "12pt"}
GRID_ALPHA = 0.25
DROPOUT_STYLE = Qt.PenStyle.DashLine
EDGE_PADDING = 0.08  # share of a range added at each end: room for the labels of ticks there
MIN_TICK_GAP = 20  # pixels at least between the labelled ticks of a log axis within a few decades
# the mantissas of the ticks in a decade, densest first, with the smallest gap between two of them
# (in decades): the densest whose gap is at least MIN_TICK_GAP pixels is used, else whole decades
MANTISSAS = ((range(1, 10), math.log10(10 / 9)), ((1, 2, 5), math.log10(2)),
             ((1, 3), math.log10(3)))


class WholeTicks(pg.AxisItem):
    """An axis of whole units (layers, epochs): ticks never closer than one unit apart."""

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:
        levels = [(s, o) for s, o in super().tickSpacing(minVal, maxVal, size) if s >= 1]
        return levels or ([(1.0, 0.0)] if maxVal != minVal else [])


class LogTicks(pg.AxisItem):
    """A log-mode axis with few, readable ticks: within a few decades 1..9, 1, 2, 5 or 1, 3 × 10ⁿ
    (the densest set whose labels stay :data:`MIN_TICK_GAP` pixels apart), whole decades (every
    k-th) labelled 10ⁿ over more."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
        if hi - lo <= 2.5:
            per_decade = size / (hi - lo)
            tiers = MANTISSAS if hi - lo <= 1 else MANTISSAS[1:]  # 1..9 within a decade only
            mantissas = next((m for m, gap in tiers if gap * per_decade >= MIN_TICK_GAP), (1,))
            vals = [math.log10(m) + e for e in range(math.floor(lo), math.ceil(hi) + 1)
                    for m in mantissas]
            return [(1.0, [v for v in vals if lo <= v <= hi])]
        per_decade = size / (hi - lo)
        stride = next((k for k in (1, 2, 5, 10, 20, 50) if k * per_decade >= 28), 100)
        return [(float(stride), [float(e) for e in range(math.ceil(lo), math.floor(hi) + 1)
                                 if e % stride == 0])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        if all(abs(v - round(v)) < 1e-9 for v in values):  # whole decades only: 10ⁿ
            return [pow10_label(round(v)) for v in values]
        return [f"{10 ** v:.3g}" if -3 <= v <= 3 else f"1e{round(v)}" for v in values]


def plot_area() -> pg.GraphicsLayoutWidget:
    """An empty area for plots, in the theme's plot background (white in the light theme)."""
    area = pg.GraphicsLayoutWidget()
    area.setBackground(style.theme().plot_bg)
    return area


def style_plot(plot: pg.PlotItem, tick_pt: int = FONT_PT, left_width: int = 78) -> None:
    """Mouse zoom, menu and buttons off; axes in the theme's colours, ticks of ``tick_pt``
    points without SI prefixes, the left axis ``left_width`` pixels wide."""
    th = style.theme()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setStyle(tickFont=font(tick_pt))
        axis.setTextPen(th.text)
        axis.setPen(th.muted)
        axis.enableAutoSIPrefix(False)
    plot.getAxis("left").setWidth(left_width)


def make_plot(layout: Any, row: int, y_label: str, x_label: str | None = None, col: int = 0,
              log_y: bool = False, grid: bool = True, left: pg.AxisItem | None = None,
              left_width: int = 78, whole_x: bool = False) -> pg.PlotItem:
    """A plot at (row, col) of ``layout`` (a plot area or a layout in it) with readable axes and
    labels, a grid unless ``grid`` is False, ``left`` as its left axis if given, x ticks on
    whole units if ``whole_x``; mouse zoom off (see :func:`style_plot`)."""
    th = style.theme()
    if log_y and left is None:
        left = LogTicks("left")
    axes = {"left": left} if left else {}
    if whole_x:
        axes["bottom"] = WholeTicks("bottom")
    plot = layout.addPlot(row=row, col=col, axisItems=axes or None)
    if log_y:
        plot.setLogMode(y=True)
    if grid:
        plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    style_plot(plot, left_width=left_width)
    label_style = {**LABEL_STYLE, "color": th.text}
    plot.setLabel("left", y_label, **label_style)
    if x_label:
        plot.setLabel("bottom", x_label, **label_style)
    return plot


def pen(activation: str, dashed: bool = False, width: float = 2.5) -> Any:
    """The lane colour of ``activation``, dashed for the dropout variant."""
    return pg.mkPen(lane_color(activation), width=width,
                    style=DROPOUT_STYLE if dashed else Qt.PenStyle.SolidLine)


def hold_y(plot: pg.PlotItem, lo: float, hi: float) -> None:
    """Show y from ``lo`` to ``hi`` (on a log axis, from 10^lo to 10^hi), with room for the
    labels of ticks on the ends, until :func:`follow_y`: the range of an empty plot."""
    plot.setYRange(lo, hi, padding=EDGE_PADDING)


def follow_y(plot: pg.PlotItem) -> None:
    """Autorange y to the data again (after :func:`hold_y`)."""
    plot.enableAutoRange(axis="y")


def keep_y_labels_whole(*plots: pg.PlotItem) -> None:
    """Each plot's y-axis label kept whole: drawn above the plot (as its title) while the plot
    is shorter than the label is long (presenting at 1280x720, "training loss (log)" was cut to
    "training loss (lo"), on the axis again once it fits. Decided on the plot's height less its
    x axis, which the move does not change."""
    for plot in plots:
        fit = partial(_fit_y_label, plot, plot.getAxis("left").labelText)
        plot.geometryChanged.connect(fit)
        fit()


def _fit_y_label(plot: pg.PlotItem, text: str) -> None:
    axis = plot.getAxis("left")
    fits = (axis.label.boundingRect().width() + 8
            <= plot.size().height() - plot.getAxis("bottom").height())
    if fits == axis.label.isVisible() and (fits or plot.titleLabel.isVisible()):
        return
    if fits:
        plot.setTitle(None)
    else:
        plot.setTitle(text, **{**LABEL_STYLE, "color": style.theme().text})
    plot.showLabel("left", fits)
    axis.setWidth(axis.width())  # (the axis keeps its width without the label)
