"""The z band repainted in a stretch (the plots' right ends, a label's area) builds and fills the
path of its points there only, and covers that stretch's pixels as the whole band does; its whole
path is built when it is painted whole, and dropped when its curves change."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRect, QRectF
from PySide6.QtGui import QColor, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from widgets.plot_items import BandItem, Curve

W, H = 400, 200
BOUNDS = QRectF(-5, -2.5, 110, 5)


def band(seed: int = 3, n: int = 300, gaps: bool = False) -> BandItem:
    """A band between two wandering edges over x in [0, 100], as the time plots make it."""
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 100, n)
    mid = np.cumsum(rng.standard_normal(n)) / 8
    half = 0.2 + np.abs(np.sin(x / 7))
    lo, hi = mid - half, mid + half
    if gaps:
        lo[140:150] = hi[140:150] = np.nan
    c = QColor("#009e73")
    c.setAlpha(45)
    item = BandItem(Curve(), Curve(), brush=pg.mkBrush(c))
    item.curves[0].setData(x, lo)
    item.curves[1].setData(x, hi)
    item.set_bounds(BOUNDS)
    item.update_band([(0.0, 100.0)], 0.3)
    return item


def render(item: BandItem, exposed: QRectF, clip: QRect | None) -> np.ndarray:
    """The band painted with ``exposed`` as its exposed rect (data coordinates), clipped to
    ``clip`` (device pixels): the image's pixels (H, W, 4)."""
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("white"))
    p = QPainter(img)
    try:
        if clip is not None:
            p.setClipRect(clip)
        p.scale(W / 110, -H / 5)
        p.translate(5, -2.5)
        opt = QStyleOptionGraphicsItem()
        opt.exposedRect = exposed
        item.paint(p, opt, None)
    finally:
        p.end()
    return np.frombuffer(img.constBits(), np.uint8).reshape(H, W, 4).copy()


@pytest.mark.parametrize("gaps", [False, True])
@pytest.mark.parametrize("x0", [3.0, 47.5, 60.0, 96.0])
def test_a_stretch_repainted_shows_what_the_whole_band_shows_there(qapp, gaps, x0):
    item = band(gaps=gaps)
    stretch = QRectF(x0, BOUNDS.top(), 3.0, BOUNDS.height())
    clip = QRect(round((x0 + 5) * W / 110), 0, round(3.0 * W / 110), H)
    whole = render(item, BOUNDS, clip)
    assert item._band is not None  # (painted whole: its path is kept)
    part = render(band(gaps=gaps), stretch, clip)
    assert (whole != render(band(), QRectF(), QRect(0, 0, 1, 1))).any(axis=-1).sum() > 50
    np.testing.assert_array_equal(part, whole)


def test_the_part_is_the_points_there_and_two_on_each_side(qapp):
    item = band()
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)  # (outlives the painter)
    p = QPainter(img)
    try:
        p.scale(W / 110, -H / 5)
        opt = QStyleOptionGraphicsItem()
        opt.exposedRect = QRectF(50.0, BOUNDS.top(), 1.0, BOUNDS.height())
        path = item._exposed_part(p, opt, BOUNDS)
        x = item.curves[0].getData()[0]
        pad = 4 / (W / 110)  # SPAN_MARGIN_PX pixels
        inside = int(((x >= 50.0 - pad) & (x <= 51.0 + pad)).sum())
        assert path.elementCount() == 2 * (inside + 4)  # both edges, there and 2 each side
        opt.exposedRect = BOUNDS
        assert item._exposed_part(p, opt, BOUNDS) is None  # the whole band
    finally:
        p.end()
    assert item._band is None  # (never painted whole: no whole path built)


def test_curves_changing_drop_the_whole_path(qapp):
    item = band()
    render(item, BOUNDS, None)
    assert item._band is not None
    x, lo = item.curves[0].getData()
    item.curves[0].setData(x, lo - 1.0)
    item.update_band([(90.0, 100.0)], 0.3)
    assert item._band is None
    fresh = band()
    fresh.curves[0].setData(x, lo - 1.0)
    fresh.update_band()
    np.testing.assert_array_equal(render(item, BOUNDS, None), render(fresh, BOUNDS, None))
