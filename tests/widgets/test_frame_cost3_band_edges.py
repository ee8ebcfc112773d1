"""The z band's edges (antialiased, translucent 1-px lines) without gaps are painted as one
polyline, pixel for pixel what pyqtgraph's path paints, without building that path; with gaps
they are pyqtgraph's (its runs end a pixel differently); set_xy still drops whatever either
paint built for the old data."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from widgets.plot_items import Curve

W, H = 400, 200


def edge(color: str = "#0072b2") -> Curve:
    """A z band edge as the time plots make it (widgets.time_lanes)."""
    c = QColor(color)
    c.setAlpha(90)
    return Curve(pen=pg.mkPen(c, width=1), connect="finite", antialias=True)


def walk(n: int = 300, seed: int = 3, gaps: bool = True) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 100, n)
    y = np.cumsum(rng.standard_normal(n))
    y = (y - y.min()) / np.ptp(y) * 2 - 1
    if gaps:
        y[50:60] = np.nan
        y[n - 20] = np.nan  # a lone point between two gaps is no line
        y[n - 22] = np.nan
    return x, y


def render(curve: Curve, pyqtgraphs: bool, background: str = "white") -> np.ndarray:
    """The curve painted over ``background`` as the time plots paint it, or by pyqtgraph's
    own paint (``pyqtgraphs``): the image's pixels (H, W, 4)."""
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor(background))
    p = QPainter(img)
    p.scale(W / 100, -H / 2.2)
    p.translate(0, -1.1)
    old = Curve.fast
    Curve.fast = not pyqtgraphs
    try:
        curve.paint(p, QStyleOptionGraphicsItem(), None)
    finally:
        Curve.fast = old
        p.end()
    return np.frombuffer(img.constBits(), np.uint8).reshape(H, W, 4).copy()


@pytest.mark.parametrize("background", ["white", "#1e1e1e"])
@pytest.mark.parametrize("gaps", [False, True])
def test_an_antialiased_edge_is_painted_as_pyqtgraph_paints_it(qapp, background, gaps):
    c = edge()
    c.setData(*walk(gaps=gaps))
    ref = render(c, True, background)
    c.path = None  # (what pyqtgraph's paint built)
    fast = render(c, False, background)
    assert (ref != render(edge(), True, background)).any(axis=-1).sum() > 500  # it inks
    np.testing.assert_array_equal(fast, ref)
    if not gaps:
        assert c.path is None  # drawn as a polyline: no path built


def test_set_xy_drops_what_a_paint_built_for_the_old_data(qapp):
    rect = QRectF(-5, -1.2, 110, 2.4)
    a, b = edge(), edge()
    for c in (a, b):
        c.setData(*walk(seed=1))
        c.set_bounds(rect)
        render(c, True)  # pyqtgraph's path of the old data
        render(c, False)  # the polyline of the old data
    x1, y1 = walk(n=120, seed=2)
    a.set_xy(x1, y1)
    fresh = edge()
    fresh.setData(x1, y1)
    for pyqtgraphs in (False, True):
        np.testing.assert_array_equal(render(a, pyqtgraphs), render(fresh, pyqtgraphs))
    b.set_xy(np.empty(0), np.empty(0))
    assert (render(b, False) == render(edge(), False)).all()  # nothing left of the old data


def test_the_polylines_of_no_data_or_one_point_are_none(qapp):
    c = edge()
    c.setData(np.empty(0), np.empty(0))
    assert c.polylines() == []  # (an empty polygon's buffer was read-only: ValueError)
    c.setData(np.array([1.0]), np.array([0.5]))
    assert c.polylines() == []
    c.setData(*walk(n=50, gaps=False))
    assert [len(poly) for poly in c.polylines()] == [50]
    assert render(c, False).any()
