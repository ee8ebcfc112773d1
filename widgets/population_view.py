"""The Population tab: K neurons per activation under the lanes' shocks, as seed 000's capacity.

Top: the share of each activation's neurons that can't learn now (dead, saturated or diverged)
against the step;
below it, histograms of b and of each neuron's largest z over the data (ReLU is dead left of 0).
Right: the status, the counts by state, the dropout comparison measured on this run, a strip of
the first neurons of ReLU and ReLU + dropout on the first sample: a dropped output is off for one
step, a dead neuron for good. This module builds the view and keeps its population in step with the
lanes; :mod:`widgets.population_drawing` draws a frame (:mod:`widgets.population_texts` its
texts), :mod:`widgets.population_plots` holds the plot helpers (their names are re-exported here).
"""

from __future__ import annotations

import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QGridLayout,
    QLabel,
    QProgressBar,
    QWidget,
)

from simulation.health import SATURATION_THRESHOLD
from simulation.population import Population
from widgets import style
from widgets.claim_controls import FONT_PT, font, hbox, vbox, wrap_label
from widgets.claim_plots import plot_area
from widgets.population_drawing import (
    BINS,
    FRAME_S,
    SLOW_S,
    STRIP_STEPS,
    X_LABEL,
    Y_TOP,
    PopulationDrawing,
)
from widgets.population_fit import ColumnFit
from widgets.population_plots import (
    ControlRow,
    CountAxis,
    SideColumn,
    Strip,
    bins_of,
    histogram_range,
    plain_plot,
)
from widgets.population_texts import (
    CANT_LEARN,
    CODE_COLORS,
    CODE_LABELS,
    LOST,
    dropout_finding,
    lane_color,
    lane_label,
    lane_style,
    strip_key,
)
from widgets.swatch import OutlinedKey

__all__ = [
    "BINS",
    "CATCH_UP_S",
    "CODE_COLORS",
    "CODE_LABELS",
    "FRAME_S",
    "INITS",
    "LOST",
    "SIZES",
    "SLOW_S",
    "STRIP_STEPS",
    "CountAxis",
    "PopulationView",
    "bins_of",
    "dropout_finding",
    "histogram_range",
    "lane_label",
    "plain_plot",
]

CATCH_UP_S = 0.03  # stepping per catch-up slice while the lanes are paused
SIZES = (100, 1_000, 10_000)
INITS = (("auto", "auto: He, LeCun normal for SELU"), ("he", "He normal for all"),
         ("lecun", "LeCun normal for all"))


class PopulationView(PopulationDrawing, QWidget):
    """Controls on top; the share that can't learn now and histograms left; counts, finding and
    strip right."""

    def __init__(self, controller: Any, follower: Any):
        super().__init__()
        self.controller, self.follower = controller, follower
        self._lanes_key: tuple | None = None
        self._last_frame = self._last_slow = 0.0
        self._ranges: dict[str, tuple[float, float] | None] = {"b": None, "z": None}
        # the counts by state after the steps run, at rest (see PopulationDrawing._counts_now)
        self._now: np.ndarray | None = None
        self._now_pop: Population | None = None
        self._now_key: tuple[int, int] | None = None
        self._now_counts: np.ndarray | None = None
        self.curves: list[pg.PlotCurveItem] = []
        # (steps, (L, steps) % lost) the curves are drawn from, before lines of equal value are
        # put side by side
        self.capacity_values: tuple[np.ndarray, np.ndarray] = (np.zeros(0), np.zeros((0, 0)))
        self.hist: dict[str, list[pg.PlotCurveItem]] = {"b": [], "z": []}
        self._catch_up = QTimer(self)
        self._catch_up.setObjectName("population-catch-up")
        self._catch_up.setInterval(8)
        self._catch_up.timeout.connect(self._catch_up_slice)
        self._build()
        controller.frame.connect(self._on_frame)
        self.column_fit.fit()
        controller.running_changed.connect(self._on_running)

    # --- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        th = style.theme()
        self.size_box = QComboBox()
        for k in SIZES:
            self.size_box.addItem(f"{k:,}", k)
        self.size_box.setCurrentIndex(SIZES.index(self.follower.size)
                                      if self.follower.size in SIZES else 1)
        self.size_box.setToolTip("Neurons per activation. 1,000 keeps the live loop smooth; "
                                 "10,000 runs at a few dozen steps a second")
        self.init_box = QComboBox()
        for key, text in INITS:
            self.init_box.addItem(text, key)
        self.init_box.setToolTip("Each neuron's own random start: one standard-normal draw per "
                                 "neuron, shared by every activation, scaled per activation; b = 0")
        self.random_box = QCheckBox("random shock size per neuron")
        self.random_box.setToolTip("A bias or weight shock gives neuron j the share u_j (uniform "
                                   "in [0, 1)) of its value; the learning-rate shock is the same "
                                   "for all")
        self.dropout_box = QDoubleSpinBox()
        self.dropout_box.setRange(0.0, 0.9)
        self.dropout_box.setSingleStep(0.1)
        self.dropout_box.setValue(self.follower.dropout)
        self.dropout_box.setToolTip("Adds a ReLU lane with dropout of this rate on its output "
                                    "while training (inverted scaling); 0: no such lane")
        for w in (self.size_box, self.init_box):
            w.currentIndexChanged.connect(self._settings_changed)
        self.random_box.toggled.connect(self._settings_changed)
        self.dropout_box.valueChanged.connect(self._settings_changed)
        # the status heads the right column, where it wraps: in the row of controls it was cut
        # at 1280 px (and, unless cut, it forced the whole window wider)
        self.status = wrap_label()
        # catching up with the lanes: steps done of the lanes' steps (hidden when caught up)
        self.progress = QProgressBar()
        self.progress.setObjectName("population-catch-up-progress")
        self.progress.setVisible(False)
        self.controls = ControlRow(
            [QLabel("Neurons per activation"), self.size_box, QLabel("Start"), self.init_box],
            [self.random_box, QLabel("ReLU + dropout, p ="), self.dropout_box])

        self.plots = plot_area()
        top = self.plots.ci.addLayout(row=0, col=0, colspan=2)
        self.capacity = plain_plot(top, 0, f"{CANT_LEARN} %", X_LABEL)
        for level in (20, 40, 60, 80, 100):
            self.capacity.addItem(pg.InfiniteLine(level, angle=0, pen=pg.mkPen(th.grid, width=1)),
                                  ignoreBounds=True)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        self._ybottom = -2.0  # (lower for a bundle of lines side by side at 0 %)
        self.capacity.setYRange(self._ybottom, Y_TOP, padding=0)
        self.capacity.vb.sigResized.connect(self._capacity_resized)
        self._xrange: tuple[float, float] | None = None
        self.capacity.getAxis("left").setToolTip(
            f"Can't learn now: the share of the neurons dead (every gradient exactly 0), "
            f"saturated (every |f′(z)| < {SATURATION_THRESHOLD:g}) or diverged (not finite), at "
            f"each step. Not counted: recovering neurons (every z ≤ 0, not firing, but "
            f"gradients still flow); the table gives the share not firing too")
        self.b_plot = plain_plot(self.plots, 1, "neurons (log)", "b (bias), every neuron",
                                left=CountAxis("left"))
        self.z_plot = plain_plot(self.plots, 1, "neurons (log)", "largest z over the data", col=1,
                                left=CountAxis("left"))
        zero = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(th.shock, width=1.5,
                                                           style=Qt.PenStyle.DashLine))
        self.z_plot.addItem(zero, ignoreBounds=True)
        self.z_note = pg.TextItem("← ReLU dead", color=th.muted, anchor=(1.05, 0),
                                  fill=pg.mkBrush(*th.label_fill))  # (over the bars: readable)
        self.z_note.setFont(font(10))
        self.z_plot.addItem(self.z_note, ignoreBounds=True)
        self.markers: list[tuple[pg.InfiniteLine, pg.TextItem]] = []

        self.table = wrap_label(rich=True)
        # each header a link: hovering it shows the column's definition
        self.table.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                           | Qt.TextInteractionFlag.LinksAccessibleByMouse)
        self.table.linkHovered.connect(self.show_column_tip)
        self.finding = wrap_label(rich=True)
        self.strip = Strip([pg.mkColor(CODE_COLORS[c]).getRgb()[:3] for c in range(4)])
        self.strip_plots, self.strip_images = self.strip.plots, self.strip.images
        self.strip_title = wrap_label(rich=True)
        self.strip_key = OutlinedKey(strip_key(), 10)  # (swatches outlined: light ones showed)
        strip = QGridLayout()  # the key under the strip, or beside it (see ColumnFit)
        strip.addWidget(self.strip, 0, 0)
        strip.addWidget(self.strip_key, 1, 0)
        strip.setColumnStretch(0, 1)
        strip.setRowStretch(0, 1)
        right = vbox(self.status, self.progress, self.table, self.finding, self.strip_title,
                     (strip, 1))
        right.setContentsMargins(4, 4, 8, 4)
        self.side = SideColumn(right)
        self.column_fit = ColumnFit(self.side, [(lb, FONT_PT) for lb in (
            self.status, self.table, self.finding, self.strip_title)] + [(self.strip_key, 10)],
            self.table, strip, (strip_key(), strip_key("<br>")))
        body = hbox((self.plots, 1), self.side)
        body.setContentsMargins(0, 0, 0, 0)
        outer = vbox(self.controls, (body, 1))
        outer.setContentsMargins(0, 0, 0, 0)
        self.setLayout(outer)

    def _make_items(self, pop: Population) -> None:
        """Curves for ``pop``'s lanes (once per set of lanes)."""
        key = tuple((lane.id, lane.activation, lane.dropout) for lane in pop.lanes)
        if key == self._lanes_key:
            return
        self._lanes_key = key
        for item in self.curves:
            self.capacity.removeItem(item)
        for name, plot in (("b", self.b_plot), ("z", self.z_plot)):
            for item in self.hist[name]:
                plot.removeItem(item)
            self.hist[name] = []
        self.curves = []
        for i, lane in enumerate(pop.lanes):
            color, dash = lane_color(lane), lane_style(lane)
            c = pg.PlotCurveItem(pen=pg.mkPen(color, width=2.5, style=dash))
            c.setZValue(10 + len(pop.lanes) - i)
            self.capacity.addItem(c)
            self.curves.append(c)
            for name, plot in (("b", self.b_plot), ("z", self.z_plot)):
                h = pg.PlotCurveItem([0.0, 1.0], [0.0], stepMode="center",
                                     pen=pg.mkPen(color, width=1.8, style=dash))
                plot.addItem(h)
                self.hist[name].append(h)

    # --- showing and following ------------------------------------------------------------------
    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation fonts: the table is wider
            self.column_fit.fit()

    def showEvent(self, event: Any) -> None:
        super().showEvent(event)
        if self.follower not in self.controller.followers:
            self.controller.followers.append(self.follower)
        self._follow(force=True)

    def hideEvent(self, event: Any) -> None:
        if self.follower in self.controller.followers:
            self.controller.followers.remove(self.follower)
        self._catch_up.stop()
        super().hideEvent(event)

    def _settings_changed(self) -> None:
        self.follower.configure(size=int(self.size_box.currentData()),
                                init=str(self.init_box.currentData()),
                                random_shocks=self.random_box.isChecked(),
                                dropout=float(self.dropout_box.value()))
        self._ranges = {"b": None, "z": None}
        self._follow(force=True)

    def _on_frame(self, _sim: Any = None) -> None:
        if self.isVisible():
            self._follow()

    def _on_running(self, running: bool) -> None:
        """At the pause, catch up with the lanes (live, a threaded population runs a little
        behind them) and draw the population there: at rest the view shows the lanes' step, not
        whatever the last live frame (throttled, maybe mid-slice) happened to draw."""
        if not running and self.isVisible():
            self._follow(force=True)

    def _follow(self, force: bool = False) -> None:
        """Catch up with the lanes for a slice (the loop keeps a running population in step)."""
        c = self.controller
        done = self.follower.sync(c.sim, c.journal, time.perf_counter() + CATCH_UP_S)
        if not done and not c.running and self.isVisible():
            self._catch_up.start()
        # live, the throttle holds (a slice is nearly always running on the worker); at rest,
        # every catch-up slice is shown
        self.refresh(force=force or (not done and not c.running))

    def _catch_up_slice(self) -> None:
        c = self.controller
        if not self.isVisible() or c.running:
            self._catch_up.stop()
            return
        if self.follower.sync(c.sim, c.journal, time.perf_counter() + CATCH_UP_S):
            self._catch_up.stop()
        self.refresh(force=True)
