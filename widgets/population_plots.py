"""Plot and layout helpers of the Population tab: min/max decimation of the capacity curves, plots
without a grid, a y axis of neuron counts on a log scale, histogram ranges that do not jump (and
depend on the values drawn alone), and the parts that let the page fit its window at large
presentation fonts: a row of controls that wraps, and a right column as wide as its table that
scrolls when taller than the page.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtWidgets import (
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from widgets import style
from widgets.claim_plots import make_plot
from widgets.plot_axes import FitAxis

MIN_SIDE, MAX_SIDE = 360, 470  # px: the right column's width at the normal font
STRIP_MIN_H = 80  # px: the dropped-versus-dead strip's height at least, 2 px a neuron


def bins_of(x: np.ndarray, y: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) with y (L, T) reduced to at most ~2 points per pixel (min and max per bin)."""
    n = y.shape[1]
    k = max(1, math.ceil(n / max(width, 50)))
    if k == 1:
        return x, y
    m = n // k * k
    lo = y[:, :m].reshape(len(y), -1, k).min(-1)
    hi = y[:, :m].reshape(len(y), -1, k).max(-1)
    xs = np.repeat(x[:m:k], 2)
    ys = np.stack([lo, hi], axis=-1).reshape(len(y), -1)
    if m < n:
        xs = np.concatenate([xs, x[m:]])
        ys = np.concatenate([ys, y[:, m:]], axis=1)
    return xs, ys


def plain_plot(layout: Any, row: int, y_label: str, x_label: str, col: int = 0,
               left: pg.AxisItem | None = None) -> pg.PlotItem:
    """:func:`make_plot` without a grid (an axis drawing a grid repaints across the whole plot
    every frame, ~6 ms an axis on the raster engine) and with a narrower left axis."""
    return make_plot(layout, row, y_label, x_label, col=col, grid=False, left=left, left_width=70)


class CountAxis(FitAxis):
    """A y axis over log10(1 + count), labelled with the counts 0, 1, 10, 100, ...: no two labels
    closer than a label's height (of the tick font, which presentation mode may enlarge), so on
    a short plot "1" gives way to "0" (1 sits only log10(2) above 0) and the decades thin out to
    every 2nd, 3rd ... one."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        per_unit = size / (hi - lo)  # px per decade
        need = self.label_px()
        stride = next((s for s in (1, 2, 3, 4, 5, 10) if s * per_unit >= need), 20)
        values = [0.0] if lo <= 0.0 else []
        for e in range(0, int(hi) + 1, stride):
            v = math.log10(1 + 10 ** e)
            if v > hi:
                break
            if not values or (v - values[-1]) * per_unit >= need:
                values.append(v)
        return [(1.0, values)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{round(10 ** v - 1):,}" for v in values]


def nice_above(v: float) -> float:
    """The smallest of 1, 2, 5 x 10^n that is >= ``v`` (> 0), any n."""
    e = 10.0 ** math.floor(math.log10(v))
    return next(m * e for m in (1, 2, 5, 10) if m * e >= v * (1 - 1e-12))


RANGE_LIMIT = 1e12  # histogram ranges stay within +-this (a diverged neuron is in the edge bin)


def histogram_range(values: np.ndarray) -> tuple[float, float]:
    """A histogram range for ``values``: their middle 99.8 % (and 0) with a margin, the edges on
    a grid of a fifth of that span (a nice 1, 2, 5 step), so the bins do not jump every frame.

    A function of ``values`` alone: the same population is drawn the same whatever was drawn
    before it (a range kept from earlier frames depended on which steps the timing of the
    catch-up slices had happened to show)."""
    v = values[np.isfinite(values)]
    if not v.size:
        return -1.0, 1.0
    lo, hi = (float(q) for q in np.percentile(v, (0.1, 99.9)))
    lo = min(max(lo, -RANGE_LIMIT), 0.0)
    hi = max(min(hi, RANGE_LIMIT), 0.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    q = nice_above((hi - lo) / 5)
    return math.floor(lo / q - 0.25) * q, math.ceil(hi / q + 0.25) * q


class ControlRow(QWidget):
    """Two groups of controls side by side, or one above the other where the page is too narrow
    for both (large presentation fonts): no control is ever shrunk below its size hint."""

    def __init__(self, *groups: list[QWidget]):
        super().__init__()
        self.groups = []
        for widgets in groups:
            group = QWidget()
            row = QHBoxLayout(group)
            row.setContentsMargins(0, 0, 0, 0)
            for w in widgets:
                w.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
                row.addWidget(w)
                if not isinstance(w, QLabel):
                    row.addSpacing(10)
            group.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
            self.groups.append(group)
        self._grid = QGridLayout(self)
        self._grid.setContentsMargins(8, 4, 8, 0)
        self._grid.setSpacing(4)
        # the minimum is ours (the groups may wrap), not the one-row layout's
        self._grid.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        self._place(False)

    @property
    def wrapped(self) -> bool:
        """True when the second group has a row of its own."""
        return self._grid.getItemPosition(self._grid.indexOf(self.groups[1]))[0] == 1

    def _place(self, wrap: bool) -> None:
        for g in self.groups:
            self._grid.removeWidget(g)
        for i, g in enumerate(self.groups):
            self._grid.addWidget(g, i if wrap else 0, 0 if wrap else i,
                                 Qt.AlignmentFlag.AlignLeft)
        self._grid.setColumnStretch(0 if wrap else 1, 0)
        self._grid.setColumnStretch(1 if not wrap else 0, 1)

    def _margins(self) -> int:
        m = self._grid.contentsMargins()
        return m.left() + m.right()

    def one_row_width(self) -> int:
        """Width both groups need side by side."""
        return (sum(g.sizeHint().width() for g in self.groups) + self._grid.horizontalSpacing()
                + self._margins())

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        hint.setWidth(max(g.sizeHint().width() for g in self.groups) + self._margins())
        return hint

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._rewrap(event.size().width())

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._rewrap(self.width())

    def _rewrap(self, width: int) -> None:
        wrap = width < self.one_row_width()
        if wrap != self.wrapped:
            self._place(wrap)
            self.updateGeometry()


class Strip(pg.GraphicsLayoutWidget):
    """The dropped-versus-dead strip's area, two images (``plots``, ``images``) of codes 0..3
    in the colours ``rgb``: it asks for STRIP_MIN_H px and takes the height the texts leave (a
    graphics view's own size hint, ~500 px, made the column scroll)."""

    def __init__(self, rgb: list[tuple[int, int, int]]):
        super().__init__()
        self.setBackground(style.theme().plot_bg)
        self.setMinimumHeight(STRIP_MIN_H)
        self.plots: list[pg.PlotItem] = []
        self.images: list[pg.ImageItem] = []
        lut = np.array(rgb, dtype=np.ubyte)
        for i in range(2):
            p = self.addPlot(row=i, col=0)
            p.hideButtons()
            p.setMenuEnabled(False)
            p.setMouseEnabled(x=False, y=False)
            p.hideAxis("bottom")
            p.hideAxis("left")
            img = pg.ImageItem(axisOrder="col-major")
            img.setLookupTable(lut)
            img.setLevels((0, 3))
            p.addItem(img)
            self.plots.append(p)
            self.images.append(img)

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), STRIP_MIN_H)


class Column(QWidget):
    """The scrolled widget of :class:`SideColumn`. Its minimum height is that of its texts
    wrapped at the width it has (heightForWidth), not at their narrowest: that made the column
    scroll with room to spare."""

    def minimumSizeHint(self) -> QSize:
        return QSize(self.layout().minimumSize().width(), 0)

    def sizeHint(self) -> QSize:
        return QSize(self.layout().sizeHint().width(), self.heightForWidth(self.width()))


class SideColumn(QScrollArea):
    """The right column: as wide as its widest text needs (the table of counts does not wrap),
    scrolling vertically when large fonts make it taller than the page."""

    def __init__(self, layout: QVBoxLayout):
        super().__init__()
        inner = Column()
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        inner.setLayout(layout)
        self.setWidget(inner)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.least = 0  # px: the column's width at least (see widgets.population_fit)
        self.fit()

    def width_for(self, least: int) -> int:
        """The column's least width for contents at least ``least`` px wide (MIN_SIDE at
        least, with room for the margins and a scroll bar)."""
        m = self.widget().layout().contentsMargins()
        return max(MIN_SIDE, least + m.left() + m.right()
                   + self.verticalScrollBar().sizeHint().width())

    def fit(self) -> None:
        """Width: MIN_SIDE..MAX_SIDE, but at least enough for the widest line that cannot wrap
        (the table's rows: wider with presentation fonts)."""
        m = self.widget().layout().contentsMargins()
        lo = max(self.least,
                 self.width_for(self.widget().minimumSizeHint().width() - m.left() - m.right()))
        hi = max(MAX_SIDE, lo)
        if (self.minimumWidth(), self.maximumWidth()) != (lo, hi):
            self.setMinimumWidth(lo)
            self.setMaximumWidth(hi)


def dodge(ys: np.ndarray, tol: float, step: float) -> tuple[np.ndarray, int]:
    """``ys`` (L, P) with lines that would be drawn over each other put side by side: at each
    point, lanes whose values lie within ``tol`` of the next one (a chain) are a group, drawn
    ``step`` apart, centred on the group's mean (exact for equal values), the higher value on
    top, equal values in lane order (the table's). Also the largest group's size (1: none)."""
    n_lanes, n_points = ys.shape
    if n_lanes < 2 or not n_points:
        return ys, 1
    lane = np.broadcast_to(np.arange(n_lanes)[:, None], ys.shape)
    order = np.lexsort((lane, -ys), axis=0)  # top first
    s = np.take_along_axis(ys, order, 0)
    idx = np.broadcast_to(np.arange(n_lanes)[:, None], ys.shape)
    first = np.ones(ys.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        first[1:] = ~(s[:-1] - s[1:] < tol)  # (a NaN starts a group of its own)
    last = np.ones(ys.shape, dtype=bool)
    last[:-1] = first[1:]
    start = np.maximum.accumulate(np.where(first, idx, 0), axis=0)
    end = np.minimum.accumulate(np.where(last, idx, n_lanes - 1)[::-1], axis=0)[::-1]
    size = end - start + 1
    if size.max() < 2:
        return ys, 1
    csum = np.concatenate([np.zeros((1, n_points)), np.cumsum(s, axis=0)])
    mean = (np.take_along_axis(csum, end + 1, 0) - np.take_along_axis(csum, start, 0)) / size
    placed = np.where(size > 1, mean + ((size - 1) / 2 - (idx - start)) * step, s)
    out = np.empty_like(ys, dtype=float)
    np.put_along_axis(out, order, placed, 0)
    return out, int(size.max())
