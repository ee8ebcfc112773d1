"""The time plots: loss, z, a, gradients and parameters of every lane against the step.

Five plots stacked on one shared step axis. Items are created when a model is set
(:meth:`TimePlots.set_model`); a frame (:meth:`TimePlots.refresh`) only calls ``setData`` on them,
after reducing the history window to about two points per horizontal pixel (min/max per bin,
see :mod:`widgets.decimate`). Shock markers are added once, when a new event appears.

The gradient plot is a log-magnitude view in which an exact zero can never pass for a small
number: non-zero magnitudes are curves (with gaps where the value is exactly 0), exact zeros are
thick segments on a separate "= 0" rail below the lowest decade, one row per lane.

Painting cost (Qt's raster engine, measured on the 2-core CI box, 1100x800, 5 lanes): an
antialiased 2-px line costs ~2.5 µs per vertex and translucent grid lines ~15 ms a frame, while
1-px or aliased lines and opaque grid lines cost next to nothing. Hence: lane curves are drawn
2 px wide *without* antialiasing (``TimePlots.antialias``), the grid is opaque light grey, and
flat stretches are thinned to a few vertices (:func:`widgets.decimate.flat_mask`).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QPainterPath
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from simulation.activations import ACTIVATIONS
from simulation.engine import Simulation
from simulation.history import INDEX
from widgets import style as look
from widgets.decimate import BinReducer, bin_size, flat_mask, peak_interleave, run_ends
from widgets.palette import DEAD_REGION, ZERO_COLOR

PLOTS = ("loss", "z", "a", "grad", "params")  # top to bottom; "params" carries the step axis
GRADS = ("grad_b", "grad_w1", "grad_w2")
GRAD_LABELS = {"grad_b": "∂L/∂b", "grad_w1": "∂L/∂w1", "grad_w2": "∂L/∂w2"}
GRAD_MODES: dict[str, tuple[str, ...]] = {"grad_b": ("grad_b",), "grad_w1": ("grad_w1",),
                                          "grad_w2": ("grad_w2",), "all": GRADS}
PARAMS = ("b", "w1", "w2", "alpha")  # b first: the bias shock's story is b's curve
PARAM_LABELS = {"w1": "w1", "w2": "w2", "b": "b", "alpha": "α PReLU"}

# Line styles: the colour says which lane, the style which parameter / gradient.
PARAM_STYLES = {"b": Qt.PenStyle.SolidLine, "w1": Qt.PenStyle.DashLine,
                "w2": Qt.PenStyle.DotLine, "alpha": Qt.PenStyle.DashDotLine}
GRAD_STYLES = {"grad_b": Qt.PenStyle.SolidLine, "grad_w1": Qt.PenStyle.DashLine,
               "grad_w2": Qt.PenStyle.DotLine}

# Short: rotated labels must fit plots ~100 px tall (a 1280x720 projector); the key column on
# the right says the rest (band = min..max over the samples, line = mean, line styles).
AXIS_LABELS = {"loss": "loss", "z": "z", "a": "a = f(z)", "params": "params"}

# --- per-row features, reduced per bin (min and max) ------------------------------------------
F_LOSS = 0  # log10(loss), NaN where not > 0 or not finite
F_GRAD = {g: 1 + i for i, g in enumerate(GRADS)}  # log10|g|, NaN where g == 0 or not finite
F_ZERO = {g: 4 + i for i, g in enumerate(GRADS)}  # 1 where g == 0 exactly, else 0
F_ZMIN, F_ZMAX, F_ZMEAN, F_A = 7, 8, 9, 10
F_PARAM = {"w1": 11, "w2": 12, "b": 13, "alpha": 14}
N_FEATURES = 15
PLOT_OF_FEATURE = {F_LOSS: "loss", **dict.fromkeys(F_GRAD.values(), "grad"), F_ZMEAN: "z",
                   F_A: "a", **dict.fromkeys(F_PARAM.values(), "params")}
_GRAD_COLS = [INDEX[g] for g in GRADS]
_LIN_COLS = [INDEX[c] for c in ("z_min", "z_max", "z_mean", "a_mean", "w1", "w2", "b", "alpha")]

LIN_LIMIT = 1e6  # linear values are clipped to +-this for drawing (a diverged lane goes off-chart)
LOG_CAP = 12  # log plots show at most up to 10^12
MAX_DECADES = 14  # and at most this many decades (lower values are drawn at the lowest decade)
RAIL_FRACTION = 0.30  # share of the gradient plot's height given to the exact-zero rail
GRID_COLOR = "#e2e2e2"
FONT_PT = 11
LABEL_PT = 12
# shock markers kept at most (the newest), left of the view and in all: each costs ~0.25 MB and
# ~0.3 ms of every frame (its five labels follow every change of view), and a long live run, shock
# after shock, would otherwise slow to a crawl (slower frames, fewer steps a second, so yet more
# markers inside the 20,000-step window)
MAX_MARKERS_OFF_VIEW = 8
MAX_MARKERS = 30
LABEL_STYLE = {"font-size": f"{LABEL_PT}pt", "color": "#000"}
AXIS_WIDTH = 84  # px, the same for every plot so the step axes line up
X_SNAP = 0.02  # the x range's edges snap to multiples of ~2% of the span shown
ANCHOR_EVERY = 16  # points always kept (every 16th step or 8th bin), so slow curvature is followed
KEY_WIDTH = 104  # px, the column right of the plots holding the line-style keys


def row_features(rows: np.ndarray) -> np.ndarray:
    """History rows (m, C, L) -> display features (m, N_FEATURES, L); non-finite -> NaN."""
    out = np.empty((rows.shape[0], N_FEATURES, rows.shape[2]))
    with np.errstate(all="ignore"):
        loss = rows[:, INDEX["loss"]]
        out[:, F_LOSS] = np.where(np.isfinite(loss) & (loss > 0), np.log10(loss), np.nan)
        g = rows[:, _GRAD_COLS]
        mag = np.abs(g)
        out[:, 1:4] = np.where(np.isfinite(mag) & (mag > 0), np.log10(mag), np.nan)
        out[:, 4:7] = g == 0
        lin = rows[:, _LIN_COLS]
        out[:, 7:15] = np.where(np.isfinite(lin), np.clip(lin, -LIN_LIMIT, LIN_LIMIT), np.nan)
    return out


def event_label(event: dict[str, Any]) -> str:
    """A short marker label: 'b = −10', 'lr ×3', 'lr = 1e+06', 'w = (1, −2)'."""
    def num(v: Any) -> str:
        return f"{float(v):g}".replace("-", "−")

    kind = event.get("kind")
    if kind == "bias_shock":
        return f"b = {num(event['b'])}"
    if kind == "lr_shock":
        return f"lr ×{num(event['factor'])}" if "factor" in event else f"lr = {num(event['value'])}"
    if kind == "weight_shock":
        return f"w = ({num(event['w1'])}, {num(event['w2'])})"
    return str(kind)


def nice_step(v: float) -> float:
    """The smallest of 1, 2, 5 x 10^n that is >= ``v`` (and >= 1)."""
    if v <= 1:
        return 1.0
    e = 10.0 ** math.floor(math.log10(v))
    return next(m * e for m in (1, 2, 5, 10) if m * e >= v)


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


@dataclass
class LaneItems:
    """The plot items of one lane (created once per model)."""

    index: int
    id: str
    activation: str
    color: str
    loss: Curve
    z_lo: Curve
    z_hi: Curve
    z_fill: BandItem
    z_mean: Curve
    a: Curve
    grad: dict[str, Curve] = field(default_factory=dict)
    rail: dict[str, Curve] = field(default_factory=dict)
    params: dict[str, Curve] = field(default_factory=dict)

    def placed(self) -> list[tuple[str, Any]]:
        """(plot name, item) for every item of the lane."""
        out: list[tuple[str, Any]] = [("loss", self.loss), ("z", self.z_fill), ("z", self.z_lo),
                                      ("z", self.z_hi), ("z", self.z_mean), ("a", self.a)]
        out += [("grad", c) for c in self.grad.values()] + [("grad", c) for c in self.rail.values()]
        out += [("params", c) for c in self.params.values()]
        return out


@dataclass
class Marker:
    """A shock: a dashed vertical line and a label on every plot."""

    event: dict[str, Any]
    lines: dict[str, pg.InfiniteLine] = field(default_factory=dict)
    labels: dict[str, pg.TextItem] = field(default_factory=dict)


class TimePlots(QWidget):
    """Loss, z band, output, gradient magnitudes (exact zeros on a rail) and parameters per lane,
    stacked on one step axis, with a labelled marker for every shock on every plot."""

    antialias = False  # of the lane curves (see "Painting cost" in the module docstring)

    def __init__(self, sim: Simulation, parent: QWidget | None = None):
        super().__init__(parent)
        self._sim: Simulation | None = None
        self._hidden: set[str] = set()
        self._grad_mode = "grad_b"
        self._reducer = BinReducer(row_features, INDEX["step"])
        self.lanes: list[LaneItems] = []
        self.markers: list[Marker] = []
        self._events_seen = 0  # events of the simulation that got a marker (some since dropped)
        self._last_key: tuple | None = None
        self._yrange: dict[str, tuple[float, float]] = {}
        self._decades: dict[str, tuple[int, int]] = {}
        self._xrange: tuple[float, float] | None = None
        self._rail_rows = np.zeros(0)
        self._rail_pitch = 0.1
        self._simplify = True
        self._build()
        self.set_model(sim)

    # --- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)

        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 6, 0)
        self.legend_label = QLabel()
        self.legend_label.setFont(_font(LABEL_PT))
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)  # seven lanes must not force a wide window
        header.addWidget(self.legend_label, 1)
        grad_caption = QLabel("gradient shown:")
        grad_caption.setFont(_font(FONT_PT))
        header.addWidget(grad_caption)
        self.grad_combo = QComboBox()
        self.grad_combo.setFont(_font(FONT_PT))
        for mode, text in (("grad_b", "|∂L/∂b|"), ("grad_w1", "|∂L/∂w1|"),
                           ("grad_w2", "|∂L/∂w2|"), ("all", "all three")):
            self.grad_combo.addItem(text, mode)
        self.grad_combo.setToolTip("Which gradient magnitudes the gradient plot shows")
        self.grad_combo.currentIndexChanged.connect(
            lambda i: self.set_grad_mode(self.grad_combo.itemData(i)))
        header.addWidget(self.grad_combo)
        outer.addLayout(header)

        self.view = pg.GraphicsLayoutWidget()
        self.view.setBackground("w")
        self.view.ci.setContentsMargins(2, 2, 8, 2)
        self.view.ci.setSpacing(0)
        outer.addWidget(self.view, 1)

        self.plots: dict[str, pg.PlotItem] = {}
        for row, name in enumerate(PLOTS):
            axes = {"left": LogAxis("left")} if name in ("loss", "grad") else {}
            p = self.view.addPlot(row=row, col=0, axisItems=axes)
            p.setMenuEnabled(False)
            p.setMouseEnabled(x=False, y=False)
            p.hideButtons()
            p.disableAutoRange()
            # Grid: opaque light grey (translucent grid lines cost ~15 ms a frame in Qt's raster
            # engine; opaque ones ~nothing). tickAlpha=255 keeps the tick pen's own colour.
            p.showGrid(x=True, y=True)
            for ax in ("left", "bottom"):
                p.getAxis(ax).setTickPen(pg.mkPen(GRID_COLOR))
                p.getAxis(ax).setStyle(tickAlpha=255, maxTickLevel=0)
                p.getAxis(ax).setZValue(-200)  # grid lines under the curves, not over them
            p.layout.setContentsMargins(0, 2, 0, 2)
            for ax in ("left", "bottom"):  # SI prefixes re-render the label HTML per range change
                p.getAxis(ax).enableAutoSIPrefix(False)
            left = p.getAxis("left")
            left.setWidth(AXIS_WIDTH)
            left.setTickFont(_font())
            left.setTextPen("k")
            left.setLabel(AXIS_LABELS.get(name, ""), **LABEL_STYLE)
            bottom = p.getAxis("bottom")
            bottom.setTickFont(_font())
            bottom.setTextPen("k")
            if name == PLOTS[-1]:
                bottom.setLabel("step", **LABEL_STYLE)
            else:
                bottom.setStyle(showValues=False)
                bottom.setHeight(4)
            self.plots[name] = p
        for name in PLOTS[:-1]:
            self.plots[name].setXLink(self.plots[PLOTS[-1]])

        zp = self.plots["z"]
        self.z_negative = pg.LinearRegionItem((-10 * LIN_LIMIT, 0.0), orientation="horizontal",
                                              movable=False, brush=pg.mkBrush(DEAD_REGION),
                                              pen=pg.mkPen(None))
        self.z_negative.setZValue(-100)
        zp.addItem(self.z_negative, ignoreBounds=True)
        for name in ("z", "a", "params"):
            line = pg.InfiniteLine(0.0, angle=0, movable=False,
                                   pen=pg.mkPen(ZERO_COLOR, width=1.5 if name == "z" else 1))
            line.setZValue(-50)
            self.plots[name].addItem(line, ignoreBounds=True)
        self.z_label = pg.TextItem("z ≤ 0", color=ZERO_COLOR, anchor=(0, 1))
        self.z_label.setFont(_font(FONT_PT))
        self.z_label.setZValue(-40)
        zp.addItem(self.z_label, ignoreBounds=True)

        gp = self.plots["grad"]
        self.rail_zone = pg.LinearRegionItem((-2.0, -1.0), orientation="horizontal", movable=False,
                                             brush=pg.mkBrush("#00000010"), pen=pg.mkPen(None))
        self.rail_zone.setZValue(-100)
        gp.addItem(self.rail_zone, ignoreBounds=True)
        self.rail_edge = pg.InfiniteLine(
            -1.0, angle=0, movable=False,
            pen=pg.mkPen(ZERO_COLOR, width=1, style=Qt.PenStyle.DashLine))
        gp.addItem(self.rail_edge, ignoreBounds=True)
        self.rail_label = pg.TextItem("exactly 0", color="#333333", anchor=(0, 0.5))
        self.rail_label.setFont(_font(FONT_PT, bold=True))
        self.rail_label.setZValue(90)
        self.rail_label.fill = pg.mkBrush(255, 255, 255, 170)
        gp.addItem(self.rail_label, ignoreBounds=True)

        # Keys for the line styles (black samples, so they do not read as a lane).
        self._key_items: list[pg.PlotDataItem] = []
        self.params_key = self._style_key(PLOTS.index("params"),
                                          [(PARAM_LABELS[k], PARAM_STYLES[k]) for k in PARAMS])
        self.grad_key = self._style_key(PLOTS.index("grad"),
                                        [(GRAD_LABELS[g], GRAD_STYLES[g]) for g in GRADS])
        self.z_key = self._style_key(PLOTS.index("z"),
                                     [("min–max", "band"), ("mean", Qt.PenStyle.SolidLine)])
        self.a_key = self._style_key(PLOTS.index("a"), [("mean", Qt.PenStyle.SolidLine)])
        self.view.ci.layout.setColumnFixedWidth(1, KEY_WIDTH)
        self.grad_key.setVisible(False)
        self._apply_grad_styles()

    def _style_key(self, row: int, entries: list[tuple[str, Any]]) -> pg.LegendItem:
        """A vertical key in the column right of plot ``row`` (never over data): line styles
        (a Qt.PenStyle, drawn in black so they do not read as a lane) or "band" (a fill)."""
        key = pg.LegendItem(horSpacing=4, verSpacing=-6, colCount=1, brush=None, pen=None,
                            labelTextSize=f"{FONT_PT}pt", labelTextColor="k",
                            sampleType=LineSample)
        for text, style in entries:
            if style == "band":
                item = pg.PlotDataItem(pen=None, fillLevel=0.0, fillBrush=pg.mkBrush("#00000040"))
            else:
                item = pg.PlotDataItem(pen=_pen("#000000", style))
            self._key_items.append(item)
            key.addItem(item, text)
        self.view.addItem(key, row=row, col=1)
        return key

    # --- public API -----------------------------------------------------------------------------
    def set_model(self, sim: Simulation) -> None:
        """Use ``sim`` (a new or reset simulation): rebuild the per-lane items and markers."""
        for lane in self.lanes:
            for plot, item in lane.placed():
                self.plots[plot].removeItem(item)
        self._remove_markers()
        self.lanes = []
        self._sim = sim
        self._reducer.reset()
        self._last_key = None
        self._yrange.clear()
        self._decades.clear()
        self._xrange = None
        n = len(sim.config.lanes)
        for i, spec in enumerate(sim.config.lanes):
            self.lanes.append(self._make_lane(i, n, spec.id, spec.activation))
        self._apply_grad_styles()
        self._apply_visibility()
        self._update_legend()
        self.refresh(sim)

    def refresh(self, sim: Simulation) -> None:
        """Redraw from ``sim`` after steps ran (only setData / setValue on existing items)."""
        if sim is not self._sim:
            self.set_model(sim)
            return
        self._sync_events(sim)
        window = sim.history.window()
        total = sim.history.total
        k = bin_size(len(window), self._pixels())
        key = (total, k)
        if key == self._last_key:
            return
        self._last_key = key
        x, lo, hi = self._reducer.reduce(window, total, k)
        if len(x) == 0:
            self._clear_data()
            self._set_xrange(0.0, 0.0)
            return
        self._draw(window, x, lo, hi, k)

    def set_lane_visible(self, lane_id: str, visible: bool) -> None:
        """Show or hide every item of lane ``lane_id`` (remembered across :meth:`set_model`)."""
        if visible:
            self._hidden.discard(lane_id)
        else:
            self._hidden.add(lane_id)
        self._apply_visibility()
        self._update_legend()
        self._redraw()

    @property
    def simplify(self) -> bool:
        """Drop vertices on flat stretches (within a quarter pixel) before setData (default)."""
        return self._simplify

    @simplify.setter
    def simplify(self, on: bool) -> None:
        self._simplify = bool(on)
        self._redraw()

    def lane_visible(self, lane_id: str) -> bool:
        return lane_id not in self._hidden

    @property
    def grad_mode(self) -> str:
        return self._grad_mode

    def set_grad_mode(self, mode: str) -> None:
        """Which gradient magnitudes to show: 'grad_b', 'grad_w1', 'grad_w2' or 'all'."""
        if mode not in GRAD_MODES:
            raise ValueError(f"unknown gradient mode {mode!r} (known: {', '.join(GRAD_MODES)})")
        if mode == self._grad_mode:
            return
        self._grad_mode = mode
        i = self.grad_combo.findData(mode)
        if i != self.grad_combo.currentIndex():
            self.grad_combo.blockSignals(True)
            self.grad_combo.setCurrentIndex(i)
            self.grad_combo.blockSignals(False)
        self._apply_grad_styles()
        self._apply_visibility()
        self._redraw()

    def rail_y(self, lane_index: int, grad: str = "grad_b") -> float:
        """The y (log10 units) of lane ``lane_index``'s exact-zero rail for ``grad``."""
        shown = GRAD_MODES[self._grad_mode]
        base = float(self._rail_rows[lane_index])
        if len(shown) == 1:
            return base
        pitch = float(self._rail_pitch)
        return base + (shown.index(grad) - 1) * pitch * 0.28

    # --- items ----------------------------------------------------------------------------------
    def _make_lane(self, i: int, n: int, lane_id: str, activation: str) -> LaneItems:
        color = look.lane_color(activation)
        z = 10 + (n - i)  # the first lane (ReLU in the presets) on top
        def curve(style: Qt.PenStyle = Qt.PenStyle.SolidLine, width: float = 2.0):
            c = Curve(pen=_pen(color, style, width), connect="finite",
                                 antialias=self.antialias)
            c.setZValue(z)
            return c

        z_lo = Curve(pen=pg.mkPen(_translucent(color, 90), width=1), connect="finite")
        z_hi = Curve(pen=pg.mkPen(_translucent(color, 90), width=1), connect="finite")
        fill = BandItem(z_lo, z_hi, brush=pg.mkBrush(_translucent(color, 45)))
        lane = LaneItems(i, lane_id, activation, color, loss=curve(), z_lo=z_lo, z_hi=z_hi,
                         z_fill=fill, z_mean=curve(), a=curve())
        for g in GRADS:
            lane.grad[g] = curve()
            rail = Curve(pen=_pen(color, width=5), connect="finite",
                                    antialias=self.antialias)
            rail.setZValue(z)
            lane.rail[g] = rail
        learnable = ACTIVATIONS[activation].learnable_alpha if activation in ACTIVATIONS else False
        for p in PARAMS:
            if p != "alpha" or learnable:
                lane.params[p] = curve(PARAM_STYLES[p])
        for plot, item in lane.placed():
            self.plots[plot].addItem(item, ignoreBounds=True)
        fill.setZValue(1)
        return lane

    def _apply_grad_styles(self) -> None:
        mode = self._grad_mode
        for lane in self.lanes:
            for g, c in lane.grad.items():
                style = GRAD_STYLES[g] if mode == "all" else Qt.PenStyle.SolidLine
                c.setPen(_pen(lane.color, style))
        self.grad_key.setVisible(mode == "all")
        label = "|gradient|" if mode == "all" else f"|{GRAD_LABELS[mode]}|"
        self.plots["grad"].getAxis("left").setLabel(
            label, **{"font-size": f"{look.pt(LABEL_PT):g}pt", "color": look.theme().text})

    def _apply_visibility(self) -> None:
        shown = GRAD_MODES[self._grad_mode]
        for lane in self.lanes:
            vis = lane.id not in self._hidden
            for _, item in lane.placed():
                item.setVisible(vis)
            for g in GRADS:
                lane.grad[g].setVisible(vis and g in shown)
                lane.rail[g].setVisible(vis and g in shown)

    def _update_legend(self) -> None:
        parts = []
        for lane in self.lanes:
            act = ACTIVATIONS.get(lane.activation)
            label = act.label if act is not None else lane.id
            if lane.id != lane.activation:
                label = f"{label} ({lane.id})"
            label = html.escape(label).replace(" ", "&nbsp;")  # wrap between lanes only
            if lane.id in self._hidden:
                parts.append(f'<span style="color:#aaaaaa"><s>▬&nbsp;{label}</s></span>')
            else:
                parts.append(f'<span style="color:{lane.color}"><b>▬</b>&nbsp;'
                             f'<span style="color:{look.theme().text}">{label}</span></span>')
        self.legend_label.setText(" &nbsp; ".join(parts))

    def _sync_events(self, sim: Simulation) -> None:
        events = sim.events
        if len(events) < self._events_seen:  # events never shrink within one simulation
            self._remove_markers()
        for event in events[self._events_seen:]:
            self._add_marker(event)
        self._events_seen = len(events)

    def _remove_markers(self, count: int | None = None) -> None:
        """Remove every marker, or the oldest ``count``."""
        gone = self.markers if count is None else self.markers[:count]
        for marker in gone:
            for name in PLOTS:
                self.plots[name].removeItem(marker.lines[name])
                self.plots[name].removeItem(marker.labels[name])
        if count is None:
            self.markers = []
            self._events_seen = 0
        else:
            del self.markers[:count]

    def _prune_markers(self) -> None:
        """Drop the oldest markers: those left of the view beyond MAX_MARKERS_OFF_VIEW, and any
        beyond MAX_MARKERS (more labels in one view would be unreadable anyway)."""
        x0 = self._xrange[0]
        off = 0
        while off < len(self.markers) and self.markers[off].event["step"] < x0:
            off += 1
        drop = max(off - MAX_MARKERS_OFF_VIEW, len(self.markers) - MAX_MARKERS)
        if drop > 0:
            self._remove_markers(drop)

    def _add_marker(self, event: dict[str, Any]) -> None:
        step = float(event["step"])
        marker = Marker(dict(event))
        for name in PLOTS:
            line = pg.InfiniteLine(step, angle=90, movable=False,
                                   pen=pg.mkPen(look.theme().shock, width=look.lw(2),
                                                style=Qt.PenStyle.DashLine))
            line.setZValue(80)
            # A plain TextItem at the top of the view, not the line's own label: pyqtgraph clips
            # and misplaces InfLineLabel text on these plots.
            label = pg.TextItem(event_label(event), color=look.theme().shock,
                                anchor=(-0.04, -0.02), fill=pg.mkBrush(*look.theme().label_fill))
            label.setFont(_font(FONT_PT, bold=True))
            label.setZValue(81)
            label.setPos(step, self._yrange.get(name, (0.0, 1.0))[1])
            self.plots[name].addItem(line, ignoreBounds=True)
            self.plots[name].addItem(label, ignoreBounds=True)
            marker.lines[name] = line
            marker.labels[name] = label
        self.markers.append(marker)
        # the marker may lie right of the newest recorded step: make sure the x range shows it
        self._last_key = None

    # --- drawing --------------------------------------------------------------------------------
    def _pixels(self) -> int:
        w = int(self.plots[PLOTS[-1]].vb.width())
        return w if w >= 100 else 800

    def _redraw(self) -> None:
        self._last_key = None
        if self._sim is not None:
            self.refresh(self._sim)

    def _clear_data(self) -> None:
        empty = np.empty(0)
        for lane in self.lanes:
            for _, item in lane.placed():
                if isinstance(item, pg.PlotCurveItem):
                    item.setData(empty, empty)
            lane.z_fill.update_band()

    def _set_xrange(self, first: float, last: float) -> None:
        """Show steps ``first``..``last`` (and every marker), with the edges snapped to a grid
        of ~2% of the span: the axis moves in small jumps, not every frame (each x-range change
        costs ~1 ms: five linked views, axes and marker labels), and the newest step keeps a
        little room on the right for a shock marker placed there."""
        for marker in self.markers:
            last = max(last, float(marker.event["step"]))
        q = nice_step(max(last - first, 10.0) * X_SNAP)
        x0 = math.floor(first / q) * q
        x1 = (math.floor(last / q) + 1) * q
        if self._xrange != (x0, x1):
            self._xrange = (x0, x1)
            self.plots[PLOTS[-1]].vb.setXRange(x0, x1, padding=0)

    def _set_yrange(self, name: str, lo: float, hi: float) -> None:
        if self._yrange.get(name) != (lo, hi):
            self._yrange[name] = (lo, hi)
            self.plots[name].vb.setYRange(lo, hi, padding=0)
            for marker in self.markers:
                marker.labels[name].setPos(float(marker.event["step"]), hi)

    def _draw(self, window: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
              k: int) -> None:
        vis = [lane.index for lane in self.lanes if lane.id not in self._hidden]
        step = INDEX["step"]
        last_step = float(window[-1, step, 0])
        self._set_xrange(float(window[0, step, 0]), last_step)
        if len(self.markers) > MAX_MARKERS_OFF_VIEW:
            self._prune_markers()

        # curves: each bin's (min, max) as two points at the bin's first step ('peak' mode);
        # the z band: the lowest z_min and highest z_max of each bin, one point per bin
        xs, y = (x, lo) if k == 1 else (np.repeat(x, 2), peak_interleave(lo, hi))
        y = y.transpose(1, 2, 0).copy()  # (F, L, points), one contiguous row per curve
        zlo, zhi = lo[:, F_ZMIN].T.copy(), hi[:, F_ZMAX].T.copy()  # (L, bins)

        # --- y ranges over the visible lanes; log values clipped into the decades shown ---
        shown = GRAD_MODES[self._grad_mode]
        fg = [F_GRAD[g] for g in shown]
        loss_dec = self._log_range("loss", y[F_LOSS, vis], default=(-6, 1))
        grad_dec = self._log_range("grad", y[fg][:, vis], default=(-8, 1))
        np.clip(y[F_LOSS], *loss_dec, out=y[F_LOSS])
        y[fg] = np.clip(y[fg], *grad_dec)
        self._place_log("loss", loss_dec, rail=False)
        self._place_log("grad", grad_dec, rail=True)
        self._lin_range("z", zlo[vis], zhi[vis])
        # bottom left: the shock markers' labels take the top of the plot
        self.z_label.setPos(self._xrange[0], min(0.0, self._yrange["z"][0]))
        self._lin_range("a", y[F_A, vis])
        pf = [F_PARAM[p] for p in PARAMS]
        self._lin_range("params", y[pf][:, vis])

        # --- exact-zero rails: segments [bin start, next bin start) on the lane's rail row ---
        x_end = np.empty_like(x)
        x_end[:-1] = x[1:]
        x_end[-1] = last_step + 1.0
        rail_x = peak_interleave(x, x_end)
        zero = hi[:, [F_ZERO[g] for g in shown]] > 0.5  # (bins, shown, L): any exact 0 in a bin
        rows = np.array([[self.rail_y(li, g) for li in range(len(self.lanes))] for g in shown])
        rail_y = np.repeat(np.where(zero, rows[None], np.nan), 2, axis=0).transpose(1, 2, 0)
        rail_keep = run_ends(rail_y)

        # --- fewer vertices where curves are flat (see flat_mask) ---
        if self._simplify:
            eps = np.zeros((N_FEATURES, 1, 1))
            eps[F_LOSS] = self._eps("loss")
            eps[fg] = self._eps("grad")
            eps[F_ZMEAN] = self._eps("z")
            eps[F_A] = self._eps("a")
            eps[pf] = self._eps("params")
            used = [F_LOSS, *fg, F_ZMEAN, F_A, *pf]
            keep = np.ones(y.shape, dtype=bool)
            yu = y[used]
            if k > 1:  # a bin whose min and max are within half a pixel: one point, not two
                a, b = yu[..., 0::2], yu[..., 1::2]
                narrow = np.abs(b - a) <= 2 * eps[used]
                a[narrow] = b[narrow] = 0.5 * (a[narrow] + b[narrow])
            every = ANCHOR_EVERY if k == 1 else ANCHOR_EVERY // 2
            anchor = np.floor_divide(xs, k) % every == 0  # tied to steps: stable as data slides
            ku = flat_mask(yu, eps[used], anchor)
            if k > 1:
                ku[..., 1::2] &= ~narrow
            y[used], keep[used] = yu, ku
            zanchor = np.floor_divide(x, k) % every == 0
            ez = self._eps("z")
            zkeep = flat_mask(zlo, ez, zanchor) | flat_mask(zhi, ez, zanchor)
        else:
            keep = np.ones(y.shape, dtype=bool)
            zkeep = np.ones(zlo.shape, dtype=bool)

        # every point drawn lies inside its plot's view: that is each curve's bounding rect
        x0, x1 = self._xrange
        rect = {}
        for name, (y0, y1) in self._yrange.items():
            dx, dy = 0.05 * (x1 - x0), 0.05 * (y1 - y0)
            rect[name] = QRectF(x0 - dx, y0 - dy, x1 - x0 + 2 * dx, y1 - y0 + 2 * dy)

        def put(item: Curve, f: int, li: int) -> None:
            m = keep[f, li]
            item.setData(xs[m], y[f, li][m])
            item.set_bounds(rect[PLOT_OF_FEATURE[f]])

        for li in vis:
            lane = self.lanes[li]
            put(lane.loss, F_LOSS, li)
            m = zkeep[li]
            lane.z_lo.setData(x[m], zlo[li][m])
            lane.z_hi.setData(x[m], zhi[li][m])
            lane.z_lo.set_bounds(rect["z"])
            lane.z_hi.set_bounds(rect["z"])
            lane.z_fill.update_band()
            put(lane.z_mean, F_ZMEAN, li)
            put(lane.a, F_A, li)
            for gi, g in enumerate(shown):
                put(lane.grad[g], F_GRAD[g], li)
                m = rail_keep[gi, li]
                lane.rail[g].setData(rail_x[m], rail_y[gi, li][m])
                lane.rail[g].set_bounds(rect["grad"])
            for p, c in lane.params.items():
                put(c, F_PARAM[p], li)
        # apply the new ranges now: pyqtgraph defers them to the scene's next paint, where moving
        # every curve marks the data area dirty again and it is painted a second time (measured:
        # two full paints of the plots per refresh while the x range scrolls)
        for plot in self.plots.values():
            plot.vb.prepareForPaint()

    def _eps(self, name: str) -> float:
        """Data units of a quarter pixel in plot ``name`` (the flatness tolerance)."""
        lo, hi = self._yrange.get(name, (0.0, 1.0))
        h = self.plots[name].vb.height()
        return 0.25 * (hi - lo) / (h if h >= 20 else 150.0)

    def _log_range(self, name: str, values: np.ndarray, default: tuple[int, int]
                   ) -> tuple[int, int]:
        """Whole decades covering ``values`` (log10): grow at once, shrink only after a whole
        empty decade; at most MAX_DECADES, at most up to 10^LOG_CAP."""
        vmin = float(np.fmin.reduce(values, axis=None)) if values.size else math.nan
        vmax = float(np.fmax.reduce(values, axis=None)) if values.size else math.nan
        cur = self._decades.get(name)
        if not (math.isfinite(vmin) and math.isfinite(vmax)):
            return cur or default
        want_lo, want_hi = math.floor(vmin), math.ceil(vmax)
        if cur is None:
            lo, hi = want_lo, want_hi
        else:
            lo, hi = cur
            if want_lo < lo or want_lo > lo + 1:
                lo = want_lo
            if want_hi > hi or want_hi < hi - 1:
                hi = want_hi
        hi = min(hi, LOG_CAP)
        lo = max(min(lo, hi - 1), hi - MAX_DECADES)
        self._decades[name] = (lo, hi)
        return lo, hi

    def _place_log(self, name: str, dec: tuple[int, int], rail: bool) -> None:
        lo, hi = dec
        top = hi + 0.25
        axis: LogAxis = self.plots[name].getAxis("left")
        axis.floor = lo
        if not rail:
            self._set_yrange(name, lo - 0.25, top)
            return
        n = max(len(self.lanes), 1)
        zone = RAIL_FRACTION / (1 - RAIL_FRACTION) * (top - lo)
        pitch = zone / (n + 1)
        self._rail_pitch = pitch
        self._rail_rows = lo - pitch * (np.arange(n) + 1.0)
        bottom = lo - zone
        if self._yrange.get(name) != (bottom, top):
            axis.rail = lo - zone / 2
            self.rail_zone.setRegion((bottom, lo - pitch * 0.5))
            self.rail_edge.setValue(lo - pitch * 0.5)
        self._set_yrange(name, bottom, top)
        if self._xrange is not None:
            self.rail_label.setPos(self._xrange[0], lo - zone / 2)

    def _lin_range(self, name: str, *arrays: np.ndarray) -> None:
        """Set a linear y range covering ``arrays`` and 0; sticky, so it does not jitter."""
        sized = [a for a in arrays if a.size]
        vmin = min((float(np.fmin.reduce(a, axis=None)) for a in sized), default=math.nan)
        vmax = max((float(np.fmax.reduce(a, axis=None)) for a in sized), default=math.nan)
        if not (math.isfinite(vmin) and math.isfinite(vmax)):
            if name not in self._yrange:
                self._set_yrange(name, -1.0, 1.0)
            return
        vmin, vmax = min(vmin, 0.0), max(vmax, 0.0)
        span = max(vmax - vmin, 1e-6, 1e-9 * max(abs(vmin), abs(vmax)))
        want = (vmin - 0.06 * span, vmax + 0.06 * span)
        cur = self._yrange.get(name)
        if cur is not None:
            inside = cur[0] <= want[0] and want[1] <= cur[1]
            if inside and (want[1] - want[0]) >= 0.6 * (cur[1] - cur[0]):
                return
            if not inside:  # growing: leave headroom so it does not grow every frame
                want = (vmin - 0.12 * span if want[0] < cur[0] else want[0],
                        vmax + 0.12 * span if want[1] > cur[1] else want[1])
        self._set_yrange(name, *want)
