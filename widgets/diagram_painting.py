"""Painting the network diagram with QPainter on its logical canvas: nodes, forward edges, the
backward gradient arrows, the neuron's mini plot of f(z), the labels and the legend.

:class:`DiagramPainting` is a mixin of :class:`widgets.network_diagram.NetworkDiagram` (it uses
its simulation, lane and font); every ink comes from the theme in force (``widgets.style``).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPainterPath, QPen, QPolygonF

from simulation import activations
from simulation.health import State
from widgets import style
from widgets.chain_numbers import fmt
from widgets.diagram_layout import (
    A_NODE,
    A_R,
    ARROW_T,
    BASE_H,
    BASE_W,
    CURVE_PX,
    CURVE_SCALE,
    CURVE_Z,
    FONT_PX,
    HEADER_H,
    IN_R,
    IN_X,
    IN_Y,
    LOSS_RECT,
    NEG_COLOR,
    NEURON,
    NEURON_R,
    POS_COLOR,
    TITLE_PX,
    TRUNK_Y,
    _View,
)
from widgets.diagram_text import DiagramText


class DiagramPainting(DiagramText):
    """The painting half of NetworkDiagram: draws one :class:`_View` on the logical canvas."""

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

    def _px_inside_neuron(self, text: str, px: float) -> float:
        """``px``, made smaller if the bold text (with its halo) would reach the neuron's outline:
        every corner of its rectangle inside the circle, clear of the outline's inner edge."""
        w, h = self._size(text, px, True)
        half_diagonal = math.hypot(w / 2 + 3, h / 2 + 1)  # the halo: 3 px either side, 1 px
        room = NEURON_R - 1.75 - 1  # inside the outline (3.5 px wide), with a pixel to spare
        return px if half_diagonal <= room else max(px * room / half_diagonal * 0.98, 1.0)

    def _paint(self, p: QPainter, v: _View) -> None:
        th = style.theme()
        ink, muted, lane = th.text, th.muted, style.lane_color(v.activation)
        dead = v.state == State.DEAD
        grads = self.gradient_widths()
        widths = self.edge_widths()

        # Header: lane, step, state.
        # (the text grows with the font scale; the step, also in the status bar, gives way)
        title = f"{v.label}  {v.state.name}"
        tpx = self._px_within(title, TITLE_PX, BASE_W - 16, height=HEADER_H)
        top = max(16.0, 4 + self._size(v.label, tpx, True)[1] / 2)
        r = self._text(p, v.label, QPointF(8, top), "l", style.readable(lane, th.base), tpx,
                       bold=True)
        state = self._text(p, v.state.name, QPointF(BASE_W - 8, top), "r",
                           style.state_color(v.state), tpx, bold=True)
        self._step_slot = (r.right() + 10, state.left() - 8, top)  # see _paint_step

        # Input edges (forward, by |w| and sign) and their gradients (backward, by log |g|).
        # Labels and arrows sit on the outer side of x1 and b; x2's label above, arrow below.
        edges = (("w1", "w₁", v.w1, v.grad_w1, 1.0, 1.0), ("w2", "w₂", v.w2, v.grad_w2, 1.0, -1.0),
                 ("b", "b", v.b, v.grad_b, -1.0, -1.0))
        room = NEURON.x() - NEURON_R - 4 - (IN_X + IN_R + 6)  # between input node and neuron
        labels: list[tuple[str, QPointF, str, float]] = []  # drawn last: never hidden by the neuron
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
            px = self._px_within(text, FONT_PX, room, bold=False)
            half_w, half_h = (v / 2 for v in self._size(text, px))
            cx = IN_X + IN_R + 6 + half_w
            on_edge = c + d * ((cx - c.x()) / d.x())
            slope = abs(d.y() / d.x())
            off = half_h + half_w * slope + widths[key] / 2 + 4
            labels.append((text, QPointF(cx, on_edge.y() - label_side * off),
                           muted if dead else ink, px))
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
            self._text(p, label, c, "c", ink, self._px_within(label, FONT_PX, 2 * IN_R - 6),
                       bold=True)
            if value is not None:  # below the node, inside the canvas
                w = self._size(fmt(value))[0]
                self._text(p, fmt(value), QPointF(max(IN_X, 3 + w / 2),
                                                  y + IN_R + 10 + self._extra()),
                           "c", ink, halo=True)

        # Forward trunk: neuron -> a -> L.
        self._arrow(p, NEURON + QPointF(NEURON_R, 0), A_NODE - QPointF(A_R + 1, 0), 2.0, ink)
        self._arrow(p, A_NODE + QPointF(A_R, 0), QPointF(LOSS_RECT.left() - 1, NEURON.y()), 2.0,
                    ink)

        # Backward trunk: from L, under a, to the neuron; stopped there when the neuron is dead.
        gw = max(grads["dL/da"], 1.0)
        stop: QRectF | None = None  # where "× 0" is written
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
            stop = self._text(p, "× 0", neuron_edge + QPointF(22, 19), "c", th.stop,
                              FONT_PX + 1, bold=True, halo=True)
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
            self._text(p, "DEAD", NEURON, "c", style.state_color(State.DEAD),
                       self._px_inside_neuron("DEAD", TITLE_PX), bold=True, halo=True)
        z_text = f"z = {fmt(v.z)}"
        # above the neuron, its halo clear of the outline (3.5 px wide) by 2 px at any scale
        z_y = NEURON.y() - NEURON_R - 1.75 - 2 - 1 - self._size(z_text)[1] / 2
        z_rect = self._text(p, z_text, QPointF(NEURON.x(), z_y),
                            "c", th.stop if v.z <= 0 and v.activation == "relu" else ink,
                            halo=True)

        # a and L.
        p.setPen(QPen(QColor(ink), 1.5))
        p.setBrush(QColor(th.card_bg))
        p.drawEllipse(A_NODE, A_R, A_R)
        self._text(p, "a", A_NODE, "c", ink, self._px_within("a", FONT_PX, 2 * A_R - 6),
                   bold=True)
        # a's value above it, right of z's (larger text: pushed right, up to the edge)
        a_text = f"a = {fmt(v.a)}"
        aw, ah = self._size(a_text)
        a_y = A_NODE.y() - A_R - 12 - self._extra()
        a_left = A_NODE.x() - aw / 2
        if a_y - ah / 2 < z_rect.bottom():
            a_left = max(a_left, z_rect.right() + 6)
        a_left = min(a_left, BASE_W - 4 - aw)
        a_px = FONT_PX
        if a_y - ah / 2 < z_rect.bottom() and a_left < z_rect.right() + 6:  # no room: smaller
            a_left = z_rect.right() + 6
            a_px = self._px_within(a_text, FONT_PX, BASE_W - 4 - a_left, bold=False)
        self._text(p, a_text, QPointF(a_left, a_y), "l", px=a_px, halo=True)
        p.setPen(QPen(QColor(ink), 1.5))
        p.setBrush(QColor(th.raised_bg))
        p.drawRoundedRect(LOSS_RECT, 5, 5)
        self._text(p, "L", LOSS_RECT.center(), "c", ink,
                   self._px_within("L", FONT_PX + 1, LOSS_RECT.width() - 6), bold=True)
        y_text = f"y = {fmt(v.y)}"
        yw, yh = self._size(y_text)
        y_at = QPointF(BASE_W - 6, TRUNK_Y + 19)
        if stop is not None and BASE_W - 6 - yw < stop.right() + 4:  # clear of "× 0"
            y_at.setY(stop.bottom() + 2 + yh / 2)
        self._text(p, y_text, y_at, "r", halo=True)

        lowest = 0.0  # the bottom of the lowest label: the legend goes below it, or not at all
        for label, at, color, px in labels:
            lowest = max(lowest, self._text(p, label, at, "c", color, px, halo=True).bottom())
        self._footer(p, v, lowest)

    def _paint_step(self, p: QPainter, v: _View) -> None:
        """The header's step, between the lane and its state where it fits (painted last, over
        the rest: it is the one part of a dead lane's diagram that changes every step)."""
        left, right, top = self._step_slot
        step = f"step {v.step:,}"
        if left + self._size(step)[0] <= right:
            self._text(p, step, QPointF(left, top), "l", style.theme().muted)

    def _footer_texts(self, v: _View) -> tuple[str, str]:
        """The footer's (loss, sample) wordings that fit side by side, longest first. L is the
        mean over every sample, not this sample's (a − y)²: every wording of it says so (with one
        sample, that it is the only one); the sample's "(largest z)", then the sample, give way
        first."""
        assert self._sim is not None
        n, loss = self._sim.data.n, fmt(v.loss)
        losses = ((f"L (the only sample) = {loss}", f"L (1 sample) = {loss}", f"L = {loss}")
                  if n == 1 else
                  (f"L (mean over all {n:,} samples) = {loss}",
                   f"L (mean of {n:,} samples) = {loss}", f"L (mean of {n:,}) = {loss}",
                   f"mean L = {loss}"))
        which = "largest z" if v.auto_sample else "chosen"
        samples = (f"sample {v.sample} ({which})", f"sample {v.sample}")
        for text in losses:
            room = BASE_W - 8 - self._size(text, bold=True)[0] - 12 - 8
            for sample in samples:
                if self._size(sample)[0] <= room:
                    return text, sample
        return losses[-1], ""

    def _footer(self, p: QPainter, v: _View, lowest: float) -> None:
        """Which sample, the loss (the mean over every sample) and a legend if there is room for
        it (larger text: shorter wordings, then the legend, give way)."""
        th = style.theme()
        loss, sample = self._footer_texts(v)
        h = self._size(loss, bold=True)[1]
        fy = BASE_H - 13 - self._extra(bold=True)
        self._text(p, loss, QPointF(BASE_W - 8, fy), "r", th.text, bold=True)
        if sample:
            self._text(p, sample, QPointF(8, fy), "l", th.muted)
        ly = min(BASE_H - 36, fy - h - 2)
        if ly - h / 2 < max(lowest, IN_Y[2] + IN_R) + 1:
            return
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
            r = self._text(p, label, QPointF(x + 32, ly), "l", th.muted)
            x = r.right() + 16
