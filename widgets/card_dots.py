"""The dots of a lane card's f(z) plot: one dot a sample, at (z, a), a fixed size in pixels.

pyqtgraph's ScatterPlotItem does this for any number of symbols, sizes and colours, at ~0.26 ms a
``setData`` and ~0.26 ms a paint for 64 dots (its per-spot records and symbol atlas); a card's
dots all look alike, so :class:`CardDots` keeps the points as two arrays, renders the one symbol
once per pen, brush and pixel ratio (with pyqtgraph's ``renderSymbol``: the same pixels), and
paints every dot in one ``drawPixmapFragments`` call.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from pyqtgraph.graphicsItems.ScatterPlotItem import drawSymbol, renderSymbol
from pyqtgraph.Qt.internals import PrimitiveArray
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QBrush, QPainter, QPen, QPixmap


class CardDots(pg.GraphicsObject):
    """Round dots of ``size`` px at the points of :meth:`setData`, outlined with a pen and
    filled with a brush (``opts["pen"]``, ``opts["brush"]``, as a ScatterPlotItem keeps them)."""

    def __init__(self, size: float = 7.0, pen: Any = None, brush: Any = None):
        super().__init__()
        self.opts: dict[str, Any] = {"size": float(size), "pen": pg.mkPen(pen or "k"),
                                     "brush": pg.mkBrush(brush or "w")}
        self._x = np.empty(0)
        self._y = np.empty(0)
        self._xy = np.empty((2, 0))  # the finite points, one column each
        self._rect: QRectF | None = None  # their extent (None: no point)
        self._padding: tuple[float, float] | None = None  # see _pad (None: to be worked out)
        self._symbol: tuple[tuple, QPixmap] | None = None  # ((pen, brush, size, dpr), pixmap)
        self._fragments = PrimitiveArray(QPainter.PixmapFragment, 10)

    # --- data and style -----------------------------------------------------------------------
    def setData(self, x: np.ndarray, y: np.ndarray) -> None:
        """Show dots at (``x``, ``y``) (copied); repaints where the old and new dots lie."""
        old = self._rect
        self._x = np.array(x, dtype=float)
        self._y = np.array(y, dtype=float)
        ok = np.isfinite(self._x) & np.isfinite(self._y)
        self._xy = np.vstack((self._x, self._y)) if ok.all() else np.vstack((self._x[ok],
                                                                              self._y[ok]))
        self._rect = new = self._data_rect()
        dirty = new if old is None else (old if new is None else old.united(new))
        if dirty is not None:
            if self._padding is None:
                self._padding = self._pad()
            px, py = self._padding
            self.update(dirty.adjusted(-px, -py, px, py))

    def getData(self) -> tuple[np.ndarray, np.ndarray]:
        return self._x, self._y

    def setPen(self, pen: QPen) -> None:
        self.opts["pen"] = pen
        self.update()

    def setBrush(self, brush: QBrush) -> None:
        self.opts["brush"] = brush
        self.update()

    # --- geometry -----------------------------------------------------------------------------
    def _data_rect(self) -> QRectF | None:
        """The finite points' extent, None without any."""
        if not self._xy.shape[1]:
            return None
        (x0, y0), (x1, y1) = self._xy.min(axis=1).tolist(), self._xy.max(axis=1).tolist()
        return QRectF(x0, y0, x1 - x0, y1 - y0)

    def _pad(self) -> tuple[float, float]:
        """Half a dot and a pixel, in data units (x, y)."""
        px = 0.5 * self.opts["size"] + 2.0
        vx, vy = self.pixelVectors()
        if vx is None or vy is None:
            return 0.0, 0.0
        return px * abs(vx.x()) + px * abs(vy.x()), px * abs(vx.y()) + px * abs(vy.y())

    def boundingRect(self) -> QRectF:
        view = self.getViewBox()
        if view is None or self._rect is None:
            return QRectF()
        return view.viewRect()  # the plot (data units): a dot of any size fits

    def viewTransformChanged(self) -> None:
        self._padding = None
        self.prepareGeometryChange()

    # --- painting -----------------------------------------------------------------------------
    def symbol(self, dpr: float = 1.0) -> QPixmap:
        """The dot as drawn at pixel ratio ``dpr`` (rendered once per pen, brush, size and
        ratio: a new look replaces it)."""
        o = self.opts
        key = (o["pen"], o["brush"], o["size"], dpr)
        old = self._symbol[0] if self._symbol is not None else None
        if (old is None or old[0] is not key[0] or old[1] is not key[1]
                or old[2:] != key[2:]):
            image = renderSymbol("o", o["size"], o["pen"], o["brush"], dpr=dpr)
            self._symbol = (key, QPixmap.fromImage(image))
        return self._symbol[1]

    def paint(self, p: QPainter, *args: Any) -> None:
        xy = self._xy
        n = xy.shape[1]
        if n == 0:
            return
        tr = p.transform()
        if self._exportOpts is not False or not tr.isAffine():  # an export: real ellipses
            pts = pg.functions.transformCoordinates(tr, xy)
            p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
            o = self.opts
            for x, y in np.clip(pts, -2 ** 30, 2 ** 30).T.tolist():
                p.resetTransform()
                p.translate(QPointF(x, y))
                drawSymbol(p, "o", o["size"], o["pen"], o["brush"])
            p.setTransform(tr)
            return
        dpr = p.device().devicePixelRatioF()
        pixmap = self.symbol(dpr)
        self._fragments.resize(n)
        frags = self._fragments.ndarray()
        x, y = xy
        # the centre of each dot, in device-independent pixels (the painter's affine map)
        np.clip(tr.m11() * x + tr.m21() * y + tr.dx(), -2 ** 30, 2 ** 30, out=frags[:, 0])
        np.clip(tr.m12() * x + tr.m22() * y + tr.dy(), -2 ** 30, 2 ** 30, out=frags[:, 1])
        frags[:, 2:6] = (0, 0, pixmap.width(), pixmap.height())  # the whole symbol
        frags[:, 6:10] = (1 / dpr, 1 / dpr, 0.0, 1.0)  # scale x, y, rotation, opacity
        p.resetTransform()
        p.drawPixmapFragments(*self._fragments.drawargs(), pixmap)
        p.setTransform(tr)
