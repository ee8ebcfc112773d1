"""Bands and lines across a plot, painted by Qt alone.

pyqtgraph's ``LinearRegionItem`` and ``InfiniteLine`` span the view whatever its range, but work
it out in Python at every paint (their bounding rects follow the view): the time plots' two
shaded regions ("z ≤ 0", the exact-zero rail's zone) and four level lines cost ~0.4 ms of every
repaint, and the shock markers' lines (five a shock) ~1.8 ms a frame with eleven shocks. Here a
band is a ``QGraphicsRectItem`` and a line a ``QGraphicsLineItem`` whose extent follows the view
box's x range (a horizontal one) or y range (a vertical one): a signal, when that range changes,
and their painting and bounding rect are Qt's own.
"""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import QLineF, QRectF
from PySide6.QtGui import QBrush, QPen
from PySide6.QtWidgets import QGraphicsLineItem, QGraphicsRectItem

MARGIN = 0.05  # of the x span, beyond each end (the view's edges never show an end)


def _span(x0: float, x1: float) -> tuple[float, float]:
    d = MARGIN * max(x1 - x0, 1.0)
    return x0 - d, x1 + d


class _Spanning:
    """Keeps an item's extent (``_x``, or ``_y`` for a vertical item) the view box's range along
    that axis and a margin."""

    _x: tuple[float, float]
    _y: tuple[float, float]
    VERTICAL = False

    def _follow(self, plot: pg.PlotItem) -> None:
        """Add this item to ``plot`` and follow its range from now on."""
        self._plot = plot
        self._on_range(plot.vb, plot.vb.viewRange()[1 if self.VERTICAL else 0])
        plot.addItem(self, ignoreBounds=True)
        signal = plot.vb.sigYRangeChanged if self.VERTICAL else plot.vb.sigXRangeChanged
        signal.connect(self._on_range)

    def _on_range(self, _vb: object, r: tuple[float, float]) -> None:
        if self.VERTICAL:
            self._y = _span(*r)
        else:
            self._x = _span(*r)
        self._apply()

    def detach(self) -> None:
        """Remove this item from its plot and stop following it."""
        vb = self._plot.vb
        (vb.sigYRangeChanged if self.VERTICAL else vb.sigXRangeChanged).disconnect(self._on_range)
        self._plot.removeItem(self)

    def _apply(self) -> None:
        raise NotImplementedError


class Zone(_Spanning, QGraphicsRectItem):
    """A band from y0 to y1 across ``plot``'s x range (``LinearRegionItem``'s region API)."""

    def __init__(self, plot: pg.PlotItem, region: tuple[float, float], brush: QBrush):
        super().__init__()
        self._y = (float(min(region)), float(max(region)))
        self.setPen(pg.mkPen(None))
        self.setBrush(brush)
        self._follow(plot)

    def _apply(self) -> None:
        (x0, x1), (y0, y1) = self._x, self._y
        self.setRect(QRectF(x0, y0, x1 - x0, y1 - y0))

    def getRegion(self) -> tuple[float, float]:
        return self._y

    def setRegion(self, region: tuple[float, float]) -> None:
        y = (float(min(region)), float(max(region)))
        if y != self._y:
            self._y = y
            self._apply()


class Level(_Spanning, QGraphicsLineItem):
    """A horizontal line at y across ``plot``'s x range (``InfiniteLine``'s value API)."""

    def __init__(self, plot: pg.PlotItem, y: float, pen: QPen):
        super().__init__()
        self._y = float(y)
        self.setPen(pen)
        self._follow(plot)

    def _apply(self) -> None:
        self.setLine(QLineF(self._x[0], self._y, self._x[1], self._y))

    def value(self) -> float:
        return self._y

    def setValue(self, y: float) -> None:
        if float(y) != self._y:
            self._y = float(y)
            self._apply()


class Mark(_Spanning, QGraphicsLineItem):
    """A vertical line at x across ``plot``'s y range (``InfiniteLine``'s value API)."""

    VERTICAL = True

    def __init__(self, plot: pg.PlotItem, x: float, pen: QPen):
        super().__init__()
        self._x = (float(x), float(x))
        self.setPen(pen)
        self._follow(plot)

    def _apply(self) -> None:
        self.setLine(QLineF(self._x[0], self._y[0], self._x[0], self._y[1]))

    def value(self) -> float:
        return self._x[0]
