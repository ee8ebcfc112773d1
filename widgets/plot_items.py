"""The pyqtgraph items of the time plots (log axis, curve, legend sample, band) and their pens
and fonts."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath

from widgets import style as look

FONT_PT = 11
LABEL_PT = 12

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def pow10_label(n: int) -> str:
    """10ⁿ as text: '1', '10', '10⁻⁶'."""
    return {0: "1", 1: "10"}.get(n, "10" + str(n).translate(_SUPERSCRIPT))


class LogAxis(pg.AxisItem):
    """A y axis over log10 values: ticks on whole decades labelled 10ⁿ, none below ``floor``,
    and optionally one tick labelled ``rail_text`` at ``rail`` (the exact-zero rail)."""

    def __init__(self, orientation: str = "left", **kwargs: Any):
        super().__init__(orientation, **kwargs)
        self.floor: int | None = None
        self.rail: float | None = None
        self.rail_text = "= 0"

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        first = math.ceil(lo - 1e-9)
        if self.floor is not None:
            first = max(first, self.floor)
        last = math.floor(hi + 1e-9)
        per_decade = size / (hi - lo)
        stride = next((s for s in (1, 2, 3, 4, 5, 10, 20, 50) if s * per_decade >= 20), 100)
        values = [float(v) for v in range(first, last + 1) if v % stride == 0]
        if self.rail is not None and lo <= self.rail <= hi:
            values.append(float(self.rail))
        return [(float(stride), values)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.rail_text if self.rail is not None and abs(v - self.rail) < 1e-6
                else pow10_label(round(v)) for v in values]


def _pen(color: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine, width: float = 2.0):
    pen = pg.mkPen(color, width=look.lw(width), style=style)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def _font(pt: int = FONT_PT, bold: bool = False) -> QFont:
    f = QFont()
    f.setPointSizeF(look.pt(pt))
    f.setBold(bold)
    return f


def _translucent(color: str, alpha: int) -> QColor:
    c = QColor(color)
    c.setAlpha(alpha)
    return c


class Curve(pg.PlotCurveItem):
    """A PlotCurveItem whose bounding rect is given by its owner (the plot's view, which holds
    every point drawn) instead of being recomputed after each setData from nanmin/nanmax over
    the data and pixel-size queries: ~40 µs an item, ~2 ms a frame for ~50 curves."""

    def __init__(self, *args: Any, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self._known: QRectF | None = None

    def set_bounds(self, rect: QRectF) -> None:
        """Use ``rect`` (data coordinates) as the bounding rect from now on."""
        if rect != self._known:
            self.prepareGeometryChange()
            self._known = rect

    def boundingRect(self) -> QRectF:
        if self._known is None or self.xData is None or len(self.xData) == 0:
            return super().boundingRect()
        return self._known


class LineSample(pg.ItemSample):
    """A legend sample: a 34-px horizontal stretch of the item's pen (dashes must be readable)."""

    def __init__(self, item: Any):
        super().__init__(item)
        self.setFixedWidth(38)
        self.setFixedHeight(self.H)

    H = 26  # the height of an 11-pt label, so sample and text share a centre line

    def boundingRect(self):
        return QRectF(0, 0, 38, self.H)

    def paint(self, p, *args) -> None:
        opts = self.item.opts
        if opts.get("fillLevel") is not None and opts.get("fillBrush") is not None:
            p.setPen(pg.mkPen(None))
            p.setBrush(pg.mkBrush(opts["fillBrush"]))
            p.drawRect(QRectF(2, self.H / 2 - 8, 34, 12))
        else:
            p.setPen(opts["pen"])
            p.drawLine(QPointF(2, self.H / 2 - 2), QPointF(36, self.H / 2 - 2))


class BandItem(pg.FillBetweenItem):
    """FillBetweenItem that rebuilds its path once, when told (:meth:`update_band`), from the two
    curves' arrays in one vectorized pass. pyqtgraph's version rebuilds on each curve's change
    (twice a frame) via QPolygonF concatenation: ~4 ms per band per frame at 1,700 points."""

    def curveChanged(self) -> None:  # the owner calls update_band() after setting both curves
        pass

    def updatePath(self) -> None:
        self.update_band()

    def update_band(self) -> None:
        if self.curves is None:
            self.setPath(QPainterPath())
            return
        x1, y1 = self.curves[0].getData()
        x2, y2 = self.curves[1].getData()
        if x1 is None or x2 is None or len(x1) == 0 or len(x1) != len(x2):
            self.setPath(QPainterPath())
            return
        ok = np.isfinite(x1) & np.isfinite(y1) & np.isfinite(x2) & np.isfinite(y2)
        if ok.all():
            xs = np.concatenate([x1, x2[::-1]])
            ys = np.concatenate([y1, y2[::-1]])
            path = pg.arrayToQPath(xs, ys, connect="all", finiteCheck=False)
        else:  # one closed polygon per finite run
            edges = np.flatnonzero(np.diff(np.concatenate([[0], ok.view(np.int8), [0]])))
            xs_parts, ys_parts, conn_parts = [], [], []
            for a, b in zip(edges[0::2], edges[1::2], strict=True):
                xs_parts += [x1[a:b], x2[a:b][::-1]]
                ys_parts += [y1[a:b], y2[a:b][::-1]]
                c = np.ones(2 * (b - a), dtype=np.int32)
                c[-1] = 0
                conn_parts.append(c)
            if not xs_parts:
                self.setPath(QPainterPath())
                return
            path = pg.arrayToQPath(np.concatenate(xs_parts), np.concatenate(ys_parts),
                                   connect=np.concatenate(conn_parts), finiteCheck=False)
        path.setFillRule(self.fillRule())
        self.setPath(path)
