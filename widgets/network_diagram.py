"""The network of one lane: x1, x2 and the bias -> neuron (z, f) -> a -> loss L, and the gradient.

Forward edges are as wide as |w| (clamped) and coloured by sign; the backward gradient runs from L
back to the weights as arrows whose width follows log10 |gradient|. A dead neuron (every da/dz
exactly 0) is greyed out and marked DEAD; its backward arrow stops at the neuron with "× 0" and the
edges beyond it are grey.

Painted with QPainter in a fixed 420 x 300 logical canvas, scaled uniformly to the widget, so the
layout is the same at any size. ``refresh`` only stores numbers and schedules a repaint. Every ink
comes from the theme in force (``widgets.style``); a theme change reaches the diagram as a palette
change, and it repaints.

The canvas layout, inks and widths are in :mod:`widgets.diagram_layout`, the painting in
:mod:`widgets.diagram_painting`; this module is the widget.
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QPainter, QPixmap
from PySide6.QtWidgets import QSizePolicy, QWidget

from simulation import activations
from simulation.engine import Simulation
from simulation.health import State
from widgets import style
from widgets.diagram_layout import (
    BASE_H,
    BASE_W,
    MIN_H,
    MIN_W,
    PRESENT_SHARE,
    _View,
    gradient_width,
    weight_width,
)
from widgets.diagram_layout import G_MAX as G_MAX
from widgets.diagram_layout import STOP_COLOR as STOP_COLOR
from widgets.diagram_layout import W_MAX as W_MAX
from widgets.diagram_painting import DiagramPainting
from widgets.shown_key import shown_key


class NetworkDiagram(QWidget, DiagramPainting):
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
        # the last frame but its step, painted (see paintEvent): a dead lane's diagram changes
        # only in its step, and painting it anew took ~1.7 ms a frame
        self._picture: QPixmap | None = None
        self._picture_key_drawn: tuple | None = None
        self._generation = 0  # bumped by font and palette changes
        self._step_slot = (0.0, 0.0, 0.0)  # the header's room for the step (set by _paint)
        self._step_box: QRect | None = None  # where it is painted: see _step_rect
        self._view_key: tuple | None = None  # shown_key of the view shown
        self.setMinimumSize(MIN_W, MIN_H)
        self.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent)
        self.set_model(sim)

    def sizeHint(self) -> QSize:
        return QSize(int(BASE_W), int(BASE_H))

    def hasHeightForWidth(self) -> bool:
        return False

    def min_height(self) -> int:
        """The least height the diagram asks for: presenting, its whole canvas at the base size
        (BASE_H: the canvas text at MAX_FONT_SCALE, so the text is as large at 2x as at 1.5x),
        but at most PRESENT_SHARE of the column: the step-through below keeps the rest, room
        for its current phase without scrolling."""
        if style.scales()[0] <= 1:
            return MIN_H
        want = int(BASE_H)
        column = self.parentWidget()
        if column is not None and column.height() > 0:
            want = min(want, max(MIN_H, int(column.height() * PRESENT_SHARE)))
        return want

    def _fit_min_height(self) -> None:
        h = self.min_height()
        if h != self.minimumHeight():
            self.setMinimumHeight(h)

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
        old = self._view
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
        self._view_key = shown_key(self._view)
        if (old is not None and self._step_box is not None and old.step != self._view.step
                and self._picture_key(self._view) == self._picture_key_drawn):
            self.update(self._step_box)  # (a dead lane: the picture holds, the step moves)
        else:
            self.update()

    def _step_rect(self) -> QRect:
        """Where the header's step is painted (see _paint_step), in the widget's pixels, with
        a margin for its antialiased edges: the old step and the new one."""
        left, right, top = self._step_slot
        h = self._size("step 0")[1]
        s = min(self.width() / BASE_W, self.height() / BASE_H)
        ox, oy = (self.width() - BASE_W * s) / 2, (self.height() - BASE_H * s) / 2
        rect = QRectF(ox + left * s, oy + (top - h / 2) * s, max(right - left, 0.0) * s, h * s)
        return rect.toAlignedRect().adjusted(-3, -3, 3, 3)

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
            if self._view is None:
                painter.fillRect(self.rect(), QColor(style.theme().base))
                return
            key = self._picture_key(self._view)
            if key != self._picture_key_drawn or self._picture is None:
                self._picture = self._render_picture()
                self._picture_key_drawn = key
                self._step_box = self._step_rect()
            painter.drawPixmap(0, 0, self._picture)
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            self._to_canvas(painter)
            self._paint_step(painter, self._view)
        finally:
            painter.end()

    def _to_canvas(self, painter: QPainter) -> None:
        """Map the 420 x 300 logical canvas onto the widget, centred, uniformly scaled."""
        s = min(self.width() / BASE_W, self.height() / BASE_H)
        painter.translate((self.width() - BASE_W * s) / 2, (self.height() - BASE_H * s) / 2)
        painter.scale(s, s)

    def _picture_key(self, v: _View) -> tuple:
        """Everything the cached picture shows depends on: the numbers but the step (a dead
        lane's only change from step to step; painted over the picture), the size, the theme,
        the font and its scale (see widgets.shown_key)."""
        numbers = self._view_key if v is self._view else shown_key(v)
        dpr = self.devicePixelRatioF()
        return (numbers, self.width(), self.height(), dpr, style.theme(), style.scales(),
                self.font().key(), self._sim, self._lane, self._generation)

    def _render_picture(self) -> QPixmap:
        """Everything but the header's step, painted into a pixmap the widget's size."""
        assert self._view is not None
        dpr = self.devicePixelRatioF()
        pixmap = QPixmap(round(self.width() * dpr), round(self.height() * dpr))
        pixmap.setDevicePixelRatio(dpr)
        pixmap.fill(QColor(style.theme().base))
        p = QPainter(pixmap)
        try:
            p.setRenderHint(QPainter.RenderHint.Antialiasing)
            p.setRenderHint(QPainter.RenderHint.TextAntialiasing)
            self._to_canvas(p)
            self._paint(p, self._view)
        finally:
            p.end()
        return pixmap

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_min_height()  # the column's height may have changed: half of it at most

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.PaletteChange):
            self._generation += 1  # the cached picture is out of date
        if event.type() == QEvent.Type.FontChange:  # presentation mode: a new font scale
            self._fonts.clear()
            self._fit_min_height()
        elif event.type() == QEvent.Type.PaletteChange:  # a theme change: repaint in its inks
            self.update()
        super().changeEvent(event)
