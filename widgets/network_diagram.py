"""The network of one lane: x1, x2 and the bias -> neuron (z, f) -> a -> loss L, and the gradient.

Forward edges are as wide as |w| (clamped) and coloured by sign; the backward gradient runs from L
back to the weights as arrows whose width follows log10 |gradient|. A dead neuron (every da/dz
exactly 0) is greyed out and marked DEAD; its backward arrow stops at the neuron with "× 0" and the
edges beyond it are grey.

Painted with QPainter in a fixed 420 x 300 logical canvas, scaled uniformly to the widget, so the
layout is the same at any size. ``refresh`` only stores numbers and schedules a repaint. Every ink
comes from the theme in force (``widgets.style``); a theme change reaches the diagram as a palette
change, and it repaints.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPen, QPolygonF
from PySide6.QtWidgets import QSizePolicy, QWidget

from simulation import activations
from simulation.engine import Simulation
from simulation.health import State
from widgets import style
from widgets.chain_rule import fmt

BASE_W, BASE_H = 420.0, 300.0  # the logical canvas; scaled uniformly to the widget

POS_COLOR = "#0072B2"  # w > 0 (Okabe-Ito blue, in both themes)
NEG_COLOR = "#D55E00"  # w < 0 (Okabe-Ito vermillion)
GRAD_COLOR = style.LIGHT.grad  # the backward gradient (the theme's ``grad``)
STOP_COLOR = style.LIGHT.stop  # the exact zero that stops the gradient (the theme's ``stop``)

FONT_PX = 15  # ~11 pt at 96 dpi, at the 420 x 300 base size
TITLE_PX = 18

W_MIN, W_MAX, W_PER_UNIT = 1.0, 8.0, 4.0  # forward edge width = 4 px per unit |w|, clamped
G_MIN, G_MAX = 1.0, 6.0  # gradient width: 1 px at |g| = 1e-7 up to 6 px at |g| >= 1 (log scale)
G_LOW_DECADE, G_DECADES = -7.0, 7.0

IN_X = 40.0
IN_Y = (70.0, 150.0, 230.0)  # x1, x2, bias
IN_R = 17.0
NEURON = QPointF(232.0, 150.0)
NEURON_R = 38.0
A_NODE = QPointF(322.0, 150.0)
A_R = 16.0
LOSS_RECT = QRectF(364.0, 133.0, 44.0, 34.0)
TRUNK_Y = 150.0 + 27.0  # the backward trunk runs under a, from L to the neuron
ARROW_T = (0.72, 0.40)  # gradient arrows run back along their edge between these fractions
CURVE_Z = 2.5  # the mini plot inside the neuron spans z in [-2.5, 2.5]
CURVE_PX = 27.0  # half-width of that plot, px
CURVE_SCALE = 10.0  # px per unit of f(z)


def weight_width(w: float) -> float:
    """Forward edge width for weight ``w``: proportional to |w|, clamped to [1, 10] px."""
    if not math.isfinite(w):
        return W_MAX
    return float(min(max(W_PER_UNIT * abs(w), W_MIN), W_MAX))


def gradient_width(g: float) -> float:
    """Backward arrow width for gradient ``g``: log scale, 1 px at 1e-7 to 6 px at 1; 0 if 0."""
    if g == 0.0 or not math.isfinite(g):
        return 0.0
    t = (math.log10(abs(g)) - G_LOW_DECADE) / G_DECADES
    return float(min(max(G_MIN + t * (G_MAX - G_MIN), G_MIN), G_MAX))


@dataclass
class _View:
    """The numbers one frame paints (read from the engine in ``refresh``)."""

    step: int
    label: str
    activation: str
    state: State
    sample: int
    auto_sample: bool
    x1: float
    x2: float
    y: float
    z: float
    a: float
    loss: float
    w1: float
    w2: float
    b: float
    alpha: float
    grad_w1: float
    grad_w2: float
    grad_b: float
    error_signal: float  # sum over samples of |dL/da|: what flows back from L


class NetworkDiagram(QWidget):
    """x1, x2, bias -> neuron -> a -> L for one lane, with the gradient flowing back."""

    def __init__(self, sim: Simulation, parent: QWidget | None = None):
        super().__init__(parent)
        self._sim: Simulation | None = None
        self._lane = 0
        self._sample: int | None = None  # None: the sample with the largest z
        self._view: _View | None = None
        self._curve_key: tuple | None = None
        self._curve: list[QPointF] = []
        self._fonts: dict[tuple[int, bool], QFont] = {}
        self._shown: tuple | None = None  # (snapshot, lane, sample) last read
        self.setMinimumSize(300, 215)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.set_model(sim)

    def sizeHint(self) -> QSize:
        return QSize(int(BASE_W), int(BASE_H))

    def hasHeightForWidth(self) -> bool:
        return False

    # --- public API ------------------------------------------------------------------------------
    def set_model(self, sim: Simulation) -> None:
        """A new simulation (the lane index is kept if it exists)."""
        self._sim = sim
        if self._lane >= sim.n_lanes:
            self._lane = 0
        if self._sample is not None and self._sample >= sim.data.n:
            self._sample = None
        self.refresh(sim)

    def refresh(self, sim: Simulation) -> None:
        """Read the numbers of the selected lane and schedule a repaint (cheap; up to 60/s)."""
        if sim is not self._sim:
            self.set_model(sim)
            return
        snap = sim.current()
        shown = self._shown  # (snapshot, lane, sample); holding the snapshot keeps `is` honest
        if (shown is not None and shown[0] is snap and shown[1] == self._lane
                and shown[2] == self._sample):
            return  # same numbers: nothing to repaint
        self._shown = (snap, self._lane, self._sample)
        fb, p, i = snap.fb, snap.params, self._lane
        z = fb.z[i, 0]
        k = int(np.argmax(z)) if self._sample is None else self._sample
        act = activations.get(sim.config.lanes[i].activation)
        self._view = _View(
            step=snap.step, label=act.label, activation=act.name,
            state=State(int(snap.state[i, 0])), sample=k, auto_sample=self._sample is None,
            x1=float(sim.data.x[k, 0]), x2=float(sim.data.x[k, 1]), y=float(sim.data.y[k]),
            z=float(z[k]), a=float(fb.a[i, 0, k]), loss=float(fb.loss[i, 0]),
            w1=float(p.w1[i, 0]), w2=float(p.w2[i, 0]), b=float(p.b[i, 0]),
            alpha=float(p.alpha[i, 0]),
            grad_w1=float(fb.grad_w1[i, 0]), grad_w2=float(fb.grad_w2[i, 0]),
            grad_b=float(fb.grad_b[i, 0]), error_signal=float(np.abs(fb.dL_da[i, 0]).sum()))
        self.update()

    def set_lane(self, index: int) -> None:
        """Show lane ``index``."""
        if self._sim is None or not 0 <= index < self._sim.n_lanes:
            raise IndexError(f"no lane {index}")
        self._lane = int(index)
        self.refresh(self._sim)

    def set_sample(self, index: int | None) -> None:
        """Show the numbers of sample ``index`` (None or -1: the sample with the largest z)."""
        assert self._sim is not None
        if index is None or index < 0:
            self._sample = None
        elif index >= self._sim.data.n:
            raise IndexError(f"no sample {index}")
        else:
            self._sample = int(index)
        self.refresh(self._sim)

    @property
    def lane(self) -> int:
        return self._lane

    @property
    def sample(self) -> int:
        """The sample whose numbers are shown."""
        assert self._view is not None
        return self._view.sample

    @property
    def state(self) -> State:
        assert self._view is not None
        return self._view.state

    @property
    def is_dead(self) -> bool:
        """True when the lane is DEAD: every da/dz is exactly 0."""
        return self.state == State.DEAD

    def edge_widths(self) -> dict[str, float]:
        """The forward edge widths drawn for w1, w2 and b (px at the 420 x 300 base size)."""
        v = self._view
        assert v is not None
        return {"w1": weight_width(v.w1), "w2": weight_width(v.w2), "b": weight_width(v.b)}

    def gradient_widths(self) -> dict[str, float]:
        """The backward arrow widths drawn; 0 where no arrow is drawn (exact zero, or blocked).

        ``dL/da`` runs from L to the neuron; ``w1``, ``w2``, ``b`` from the neuron to the weights.
        """
        v = self._view
        assert v is not None
        blocked = v.state == State.DEAD
        out = {"dL/da": gradient_width(v.error_signal)}
        for name, g in (("w1", v.grad_w1), ("w2", v.grad_w2), ("b", v.grad_b)):
            out[name] = 0.0 if blocked else gradient_width(g)
        return out

    def values(self) -> dict[str, float]:
        """The numbers shown for the chosen sample: x1, x2, z, a, y (and the lane's loss L)."""
        v = self._view
        assert v is not None
        return {"x1": v.x1, "x2": v.x2, "z": v.z, "a": v.a, "y": v.y, "L": v.loss}

    # --- painting --------------------------------------------------------------------------------
    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            painter.fillRect(self.rect(), QColor(style.theme().base))
            if self._view is None:
                return
            s = min(self.width() / BASE_W, self.height() / BASE_H)
            painter.translate((self.width() - BASE_W * s) / 2, (self.height() - BASE_H * s) / 2)
            painter.scale(s, s)
            self._paint(painter, self._view)
        finally:
            painter.end()

    def _font(self, px: float, bold: bool = False) -> QFont:
        key = (int(px), bold)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(self.font())
            font.setPixelSize(key[0])
            font.setBold(bold)
            self._fonts[key] = font
        return font

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange:
            self._fonts.clear()
        elif event.type() == QEvent.Type.PaletteChange:  # a theme change: repaint in its inks
            self.update()
        super().changeEvent(event)

    def _text(self, p: QPainter, text: str, anchor: QPointF, align: str = "c",
              color: str | None = None, px: float = FONT_PX, bold: bool = False,
              halo: bool = False) -> QRectF:
        """Draw ``text`` with its centre (c), left-centre (l) or right-centre (r) at ``anchor``
        (in the theme's text colour unless ``color`` is given)."""
        th = style.theme()
        font = self._font(px, bold)
        fm = QFontMetricsF(font)
        w, h = fm.horizontalAdvance(text), fm.height()
        x = {"c": anchor.x() - w / 2, "l": anchor.x(), "r": anchor.x() - w}[align]
        rect = QRectF(x, anchor.y() - h / 2, w, h)
        if halo:  # an opaque backing in the page colour, so lines never cross the text
            p.fillRect(rect.adjusted(-3, -1, 3, 1), QColor(th.base))
        p.setFont(font)
        p.setPen(QColor(color or th.text))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return rect

    def _arrow(self, p: QPainter, start: QPointF, end: QPointF, width: float, color: str,
               head: bool = True) -> None:
        """A line from ``start`` to ``end``, with a filled head at ``end``."""
        d = end - start
        length = math.hypot(d.x(), d.y())
        if length < 1e-6:
            return
        u = QPointF(d.x() / length, d.y() / length)
        n = QPointF(-u.y(), u.x())
        head_len = 7.0 + 1.2 * width if head else 0.0
        head_half = 4.0 + 0.8 * width
        stem_end = end - u * head_len * 0.8
        pen = QPen(QColor(color), width)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.drawLine(start, stem_end if head else end)
        if head:
            p.setPen(Qt.PenStyle.NoPen)
            p.setBrush(QColor(color))
            base = end - u * head_len
            p.drawPolygon(QPolygonF([end, base + n * head_half, base - n * head_half]))

    def _curve_points(self, v: _View) -> list[QPointF]:
        """f(z) for z in [-2.5, 2.5], in px around the neuron centre (cached per activation)."""
        alpha = round(v.alpha, 4) if v.activation == "prelu" else None
        key = (v.activation, alpha)
        if key != self._curve_key:
            assert self._sim is not None
            spec = self._sim.config.lanes[self._lane]
            act = activations.get(spec.activation)
            kw = activations.function_params(spec.activation, spec.params)
            if act.learnable_alpha:
                kw = {"alpha": v.alpha if math.isfinite(v.alpha) else 0.25}
            zs = np.linspace(-CURVE_Z, CURVE_Z, 61)
            with np.errstate(all="ignore"):
                fs = np.clip(act.value(zs, **kw), -4.0, 4.0)
            self._curve = [QPointF(NEURON.x() + zz / CURVE_Z * CURVE_PX,
                                   NEURON.y() + 6.0 - ff * CURVE_SCALE)
                           for zz, ff in zip(zs, fs, strict=True)]
            self._curve_key = key
        return self._curve

    def _sample_marker(self, p: QPainter, v: _View, dead: bool) -> None:
        """This sample on the mini plot: a dot at (z, a), or an arrowhead at the edge if off it."""
        th = style.theme()
        color = QColor(th.faint if dead else th.text)
        p.setPen(QPen(QColor(th.base), 1.5))
        p.setBrush(color)
        if not math.isfinite(v.z):
            return
        if abs(v.z) <= CURVE_Z and abs(v.a) <= 4.0:
            at = QPointF(NEURON.x() + v.z / CURVE_Z * CURVE_PX,
                         NEURON.y() + 6.0 - v.a * CURVE_SCALE)
            p.drawEllipse(at, 4.5, 4.5)
            return
        sign = -1.0 if v.z < 0 else 1.0
        tip = QPointF(NEURON.x() + sign * (CURVE_PX + 3), NEURON.y() + 6.0)
        back = tip - QPointF(sign * 9, 0)
        p.drawPolygon(QPolygonF([tip, back + QPointF(0, -6), back + QPointF(0, 6)]))

    def _paint(self, p: QPainter, v: _View) -> None:
        th = style.theme()
        ink, muted, lane = th.text, th.muted, style.lane_color(v.activation)
        dead = v.state == State.DEAD
        grads = self.gradient_widths()
        widths = self.edge_widths()

        # Header: lane, step, state.
        r = self._text(p, v.label, QPointF(8, 16), "l", lane, TITLE_PX, bold=True)
        self._text(p, f"step {v.step:,}", QPointF(r.right() + 10, 16), "l", muted)
        self._text(p, v.state.name, QPointF(BASE_W - 8, 16), "r", style.state_color(v.state),
                   TITLE_PX, bold=True)

        # Input edges (forward, by |w| and sign) and their gradients (backward, by log |g|).
        # Labels and arrows sit on the outer side of x1 and b; x2's label above, arrow below.
        edges = (("w1", "w₁", v.w1, v.grad_w1, 1.0, 1.0), ("w2", "w₂", v.w2, v.grad_w2, 1.0, -1.0),
                 ("b", "b", v.b, v.grad_b, -1.0, -1.0))
        fm = QFontMetricsF(self._font(FONT_PX))
        labels: list[tuple[str, QPointF, str]] = []  # drawn last: never hidden by the neuron
        for (key, sym, w, g, label_side, arrow_side), y in zip(edges, IN_Y, strict=True):
            c = QPointF(IN_X, y)
            d = NEURON - c
            length = math.hypot(d.x(), d.y())
            u = QPointF(d.x() / length, d.y() / length)
            n = QPointF(u.y(), -u.x())  # the normal pointing up
            color = th.off if dead else (POS_COLOR if w >= 0 else NEG_COLOR)
            pen = QPen(QColor(color), widths[key])
            pen.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(pen)
            p.drawLine(c + u * IN_R, NEURON - u * NEURON_R)
            # Weight label beside the edge, just right of the input node, clear of the line.
            text = f"{sym} = {fmt(w)}"
            half_w, half_h = fm.horizontalAdvance(text) / 2, fm.height() / 2
            cx = IN_X + IN_R + 6 + half_w
            on_edge = c + d * ((cx - c.x()) / d.x())
            slope = abs(d.y() / d.x())
            off = half_h + half_w * slope + widths[key] / 2 + 4
            labels.append((text, QPointF(cx, on_edge.y() - label_side * off),
                           muted if dead else ink))
            # Gradient arrow, from near the neuron back towards the weight.
            gw = grads[key]
            side = arrow_side * (widths[key] / 2 + 3 + max(gw, 1.0) / 2)
            start = c + d * ARROW_T[0] + n * side
            end = c + d * ARROW_T[1] + n * side
            if gw > 0:
                self._arrow(p, start, end, gw, th.grad)
            elif not dead and g == 0.0:  # an exact zero on an otherwise live lane
                self._text(p, "0", (start + end) / 2 + n * (arrow_side * 6), "c", th.stop,
                           bold=True)

        # Input nodes and this sample's values.
        for label, y, value in (("x₁", IN_Y[0], v.x1), ("x₂", IN_Y[1], v.x2),
                                ("1", IN_Y[2], None)):
            c = QPointF(IN_X, y)
            p.setPen(QPen(QColor(ink), 1.5))
            p.setBrush(QColor(th.card_bg))
            p.drawEllipse(c, IN_R, IN_R)
            self._text(p, label, c, "c", ink, FONT_PX, bold=True)
            if value is not None:
                self._text(p, fmt(value), QPointF(IN_X, y + IN_R + 10), "c", ink, halo=True)

        # Forward trunk: neuron -> a -> L.
        self._arrow(p, NEURON + QPointF(NEURON_R, 0), A_NODE - QPointF(A_R + 1, 0), 2.0, ink)
        self._arrow(p, A_NODE + QPointF(A_R, 0), QPointF(LOSS_RECT.left() - 1, NEURON.y()), 2.0,
                    ink)

        # Backward trunk: from L, under a, to the neuron; stopped there when the neuron is dead.
        gw = max(grads["dL/da"], 1.0)
        dy = TRUNK_Y - NEURON.y()
        n_dx = math.sqrt(max(NEURON_R**2 - dy**2, 0.0))
        neuron_edge = QPointF(NEURON.x() + n_dx + 3, TRUNK_Y)
        start = QPointF(LOSS_RECT.center().x(), TRUNK_Y)
        pen = QPen(QColor(th.grad), gw)
        pen.setCapStyle(Qt.PenCapStyle.FlatCap)
        p.setPen(pen)
        p.drawLine(QPointF(start.x(), LOSS_RECT.bottom() + 1), start)  # out of L, down
        if dead:
            self._arrow(p, start, neuron_edge + QPointF(5, 0), gw, th.grad, head=False)
            bar = QPen(QColor(th.stop), 4)
            bar.setCapStyle(Qt.PenCapStyle.FlatCap)
            p.setPen(bar)
            p.drawLine(neuron_edge + QPointF(3, -8 - gw / 2), neuron_edge + QPointF(3, 8 + gw / 2))
            self._text(p, "× 0", neuron_edge + QPointF(22, 19), "c", th.stop, FONT_PX + 1,
                       bold=True, halo=True)
        else:
            self._arrow(p, start, neuron_edge, gw, th.grad)

        # The neuron: lane-coloured outline, the shape of f inside, this sample's z on it.
        outline = QColor(lane)
        if dead:
            outline.setAlpha(120)
        p.setPen(QPen(outline, 3.5))
        p.setBrush(QColor(th.dim_bg if dead else th.card_bg))
        p.drawEllipse(NEURON, NEURON_R, NEURON_R)
        clip = QPainterPath()
        clip.addEllipse(NEURON, NEURON_R - 2, NEURON_R - 2)
        p.save()
        p.setClipPath(clip)
        p.setPen(QPen(QColor(th.faint), 1))
        p.drawLine(QPointF(NEURON.x() - NEURON_R, NEURON.y() + 6),
                   QPointF(NEURON.x() + NEURON_R, NEURON.y() + 6))
        p.drawLine(QPointF(NEURON.x(), NEURON.y() - NEURON_R),
                   QPointF(NEURON.x(), NEURON.y() + NEURON_R))
        p.setPen(QPen(QColor(th.faint if dead else lane), 2.5))
        p.setBrush(Qt.BrushStyle.NoBrush)
        p.drawPolyline(QPolygonF(self._curve_points(v)))
        self._sample_marker(p, v, dead)
        p.restore()
        if dead:
            self._text(p, "DEAD", NEURON, "c", style.state_color(State.DEAD), TITLE_PX,
                       bold=True, halo=True)
        self._text(p, f"z = {fmt(v.z)}", QPointF(NEURON.x(), NEURON.y() - NEURON_R - 11), "c",
                   th.stop if v.z <= 0 and v.activation == "relu" else ink, halo=True)

        # a and L.
        p.setPen(QPen(QColor(ink), 1.5))
        p.setBrush(QColor(th.card_bg))
        p.drawEllipse(A_NODE, A_R, A_R)
        self._text(p, "a", A_NODE, "c", ink, FONT_PX, bold=True)
        self._text(p, f"a = {fmt(v.a)}", QPointF(A_NODE.x(), A_NODE.y() - A_R - 12), "c",
                   halo=True)
        p.setPen(QPen(QColor(ink), 1.5))
        p.setBrush(QColor(th.raised_bg))
        p.drawRoundedRect(LOSS_RECT, 5, 5)
        self._text(p, "L", LOSS_RECT.center(), "c", ink, FONT_PX + 1, bold=True)
        self._text(p, f"y = {fmt(v.y)}", QPointF(BASE_W - 6, TRUNK_Y + 19), "r", halo=True)

        for label, at, color in labels:
            self._text(p, label, at, "c", color, halo=True)

        # Footer: which sample, the loss, a legend.
        which = "largest z" if v.auto_sample else "chosen"
        self._text(p, f"sample {v.sample} ({which})", QPointF(8, BASE_H - 13), "l", muted)
        self._text(p, f"L = {fmt(v.loss)}", QPointF(BASE_W - 8, BASE_H - 13), "r", ink,
                   bold=True)
        ly = BASE_H - 36
        x = 8.0
        for color, label, grad in ((POS_COLOR, "w > 0", False), (NEG_COLOR, "w < 0", False),
                                  (th.grad, "∂L/∂· (log)", True)):
            if grad:
                self._arrow(p, QPointF(x + 26, ly), QPointF(x, ly), 3.0, color)
            else:
                pen = QPen(QColor(color), 4)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                p.setPen(pen)
                p.drawLine(QPointF(x, ly), QPointF(x + 26, ly))
            r = self._text(p, label, QPointF(x + 32, ly), "l", muted)
            x = r.right() + 16
