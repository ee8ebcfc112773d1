"""The time plots' grid lines, drawn by one item per plot instead of by the axes.

pyqtgraph draws a grid by stretching each axis' ticks across the view: the axis then covers the
plot's data area, and every frame's curves repaint it, its whole recorded picture (tick labels
too) replayed under the data area's clip: ~65 µs an axis, ten axes, ~0.7 ms a frame. Here the
axes draw no grid (they are repainted only when their own ticks change) and :class:`GridLines`
draws a line at each value the plot's left and bottom axes tick, the same values the axes
compute (:func:`axis_ticks`), in the axes' tick pen.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QPainter, QPen
from PySide6.QtWidgets import QGraphicsItem


def axis_ticks(axis: pg.AxisItem) -> tuple[float, ...]:
    """The values ``axis`` ticks on its range at its current length, as its own drawing finds
    them (pyqtgraph measures the axis from a pixel before its start to a pixel past its end),
    each level's values not already in an earlier level."""
    lo, hi = axis.range
    geo = axis.geometry()
    length = (geo.height() if axis.orientation in ("left", "right") else geo.width()) + 2
    if not (math.isfinite(lo) and math.isfinite(hi)) or hi == lo or length <= 2:
        return ()
    levels = axis._tickLevels if axis._tickLevels is not None else axis.tickValues(
        lo, hi, length)
    lo, hi = sorted((lo, hi))
    seen: list[float] = []
    for level in levels:
        values = level[1] if axis._tickLevels is None else [v for v, _ in level]
        seen.extend(v for v in values if lo <= v <= hi and v not in seen)
    return tuple(seen)


class GridLines(QGraphicsItem):
    """The grid of ``plot``: vertical lines at its bottom axis' ticks and horizontal lines at
    its left axis' ticks, 1 px wide and aliased, under every item of the view (the axes drew
    them under the view). The lines are worked out again only when a range, an axis' length,
    font or tick pen changed."""

    def __init__(self, plot: pg.PlotItem):
        super().__init__(plot.vb)
        self.plot = plot
        self.setZValue(-1e5)  # over the view's background, under its items (the child group)
        self._rect = QRectF(plot.vb.rect())
        self._axes = (plot.getAxis("bottom"), plot.getAxis("left"))
        self._ticks: dict[int, tuple[tuple, tuple[float, ...]]] = {}  # axis index -> (key, ticks)
        self._seen: tuple = ()
        self._lines: list[QLineF] = []
        self._pen = QPen()
        plot.vb.sigResized.connect(self._resized)

    def _resized(self, vb: Any) -> None:
        self.prepareGeometryChange()
        self._rect = QRectF(vb.rect())

    def boundingRect(self) -> QRectF:
        return self._rect

    def _axis_ticks(self, index: int, lo: float, hi: float) -> tuple[float, ...]:
        """:func:`axis_ticks` of axis ``index`` (0 bottom, 1 left), worked out again only when
        its range ``lo``..``hi`` or its picture changed (an axis makes a new picture for a new
        length, font or pen; one without values keeps it across ranges, see
        plot_axes.StepAxis)."""
        axis = self._axes[index]
        key = (axis.picture, lo, hi)
        seen = self._ticks.get(index)
        if (seen is None or key[0] is None or seen[0][0] is not key[0]
                or seen[0][1:] != key[1:]):
            seen = (key, axis_ticks(axis))
            self._ticks[index] = seen
        return seen[1]

    def lines(self) -> list[QLineF]:
        """The grid's lines in the view's data coordinates, worked out again when the view's
        range or an axis' ticks changed (a sliding history changes the bottom axis' alone)."""
        left = self._axes[1]
        (x0, x1), (y0, y1) = self.plot.vb.state["viewRange"]
        xs, ys = self._axis_ticks(0, x0, x1), self._axis_ticks(1, y0, y1)
        seen = (left.picture, x0, x1, y0, y1, xs, ys)  # (a new tick pen: a new picture)
        new_pen = len(self._seen) != len(seen) or seen[0] is None or seen[0] is not self._seen[0]
        if new_pen or seen[1:] != self._seen[1:]:
            self._seen = seen
            if new_pen:
                self._pen = QPen(left.tickPen())
                self._pen.setCosmetic(True)
                self._pen.setWidthF(1.0)
            self._lines = ([QLineF(x, y0, x, y1) for x in xs]
                           + [QLineF(x0, y, x1, y) for y in ys])
        return self._lines

    def paint(self, p: QPainter, *args: Any) -> None:
        lines = self.lines()
        if not lines:
            return
        p.setTransform(self.plot.vb.childGroup.transform() * p.transform())
        p.setRenderHint(QPainter.RenderHint.Antialiasing, False)
        p.setPen(self._pen)
        p.drawLines(lines)
