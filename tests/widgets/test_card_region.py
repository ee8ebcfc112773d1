"""The card's shaded z <= 0 side keeps its bounding rect between frames: it paints what
pyqtgraph's LinearRegionItem paints, after the view's range, its size or the region changes."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QImage

from widgets.card_curve import StillRegion


def _pixels(widget: pg.PlotWidget) -> np.ndarray:
    image = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    raw = np.frombuffer(image.constBits(), np.uint32, count=image.width() * image.height())
    return raw.reshape(image.height(), image.width()).copy()


def test_the_still_region_paints_what_pyqtgraphs_region_paints(qtbot):
    plots = []
    for kind in (pg.LinearRegionItem, StillRegion):
        w = pg.PlotWidget()
        qtbot.addWidget(w)
        w.resize(240, 140)
        w.setXRange(-12, 4, padding=0)
        w.setYRange(-1, 3, padding=0)
        region = kind(values=(-13.0, 0.0), orientation="vertical", movable=False,
                      brush=pg.mkBrush("#d0d0d0"), pen=pg.mkPen(None))
        w.addItem(region)
        w.show()
        plots.append((w, region))
    qtbot.waitExposed(plots[0][0])

    def same() -> None:
        ref, still = (_pixels(w) for w, _ in plots)
        np.testing.assert_array_equal(still, ref)

    same()
    w, _ = plots[1]

    def at(z: float) -> int:
        """The pixel at (z, 1), in the view."""
        p = w.plotItem.vb.mapViewToScene(QPointF(z, 1.0))
        return int(_pixels(w)[round(p.y()), round(p.x())])

    grey = at(-3.0)  # (left of z = 0: shaded)
    assert grey != at(2.0)  # (right of it: not)
    shaded = int((_pixels(plots[1][0]) == grey).sum())
    for plot, _ in plots:
        plot.setXRange(-6, 10, padding=0)  # the view's range moves
    same()
    for plot, _ in plots:
        plot.setYRange(-3, 8, padding=0)  # (the rect's height is the view's)
    same()
    assert int((_pixels(plots[1][0]) == grey).sum()) < shaded  # (z = 0 moved left)
    for plot, _ in plots:
        plot.resize(300, 160)  # its size
    same()
    for _, region in plots:
        region.setRegion((-13.0, 5.0))  # the region
    same()
    assert plots[1][1].boundingRect().right() == 5.0
