"""The pyqtgraph items of the time plots (curve, legend sample and key, band) and their pens
and fonts; the axes are in :mod:`widgets.plot_axes`."""

from __future__ import annotations

from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QPainter,
    QPainterPath,
    QPen,
    QPolygonF,
    QTransform,
)
from PySide6.QtWidgets import QGraphicsItem

from widgets import style as look

FONT_PT = 11
LABEL_PT = 12

# Dash patterns (in pen widths) for the line styles of the time plots: unlike Qt's own, a
# dashed and a dash-dotted line stay apart at every width (short dashes; long dash and dot).
DASHES = {Qt.PenStyle.DashLine: [3.0, 2.0], Qt.PenStyle.DotLine: [1.0, 1.5],
          Qt.PenStyle.DashDotLine: [7.0, 2.0, 1.0, 2.0]}


def _pen(color: str, style: Qt.PenStyle = Qt.PenStyle.SolidLine, width: float = 2.0):
    pen = pg.mkPen(color, width=look.lw(width), style=style)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if style in DASHES:
        pen.setDashPattern(DASHES[style])
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


# Device-pixel offsets of the 1-px copies that make up an aliased 2- or 3-px line (see Curve).
_COPIES = {1: ((0, 0),), 2: ((0, 0), (-1, 0), (0, -1)),
           3: ((0, 0), (-1, 0), (1, 0), (0, -1), (0, 1))}
_SHIFTS = {n: tuple(QTransform.fromTranslate(dx, dy) for dx, dy in offs)
           for n, offs in _COPIES.items()}
# n copies one above the other: an n-px line of horizontal segments (see thin_copies)
_HSHIFTS = {n: tuple(QTransform.fromTranslate(0, dy) for dy in range(-(n // 2), n - n // 2))
            for n in range(1, 11)}  # (round(9.5): 10)


def thin_copies(pen: QPen, horizontal: bool = False) -> tuple[QPen, tuple[QTransform, ...]] | None:
    """For a cosmetic pen 1.5-3.5 px wide: the 1-px pen (same colour, style and dash lengths in
    pixels) and the shifts of its copies (:data:`_COPIES`) that draw the same aliased line; a
    pen of at most 1 px: itself, drawn once; None for any other pen. ``horizontal``: the lines
    are horizontal segments only (the gradient plot's rails): n copies one above the other draw
    an n-px pen, up to 9 px."""
    w = pen.widthF()
    if not pen.isCosmetic() or pen.style() == Qt.PenStyle.NoPen:
        return None
    if w <= 1.0:  # Qt's fast path already: drawn once, as it is
        return pen, _SHIFTS[1]
    n = round(w)
    if horizontal and w <= 9.5:
        shifts = _HSHIFTS[n]
    elif 1.5 <= w <= 3.5:
        shifts = _SHIFTS[n]
    else:
        return None
    thin = QPen(pen)
    thin.setWidthF(1.0)
    if pen.style() != Qt.PenStyle.SolidLine:  # dash lengths are in pen widths: keep the pixels
        thin.setDashPattern([v * n for v in pen.dashPattern()])
        thin.setDashOffset(pen.dashOffset() * n)
    return thin, shifts


_ANTIALIASING = QPainter.RenderHint.Antialiasing  # (an enum's attribute: ~0.2 µs a look-up)
_VOIDPTR = pg.Qt.compat.voidptr
_ALL = np.logical_and.reduce  # (ndarray.all goes through a Python function: ~1 µs more)

SPAN_MARGIN_PX = 4  # repainted beyond a changed stretch of a curve: its width, its copies


def changed_spans(xo: np.ndarray, yo: np.ndarray, x: np.ndarray, y: np.ndarray
                  ) -> list[tuple[float, float]]:
    """The x spans where the polyline through ``(x, y)`` is drawn otherwise than the one through
    ``(xo, yo)`` (``x`` non-decreasing in both; a NaN ``y`` breaks the line): [] when they are
    the same; points dropped at the front (a sliding window), and everything from the last point
    in common on. One span covering both when the new line's first point is not an old one."""
    n, no = len(x), len(xo)
    if n == 0 or no == 0:
        ends = [float(v) for a in (x, xo) if len(a) for v in (a[0], a[-1])]
        return [(min(ends), max(ends))] if ends else []
    i = 0 if xo[0] == x[0] else int(np.searchsorted(xo, x[0]))
    if i >= no or xo[i] != x[0]:
        return [(float(min(x[0], xo[0])), float(max(x[-1], xo[-1])))]
    m = min(no - i, n)
    if xo.dtype == x.dtype == yo.dtype == y.dtype == np.float64:  # bits: NaN is NaN (~3x faster)
        diff = np.not_equal(xo[i:i + m].view(np.int64), x[:m].view(np.int64))
        diff |= np.not_equal(yo[i:i + m].view(np.int64), y[:m].view(np.int64))
    else:
        oy, ny = yo[i:i + m], y[:m]
        with np.errstate(invalid="ignore"):
            diff = (xo[i:i + m] != x[:m]) | ((oy != ny) & ~(np.isnan(oy) & np.isnan(ny)))
    k = int(diff.argmax()) if m else 0
    if m and not diff[k]:
        k = m  # (no point differs: k is the first point not in common)
    spans = []
    if i > 0:  # old points dropped at the front: from the old first point to the new first
        spans.append((float(xo[0]), float(x[0])))
    if k < m or n != m or no - i != m:  # from the last point in common to either line's end
        start = x[k - 1] if k > 0 else x[0]
        if 0 < k < n and i + k < no and y[k] == y[k - 1] == yo[i + k]:
            start = min(x[k], xo[i + k])  # a level segment made longer or shorter: its end
        spans.append((float(start), float(max(x[-1], xo[-1]))))
    return spans


def mark_spans(item: QGraphicsItem, known: QRectF, spans: list[tuple[float, float]],
               px: float) -> None:
    """Mark the x ``spans`` of ``item`` (the full height of its bounding rect ``known``) for
    repainting, :data:`SPAN_MARGIN_PX` pixels (``px`` wide in x) wider on each side."""
    m = SPAN_MARGIN_PX * px
    for a, b in spans:
        item.update(QRectF(a - m, known.top(), b - a + 2 * m, known.height()))


def mark_scene_spans(view_group: QGraphicsItem, known: QRectF,
                     spans: list[tuple[float, float]], px: float) -> None:
    """Mark the x ``spans`` of the items in ``view_group`` (a view's child group: data
    coordinates; bounds ``known``) for repainting, as :func:`mark_spans` does for one item, in
    one scene update per stretch of overlapping spans: the view repaints what is there of every
    item alike, so the spans of all of a plot's curves need no update call each (nor Qt's dirty
    bookkeeping for each: ~40 items a frame)."""
    scene = view_group.scene()
    if scene is None or not spans:
        return
    m = SPAN_MARGIN_PX * px
    top, height = known.top(), known.height()
    spans = sorted(spans)
    a, b = spans[0]
    for c, d in [*spans[1:], (np.inf, np.inf)]:
        if c <= b + 2 * m:  # (overlapping, margins included: one stretch)
            b = max(b, d)
            continue
        scene.update(view_group.mapRectToScene(QRectF(a - m, top, b - a + 2 * m, height)))
        a, b = c, d


# Set while a view paints its whole viewport (see :class:`WholePaintView`): every item it
# paints is painted whole, and none needs to work out which part of it is repainted.
_WHOLE_PAINT = [False]


class WholePaintView(pg.GraphicsLayoutWidget):
    """A GraphicsLayoutWidget that tells its items when a paint covers the whole viewport (a
    sliding history at top speed repaints it whole every other frame): they then skip working
    out the part of them repainted (Curve._exposed_polylines and BandItem._exposed_part return
    before :func:`exposed_points`: ~70 µs a curve, ~35 curves)."""

    def paintEvent(self, ev: Any) -> None:
        region = ev.region()
        whole = region.rectCount() == 1 and region.boundingRect().contains(
            self.viewport().rect())
        _WHOLE_PAINT[0] = whole
        try:
            super().paintEvent(ev)
        finally:
            _WHOLE_PAINT[0] = False


def painted_part(p: QPainter, rect: QRectF, exposed: QRectF) -> QRectF | None:
    """The part of ``exposed`` (an item's exposed rect, in its coordinates: the bounding rect
    of the whole region a view repaints) that is painted within ``rect`` (the item's bounds):
    the bounding rect of the painter's system clip (the region repainted, in device pixels)
    where it meets ``rect``. A view repainting a strip at the plots' right end and a label at
    the top of the first plot gives every item an exposed rect reaching from the label to the
    strip, where the items of the other plots are repainted in the strip only. None where
    nothing of ``rect`` is painted; ``exposed`` itself without a system clip (an export)."""
    engine = p.paintEngine()
    clip = engine.systemClip() if engine is not None else None
    if clip is None or clip.isEmpty():
        return exposed
    to_device = p.deviceTransform()
    box = clip.intersected(to_device.mapRect(rect).toAlignedRect()).boundingRect()
    if box.isEmpty():
        return None
    from_device, invertible = to_device.inverted()
    if not invertible:
        return exposed
    return exposed.intersected(from_device.mapRect(QRectF(box)))


def exposed_points(p: QPainter, exposed: QRectF, known: QRectF, x: np.ndarray,
                   scale: float) -> slice | None:
    """The points of ``x`` (never decreasing) an item of bounds ``known`` paints where
    ``exposed`` (its exposed rect; see :func:`painted_part`) is repainted: those within
    :data:`SPAN_MARGIN_PX` pixels (``scale`` pixels a unit of x) of it and two more on each
    side; an empty slice where none of it is repainted; None where about all of it is (90% of
    its width or more) or the exposed rect is not known: the whole item is to be painted."""
    if not exposed.isValid():
        return None
    r = exposed
    if r.width() >= 0.5 * known.width():
        r = painted_part(p, known, r)
        if r is None or r.isEmpty():
            return slice(0, 0)
        if r.width() >= 0.9 * known.width():
            return None
    pad = SPAN_MARGIN_PX / scale if scale > 0 else 0.0
    a, b = x.searchsorted((r.left() - pad, r.right() + pad)).tolist()
    return slice(max(a - 2, 0), min(b + 2, len(x)))


_SHIFTED: dict[int, tuple[QTransform, tuple[QTransform, ...], list[QTransform]]] = {}


def _shifted(tr: QTransform, shifts: tuple[QTransform, ...]) -> list[QTransform]:
    """``tr`` followed by each of ``shifts`` (device-pixel offsets), kept for the next curve
    painted with the same transform and shifts (the curves of a plot, one after the other:
    ~40 QTransform products a frame fewer)."""
    held = _SHIFTED.get(id(shifts))
    if held is not None and held[1] is shifts and held[0] == tr:
        return held[2]
    moved = [tr * s for s in shifts]
    if len(_SHIFTED) > 32:  # (the shifts are the module's own, ~12 tuples: never in practice)
        _SHIFTED.clear()
    _SHIFTED[id(shifts)] = (tr, shifts, moved)
    return moved


def _polyline(x: np.ndarray, y: np.ndarray) -> QPolygonF:
    """The points ``(x, y)`` as a polyline, filled straight from the arrays (pyqtgraph's
    create_qpolygonf and ndarray_from_qpolygonf, inline)."""
    n = len(x)
    poly = QPolygonF()
    poly.resize(n)
    xy = np.frombuffer(_VOIDPTR(poly.data(), 16 * n, True), dtype=np.float64).reshape(n, 2)
    xy[:, 0] = x
    xy[:, 1] = y
    return poly


def run_polylines(x: np.ndarray, y: np.ndarray, max_runs: int) -> list[QPolygonF] | None:
    """The runs of finite points (of two or more) as polylines; None past ``max_runs`` runs."""
    ok = np.isfinite(x)
    ok &= np.isfinite(y)
    if _ALL(ok):  # (no data or one point: no line, and no empty polygon to fill)
        return [_polyline(x, y)] if len(x) >= 2 else []
    padded = np.zeros(len(ok) + 2, dtype=bool)  # (np.diff with prepend and append: 3x)
    padded[1:-1] = ok
    edges = np.flatnonzero(padded[1:] != padded[:-1])
    runs = [(a, b) for a, b in zip(edges[0::2].tolist(), edges[1::2].tolist(), strict=True)
            if b - a >= 2]
    if len(runs) > max_runs:
        return None
    return [_polyline(x[a:b], y[a:b]) for a, b in runs]


class Curve(pg.PlotCurveItem):
    """A PlotCurveItem whose bounding rect is given by its owner (the plot's view, which holds
    every point drawn) instead of being recomputed after each setData from nanmin/nanmax over
    the data and pixel-size queries: ~40 µs an item, ~2 ms a frame for ~50 curves.

    Painted (aliased, on screen) as copies of a 1-px line shifted by a pixel instead of one
    2-px line: Qt's raster engine draws a 1-px cosmetic line on its fast path (~20 µs for 200
    vertices) but strokes a wider or dashed one into a polygon first (~150-220 µs); the three
    copies (2 px: the line, one left, one up) cover the same pixels give or take a pixel's edge.
    An antialiased pen of at most 1 px is drawn once, as one polyline (see ``fast_aa``). A
    curve whose x never decreases, repainted in a narrow stretch, draws the part there only
    (solid pens, antialiased or not: see ``_exposed_polylines``).
    Exports (SVG, PNG), other antialiased curves and high-DPI screens (where a pixel of the
    painter is not one of the device) are painted by pyqtgraph as before."""

    MAX_RUNS = 16
    fast = True  # paint 1-px copies (False: pyqtgraph's own paint, e.g. to compare)
    # an antialiased pen of at most 1 px (the z band's edges) without gaps drawn as one
    # polyline: Qt's raster engine strokes it and pyqtgraph's path of the same points with the
    # same cosmetic stroker (the same pixels), without building the path (~40 µs an item), or
    # the part of it repainted (~24 µs against ~41 for the whole line); with gaps pyqtgraph's
    # paint (its runs end a pixel differently)
    fast_aa = True

    def __init__(self, *args: Any, horizontal: bool = False, **kwargs: Any):
        super().__init__(*args, **kwargs)
        self.horizontal = horizontal  # horizontal segments only (see thin_copies)
        self._known: QRectF | None = None
        # the pen, its thin copies (see thin_copies) and whether they are solid
        self._thin: tuple[QPen, tuple[QPen, tuple[QTransform, ...]] | None, bool] | None = None
        self._polylines: list[QPolygonF] | bool | None = None  # False: too many runs
        self._gapless: bool | None = None  # every point finite (None: not looked at yet)
        self._mono = False  # x never decreases (set_xy with px): see _exposed_polylines
        # (Qt works out the exposed part of the item for paint: see _exposed_polylines)
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)

    def updateData(self, *args: Any, **kwargs: Any) -> None:
        super().updateData(*args, **kwargs)
        self._polylines = None
        self._gapless = None
        self._mono = False

    def set_xy(self, x: np.ndarray, y: np.ndarray, px: float = 0.0, mark: bool = True
               ) -> list[tuple[float, float]] | None:
        """``setData(x, y)`` for 1-D float arrays of one length, without what pyqtgraph's does
        for items whose bounds the view follows (bounds, signals, checks: ~25 µs an item); once
        :meth:`set_bounds` has given the bounding rect (else setData).

        ``px`` > 0: ``x`` never decreases (as in the old data) and a pixel is ``px`` wide in x;
        only the stretches where the line changed are marked for repainting (see
        :func:`changed_spans`; a curve that grew by a few steps: a strip at its end), with
        :data:`SPAN_MARGIN_PX` on each side for the line's width. Returns those spans (None:
        the whole curve was marked); ``mark`` False: the caller marks them (see
        :func:`mark_scene_spans`)."""
        d = self.__dict__  # (plain attributes: see _hold)
        old = d["xData"]
        if not len(x) and old is not None and not len(old):
            return []  # empty, and it was (a rail without exact zeros): nothing to redraw
        if d["_known"] is None or old is None or not len(x) or not len(old):
            self.setData(x, y)
            return None
        spans = changed_spans(old, d["yData"], x, y) if px > 0 else None
        if spans == []:
            return spans  # the same line
        self._hold(x, y, mono=px > 0)
        if spans is None:
            self.update()
            return None
        if mark:
            mark_spans(self, d["_known"], spans, px)
        return spans

    def _hold(self, x: np.ndarray, y: np.ndarray, mono: bool) -> None:
        """Hold ``(x, y)``, dropping what pyqtgraph and this item made of the old data (plain
        attributes, set in the dict: ~10x cheaper than setattr on a Qt wrapper, ~4 µs an item a
        frame)."""
        self.__dict__.update(xData=x, yData=y, path=None, fillPath=None, _fillPathList=None,
                             _mouseShape=None, _lineSegmentsRendered=False, _polylines=None,
                             _gapless=None, _mono=mono)

    def set_tail(self, x_from: float, x: np.ndarray, y: np.ndarray, px: float,
                 mark: bool = True) -> list[tuple[float, float]] | None:
        """Keep the points left of ``x_from`` and put ``(x, y)`` (all at ``x_from`` or right of
        it) after them; x never decreases and a pixel is ``px`` wide in x (see :meth:`set_xy`).
        Only the stretch from the last point kept on is marked for repainting (``mark`` False:
        by the caller), and returned; None (nothing done) without a bounding rect given or
        points held."""
        d = self.__dict__
        old_x, old_y = d["xData"], d["yData"]
        if d["_known"] is None or old_x is None or not len(old_x) or not len(x) or px <= 0:
            return None
        c = int(old_x.searchsorted(x_from))
        start = float(old_x[c - 1]) if c else float(x[0])
        spans = [(start, max(float(x[-1]), float(old_x[-1])))]
        self._hold(np.concatenate((old_x[:c], x)), np.concatenate((old_y[:c], y)), mono=True)
        if mark:
            mark_spans(self, d["_known"], spans, px)
        return spans

    def polylines(self) -> list[QPolygonF] | None:
        """The finite runs of the data as polylines (filled straight from the arrays: ~3 µs,
        where pyqtgraph's path takes ~30 µs for 200 points); None when there are more than
        MAX_RUNS runs (the path then, drawn in one call)."""
        if self._polylines is None:
            polys = run_polylines(self.xData, self.yData, self.MAX_RUNS)
            self._polylines = False if polys is None else polys
        if self._polylines is False:
            return None
        return self._polylines

    def gapless(self) -> bool:
        """Whether every point is finite (the line is one run)."""
        if self._gapless is None:
            self._gapless = bool(np.isfinite(self.xData).all() and np.isfinite(self.yData).all())
        return self._gapless

    def _exposed_polylines(self, p: QPainter, opt: Any, solid: bool, p_transform: QTransform
                           ) -> list[QPolygonF] | None:
        """For data whose x never decreases (see set_xy), exposed in a stretch short of the
        whole (a frame that repaints the curves' ends, or a changed label's area and the ends:
        up to 90% of the width), drawn with a ``solid`` pen (a dash pattern runs on from
        the line's start): the polylines of the points there and two on each side, built for
        this paint only (the whole line costs ~20 µs to build and ~15 µs a copy to stroke,
        clipped or not); None otherwise.

        Two on each side: Qt draws a polyline's first and last segments from their ends
        extended by half a pixel (the line's caps), and an antialiased segment's coverage is
        worked out from where it starts, so a part's first segment differs from the same
        segment in the whole line by a level or two of alpha along its length. The end
        segments of a part lie wholly outside the stretch repainted (pixel-tested against full
        repaints, antialiased and not)."""
        known = self._known
        if _WHOLE_PAINT[0] or not self._mono or opt is None or known is None or not solid:
            return None
        x = self.xData
        part = exposed_points(p, opt.exposedRect, known, x, abs(p_transform.m11()))
        if part is None:
            return None  # (about all of it: the whole line, kept for the next paint)
        if part.stop - part.start < 2:
            return []
        return run_polylines(x[part], self.yData[part], self.MAX_RUNS)

    def paint(self, p: QPainter, opt: Any, widget: Any) -> None:
        if self.xData is None or len(self.xData) == 0:
            return
        pen = self.opts["pen"]
        if self._thin is None or self._thin[0] is not pen:
            copies = thin_copies(pen, self.horizontal)
            solid = copies is not None and copies[0].style() == Qt.PenStyle.SolidLine
            self._thin = (pen, copies, solid)
        _, thin, solid = self._thin
        aa = bool(self.opts["antialias"])
        tr = p.transform()
        # (a pixel of the painter's device: the widget's, on screen; without one, the device's)
        ratio = (widget if widget is not None else p.device()).devicePixelRatioF()
        if (thin is None or not self.fast or self._exportOpts is not False
                or (aa and (thin[0] is not pen or not self.fast_aa))
                or self.opts["fillLevel"] is not None or self.opts["shadowPen"] is not None
                or self.opts["compositionMode"] is not None
                or not tr.isAffine() or ratio != 1.0):
            super().paint(p, opt, widget)
            return
        if aa and not self.gapless():
            super().paint(p, opt, widget)  # pyqtgraph's path: its runs end a little differently
            return
        polys = self._exposed_polylines(p, opt, solid, tr)
        if polys is None:
            polys = self.polylines()  # (None: more runs than MAX_RUNS; never when gapless)
        p.setRenderHint(_ANTIALIASING, aa)
        p.setPen(thin[0])
        path = self.getPath() if polys is None else None
        for moved in _shifted(tr, thin[1]):
            p.setTransform(moved)
            if path is not None:
                p.drawPath(path)
            else:
                for poly in polys:
                    p.drawPolyline(poly)
        p.setTransform(tr)

    def viewTransformChanged(self) -> None:
        # pyqtgraph re-derives the bounds (pen width in data units) when the view's range moves;
        # a rect given by set_bounds is in data units and holds the pen already
        if self._known is None:
            super().viewTransformChanged()

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
    """A legend sample: a horizontal stretch of the item's pen (long enough for its dashes to
    read), centred on its own height (:meth:`set_size` follows the key's font)."""

    W, H = 38, 26  # px at the normal font (26: the height of an 11-pt label)

    def __init__(self, item: Any):
        super().__init__(item)
        self.set_size(self.W, self.H)

    def set_size(self, w: float, h: float) -> None:
        self.w, self.h = float(w), float(h)
        self.setFixedWidth(self.w)
        self.setFixedHeight(self.h)
        self.prepareGeometryChange()
        self.update()

    def boundingRect(self):
        return QRectF(0, 0, self.w, self.h)

    def paint(self, p, *args) -> None:
        opts = self.item.opts
        mid = self.h / 2
        if opts.get("fillLevel") is not None and opts.get("fillBrush") is not None:
            p.setPen(pg.mkPen(None))
            p.setBrush(pg.mkBrush(opts["fillBrush"]))
            band = min(12.0, self.h * 0.5)
            p.drawRect(QRectF(2, mid - band / 2, self.w - 4, band))
        else:
            p.setPen(opts["pen"])
            p.drawLine(QPointF(2, mid), QPointF(self.w - 2, mid))


class StyleKey(pg.LegendItem):
    """A vertical key of line styles: each label level with its sample, whatever the height of
    the cell it is laid out in (pyqtgraph's LegendItem stretches a label to its row's height
    and draws the text at the top of it, above the vertically centred sample)."""

    def __init__(self, pt: float, columns: int = 1, spacing: int = 4, color: str = "k"):
        super().__init__(horSpacing=spacing, verSpacing=-6, colCount=columns, brush=None,
                         pen=None, labelTextSize=f"{pt:g}pt", labelTextColor=color,
                         sampleType=LineSample)

    def _addItemToLayout(self, sample: Any, label: Any) -> None:
        i = next(k for k, (s, _) in enumerate(self.items) if s is sample)  # (listed already)
        row, col = divmod(i, self.columnCount)
        centre = Qt.AlignmentFlag.AlignVCenter
        self.layout.addItem(sample, row, 2 * col, alignment=centre)
        self.layout.addItem(label, row, 2 * col + 1,
                            alignment=centre | Qt.AlignmentFlag.AlignLeft)
        self.rowCount = max(self.rowCount, row + 1)
        self._fit(sample, label)

    def _fit(self, sample: LineSample, label: Any) -> None:
        h = label.itemRect().height()
        label.setMaximumHeight(h)  # never taller than its text: centred in the row
        sample.set_size(max(LineSample.W, 1.45 * h), h)

    def set_label_style(self, color: str, pt: float) -> None:
        """Every label in ``color`` at ``pt`` points; the samples follow the labels' height."""
        for sample, label in self.items:
            label.setMaximumHeight(1e6)
            label.setText(label.text, color=color, size=f"{pt:g}pt")
            self._fit(sample, label)
        self.updateSize()


class BandItem(pg.FillBetweenItem):
    """FillBetweenItem that rebuilds its path once, when told (:meth:`update_band`), from the two
    curves' arrays in one vectorized pass. pyqtgraph's version rebuilds on each curve's change
    (twice a frame) via QPolygonF concatenation: ~4 ms per band per frame at 1,700 points.

    Once :meth:`set_bounds` has given its bounding rect (the view), it paints the path itself
    (QGraphicsPathItem's setPath marks the whole old and new areas for repainting): a band whose
    curves changed only at their end repaints a strip there, and builds the path of that part
    only: the whole band's path (~40 µs a band) is built when it is painted whole."""

    def curveChanged(self) -> None:  # the owner calls update_band() after setting both curves
        pass

    def updatePath(self) -> None:
        self.update_band()

    def set_bounds(self, rect: QRectF) -> None:
        """Use ``rect`` (data coordinates) as the bounding rect from now on."""
        if rect != getattr(self, "_known", None):
            if getattr(self, "_known", None) is None:  # (paint learns the part exposed)
                self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemUsesExtendedStyleOption)
            self.prepareGeometryChange()
            self._known = rect

    def boundingRect(self) -> QRectF:
        known = getattr(self, "_known", None)
        return super().boundingRect() if known is None else known

    def paint(self, p: QPainter, opt: Any = None, widget: Any = None) -> None:
        known = getattr(self, "_known", None)
        if known is None:  # (no bounds given yet: pyqtgraph's path, set by update_band)
            super().paint(p, opt, widget)
            return
        p.setPen(self.pen())
        p.setBrush(self.brush())
        part = self._exposed_part(p, opt, known)
        if part is None:
            band = getattr(self, "_band", None)
            if band is None:  # (built when the whole band is painted, kept until it changes)
                band = self._band = self._band_path()
            p.drawPath(band)
        elif not part.isEmpty():
            p.drawPath(part)

    def _exposed_part(self, p: QPainter, opt: Any, known: QRectF) -> QPainterPath | None:
        """The band between its curves' points in the stretch repainted and two on each side
        (see Curve._exposed_polylines), as a path; None where the whole band is to be painted
        (the stretch is about the whole width, or not known). Filled, it covers the pixels of
        the stretch as the whole band does: the edges closing it at its ends lie outside the
        stretch, and a point inside is inside both (an odd-even fill: the rest of the band,
        wholly left or right of it, adds no crossing)."""
        if _WHOLE_PAINT[0]:
            return None
        x1, x2 = self.curves[0].getData()[0], self.curves[1].getData()[0]
        if opt is None or x1 is None or x2 is None or len(x1) != len(x2):
            return None
        part = exposed_points(p, opt.exposedRect, known, x1, abs(p.transform().m11()))
        return None if part is None else self._band_path(part)

    def _band_path(self, part: slice | None = None) -> QPainterPath:
        """The filled area between the two curves: one closed polygon per finite run (of the
        points in ``part`` only, if given)."""
        if self.curves is None:
            return QPainterPath()
        x1, y1 = self.curves[0].getData()
        x2, y2 = self.curves[1].getData()
        if x1 is None or x2 is None or len(x1) == 0 or len(x1) != len(x2):
            return QPainterPath()
        if part is not None:
            x1, y1, x2, y2 = x1[part], y1[part], x2[part], y2[part]
            if len(x1) < 2:
                return QPainterPath()
        ok = np.isfinite(x1) & np.isfinite(y1) & np.isfinite(x2) & np.isfinite(y2)
        if _ALL(ok):  # (pyqtgraph's arrayToQPath(connect="all") as it builds it: ~10 µs less)
            path = QPainterPath()
            path.addPolygon(_polyline(np.concatenate((x1, x2[::-1])),
                                      np.concatenate((y1, y2[::-1]))))
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
                return QPainterPath()
            path = pg.arrayToQPath(np.concatenate(xs_parts), np.concatenate(ys_parts),
                                   connect=np.concatenate(conn_parts), finiteCheck=False)
        path.setFillRule(self.fillRule())
        return path

    def update_band(self, spans: list[tuple[float, float]] | None = None,
                    px: float = 0.0, mark: bool = True) -> None:
        """Rebuild the path from the curves; ``spans`` (x stretches, see
        :func:`changed_spans`) and ``px`` (a pixel's width in x): repaint only those stretches
        (the curves changed nowhere else; ``mark`` False: the caller marks them), else the
        whole band."""
        known = getattr(self, "_known", None)
        if known is None:
            self.setPath(self._band_path())
            return
        if spans == []:
            return
        self._band = None  # (the whole band's path: built when it is painted whole)
        if spans is None or px <= 0:
            self.update()
            return
        if mark:  # (else the caller marks them: see mark_scene_spans)
            mark_spans(self, known, spans, px)
