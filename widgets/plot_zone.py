"""Horizontal bands and lines across a plot, painted by Qt alone.

pyqtgraph's ``LinearRegionItem`` and ``InfiniteLine`` span the view whatever its range, but work
it out in Python at every paint (their bounding rects follow the view): the time plots' two
shaded regions ("z ≤ 0", the exact-zero rail's zone) and four level lines cost ~0.4 ms of every
repaint. Here a band is a ``QGraphicsRectItem`` and a line a ``QGraphicsLineItem`` whose x extent
follows the view box's x range (a signal, when that range changes: the time plots snap it, so not
every frame), and whose painting and bounding rect are Qt's own.
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
    """Keeps an item's x extent (``_x``) the view box's x range and a margin."""

    _x: tuple[float, float]

    def _follow(self, plot: pg.PlotItem) -> None:
        """Add this item to ``plot`` and follow its x range from now on."""
        self._x = _span(*plot.vb.viewRange()[0])
        self._apply()
        plot.addItem(self, ignoreBounds=True)
        plot.vb.sigXRangeChanged.connect(self._on_x)

    def _on_x(self, _vb: object, x: tuple[float, float]) -> None:
        self._x = _span(*x)
        self._apply()

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
