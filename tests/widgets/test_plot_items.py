"""The time plots' Curve: painted as shifted 1-px copies (the same pixels as Qt's wider pen, give
or take a pixel's edge), pyqtgraph's own paint for exports; set_xy is setData for the frame."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
import pytest
from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from widgets.plot_items import Curve, thin_copies

W, H = 400, 200


def _pen(color: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine, width: float = 2.0) -> QPen:
    """The time plots' pen (plot_items._pen) without the presentation mode's line scale."""
    pen = pg.mkPen(color, width=width, style=style)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    return pen


def render(curve: Curve, fast: bool) -> np.ndarray:
    """The curve painted on white (data (0..100, -1..1) over the image); True where inked."""
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.scale(W / 100, -H / 2.2)
    p.translate(0, -1.1)
    old = Curve.fast
    Curve.fast = fast
    try:
        curve.paint(p, QStyleOptionGraphicsItem(), None)
    finally:
        Curve.fast = old
        p.end()
    a = np.frombuffer(img.constBits(), np.uint8).reshape(H, W, 4)
    return a[..., :3].min(axis=-1) < 200


def walk(n: int = 300, seed: int = 3, gaps: bool = False) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = np.linspace(0, 100, n)
    y = np.cumsum(rng.standard_normal(n))
    y[n // 3:] -= 15  # a steep drop, like a shock
    y = (y - y.min()) / np.ptp(y) * 2 - 1
    if gaps:
        y[50:60] = np.nan
        y[n - 20] = np.nan
    return x, y


def near(a: np.ndarray, b: np.ndarray) -> float:
    """Share of a's ink within one pixel of b's ink."""
    grown = b.copy()
    for dy, dx in ((0, 1), (0, -1), (1, 0), (-1, 0), (1, 1), (-1, -1), (1, -1), (-1, 1)):
        grown |= np.roll(np.roll(b, dy, axis=0), dx, axis=1)
    return float((a & grown).sum() / a.sum())


@pytest.mark.parametrize("style", [Qt.PenStyle.SolidLine, Qt.PenStyle.DashLine,
                                   Qt.PenStyle.DotLine, Qt.PenStyle.DashDotLine])
@pytest.mark.parametrize("gaps", [False, True])
def test_fast_paint_inks_what_the_wide_pen_inks(qapp, style, gaps):
    c = Curve(pen=_pen("#d55e00", style, 2.0), connect="finite", antialias=False)
    c.setData(*walk(gaps=gaps))
    fast, ref = render(c, True), render(c, False)
    c.setPen(_pen("#d55e00", Qt.PenStyle.SolidLine, 2.0))
    line = render(c, False)  # where the line runs, dashes or not
    assert ref.sum() > 500
    assert near(fast, line) > 0.98  # on the line
    if style == Qt.PenStyle.SolidLine:  # the same pixels, give or take an edge
        assert 0.93 < fast.sum() / ref.sum() < 1.1  # (steep stretches: a little more)
        assert near(ref, fast) > 0.98
    else:  # dashes of the same lengths in pixels (their phase may differ along steep stretches;
        # a copy shifted along a flat stretch makes a dot a pixel longer)
        assert 0.85 < fast.sum() / ref.sum() < 1.3


def test_fast_paint_of_a_rail_is_the_thick_horizontal_bar(qapp):
    c = Curve(pen=_pen("#d55e00", width=5), connect="finite", antialias=False, horizontal=True)
    x = np.array([10.0, 40.0, np.nan, 60.0, 90.0])
    y = np.array([0.0, 0.0, np.nan, 0.5, 0.5])
    c.setData(x, y)
    fast, ref = render(c, True), render(c, False)
    assert fast.sum() == pytest.approx(ref.sum(), rel=0.05)
    assert near(fast, ref) == 1.0
    assert (fast.sum(axis=0)[50:150] == 5).all()  # 5 px tall


def test_thin_copies():
    pen = _pen("#000000", Qt.PenStyle.DashLine, 2.0)
    thin, shifts = thin_copies(pen)
    assert thin.widthF() == 1.0 and len(shifts) == 3
    assert thin.dashPattern() == [2 * v for v in pen.dashPattern()]  # the same pixels long
    assert thin.color() == pen.color()
    assert thin_copies(_pen("#000000", width=1.0))[0].widthF() == 1.0
    assert len(thin_copies(_pen("#000000", width=3.2))[1]) == 5
    assert thin_copies(_pen("#000000", width=5.0)) is None  # Qt's own stroke
    assert len(thin_copies(_pen("#000000", width=5.0), horizontal=True)[1]) == 5
    wide = _pen("#000000", width=2.0)
    wide.setCosmetic(False)
    assert thin_copies(wide) is None


def test_antialiased_and_exported_curves_are_painted_by_pyqtgraph(qapp, monkeypatch):
    calls = []
    monkeypatch.setattr(pg.PlotCurveItem, "paint", lambda self, *a: calls.append(self))
    smooth = Curve(pen=_pen("#000000"), antialias=True)
    smooth.setData(*walk())
    render(smooth, True)
    assert calls == [smooth]
    c = Curve(pen=_pen("#000000"), antialias=False)  # (as the time plots make them)
    c.setData(*walk())
    c.setExportMode(True, {"antialias": True})
    render(c, True)
    assert calls == [smooth, c]
    c.setExportMode(False)
    assert render(c, True).sum() > 500  # on screen: the copies
    assert calls == [smooth, c]


def test_set_xy_is_set_data(qapp):
    a, b = (Curve(pen=_pen("#000000"), antialias=False) for _ in range(2))
    rect = QRectF(-5, -1.2, 110, 2.4)
    x0, y0 = walk(seed=1)
    for c in (a, b):
        c.setData(x0, y0)
        c.set_bounds(rect)
    x1, y1 = walk(n=120, seed=2, gaps=True)
    a.set_xy(x1, y1)
    b.setData(x1, y1)
    for c in (a, b):
        x, y = c.getData()
        np.testing.assert_array_equal(x, x1)
        np.testing.assert_array_equal(y, y1)
        assert c.boundingRect() == rect
    np.testing.assert_array_equal(render(a, True), render(b, True))
    np.testing.assert_array_equal(render(a, False), render(b, False))
    a.set_xy(np.empty(0), np.empty(0))  # empty: through setData (the bounds change)
    assert len(a.getData()[0]) == 0
    a.set_xy(x0, y0)
    np.testing.assert_array_equal(a.getData()[1], y0)


def _points_of(polys) -> list[np.ndarray]:
    return [pg.functions.ndarray_from_qpolygonf(p).copy() for p in polys]


def test_set_tail_keeps_the_points_before_and_draws_them_all(qapp):
    """A curve given new points from some x on (set_tail, as the time plots do frame after
    frame) holds the points before that x and the new ones, marks the stretch from the last
    point kept on, and its polylines are those of all its points (gaps included)."""
    from widgets.plot_items import run_polylines

    rng = np.random.default_rng(3)
    c = Curve(pen=pg.mkPen("k", width=2))
    c.set_bounds(QRectF(0, -2, 1000, 4))
    x = np.arange(300, dtype=float)
    y = np.sin(x / 20)
    c.set_xy(x, y, 1.0)
    assert c.set_tail(300.0, np.array([300.0]), np.array([0.0]), 0.0) is None  # (no px)
    for i in range(60):
        x_from = float(c.xData[-1]) - float(rng.integers(0, 4))
        nx = np.arange(x_from, x_from + rng.integers(1, 8))
        ny = rng.normal(size=len(nx))
        if i % 7 == 3:
            ny[len(ny) // 2] = np.nan  # a gap: the polylines are built afresh
        before, old_end = c.xData[c.xData < x_from], float(c.xData[-1])
        spans = c.set_tail(x_from, nx, ny, 1.0)
        assert np.array_equal(c.xData, np.concatenate((before, nx)))
        assert spans == [(float(before[-1]), max(float(nx[-1]), old_end))]
        if i % 3:  # (sometimes not drawn between two frames)
            got = _points_of(c.polylines())
            want = _points_of(run_polylines(c.xData, c.yData, Curve.MAX_RUNS))
            assert len(got) == len(want)
            assert all(np.array_equal(g, w) for g, w in zip(got, want, strict=True))


def _strip_paint(curve: Curve, strip: tuple[float, float] | None) -> np.ndarray:
    """The curve painted on white as a view paints it (data (0..100, -1..1) over the image),
    whole, or for a repaint of the x ``strip`` (data units) only: clipped to it, given as the
    exposed rect; the image's pixels."""
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    img.fill(QColor("white"))
    p = QPainter(img)
    p.scale(W / 100, -H / 2.2)
    p.translate(0, -1.1)
    opt = QStyleOptionGraphicsItem()
    if strip is not None:
        rect = QRectF(strip[0], -1.1, strip[1] - strip[0], 2.2)
        p.setClipRect(rect)
        opt.exposedRect = rect
    curve.paint(p, opt, None)
    p.end()
    return np.frombuffer(img.constBits(), np.uint32).reshape(H, W).copy()


@pytest.mark.parametrize("aa, pen", [
    (True, pg.mkPen((0, 114, 178, 90), width=1)),  # the z band's edges (square caps)
    (False, _pen("#0072b2")), (False, pg.mkPen("#0072b2", width=2))])
def test_a_repainted_strip_is_what_the_whole_line_draws_there(qapp, aa, pen):
    # coarse, steep segments (10 px apart, up to a third of the image's height): a part whose
    # first segment reached into the strip drew that segment a little differently (square
    # caps, antialiased: the whole segment's coverage shifts)
    rng = np.random.default_rng(5)
    x = np.linspace(0, 100, 41)
    y = np.clip(np.cumsum(rng.standard_normal(41)) * 0.4, -1, 1)
    c = Curve(pen=pen, antialias=aa)
    c.set_bounds(QRectF(0, -1.1, 100, 2.2))
    c.setData(x, y / 2)
    c.set_xy(x, y, px=100 / W)  # (x never decreases: a part may be drawn)
    whole = _strip_paint(c, None)
    assert (whole != 0xFFFFFFFF).sum() > 300
    parts = []
    monkey = Curve.polylines
    try:  # a part, not the whole line, is what the strips draw
        Curve.polylines = lambda self: parts.append(self) or monkey(self)
        for left in np.arange(1.3, 95, 0.7):
            seen = _strip_paint(c, (left, left + 4.0))
            cols = slice(int(np.ceil(left * W / 100)), int(np.floor((left + 4.0) * W / 100)))
            assert np.array_equal(seen[:, cols], whole[:, cols]), left
    finally:
        Curve.polylines = monkey
    assert parts == []


@pytest.mark.parametrize("ratio, on_widget, fast", [(2.0, False, False), (1.0, False, True),
                                                    (1.0, True, True)])
def test_a_device_of_another_pixel_ratio_gets_pyqtgraphs_paint(qtbot, ratio, on_widget, fast):
    """Copies shifted by a pixel are drawn where a pixel of the painter is one of the device: the
    widget's ratio on screen (the widget painted), the image's without a widget."""
    from PySide6.QtWidgets import QWidget

    c = Curve(pen=_pen("#d55e00"), connect="finite", antialias=False)
    c.setData(*walk())
    calls = []
    c._exposed_polylines = lambda *a: calls.append(a)  # (only the fast paint asks for it)
    widget = None
    if on_widget:
        widget = QWidget()
        qtbot.addWidget(widget)
    img = QImage(W, H, QImage.Format.Format_ARGB32_Premultiplied)
    img.setDevicePixelRatio(ratio)
    img.fill(QColor("white"))
    p = QPainter(img)
    try:
        c.paint(p, QStyleOptionGraphicsItem(), widget)
    finally:
        p.end()
    assert widget is None or widget.devicePixelRatioF() == 1.0  # (offscreen)
    assert bool(calls) == fast


def test_the_shifted_transforms_follow_the_painters_transform(qapp):
    """The copies' transforms are kept for the next curve with the same transform and shifts,
    and worked out again for another transform (another plot's, a new range)."""
    from PySide6.QtGui import QTransform

    from widgets.plot_items import _HSHIFTS, _SHIFTS, _shifted

    a, b = QTransform.fromScale(2, -3), QTransform.fromScale(2, -4)
    first = _shifted(a, _SHIFTS[2])
    assert _shifted(QTransform(a), _SHIFTS[2]) is first
    assert [m.dx() for m in first] == [0, -1, 0] and [m.dy() for m in first] == [0, 0, -1]
    other = _shifted(b, _SHIFTS[2])
    assert other is not first and [m.m22() for m in other] == [-4, -4, -4]
    rail = _shifted(a, _HSHIFTS[5])
    assert [m.dy() for m in rail] == [-2, -1, 0, 1, 2]
    assert thin_copies(_pen("#000000", width=5.0), horizontal=True)[1] is _HSHIFTS[5]


def test_a_plots_changed_spans_are_marked_in_one_update_per_stretch(qapp):
    """Overlapping spans (margins included) make one scene update, in scene coordinates, as
    wide as their union plus the margin; a span apart makes its own."""
    from PySide6.QtWidgets import QGraphicsRectItem, QGraphicsScene

    from widgets.plot_items import SPAN_MARGIN_PX, mark_scene_spans

    scene = QGraphicsScene()
    group = QGraphicsRectItem()
    scene.addItem(group)
    group.setPos(100, 50)
    group.setScale(2.0)
    seen = []
    scene.update = lambda r: seen.append(QRectF(r))
    known = QRectF(0, -1, 100, 2)
    px = 0.5  # data units a pixel: the margin is 2 units
    mark_scene_spans(group, known, [(90.0, 95.0), (60.0, 70.0), (93.0, 99.0), (71.0, 80.0)], px)
    m = SPAN_MARGIN_PX * px
    assert seen == [QRectF(100 + 2 * (60 - m), 50 + 2 * -1, 2 * (80 - 60 + 2 * m), 4),
                    QRectF(100 + 2 * (90 - m), 50 + 2 * -1, 2 * (99 - 90 + 2 * m), 4)]
    seen.clear()
    mark_scene_spans(group, known, [], px)
    assert seen == []
