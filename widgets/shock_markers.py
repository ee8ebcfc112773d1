"""Shock markers of the time plots: a dashed vertical line and a label on every plot per event.

:class:`ShockMarkers` is a mixin of :class:`widgets.time_plots.TimePlots` (it uses its ``plots``,
``markers`` and ranges); markers are added once, when a new event appears, and the oldest are
dropped so that a long run, shock after shock, does not slow every frame.
"""

from __future__ import annotations

from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont, QFontMetricsF

from simulation.engine import Simulation
from widgets import style as look
from widgets.halo_label import HaloLabel
from widgets.plot_series import PLOTS
from widgets.plot_zone import Mark

# shock markers kept at most (the newest), left of the view and in all: each costs ~0.25 MB and
# ~0.3 ms of every frame (its five labels follow every change of view), and a long live run, shock
# after shock, would otherwise slow to a crawl (slower frames, fewer steps a second, so yet more
# markers inside the 20,000-step window)
MAX_MARKERS_OFF_VIEW = 8
MAX_MARKERS = 30
LABEL_ROWS = 3  # labels of shocks close together step down, up to this many rows
LABEL_ANCHOR = (-0.04, -0.02)  # left of the text at the line, top at the top of the view
LABEL_PT = 11  # the labels' font (bold), which presentation mode enlarges at most ...
LABEL_MAX_SCALE = 1.5  # ... this much: the labels must not hide the curves of short plots
LINE_CLEAR = 3.0  # px at least between a label and another marker's line
SAME_LINE = 1.0  # px: markers this close share one line (their labels may go side by side)
EVERY_PLOT = 4.5  # labels on every plot when the shortest is this many label heights tall,
# else on the top plot only (the dashed lines still cross every plot)


def label_font() -> QFont:
    """The markers' label font: bold, smaller than the rest in presentation mode."""
    f = QFont()
    f.setPointSizeF(LABEL_PT * min(look.scales()[0], LABEL_MAX_SCALE))
    f.setBold(True)
    return f


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


def label_texts(event: dict[str, Any]) -> tuple[str, str, str]:
    """A marker's label, longest first (a crowded marker takes the first that fits): 'b = −10',
    then without spaces 'b=−10', then the kind only 'b' ('lr', 'w')."""
    text = event_label(event)
    short = text.replace(" ", "")
    return text, short, short.split("=")[0].split("×")[0]


def place_label(at: float, w: float, taken: list[list[tuple[float, float]]], lo: float,
                hi: float) -> tuple[int, float, tuple[float, float]] | None:
    """Where a label ``w`` px wide goes for a line at ``at`` px, its text within ``lo``..``hi``
    px (the plot's edges, or just inside the nearest other markers' lines), with ``taken[row]``
    the spans (px) of the labels placed so far: ``(row, text left, its span)``, or None where
    it fits nowhere.

    Next to its line: right of it on the rows in turn, then left of it; else beside the labels
    already there, nearest the line first. The limits keep it off every other marker's line, so
    only labels of markers on the same line (shocks at one step) can come between a label and
    its line."""
    gap = max(-LABEL_ANCHOR[0] * w, 2.0)  # between the line and the text
    size = w + gap + 4  # a span: the text, the gap to its line and 4 px to the next label
    best: tuple[float, int, float, int] | None = None  # distance, row, start, side
    for side in (1, -1):
        start = at if side == 1 else at - size
        if not lo <= start + (gap if side == 1 else 4) <= hi - w:
            continue  # no room on this side (sliding only takes it further)
        for row, spans in enumerate(taken):
            a = start
            for _ in range(len(spans) + 1):  # slide away from the line past labels in the way
                hit = [(s, e) for s, e in spans if a < e and s < a + size]
                if not hit:
                    break
                a = max(e for _, e in hit) if side == 1 else min(s for s, _ in hit) - size
            text = a + gap if side == 1 else a + 4
            if lo <= text <= hi - w and (best is None or abs(a - start) < best[0]):
                best = (abs(a - start), row, a, side)
                if a == start:  # next to the line: the first such place is the best
                    break
        if best is not None and best[0] == 0:
            break
    if best is None:
        return None
    _, row, a, side = best
    return row, (a + gap if side == 1 else a + 4), (a, a + size)


@dataclass
class Marker:
    """A shock: a dashed vertical line and a label on every plot."""

    event: dict[str, Any]
    lines: dict[str, Mark] = field(default_factory=dict)
    labels: dict[str, pg.TextItem] = field(default_factory=dict)
    texts: tuple[str, ...] = ()  # label_texts(event)
    widths: tuple[float, ...] = (-1.0,)  # the label height measured at, then the texts' widths


class ShockMarkers:
    """The marker half of TimePlots: keeps one :class:`Marker` per event of the simulation."""

    def _sync_events(self, sim: Simulation) -> None:
        """Markers for the run's events."""
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
                marker.lines[name].detach()
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
        marker = Marker(dict(event), texts=label_texts(event))
        for name in PLOTS:
            line = Mark(self.plots[name], step,  # (painted by Qt: widgets.plot_zone)
                        pg.mkPen(look.theme().shock, width=look.lw(2), style=Qt.PenStyle.DashLine))
            line.setZValue(80)
            # A label at the top of the view, not the line's own: pyqtgraph clipped and misplaced
            # InfLineLabel text on these plots (on a halo: readable over the curves)
            label = HaloLabel(event_label(event), color=look.theme().shock, anchor=LABEL_ANCHOR)
            label.setFont(label_font())
            label.setToolTip(f"{event_label(event)} at step {int(step):,}")  # (a shorter text)
            label.setZValue(81)
            label.setPos(step, self._yrange.get(name, (0.0, 1.0))[1])
            self.plots[name].addItem(label, ignoreBounds=True)
            marker.lines[name] = line
            marker.labels[name] = label
        self.markers.append(marker)
        # the marker may lie right of the newest recorded step: make sure the x range shows it
        self._last_key = None
        self._label_rows_key = None

    def _stagger_labels(self) -> None:
        """Place every marker's labels wholly inside the plots, each next to its own line and
        never across another marker's line (:func:`place_label`): right of the line, else left
        of it; labels sharing a gap between two lines (or of shocks at one step) on successive
        rows, as many as the shortest plot holds. A marker too crowded for its label gets a
        shorter text (:func:`label_texts`), else none (its line stays); labels of markers outside
        the x range are hidden. Redone only when the markers, the x range, the plots' sizes or
        the label font change."""
        self._watch_plot_sizes()
        if self._xrange is None or not self.markers:
            return
        x0, x1 = self._xrange
        box = self.markers[0].labels[PLOTS[0]].textItem.boundingRect()
        vbs = [self.plots[name].vb for name in PLOTS if self.plots[name].isVisible()]
        width = self.plots[PLOTS[-1]].vb.width()
        height = min((vb.height() for vb in vbs if vb.height() >= 1), default=0.0)
        key = (tuple(m.event["step"] for m in self.markers), self._xrange, round(width),
               round(height), round(box.height(), 1))
        if key == getattr(self, "_label_rows_key", None) or x1 <= x0:
            return
        self._label_rows_key = key
        # short plots (presentation mode): the labels on the top plot only
        self.labels_on = PLOTS if height >= EVERY_PLOT * box.height() else PLOTS[:1]
        if self.labels_on == PLOTS[:1]:
            height = self.plots[PLOTS[0]].vb.height()
        # the rows whose text ends above the bottom: the text of row r spans (0.02 + 1.05 r) to
        # (1.02 + 1.05 r) label heights below the top (LABEL_ANCHOR)
        rows = LABEL_ROWS
        if box.height() > 0 and height > 0:
            rows = max(1, min(LABEL_ROWS, int((height / box.height() - 1.02) / 1.05) + 1))
        px = width / (x1 - x0)
        taken: list[list[tuple[float, float]]] = [[] for _ in range(rows)]
        shown = [(m, (float(m.event["step"]) - x0) * px) for m in self.markers
                 if x0 <= m.event["step"] <= x1]
        xs = sorted(at for _, at in shown)
        places = {}
        for marker, at in shown:
            # the text between the nearest other lines (those of markers within SAME_LINE px
            # are this one's line) or the plot's edges
            i, j = bisect_left(xs, at - SAME_LINE), bisect_right(xs, at + SAME_LINE)
            lo = min(xs[i - 1] + LINE_CLEAR, at) if i > 0 else 0.0
            hi = max(xs[j] - LINE_CLEAR, at) if j < len(xs) else width
            # crowded: a shorter text, else none (the line stays)
            options = zip(marker.texts, self._label_widths(marker, box.height()), strict=True)
            fit = next(((t, w, p) for t, w in options if (p := place_label(at, w, taken, lo, hi))),
                       None)
            if fit is None:
                continue
            text, w, (row, left, span) = fit
            taken[row].append(span)
            places[id(marker)] = (text, pg.Point((at - left) / w if w > 0 else LABEL_ANCHOR[0],
                                                 LABEL_ANCHOR[1] - 1.05 * row))
        for marker in self.markers:
            text, anchor = places.get(id(marker), (None, None))
            for name, label in marker.labels.items():
                visible = text is not None and name in self.labels_on
                if label.isVisible() != visible:
                    label.setVisible(visible)
            if text is None:
                continue
            first = marker.labels[PLOTS[0]]
            if first.toPlainText() != text:
                for label in marker.labels.values():
                    label.setText(text)
            if first.anchor != anchor:  # (each costs ~20 µs)
                for label in marker.labels.values():
                    label.setAnchor(anchor)

    def _label_widths(self, marker: Marker, height: float) -> tuple[float, ...]:
        """The widths (px) of ``marker``'s texts (:func:`label_texts`) in the labels' current font
        (``height``: that font's label height, remeasured when it changes)."""
        if marker.widths[0] != height:
            item = marker.labels[PLOTS[0]].textItem
            fm, pad = QFontMetricsF(item.font()), 2 * item.document().documentMargin()
            marker.widths = (height, *(fm.horizontalAdvance(t) + pad for t in marker.texts))
        return marker.widths[1:]

    def _watch_plot_sizes(self) -> None:
        """Place the labels again when a plot changes size (a resize or new fonts while paused
        draws no frame)."""
        if getattr(self, "_watching_sizes", False):
            return
        self._watching_sizes = True
        for name in PLOTS:
            self.plots[name].vb.sigResized.connect(self._plot_resized)

    def _plot_resized(self, *_: object) -> None:
        self._stagger_labels()
        self._place_logs_again()  # (the room their labels take: a share of the plots' heights)

    @property
    def label_sides(self) -> list[int]:
        """The side of each marker's labels: 1 right of its line, -1 left of it, oldest first."""
        return [1 if m.labels[PLOTS[0]].anchor.x() < 0.5 else -1 for m in self.markers]

    @property
    def label_rows(self) -> list[int]:
        """The row of each marker's labels (0: at the top), oldest first."""
        return [round((LABEL_ANCHOR[1] - m.labels[PLOTS[0]].anchor.y()) / 1.05)
                for m in self.markers]
