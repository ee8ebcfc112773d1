"""Shock markers of the time plots: a dashed vertical line and a label on every plot per event.

:class:`ShockMarkers` is a mixin of :class:`widgets.time_plots.TimePlots` (it uses its ``plots``,
``markers`` and ranges); markers are added once, when a new event appears, and the oldest are
dropped so that a long run, shock after shock, does not slow every frame.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulation.engine import Simulation
from widgets import style as look
from widgets.plot_items import FONT_PT, _font
from widgets.plot_series import PLOTS

# shock markers kept at most (the newest), left of the view and in all: each costs ~0.25 MB and
# ~0.3 ms of every frame (its five labels follow every change of view), and a long live run, shock
# after shock, would otherwise slow to a crawl (slower frames, fewer steps a second, so yet more
# markers inside the 20,000-step window)
MAX_MARKERS_OFF_VIEW = 8
MAX_MARKERS = 30
LABEL_ROWS = 3  # labels of shocks close together step down, up to this many rows
LABEL_ANCHOR = (-0.04, -0.02)  # left of the text at the line, top at the top of the view


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


@dataclass
class Marker:
    """A shock: a dashed vertical line and a label on every plot."""

    event: dict[str, Any]
    lines: dict[str, pg.InfiniteLine] = field(default_factory=dict)
    labels: dict[str, pg.TextItem] = field(default_factory=dict)


class ShockMarkers:
    """The marker half of TimePlots: keeps one :class:`Marker` per event of the simulation."""

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
                                anchor=LABEL_ANCHOR, fill=pg.mkBrush(*look.theme().label_fill))
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
        self._label_rows_key = None

    def _stagger_labels(self) -> None:
        """Put the labels of shocks too close together for their text on successive rows
        (the first row that is free at that x), instead of on top of each other. Redone only
        when the markers, the x range or the plot width change."""
        vb = self.plots[PLOTS[-1]].vb
        x0, x1 = self._xrange
        key = (len(self.markers), self._xrange, round(vb.width()))
        if key == getattr(self, "_label_rows_key", None) or x1 <= x0 or not self.markers:
            return
        self._label_rows_key = key
        px = vb.width() / (x1 - x0)
        ends = [-float("inf")] * LABEL_ROWS  # right end (px) of the last label in each row
        for marker in self.markers:
            left = (float(marker.event["step"]) - x0) * px
            width = marker.labels[PLOTS[0]].textItem.boundingRect().width() + 6
            row = next((r for r in range(LABEL_ROWS) if ends[r] <= left),
                       min(range(LABEL_ROWS), key=lambda r: ends[r]))
            ends[row] = left + width
            for label in marker.labels.values():
                label.setAnchor((LABEL_ANCHOR[0], LABEL_ANCHOR[1] - 1.05 * row))

    @property
    def label_rows(self) -> list[int]:
        """The row of each marker's labels (0: at the top), oldest first."""
        return [round((LABEL_ANCHOR[1] - m.labels[PLOTS[0]].anchor.y()) / 1.05)
                for m in self.markers]
