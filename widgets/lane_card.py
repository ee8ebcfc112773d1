"""Lane cards: one card per activation lane, its health readable from the back of the room.

Each card shows the lane's name, a large state badge (ALIVE, RECOVERING, SATURATED, DEAD,
DIVERGED), a small plot of f(z) and f'(z) with the current samples as dots on f(z) and the
z <= 0 region shaded, the current numbers, and what the lane did after the last shock.

``refresh`` runs up to ~60 times a second: it only updates existing items (dots' data, text that
changed, styles when the state changed); curves are recomputed only when PReLU's alpha or the
z range changed.
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, QRect, QSize, Qt, Signal
from PySide6.QtGui import QColor, QFont, QFontDatabase, QFontMetrics, QPainter
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from simulation import activations
from simulation.config import LaneSpec, RunConfig
from simulation.engine import Simulation, Snapshot
from simulation.health import State
from widgets import style
from widgets.palette import DEAD_REGION, STATE_COLORS, ZERO_COLOR

NORMAL_HEIGHT = 172  # preferred card height (five cards in ~900 px)
COMPACT_HEIGHT = 98  # below COMPACT_BELOW the card is drawn compact (one line of recovery text)
COMPACT_BELOW = 150
PLOT_MIN = 40  # px: a card with less room for its plot shows name, badge and recovery line only
Z_RANGE = (-12.0, 4.0)  # z range of the plot for a b = -10 shock (see default_z_range)
Z_LIMIT = 100.0  # the z range never grows past +-Z_LIMIT (a diverged lane is off the chart)
DOT_LIMIT = 1e4  # samples with |z| or |f(z)| beyond this (or non-finite) are not drawn
ALPHA_LIMIT = 1e3  # PReLU's curve is frozen when alpha is non-finite or beyond this
CURVE_POINTS = 481

CARD_BG = "#FFFFFF"
DEAD_BG = "#CFCFCF"
TEXT = "#202020"
DIM_TEXT = "#5E5E5E"
MUTED = "#6A6A6A"
BORDER = "#CDCDCD"
SELECTED_BORDER = "#1A1A1A"
DEAD_CURVE = "#7A7A7A"

STATE_HELP = {
    State.ALIVE: "ALIVE: some sample has z > 0, so gradients flow and the neuron learns.",
    State.RECOVERING: "RECOVERING: every z ≤ 0, but the slope f′(z) is not zero: "
                      "the weights still move and z can climb back above 0.",
    State.SATURATED: "SATURATED: not dead, but every |f′(z)| < 1e-3: "
                     "the gradient is so small the neuron is stuck in practice.",
    State.DEAD: "DEAD: every gradient is exactly 0 (f′(z) = 0 for every sample): "
                "gradient descent can never move this neuron again.",
    State.DIVERGED: "DIVERGED: a weight or value is no longer finite: the update blew up "
                    "and the neuron is frozen where it broke.",
}


# --- formatting ------------------------------------------------------------------------------
def fmt_grad(v: float) -> str:
    """A gradient-like number: exactly ``"0"`` when it is exactly zero, else scientific."""
    if v == 0:
        return "0"
    return f"{v:.2e}"


def fmt_param(v: float) -> str:
    """A parameter: fixed point while small, short scientific once large (always signed)."""
    if math.isfinite(v) and abs(v) < 1e4:
        return f"{v:+.3f}"
    if not math.isfinite(v):
        return f"{v:+}"
    mantissa, exponent = f"{v:+.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def fmt_approx(v: float) -> str:
    """One significant digit for the 'slope ≈ ...' explanation: 1.42e-04 -> '1e-4'."""
    if v == 0 or not math.isfinite(v):
        return fmt_grad(v)
    mantissa, exponent = f"{v:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


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


def _steps(n: int) -> str:
    return f"{n:,} step" if n == 1 else f"{n:,} steps"


def _blend(a: str, b: str, t: float) -> QColor:
    ca, cb = QColor(a), QColor(b)
    return QColor.fromRgbF(ca.redF() * (1 - t) + cb.redF() * t,
                           ca.greenF() * (1 - t) + cb.greenF() * t,
                           ca.blueF() * (1 - t) + cb.blueF() * t)


class _TextBlock(QWidget):
    """Lines of text painted directly: changing them repaints without re-laying out the card."""

    def __init__(self, font: QFont, width_template: str = "", rows: int = 0,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setFont(font)
        self._lines: list[str] = []
        self._rows = rows  # fixed number of rows (height), or 0: as many as there are lines
        self._color = QColor(TEXT)
        fm = QFontMetrics(font)
        self._line_h = fm.lineSpacing()
        self._template = width_template
        self._min_w = fm.horizontalAdvance(width_template) + 4 if width_template else 0
        self.setSizePolicy(QSizePolicy.Policy.Preferred if self._min_w else
                           QSizePolicy.Policy.Ignored,
                           QSizePolicy.Policy.Fixed if rows else QSizePolicy.Policy.Ignored)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_template"):
            # presentation mode: the metrics follow the font
            fm = QFontMetrics(self.font())
            if self._min_w:
                self._min_w = fm.horizontalAdvance(self._template) + 4
            self._line_h = fm.lineSpacing()
            self.updateGeometry()
        super().changeEvent(event)

    def set_rows(self, rows: int) -> None:
        if rows != self._rows:
            self._rows = rows
            self.updateGeometry()
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(self._min_w, self._line_h * (self._rows or max(len(self._lines), 1)))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_w, self._line_h * (self._rows or 1))

    def set_lines(self, lines: list[str]) -> None:
        if lines != self._lines:
            self._lines = list(lines)
            self.update()

    def lines(self) -> list[str]:
        return list(self._lines)

    def text(self) -> str:
        return "\n".join(self._lines)

    def set_color(self, color: str) -> None:
        self._color = QColor(color)
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        p.setPen(self._color)
        fm = p.fontMetrics()
        w = self.width()
        for k, line in enumerate(self._lines):
            y = k * self._line_h
            if y + fm.height() > self.height() + 2:
                break
            p.drawText(QRect(0, y, w, self._line_h), Qt.AlignmentFlag.AlignLeft
                       | Qt.AlignmentFlag.AlignVCenter,
                       fm.elidedText(line, Qt.TextElideMode.ElideRight, w))
        p.end()


class _Badge(QLabel):
    """The state badge: wide enough for RECOVERING in whatever font it has."""

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("RECOVERING") + 20, fm.height() + 6)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


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


class LaneCard(QFrame):
    """One lane: name, state badge, f(z)/f'(z) plot with the samples, numbers, recovery."""

    clicked = Signal(int)

    def __init__(self, index: int, spec: LaneSpec, z_range: tuple[float, float] = Z_RANGE,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.lane_visible = True  # False: hidden by LaneCards.set_lane_visible, not refreshed
        self._selected = False
        self._compact = False

        self.setObjectName("laneCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(240)

        # header: name (lane colour) and the state badge
        self.name = QLabel("")
        f = QFont(self.font())
        f.setPointSizeF(13)
        f.setBold(True)
        self.name.setFont(f)
        self.badge = _Badge("")
        bf = QFont(self.font())
        bf.setPointSizeF(15)
        bf.setBold(True)
        self.badge.setFont(bf)
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(6)
        header.addWidget(self.name, 1)
        header.addWidget(self.badge, 0)

        # body: plot and numbers
        self.plot = pg.PlotWidget(background=CARD_BG)
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.plot.setMinimumSize(100, 40)
        self.plot.setFrameShape(QFrame.Shape.NoFrame)
        self.plot.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.plot.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
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
        self.region = pg.LinearRegionItem(values=(Z_RANGE[0] - 1, 0.0), orientation="vertical",
                                          movable=False, brush=pg.mkBrush(DEAD_REGION),
                                          pen=pg.mkPen(None))
        self.region.setZValue(-20)
        self.zero_line = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(ZERO_COLOR, width=1))
        self.axis_line = pg.InfiniteLine(0.0, angle=0, pen=pg.mkPen("#C4C4C4", width=1))
        for item in (self.zero_line, self.axis_line):
            item.setZValue(-10)
        self.grad_curve = pg.PlotCurveItem(antialias=True)
        self.value_curve = pg.PlotCurveItem(antialias=True)
        self.dots = pg.ScatterPlotItem(size=7, pxMode=True, antialias=True, hoverable=False)
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

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(8.5)
        self.numbers = _TextBlock(mono, "z>0     100% (64/64)")
        self.numbers.setToolTip(
            "w1, w2, b (and α for PReLU): the current parameters\n"
            "loss: mean squared error over all samples\n"
            "|∇L|: size of the gradient of the loss in the parameters (0 = cannot move)\n"
            "max|f′|: largest slope f′(z) over the samples\n"
            "z>0: share of samples on the live side of the activation\n"
            "A gradient that is exactly zero is written 0, never 0.00e+00.")
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.plot, 1)
        body.addWidget(self.numbers, 0)

        rf = QFont(self.font())
        rf.setPointSizeF(9)
        self.recovery = _TextBlock(rf, rows=2)
        self.recovery.setToolTip("What this lane did after the last shock.")

        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 5, 7, 5)
        layout.setSpacing(3)
        layout.addLayout(header, 0)
        layout.addLayout(body, 1)
        layout.addWidget(self.recovery, 0)
        self._apply_compact()
        self.set_lane(index, spec, z_range)

    def set_lane(self, index: int, spec: LaneSpec,
                 z_range: tuple[float, float] = Z_RANGE) -> None:
        """Show lane ``index`` with activation ``spec`` from now on (cards are reused, not
        rebuilt: deleting pyqtgraph widgets while the app runs is what PySide6 handles worst)."""
        self.index = index
        self.spec = spec
        self.act = activations.get(spec.activation)
        self.color = style.lane_color(spec.activation)
        self._kwargs = activations.function_params(spec.activation, spec.params)
        self._state: State | None = None
        self._snap: Snapshot | None = None
        self._shocked = False
        self._alpha: float | None = None  # alpha the curves were drawn with (PReLU)
        self._default_zrange = (float(z_range[0]), float(z_range[1]))
        self._zrange = self._default_zrange
        self._curve_range: tuple[float, float] | None = None
        self._yrange: tuple[float, float] | None = None
        self._dots_z: np.ndarray | None = None
        self.name.setText(self.act.label)
        self.name.setToolTip(f"{self.act.label}: f(z) = {self.act.formula}\n"
                             f"f′(z) = {self.act.derivative}")
        self.region.setToolTip(self._region_help())
        self.plot.setToolTip(self._plot_help())
        self.numbers.set_lines([])
        self.recovery.set_lines([])
        self._set_off_chart("")
        self.dots.setData(x=np.empty(0), y=np.empty(0))
        self._apply_style(State.ALIVE)
        self._update_curves(alpha=self._initial_alpha())

    # --- help texts ---------------------------------------------------------------------------
    def _region_help(self) -> str:
        if self.act.zero_gradient_when_negative:
            return ("Shaded: z ≤ 0, the dead region. Here ReLU's slope f′(z) is exactly 0, so a "
                    "sample in it passes back no gradient at all.")
        return (f"Shaded: z ≤ 0, where ReLU would be dead. {self.act.label}'s slope here is "
                f"f′(z) = {self.act.derivative}: small, but not zero.")

    def _plot_help(self) -> str:
        return (f"{self.act.label}: f(z) solid, f′(z) dashed.\nDots: the current samples' z, "
                f"on f(z).\n{self._region_help()}")

    # --- size ---------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(350, NORMAL_HEIGHT)

    def minimumSizeHint(self) -> QSize:
        # name, badge and one line of recovery text always fit, in whatever font they have
        # (presentation mode): the plot gives way first
        return QSize(240, self._chrome_height())

    def _chrome_height(self) -> int:
        """Height of everything but the plot: margins, header, one recovery line."""
        m = self.layout().contentsMargins()
        header = max(self.name.sizeHint().height(), self.badge.sizeHint().height())
        line = self.recovery.fontMetrics().lineSpacing()
        return m.top() + m.bottom() + 2 * self.layout().spacing() + header + line

    @property
    def bare(self) -> bool:
        """True when the card is too short for its plot (it shows the header and text)."""
        return not self.plot.isVisibleTo(self)

    @property
    def compact(self) -> bool:
        return self._compact

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.plot.setVisible(event.size().height() - self._chrome_height() >= PLOT_MIN)
        compact = event.size().height() < COMPACT_BELOW
        if compact != self._compact:
            self._compact = compact
            self._apply_compact()
            if self._snap is not None:
                self._update_text(self._snap)

    def _apply_compact(self) -> None:
        self.recovery.set_rows(1 if self._compact else 2)
        self.plot.getPlotItem().showAxis("bottom", not self._compact)

    # --- state and selection ------------------------------------------------------------------
    @property
    def state(self) -> State | None:
        return self._state

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            self._apply_style(self._state if self._state is not None else State.ALIVE)

    def is_selected(self) -> bool:
        return self._selected

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.index)
            event.accept()
        else:
            super().mousePressEvent(event)

    def _apply_style(self, state: State) -> None:
        dead = state == State.DEAD
        th = style.theme()
        bg = th.dead_bg if dead else th.card_bg
        border = th.selected_border if self._selected else ("#9C9C9C" if dead else th.border)
        stripe = _blend(self.color, th.dead_bg, 0.55).name() if dead else self.color
        self.setStyleSheet(
            f"QFrame#laneCard {{ background: {bg}; border: 2px solid {border}; "
            f"border-left: 7px solid {stripe}; border-radius: 5px; }}")
        name_color = _blend(self.color, "#404040", 0.5).name() if dead else self.color
        self.name.setStyleSheet(f"color: {name_color}; background: transparent;")
        self.badge.setText(state.name)
        self.badge.setStyleSheet(
            f"QLabel {{ background: {STATE_COLORS[state]}; color: white; "
            f"border-radius: 4px; }}")
        self.badge.setToolTip(STATE_HELP[state] + "\n\n"
                              + "\n".join(STATE_HELP[s] for s in State if s != state))
        self.plot.setBackground(bg)
        curve = DEAD_CURVE if dead else self.color
        self.value_curve.setPen(pg.mkPen(curve, width=style.lw(2.5)))
        self.grad_curve.setPen(pg.mkPen(curve, width=style.lw(1.5), style=Qt.PenStyle.DashLine))
        self.dots.setBrush(pg.mkBrush("#9A9A9A" if dead else self.color))
        self.dots.setPen(pg.mkPen("#3A3A3A" if dead else "#1A1A1A", width=1))
        text = (DIM_TEXT if th is style.LIGHT else "#D0D0D0") if dead else th.text
        self.numbers.set_color(text)
        self.recovery.set_color(text)
        self.region.setBrush(pg.mkBrush(th.dead_region))

    # --- curves -------------------------------------------------------------------------------
    def _initial_alpha(self) -> float | None:
        if self.act.learnable_alpha:
            return float(self.spec.params.get("alpha_init", 0.25))
        return None

    def _update_curves(self, alpha: float | None) -> None:
        """Recompute f(z) and f'(z) over the current z range (with alpha for PReLU)."""
        lo, hi = self._zrange
        zs = np.union1d(np.linspace(lo, hi, CURVE_POINTS), [-1e-9, 0.0, 1e-9])
        kw = {"alpha": alpha} if self.act.learnable_alpha else self._kwargs
        with np.errstate(all="ignore"):
            f = self.act.value(zs, **kw)
            d = self.act.grad(zs, **kw)
        self.value_curve.setData(zs, f)
        self.grad_curve.setData(zs, d)
        self._alpha = alpha
        if self._curve_range != self._zrange:
            self._curve_range = self._zrange
            self.plot.getPlotItem().getViewBox().setXRange(lo, hi, padding=0)
            self.region.setRegion((lo - 1.0, 0.0))
        with np.errstate(all="ignore"):
            ymin = float(min(np.min(f), np.min(d), 0.0))
            ymax = float(max(np.max(f), np.max(d), 1.0))
        pad = 0.08 * (ymax - ymin)
        yr = (math.floor((ymin - pad) * 2) / 2, math.ceil((ymax + pad) * 2) / 2)
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

    # --- refresh ------------------------------------------------------------------------------
    def refresh(self, snap: Snapshot, shocked: bool = False) -> None:
        """Show lane ``index`` (population member 0) of ``snap``; cheap when nothing changed."""
        if snap is self._snap and shocked == self._shocked:
            return
        self._snap, self._shocked = snap, shocked
        i = self.index
        state = State(int(snap.state[i, 0]))
        if state != self._state:
            self._state = state
            self._apply_style(state)

        z = snap.fb.z[i, 0]
        a = snap.fb.a[i, 0]
        n = z.size
        with np.errstate(all="ignore"):
            ok = (np.isfinite(z) & np.isfinite(a)
                  & (np.abs(z) <= DOT_LIMIT) & (np.abs(a) <= DOT_LIMIT))
        if not ok.all():
            z, a = z[ok], a[ok]
        grew = self._fit_zrange(z)
        alpha = None
        if self.act.learnable_alpha:
            alpha = float(snap.params.alpha[i, 0])
            if not (math.isfinite(alpha) and abs(alpha) <= ALPHA_LIMIT):
                alpha = self._alpha  # a diverged alpha: keep the last drawable curve
        if grew or alpha != self._alpha:
            self._update_curves(alpha)
        if self._dots_z is None or not np.array_equal(z, self._dots_z):
            self.dots.setData(x=z, y=a)
            self._dots_z = z.copy()
        lo, hi = self._zrange
        off = n - int(np.count_nonzero((z >= lo) & (z <= hi)))
        self._set_off_chart(f"{off} of {n} samples off the chart" if off else "")
        self._update_text(snap)

    def _set_off_chart(self, text: str) -> None:
        if text != self.off_chart.text():
            self.off_chart.setText(text)
            self.off_chart.adjustSize()
            self.off_chart.setVisible(bool(text))

    def _values(self, snap: Snapshot) -> dict[str, float]:
        i = self.index
        fb, p = snap.fb, snap.params
        with np.errstate(all="ignore"):
            d = np.abs(fb.da_dz[i, 0])
            z = fb.z[i, 0]
            j = int(np.nanargmax(d)) if np.isfinite(d).any() else 0
            grads = [fb.grad_w1[i, 0], fb.grad_w2[i, 0], fb.grad_b[i, 0]]
            if self.act.learnable_alpha:
                grads.append(fb.grad_alpha[i, 0])
            gnorm = float(np.sqrt(np.sum(np.square(grads))))
            return {
                "w1": float(p.w1[i, 0]), "w2": float(p.w2[i, 0]), "b": float(p.b[i, 0]),
                "alpha": float(p.alpha[i, 0]), "loss": float(fb.loss[i, 0]),
                "grad_norm": gnorm, "max_slope": float(d.max()),
                "slope_z": float(z[j]), "alive": int((z > 0).sum()), "n": int(z.size),
            }

    def _update_text(self, snap: Snapshot) -> None:
        v = self._values(snap)
        share = f"{v['alive'] / v['n']:.0%} ({v['alive']}/{v['n']})" if v["n"] else "-"
        if self._compact:
            b = f"b  {fmt_param(v['b'])}"
            if self.act.learnable_alpha:
                b += f" α {fmt_param(v['alpha'])}"
            lines = [b,
                     f"max|f′| {fmt_grad(v['max_slope'])}",
                     f"z>0 {share}"]
        else:
            lines = [f"w1 {fmt_param(v['w1'])} w2 {fmt_param(v['w2'])}",
                     f"b  {fmt_param(v['b'])}"]
            if self.act.learnable_alpha:
                lines.append(f"α  {fmt_param(v['alpha'])}")
            lines += [f"loss    {fmt_grad(v['loss'])}",
                      f"|∇L|    {fmt_grad(v['grad_norm'])}",
                      f"max|f′| {fmt_grad(v['max_slope'])}",
                      f"z>0     {share}"]
        self.numbers.set_lines(lines)
        self.recovery.set_lines(self._recovery_lines(snap, v))

    def _recovery_lines(self, snap: Snapshot, v: dict[str, float]) -> list[str]:
        state = self._state
        rec = snap.recoveries[self.index] if self.index < len(snap.recoveries) else None
        if not self._shocked or rec is None:
            status = f"no shock yet · f(z) = {self.act.formula}"
        elif rec.recovered_at is not None:
            status = f"recovered in {_steps(rec.steps)}"
        elif rec.left_alive_at is None and state == State.ALIVE:
            status = "unaffected by shock"
        else:
            status = f"not recovered yet ({_steps(snap.step - rec.shock_step)} since shock)"
        why = ""
        if state == State.DEAD:
            why = "every gradient is exactly 0"
        elif state == State.SATURATED:
            why = (f"slope ≈ {fmt_approx(v['max_slope'])} at z = {v['slope_z']:.0f}: "
                   "stuck in practice")
        elif state == State.RECOVERING:
            why = f"every z ≤ 0, but slope {fmt_approx(v['max_slope'])} still moves it"
        elif state == State.DIVERGED:
            div = snap.divergence[self.index] if self.index < len(snap.divergence) else None
            why = (f"blew up at step {div['step']:,}: {div['cause']}" if div
                   else "values blew up (non-finite): frozen")
        if self._compact:
            return [why or status]
        return [status, why] if why else [status]


class LaneCards(QWidget):
    """The column of lane cards for every lane of a simulation."""

    lane_selected = Signal(int)

    def __init__(self, sim: Simulation, parent: QWidget | None = None):
        super().__init__(parent)
        self.cards: list[LaneCard] = []  # the cards of the current simulation's lanes
        self._pool: list[LaneCard] = []  # every card ever made; extra ones stay hidden
        self._sim: Simulation | None = None
        self._selected = -1
        self._hidden: set[str] = set()  # lane ids hidden by set_lane_visible (kept on set_model)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.set_model(sim)

    # --- model --------------------------------------------------------------------------------
    def set_model(self, sim: Simulation) -> None:
        """Show the lanes of ``sim`` (they may differ from the previous simulation's).

        Cards are reused (reconfigured), never deleted: extra ones are hidden.
        """
        self._sim = sim
        z_range = default_z_range(sim.config)
        lanes = sim.config.lanes
        while len(self._pool) < len(lanes):
            card = LaneCard(len(self._pool), lanes[len(self._pool)], z_range, self)
            card.clicked.connect(self._on_clicked)
            self._layout.insertWidget(len(self._pool), card)
            self._pool.append(card)
        self.cards = self._pool[:len(lanes)]
        for i, (spec, card) in enumerate(zip(lanes, self.cards, strict=True)):
            card.set_lane(i, spec, z_range)
            card.lane_visible = spec.id not in self._hidden
            card.setVisible(card.lane_visible)  # a new child of a shown widget needs show()
        for card in self._pool[len(lanes):]:
            card.lane_visible = False
            card.hide()
        if not 0 <= self._selected < len(self.cards):
            self._selected = -1
        for i, card in enumerate(self._pool):
            card.set_selected(i == self._selected)
        self.updateGeometry()
        self.refresh(sim)

    def refresh(self, sim: Simulation) -> None:
        """Show ``sim``'s current step; only updates existing items (cheap, up to 60/s)."""
        if sim is not self._sim:
            self.set_model(sim)
            return
        snap = sim.current()
        shocked = bool(sim.events)
        for card in self.cards:
            if card.lane_visible:
                card.refresh(snap, shocked)

    # --- visibility and selection -------------------------------------------------------------
    def _index(self, lane_id: int | str) -> int:
        if isinstance(lane_id, str):
            for card in self.cards:
                if lane_id in (card.spec.id, card.spec.activation):
                    return card.index
            raise KeyError(f"no lane {lane_id!r}")
        return int(lane_id)

    def set_lane_visible(self, lane_id: int | str, visible: bool) -> None:
        """Show or hide the card of a lane (by index, or by its id / activation name).

        Hidden lanes are not refreshed, and stay hidden after ``set_model`` if the new
        simulation has a lane with the same id.
        """
        card = self.cards[self._index(lane_id)]
        card.lane_visible = bool(visible)
        if visible:
            self._hidden.discard(card.spec.id)
        else:
            self._hidden.add(card.spec.id)
        card.setVisible(visible)
        if visible and self._sim is not None:
            card.refresh(self._sim.current(), bool(self._sim.events))
        self.updateGeometry()

    def select(self, index: int) -> None:
        """Highlight card ``index`` (-1: none). Does not emit ``lane_selected``."""
        self._selected = index if 0 <= index < len(self.cards) else -1
        for i, card in enumerate(self.cards):
            card.set_selected(i == self._selected)

    def selected(self) -> int:
        return self._selected

    def _on_clicked(self, index: int) -> None:
        self.select(index)
        self.lane_selected.emit(index)

    # --- size ---------------------------------------------------------------------------------
    def _visible_cards(self) -> int:
        return sum(c.lane_visible for c in self.cards)

    def sizeHint(self) -> QSize:
        n = self._visible_cards()
        return QSize(350, n * NORMAL_HEIGHT + max(n - 1, 0) * self._layout.spacing())

    def minimumSizeHint(self) -> QSize:
        shown = [c for c in self.cards if c.lane_visible]
        n = len(shown)
        return QSize(240, sum(c.minimumSizeHint().height() for c in shown)
                     + max(n - 1, 0) * self._layout.spacing())
