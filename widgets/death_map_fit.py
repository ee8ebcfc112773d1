"""The Death map's five columns sized to the room the tab gives them, maps equally wide.

Each column is a state map over a recovery map. The lr-factor axis is the same for all five, so
only the first column's left axis has tick labels; the others keep their ticks in a narrow axis.
Every map is as wide as the area's width shared out; each title is at the presentation size in
force, or smaller down to the normal size (TITLE_PT) where five of them would not fit side by
side (presenting at 1280x720: ELU's column was cut and SELU's off-screen). The area is never
narrower than five maps under titles of the normal size need.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont

TICK_PT, TITLE_PT, LEFT_AXIS_W = 9, 12, 40  # the maps' texts and first left axis, normal fonts
BARE_AXIS_W = 8  # px: a left axis with ticks but no tick labels (every column but the first)
TITLE_GAP = 6  # px: the map beside the widest title over it, at least
MAP_LEAST = 20  # px at normal fonts: a map at least this wide
SLACK = 4  # px of the area left over (rounding)
PLOT_MARGINS = 2  # px: a PlotItem's own layout margins, left and right together


class ColumnFit(QObject):
    """Fits the columns of ``area`` (a GraphicsLayoutWidget) to its width whenever it is
    resized or :meth:`restyle` is called (a new font scale or new maps)."""

    def __init__(self, area: pg.GraphicsLayoutWidget):
        super().__init__(area)
        self.area = area
        self.maps: list[tuple[Any, ...]] = []
        self.scale = 1.0
        self.least = MAP_LEAST  # px: a map at least this wide (its title at TITLE_PT)
        self.axes: list[int] = []  # px: each column's left axis (set before the layout runs)
        area.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.area and event.type() == QEvent.Type.Resize:
            self.fit()
        return False

    def tops(self) -> list[pg.PlotItem]:
        """The state maps (they carry the titles), one per column."""
        return [pair[0] for pair in self.maps]

    def restyle(self, maps: list[tuple[Any, ...]], scale: float) -> None:
        """Tick fonts and left axes of ``maps`` at font ``scale``; then :meth:`fit`."""
        self.maps, self.scale = maps, scale
        tick = QFont(self.area.font())
        tick.setPointSizeF(TICK_PT * scale)
        self.axes = [round(LEFT_AXIS_W * scale)] + [BARE_AXIS_W] * (len(maps) - 1)
        for col, pair in enumerate(maps):
            for plot in pair[::2]:
                for name in ("left", "bottom"):
                    plot.getAxis(name).setStyle(tickFont=tick)
                left = plot.getAxis("left")
                left.setStyle(showValues=col == 0)  # (the same lr factors in every column)
                left.setWidth(self.axes[col])
        self.least = max(round(MAP_LEAST * scale), self._set_titles(TITLE_PT) + TITLE_GAP)
        self.fit()

    def _set_titles(self, pt: float) -> float:
        """The titles at ``pt`` points; the widest one's width in px."""
        for plot in self.tops():
            if plot.titleLabel.text:
                plot.setTitle(plot.titleLabel.text, size=f"{pt:g}pt")
        return max((p.titleLabel.item.boundingRect().width() for p in self.tops()), default=0.0)

    def _fixed(self) -> int:
        """The area's width that is not maps: axes, spacing, margins, frame, slack."""
        layout = self.area.ci.layout
        n = len(self.maps)
        axes = sum(self.axes) + PLOT_MARGINS * n
        spacing = layout.horizontalSpacing() * (n - 1)
        margins = sum(layout.getContentsMargins()[::2]) + 2 * self.area.frameWidth()
        return math.ceil(axes + spacing + margins) + SLACK

    def fit(self) -> None:
        """Every map as wide as the area's width shared out (``least`` px at least); the
        titles at the presentation size or as large as fits over such a map."""
        if not self.maps:
            return
        n = len(self.maps)
        fixed = self._fixed()
        width = max(self.least, (self.area.width() - fixed) // n)
        pt = TITLE_PT * self.scale
        widest = self._set_titles(pt)
        if widest + TITLE_GAP > width:  # smaller in proportion, then by quarter points
            pt = max(TITLE_PT, math.floor(4 * pt * (width - TITLE_GAP) / widest) / 4)
            widest = self._set_titles(pt)
            while widest + TITLE_GAP > width and pt > TITLE_PT:
                pt = max(TITLE_PT, pt - 0.25)
                widest = self._set_titles(pt)
        for pair, axis in zip(self.maps, self.axes, strict=True):
            for plot in pair[::2]:
                w = axis + PLOT_MARGINS + width
                plot.setMinimumWidth(w)
                plot.setPreferredWidth(w)
                plot.setMaximumWidth(w)
        self.area.setMinimumWidth(fixed + n * self.least)
