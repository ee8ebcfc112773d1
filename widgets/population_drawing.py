"""What a frame of the Population tab draws: the capacity-lost curves and their shock markers,
the b and largest-z histograms and the dropped-versus-dead strip; the texts (counts by state, the
dropout finding, the status line) are written by :mod:`widgets.population_texts`.

:class:`PopulationDrawing` is a mix-in of :class:`widgets.population_view.PopulationView`, which
builds the items it draws into. A frame only calls ``setData`` (at most every FRAME_S; the
histograms and texts at most every SLOW_S).
"""

from __future__ import annotations

import html
import math
import time
from bisect import bisect_left, bisect_right
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetricsF

from simulation.health import classify
from simulation.population import N_STATES, Population
from widgets import style
from widgets.claim_controls import font
from widgets.population_plots import bins_of, dodge, histogram_range
from widgets.population_texts import LOST, PopulationTexts, counted, lane_label
from widgets.shock_markers import (
    LABEL_ANCHOR,
    LABEL_ROWS,
    LINE_CLEAR,
    SAME_LINE,
    label_texts,
    place_label,
)
from widgets.time_plots import event_label
from widgets.time_ranges import snapped_range

FRAME_S = 1 / 30
SLOW_S = 1 / 12
BINS = 60
STRIP_STEPS = 160  # steps shown in the dropped-versus-dead strip
Y_TOP = 114.0  # the capacity plot's top: room above 100 % for the shock labels
X_LABEL = "steps run"
Z_NOTES = ("← ReLU dead", "← ReLU\ndead")  # the z histogram's note at z = 0, as it fits


class PopulationDrawing(PopulationTexts):
    """The drawing half of the Population view: ``refresh`` and the ``_draw_*`` steps it runs
    (the texts' step from :class:`PopulationTexts`).

    Draws into the items and labels the view builds (``capacity``, ``curves``, ``markers``,
    ``b_plot``, ``z_plot``, ``hist``, ``z_note``, ``strip_*``, ``table``, ``finding``,
    ``status``, ``side``) and reads its ``follower`` and ``controller``.
    """

    follower: Any
    controller: Any

    def refresh(self, force: bool = False) -> None:
        """Draw the population as it is (throttled unless ``force``)."""
        pop = self.follower.pop
        if pop is None:
            return
        now = time.perf_counter()
        if not force and now - self._last_frame < FRAME_S:
            return
        self._last_frame = now
        self._now = self._counts_now(pop)
        self._make_items(pop)
        self._draw_capacity(pop)
        self._draw_strip(pop)
        if force or now - self._last_slow >= SLOW_S:
            self._last_slow = now
            self._draw_histograms(pop)
            self._draw_texts(pop)

    def _counts_now(self, pop: Population) -> np.ndarray | None:
        """(L, 5) counts by state after the ``pop.t`` steps run (:func:`counts_before_step`: what
        step ``pop.t`` will count first), when the population is at rest at the lanes' step (no
        slice running, the lanes paused): the state the status bar's 'step t' is at. None
        otherwise (live, or catching up: the last row counted is shown). Kept per step and
        shock."""
        counts = pop.counts()
        if len(counts) and (self.controller.running or self.follower.busy
                            or self.follower.behind(self.controller.sim)):
            return None
        key = (pop.t, len(pop.events))
        if self._now_pop is not pop or self._now_key != key:
            self._now_pop, self._now_key = pop, key
            self._now_counts = counts_before_step(pop)
        return self._now_counts

    def _draw_capacity(self, pop: Population) -> None:
        counts = pop.counts()
        if not len(counts):
            self.capacity_values = (np.zeros(0), np.zeros((len(self.curves), 0)))
            for c in self.curves:
                c.setData([], [])
            self._set_xrange(0.0, 0.0)
            return
        if self._now is not None:  # at rest: the state after the last step too (x = pop.t)
            counts = np.concatenate([counts, self._now[None]])
        lost = counts[:, :, list(LOST)].sum(-1).T * (100.0 / pop.size)  # (L, T)
        first = pop.first_step()
        x = np.arange(first, first + len(counts), dtype=float)
        xs, ys = bins_of(x, lost, int(self.capacity.vb.width()))
        self.capacity_values = (xs, ys)  # what the curves show (drawn side by side where equal)
        ys = self._side_by_side(ys)
        for c, y in zip(self.curves, ys, strict=True):
            c.setData(xs, y)
        self._set_xrange(first, first + len(counts))
        self._sync_markers(pop)

    def _side_by_side(self, ys: np.ndarray) -> np.ndarray:
        """Lines that would hide each other (values within a line's width on screen, say ELU
        and SELU under ReLU at 100 %) drawn side by side, a line's width apart, centred on
        their value (:func:`dodge`); the x axis's label says so, and by how much, while any
        is. The y range leaves room for a bundle of every lane at 0 %."""
        vb = self.capacity.vb
        width = self.curves[0].opts["pen"].widthF() if self.curves else 0.0
        half = ((len(self.curves) - 1) / 2 + 0.5) * width + 1  # px: a bundle's half height
        h = vb.height()
        bottom = -2.0 if h <= 2 * half else min(-2.0, -Y_TOP * half / (h - half))
        if self._ybottom != bottom:
            self._ybottom = bottom
            self.capacity.setYRange(bottom, Y_TOP, padding=0)
        group = 1
        if h > 0 and width > 0:
            per_px = (Y_TOP - bottom) / h
            ys, group = dodge(ys, width * per_px, width * per_px)
        px = f"±{(group - 1) / 2 * width:.0f} px"
        labels = ((X_LABEL,) if group < 2 else
                  (f"{X_LABEL}  ·  lines of equal value drawn side by side ({px})",
                   f"{X_LABEL}  ·  equal lines side by side ({px})",
                   f"{X_LABEL} · side by side ({px})"))
        self._fit_label(self.capacity.getAxis("bottom"), labels)
        return ys

    @staticmethod
    def _fit_label(axis: pg.AxisItem, labels: tuple[str, ...]) -> None:
        """The first of ``labels`` that fits ``axis``'s width in full (else the last)."""
        for label in labels:
            if axis.labelText != label:  # (placed again: pyqtgraph does so on a resize only)
                axis.setLabel(label)
                axis.resizeEvent()
            if axis.label.boundingRect().width() <= axis.width():
                return

    def _capacity_resized(self) -> None:
        """The plot's height changed: a line's width is another share of the y axis."""
        pop = self.follower.pop
        if pop is not None and self.curves:
            self._draw_capacity(pop)

    def _set_xrange(self, first: float, last: float) -> None:
        """Steps ``first``..``last``, moving in steps of ~5 % (see :func:`snapped_range`)."""
        xr = snapped_range(first, last, 0.05)
        if xr != self._xrange:
            self._xrange = xr
            self.capacity.setXRange(*xr, padding=0)

    def _sync_markers(self, pop: Population) -> None:
        events = pop.events
        if len(events) < len(self.markers):
            for line, label in self.markers:
                self.capacity.removeItem(line)
                self.capacity.removeItem(label)
            self.markers = []
        th = style.theme()
        for e in events[len(self.markers):]:
            line = pg.InfiniteLine(float(e["step"]), angle=90, movable=False,
                                   pen=pg.mkPen(th.shock, width=1.5, style=Qt.PenStyle.DashLine))
            label = pg.TextItem(event_label(e), color=th.shock, anchor=LABEL_ANCHOR,
                                fill=pg.mkBrush(*th.label_fill))
            label.setFont(font(10, bold=True))
            label.setToolTip(f"{event_label(e)} at step {int(e['step']):,}")
            label.setPos(float(e["step"]), Y_TOP)
            for item in (line, label):
                self.capacity.addItem(item, ignoreBounds=True)
            self.markers.append((line, label))
        self._place_marker_labels(events)

    def _place_marker_labels(self, events: list[dict[str, Any]]) -> None:
        """Each shock's label next to its line and off the others' lines, labels of shocks close
        together on successive rows, a shorter text (or none) where crowded: the time plots'
        placement (:func:`widgets.shock_markers.place_label`). Redone when the shocks, the x
        range or the plot's size change."""
        vb = self.capacity.vb
        width, height = vb.width(), vb.height()
        if self._xrange is None or not self.markers:
            return
        x0, x1 = self._xrange
        key = (tuple(e["step"] for e in events), self._xrange, round(width), round(height))
        if key == getattr(self, "_marker_key", None) or x1 <= x0 or width < 1:
            return
        self._marker_key = key
        item = self.markers[0][1].textItem
        fm, pad = QFontMetricsF(item.font()), 2 * item.document().documentMargin()
        box = fm.height() + pad
        rows = max(1, min(LABEL_ROWS, int((height / box - 1.02) / 1.05) + 1))
        taken: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
        px = width / (x1 - x0)
        shown = [((float(e["step"]) - x0) * px, e, label)
                 for e, (_, label) in zip(events, self.markers, strict=False)]
        xs = sorted(at for at, e, _ in shown if x0 <= e["step"] <= x1)
        for at, e, label in shown:
            fit = None
            if x0 <= e["step"] <= x1:
                i, j = bisect_left(xs, at - SAME_LINE), bisect_right(xs, at + SAME_LINE)
                lo = min(xs[i - 1] + LINE_CLEAR, at) if i > 0 else 0.0
                hi = max(xs[j] - LINE_CLEAR, at) if j < len(xs) else width
                fit = self._fit_label_text(e, at, fm, pad, taken, (lo, hi, width))
            label.setVisible(fit is not None)
            if fit is None:
                continue
            text, w, (row, left, span) = fit
            taken[row].append(span)
            label.setText(text)
            label.setAnchor(((at - left) / w, LABEL_ANCHOR[1] - 1.05 * row))

    @staticmethod
    def _fit_label_text(event: dict[str, Any], at: float, fm: QFontMetricsF, pad: float,
                        taken: list[list[tuple[float, float]]],
                        limits: tuple[float, float, float]) -> tuple | None:
        """(text, width, place) of a shock's label: its full text between the nearest other
        lines (``lo``, ``hi``); else the full text on a lower row, across a neighbour's line
        (the labels there are off the row), anywhere in the plot's ``width``; only then a
        shorter text (a manual shock near the preset's had shrunk the first label to 'b')."""
        lo, hi, width = limits
        texts = label_texts(event)
        full = fm.horizontalAdvance(texts[0]) + pad
        if (p := place_label(at, full, taken, lo, hi)):
            return texts[0], full, p
        if len(taken) > 1 and (p := place_label(at, full, taken[1:], 0.0, width)):
            row, left, span = p
            return texts[0], full, (row + 1, left, span)
        return next(((t, w, p) for t in texts[1:]
                     if (p := place_label(at, w := fm.horizontalAdvance(t) + pad, taken, lo,
                                          hi))), None)

    @property
    def marker_rows(self) -> list[int]:
        """The row of each shock label (0: at the top), oldest first."""
        return [round((LABEL_ANCHOR[1] - label.anchor.y()) / 1.05) for _, label in self.markers]

    def _draw_histograms(self, pop: Population) -> None:
        for name, values, plot in (("b", pop.biases(), self.b_plot),
                                   ("z", pop.z_max(), self.z_plot)):
            old = self._ranges[name]  # the range the plot shows (None: not set yet)
            lo, hi = self._ranges[name] = histogram_range(values)
            edges = np.linspace(lo, hi, BINS + 1)
            for h, v in zip(self.hist[name], values, strict=True):
                counts, _ = np.histogram(np.clip(v[np.isfinite(v)], lo, hi), bins=edges)
                h.setData(edges, np.log10(1.0 + counts))
            top = math.log10(1 + pop.size) * 1.1
            if (lo, hi) != old:
                plot.setXRange(lo, hi, padding=0)
                plot.setYRange(0, top, padding=0)
            if name == "z":
                self._place_z_note(plot.getViewBox().width(), lo, hi, top)

    def _place_z_note(self, width: float, lo: float, hi: float, top: float) -> None:
        """The note at z = 0: left of the line where it fits in the plot's ``width`` px, else
        right of it, on one line, else on two (a narrow plot), else where there is more room."""
        left = width * -lo / (hi - lo) if hi > lo else 0.0
        note = self.z_note
        for text in Z_NOTES:
            if note.toPlainText() != text:
                note.setText(text)
            need = 1.05 * note.textItem.boundingRect().width()
            if need <= max(left, width - left):
                break
        anchor = (1.05, 0) if need <= left or left >= width - left else (-0.05, 0)
        if tuple(note.anchor) != anchor:
            note.setAnchor(anchor)
        note.setPos(0.0, top)

    def _draw_strip(self, pop: Population) -> None:
        trace = pop.trace()
        lanes = [i for i, lane in enumerate(pop.lanes) if lane.activation == "relu"][:2]
        for k, (plot, img) in enumerate(zip(self.strip_plots, self.strip_images, strict=True)):
            if k >= len(lanes) or not len(trace):
                img.clear()
                plot.setVisible(k < len(lanes))
                continue
            plot.setVisible(True)
            codes = trace[-STRIP_STEPS:, lanes[k]]  # (steps, neurons)
            img.setImage(codes, autoLevels=False, levels=(0, 3))
            plot.setXRange(0, STRIP_STEPS, padding=0)
            plot.setYRange(0, codes.shape[1], padding=0)
        names = [html.escape(lane_label(pop.lanes[i])) for i in lanes]
        where = " · ".join(f"{pos}: <b>{n}</b>" for pos, n in zip(("top", "bottom"), names,
                                                                  strict=False))
        text = (f"First {counted(pop.trace_size, 'neuron')} × last {STRIP_STEPS} steps, output "
                f"on sample 1 ({where}):")
        if text != self.strip_title.text():
            self.strip_title.setText(text)

def counts_before_step(pop: Population) -> np.ndarray:
    """(L, 5) neurons per state (alive, recovering, saturated, dead, diverged) per lane as the
    parameters are now, before the next step: the engine's own classification
    (:func:`simulation.health.classify` of a pass over the whole dataset), what that step counts
    first. Nothing of the population is changed (no cached pass is left in its simulations)."""
    states = []
    for sim in pop.sims:
        p = sim.params.copy()
        with np.errstate(all="ignore"):
            states.append(classify(p, sim.network.run(p, sim.data.x, sim.data.y)))
    state = np.concatenate(states).astype(np.intp)
    return np.stack([np.bincount(row, minlength=N_STATES) for row in state])
