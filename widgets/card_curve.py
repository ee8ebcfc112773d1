"""The f(z) / f'(z) plot of a lane card: its items, its z range (sticky, grown for the run's bias
shocks) and the curves, recomputed only when PReLU's alpha or the z range changed.

:class:`CardCurve` is a mixin of :class:`widgets.card_frame.LaneCard`.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QFont, QFontMetrics, QPainter, QPen
from PySide6.QtWidgets import QFrame, QGraphicsItem, QLabel, QSizePolicy

from simulation.config import RunConfig
from widgets.card_dots import CardDots
from widgets.palette import DEAD_REGION, ZERO_COLOR

Z_RANGE = (-12.0, 4.0)  # z range of the plot for a b = -10 shock (see default_z_range)
Z_LIMIT = 100.0  # the z range never grows past +-Z_LIMIT (a diverged lane is off the chart)
ALPHA_LIMIT = 1e3  # PReLU's curve is frozen when alpha is non-finite or beyond this
CURVE_POINTS = 481
CURVE_TOLERANCE_PX = 1 / 32  # a curve moved by less is not redrawn (see _curves_moved)
CARD_BG = "#FFFFFF"
MUTED = "#6A6A6A"


class StillRegion(pg.LinearRegionItem):
    """The card's shaded z <= 0 side: a LinearRegionItem that keeps its bounding rect until the
    view's range or size or its region changes. pyqtgraph works it out at every call (~12 µs;
    Qt asks ~4 times a frame while the card's dots move) and paints with a pen made anew."""

    _NO_PEN = QPen(Qt.PenStyle.NoPen)
    _still: QRectF | None = None  # (asked for while pyqtgraph's __init__ runs)

    def boundingRect(self) -> QRectF:
        if self._still is None:
            self._still = super().boundingRect()
        return QRectF(self._still)

    def viewTransformChanged(self) -> None:
        self._still = None
        super().viewTransformChanged()

    def viewRangeChanged(self) -> None:
        self._still = None
        super().viewRangeChanged()

    def setRegion(self, rgn) -> None:
        self._still = None
        super().setRegion(rgn)

    def lineMoved(self, i) -> None:
        self._still = None
        super().lineMoved(i)

    def paint(self, p: QPainter, *args) -> None:
        p.setBrush(self.currentBrush)
        p.setPen(self._NO_PEN)
        p.drawRect(self.boundingRect())


def _floor_to(v: float) -> float:
    step = 2.0 if v >= -20 else 10.0
    return math.floor(v / step) * step


def _ceil_to(v: float) -> float:
    step = 2.0 if v <= 20 else 10.0
    return math.ceil(v / step) * step


def default_z_range(config: RunConfig) -> tuple[float, float]:
    """The plot's z range before any sample asks for more: [-12, 4] for a b = -10 shock.

    Wide enough for the samples after the run's scheduled bias shocks (so the axis does not
    jump when the shock hits), and no wider than [-4, 4] otherwise, so a healthy or mildly
    shocked lane's samples are not squeezed into a few pixels next to z = 0.
    """
    lo = min([-4.0] + [float(s.params["b"]) - 2.0 for s in config.shocks
                       if s.kind == "bias_shock"])
    return max(_floor_to(lo), -Z_LIMIT), 4.0


class _ClickFilter(QObject):
    """Forwards left presses on the plot (which swallows them) to the card (its parent).

    It holds no Python reference to the card: no reference cycle keeps dead wrappers around.
    """

    def eventFilter(self, obj, ev) -> bool:
        if (ev.type() == QEvent.Type.MouseButtonPress
                and ev.button() == Qt.MouseButton.LeftButton):
            card = self.parent()
            card.clicked.emit(card.index)
        return False


_KINK = np.array([-1e-9, 0.0, 1e-9])  # points at the kink, so f' is drawn as a step at z = 0


class CardCurve:
    """The curve half of LaneCard: f(z) and f'(z) over a z range that follows the samples."""

    def _build_plot(self) -> pg.PlotWidget:
        """The plot and its items: shaded z <= 0, axis lines, f, f' and the samples' dots."""
        self.plot = pg.PlotWidget(background=CARD_BG, enableMenu=False)  # no ViewBox menu built
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.plot.setMinimumSize(100, 40)
        self.plot.setFrameShape(QFrame.Shape.NoFrame)
        self.plot.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plot.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        for w in (self.plot, self.plot.viewport()):  # a picture: nothing to do with the keys
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        pi = self.plot.getPlotItem()
        pi.setMouseEnabled(x=False, y=False)
        pi.setMenuEnabled(False)
        pi.hideButtons()
        pi.hideAxis("left")
        pi.layout.setContentsMargins(0, 0, 0, 0)
        ax = pi.getAxis("bottom")
        tf = QFont(self.font())
        tf.setPointSizeF(7.5)
        ax.setStyle(tickFont=tf, tickLength=-3, tickTextOffset=1, maxTickLevel=0, maxTextLevel=0)
        ax.setHeight(QFontMetrics(tf).height() + 3)
        ax.setTextPen(pg.mkPen(MUTED))
        ax.setPen(pg.mkPen("#9A9A9A"))
        vb = pi.getViewBox()
        vb.setDefaultPadding(0.0)
        vb.disableAutoRange()
        self.region = StillRegion(values=(Z_RANGE[0] - 1, 0.0), orientation="vertical",
                                  movable=False, brush=pg.mkBrush(DEAD_REGION),
                                  pen=pg.mkPen(None))
        self.region.setZValue(-20)
        self.zero_line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(ZERO_COLOR, width=1))
        self.axis_line = pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen("#C4C4C4", width=1))
        for item in (self.zero_line, self.axis_line):
            item.setZValue(-10)
        self.grad_curve = pg.PlotCurveItem(antialias=True)
        self.value_curve = pg.PlotCurveItem(antialias=True)
        for item in (self.grad_curve, self.value_curve):
            # f and f' change only with the lane's parameters (PReLU's alpha) or the range,
            # the dots over them every frame: keep their antialiased strokes as a pixmap
            item.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.dots = CardDots(size=7)
        self.dots.setZValue(10)
        for item in (self.region, self.axis_line, self.zero_line, self.grad_curve,
                     self.value_curve, self.dots):
            pi.addItem(item)
        # a plain label over the plot (pyqtgraph's TextItem segfaulted in paint under PySide6)
        self.off_chart = QLabel("", self.plot)
        of = QFont(self.font())
        of.setPointSizeF(7.5)
        self.off_chart.setFont(of)
        self.off_chart.setStyleSheet(f"color: {MUTED}; background: transparent;")
        self.off_chart.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.off_chart.move(3, 1)
        self.off_chart.hide()
        self.plot.viewport().installEventFilter(_ClickFilter(self))
        return self.plot

    def _initial_alpha(self) -> float | None:
        if self.act.learnable_alpha:
            return float(self.spec.params.get("alpha_init", 0.25))
        return None

    def _curves(self, alpha: float | None) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                     tuple[float, float]]:
        """z, f(z), f'(z) over the current z range (with alpha for PReLU), and the y range
        that shows them."""
        lo, hi = self._zrange
        zs = np.sort(np.concatenate((np.linspace(lo, hi, CURVE_POINTS), _KINK)))
        zs = zs[np.concatenate(([True], np.diff(zs) > 0))]  # np.union1d, without its ~12 ms
        kw = {"alpha": alpha} if self.act.learnable_alpha else self._kwargs
        with np.errstate(all="ignore"):
            f = self.act.value(zs, **kw)
            d = self.act.grad(zs, **kw)
            ymin = float(min(np.min(f), np.min(d), 0.0))
            ymax = float(max(np.max(f), np.max(d), 1.0))
        pad = 0.08 * (ymax - ymin)
        yr = (math.floor((ymin - pad) * 2) / 2, math.ceil((ymax + pad) * 2) / 2)
        return zs, f, d, yr

    def _curves_moved(self, alpha: float | None) -> bool:
        """Whether the curves for ``alpha`` (PReLU's, moving a little every step) would be
        drawn elsewhere than the curves shown: another y range, another shape of NaNs, or any
        point moved by CURVE_TOLERANCE_PX or more on screen. Redrawing them costs a full repaint
        of the plot (~1.2 ms a frame); PReLU's alpha moves ~2e-5 a frame after a bias shock,
        its curve ~0.005 px."""
        if alpha == self._alpha:
            return False
        if alpha is None or self._alpha is None or self.value_curve.yData is None:
            return True
        _, f, d, yr = self._curves(alpha)
        f0, d0 = self.value_curve.yData, self.grad_curve.yData
        if yr != self._yrange or len(f0) != len(f) or len(d0) != len(d):
            return True
        with np.errstate(all="ignore"):
            if not (np.array_equal(np.isfinite(f), np.isfinite(f0))
                    and np.array_equal(np.isfinite(d), np.isfinite(d0))):
                return True
            moved = max(float(np.max(np.abs(f - f0), initial=0.0, where=np.isfinite(f))),
                        float(np.max(np.abs(d - d0), initial=0.0, where=np.isfinite(d))))
        px_per_unit = self.plot.getPlotItem().getViewBox().height() / (yr[1] - yr[0])
        return not moved * px_per_unit < CURVE_TOLERANCE_PX

    def _update_curves(self, alpha: float | None) -> None:
        """Recompute f(z) and f'(z) over the current z range (with alpha for PReLU)."""
        lo, hi = self._zrange
        zs, f, d, yr = self._curves(alpha)
        self.value_curve.setData(zs, f)
        self.grad_curve.setData(zs, d)
        self._alpha = alpha
        if self._curve_range != self._zrange:
            self._curve_range = self._zrange
            self.plot.getPlotItem().getViewBox().setXRange(lo, hi, padding=0)
            self.region.setRegion((lo - 1.0, 0.0))
        if yr != self._yrange:
            self._yrange = yr
            self.plot.getPlotItem().getViewBox().setYRange(*yr, padding=0)

    def _fit_zrange(self, z: np.ndarray) -> bool:
        """Grow the z range at once to hold the samples; shrink it back only once the samples
        need less than half of it (so the axis does not breathe with every step)."""
        dlo, dhi = self._default_zrange
        need_lo, need_hi = dlo, dhi
        if len(z):
            need_lo = max(min(dlo, _floor_to(float(z.min()) - 1.0)), -Z_LIMIT)
            need_hi = min(max(dhi, _ceil_to(float(z.max()) + 1.0)), Z_LIMIT)
        lo, hi = self._zrange
        new = (min(lo, need_lo), max(hi, need_hi))
        if need_hi - need_lo < 0.5 * (new[1] - new[0]):
            new = (need_lo, need_hi)
        if new != self._zrange:
            self._zrange = new
            return True
        return False
