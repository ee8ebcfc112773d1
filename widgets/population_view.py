"""The Population tab: K neurons per activation under the lanes' shocks, as seed 000's capacity.

Top: the share of each activation's neurons lost (dead, saturated or diverged) against the step;
below it, histograms of b and of each neuron's largest z over the data (ReLU is dead left of 0).
Right: the counts by state, the dropout comparison measured on this run, and a strip of the first
neurons of ReLU and ReLU + dropout on the first sample: a dropped output is off for one step, a
dead neuron for good. Plot items are made once; a frame only calls ``setData`` (at most every
FRAME_S; the histograms and texts at most every SLOW_S).
"""

from __future__ import annotations

import html
import math
import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QWidget,
)

from simulation import activations
from simulation.health import State
from simulation.population import DEAD, DROPPED, FIRING, SILENT, Population
from widgets import style
from widgets.claim_common import font, hbox, make_plot, plot_area, vbox, wrap_label
from widgets.time_plots import event_label, nice_step

FRAME_S = 1 / 30
SLOW_S = 1 / 12
CATCH_UP_S = 0.03  # stepping per catch-up slice while the lanes are paused
SIZES = (100, 1_000, 10_000)
INITS = (("auto", "auto: He, LeCun normal for SELU"), ("he", "He normal for all"),
         ("lecun", "LeCun normal for all"))
BINS = 60
STRIP_STEPS = 160  # steps shown in the dropped-versus-dead strip
LOST = (State.SATURATED, State.DEAD, State.DIVERGED)  # "capacity lost"
# dead: dark grey, visible on the dark theme too, and no theme role colour (restyle swaps those)
CODE_COLORS = {FIRING: "#F3B48F", SILENT: "#DCDCDC", DROPPED: "#0072B2", DEAD: "#3C3C3C"}
CODE_LABELS = {FIRING: "firing", SILENT: "z ≤ 0 on this sample", DROPPED: "dropped (one step)",
               DEAD: "dead (for good)"}


def lane_label(spec: Any) -> str:
    """'ReLU', 'ReLU + dropout 0.5'."""
    name = activations.get(spec.activation).label
    return name + (f" + dropout {spec.dropout:g}" if spec.dropout else "")


def bins_of(x: np.ndarray, y: np.ndarray, width: int) -> tuple[np.ndarray, np.ndarray]:
    """(x, y) with y (L, T) reduced to at most ~2 points per pixel (min and max per bin)."""
    n = y.shape[1]
    k = max(1, math.ceil(n / max(width, 50)))
    if k == 1:
        return x, y
    m = n // k * k
    lo = y[:, :m].reshape(len(y), -1, k).min(-1)
    hi = y[:, :m].reshape(len(y), -1, k).max(-1)
    xs = np.repeat(x[:m:k], 2)
    ys = np.stack([lo, hi], axis=-1).reshape(len(y), -1)
    if m < n:
        xs = np.concatenate([xs, x[m:]])
        ys = np.concatenate([ys, y[:, m:]], axis=1)
    return xs, ys


def plain_plot(layout: Any, row: int, y_label: str, x_label: str, col: int = 0,
               left: pg.AxisItem | None = None) -> pg.PlotItem:
    """:func:`make_plot` without a grid (an axis drawing a grid repaints across the whole plot
    every frame, ~6 ms an axis on the raster engine) and with a narrower left axis."""
    return make_plot(layout, row, y_label, x_label, col=col, grid=False, left=left, left_width=70)


class CountAxis(pg.AxisItem):
    """A y axis over log10(1 + count), labelled with the counts 0, 1, 10, 100, ..."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        hi = max(minVal, maxVal)
        return [(1.0, [0.0] + [math.log10(1 + 10 ** e) for e in range(0, int(hi) + 1)
                               if math.log10(1 + 10 ** e) <= hi])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"{round(10 ** v - 1):,}" for v in values]


def sticky_range(values: np.ndarray, current: tuple[float, float] | None) -> tuple[float, float]:
    """A histogram range covering the middle 99.8 % of the finite ``values``; kept while the data
    fills at least a third of it, so the bins do not jump every frame."""
    v = values[np.isfinite(values)]
    if not v.size:
        return current or (-1.0, 1.0)
    lo, hi = (float(q) for q in np.percentile(v, (0.1, 99.9)))
    lo, hi = min(lo, 0.0), max(hi, 0.0)
    if hi - lo < 1e-9:
        lo, hi = lo - 0.5, hi + 0.5
    if current is not None:
        inside = current[0] <= lo and hi <= current[1]
        if inside and (hi - lo) >= (current[1] - current[0]) / 3:
            return current
    pad = 0.08 * (hi - lo)
    return lo - pad, hi + pad


class PopulationView(QWidget):
    """Controls on top; capacity lost and histograms left; counts, finding and strip right."""

    def __init__(self, controller: Any, follower: Any):
        super().__init__()
        self.controller, self.follower = controller, follower
        self._lanes_key: tuple | None = None
        self._last_frame = self._last_slow = 0.0
        self._ranges: dict[str, tuple[float, float] | None] = {"b": None, "z": None}
        self.curves: list[pg.PlotCurveItem] = []
        self.hist: dict[str, list[pg.PlotCurveItem]] = {"b": [], "z": []}
        self._catch_up = QTimer(self)
        self._catch_up.setObjectName("population-catch-up")
        self._catch_up.setInterval(8)
        self._catch_up.timeout.connect(self._catch_up_slice)
        self._build()
        controller.frame.connect(self._on_frame)

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
        self.status = QLabel()
        controls = QHBoxLayout()
        controls.setContentsMargins(8, 4, 8, 0)
        for text, w in (("Neurons per activation", self.size_box), ("Start", self.init_box),
                        (None, self.random_box), ("ReLU + dropout, p =", self.dropout_box)):
            if text:
                controls.addWidget(QLabel(text))
            controls.addWidget(w)
            controls.addSpacing(10)
        controls.addWidget(self.status, 1)

        self.plots = plot_area()
        top = self.plots.ci.addLayout(row=0, col=0, colspan=2)
        self.capacity = plain_plot(top, 0, "capacity lost %", "step")
        for level in (20, 40, 60, 80, 100):
            self.capacity.addItem(pg.InfiniteLine(level, angle=0, pen=pg.mkPen(th.grid, width=1)),
                                  ignoreBounds=True)
        self.plots.ci.layout.setRowStretchFactor(0, 3)
        self.plots.ci.layout.setRowStretchFactor(1, 2)
        self.capacity.setYRange(-2, 114, padding=0)  # room above 100 % for shock labels
        self._xrange: tuple[float, float] | None = None
        self.capacity.getAxis("left").setToolTip(
            "Share of the neurons dead (every gradient 0), saturated (every |f′| < 1e-3) or "
            "diverged, at each step")
        self.b_plot = plain_plot(self.plots, 1, "neurons (log)", "b (bias), every neuron",
                                left=CountAxis("left"))
        self.z_plot = plain_plot(self.plots, 1, "neurons (log)", "largest z over the data", col=1,
                                left=CountAxis("left"))
        zero = pg.InfiniteLine(0.0, angle=90, pen=pg.mkPen(th.shock, width=1.5,
                                                           style=Qt.PenStyle.DashLine))
        self.z_plot.addItem(zero, ignoreBounds=True)
        self.z_note = pg.TextItem("← ReLU dead", color=th.muted, anchor=(1.05, 0))
        self.z_note.setFont(font(10))
        self.z_plot.addItem(self.z_note, ignoreBounds=True)
        self.markers: list[tuple[pg.InfiniteLine, pg.TextItem]] = []

        self.table = wrap_label(rich=True)
        self.finding = wrap_label(rich=True)
        self.strip = plot_area()
        self.strip_plots: list[pg.PlotItem] = []
        self.strip_images: list[pg.ImageItem] = []
        lut = np.array([pg.mkColor(CODE_COLORS[c]).getRgb()[:3] for c in range(4)], dtype=np.ubyte)
        for i in range(2):
            p = self.strip.addPlot(row=i, col=0)
            p.hideButtons()
            p.setMenuEnabled(False)
            p.setMouseEnabled(x=False, y=False)
            p.hideAxis("bottom")
            p.hideAxis("left")
            img = pg.ImageItem(axisOrder="col-major")
            img.setLookupTable(lut)
            img.setLevels((0, 3))
            p.addItem(img)
            self.strip_plots.append(p)
            self.strip_images.append(img)
        self.strip_title = wrap_label(rich=True)
        key = " &nbsp; ".join(
            f"<span style='color:{CODE_COLORS[c]}; background:{CODE_COLORS[c]}'>██</span>&nbsp;"
            + html.escape(CODE_LABELS[c]).replace(" ", "&nbsp;")
            for c in (FIRING, SILENT, DROPPED, DEAD))
        self.strip_key = wrap_label(key, 10, rich=True)

        right = vbox(self.table, self.finding, self.strip_title, (self.strip, 1), self.strip_key)
        right.setContentsMargins(4, 4, 8, 4)
        side = QWidget()
        side.setLayout(right)
        side.setMinimumWidth(360)
        side.setMaximumWidth(470)
        body = hbox((self.plots, 1), side)
        body.setContentsMargins(0, 0, 0, 0)
        outer = vbox(controls, (body, 1))
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
            color = style.lane_color(lane.activation)
            dash = Qt.PenStyle.DashLine if lane.dropout else Qt.PenStyle.SolidLine
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

    # --- drawing --------------------------------------------------------------------------------
    def refresh(self, force: bool = False) -> None:
        """Draw the population as it is (throttled unless ``force``)."""
        pop = self.follower.pop
        if pop is None:
            return
        now = time.perf_counter()
        if not force and now - self._last_frame < FRAME_S:
            return
        self._last_frame = now
        self._make_items(pop)
        self._draw_capacity(pop)
        self._draw_strip(pop)
        if force or now - self._last_slow >= SLOW_S:
            self._last_slow = now
            self._draw_histograms(pop)
            self._draw_texts(pop)

    def _draw_capacity(self, pop: Population) -> None:
        counts = pop.counts()
        if not len(counts):
            for c in self.curves:
                c.setData([], [])
            return
        lost = counts[:, :, list(LOST)].sum(-1).T * (100.0 / pop.size)  # (L, T)
        first = pop.first_step()
        x = np.arange(first, first + len(counts), dtype=float)
        xs, ys = bins_of(x, lost, int(self.capacity.vb.width()))
        for c, y in zip(self.curves, ys, strict=True):
            c.setData(xs, y)
        last = first + len(counts)
        q = nice_step(max(last - first, 10) * 0.05)  # the range moves in steps of ~5 %
        xr = (math.floor(first / q) * q, (math.floor(last / q) + 1) * q)
        if xr != self._xrange:
            self._xrange = xr
            self.capacity.setXRange(*xr, padding=0)
        self._sync_markers(pop)

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
            label = pg.TextItem(event_label(e), color=th.shock, anchor=(-0.05, 0),
                                fill=pg.mkBrush(*th.label_fill))
            label.setFont(font(10, bold=True))
            label.setPos(float(e["step"]), 113)
            for item in (line, label):
                self.capacity.addItem(item, ignoreBounds=True)
            self.markers.append((line, label))

    def _draw_histograms(self, pop: Population) -> None:
        for name, values, plot in (("b", pop.biases(), self.b_plot),
                                   ("z", pop.z_max(), self.z_plot)):
            old = self._ranges[name]
            lo, hi = self._ranges[name] = sticky_range(values, old)
            edges = np.linspace(lo, hi, BINS + 1)
            for h, v in zip(self.hist[name], values, strict=True):
                counts, _ = np.histogram(np.clip(v[np.isfinite(v)], lo, hi), bins=edges)
                h.setData(edges, np.log10(1.0 + counts))
            top = math.log10(1 + pop.size) * 1.1
            if (lo, hi) != old:
                plot.setXRange(lo, hi, padding=0)
                plot.setYRange(0, top, padding=0)
            if name == "z":
                self.z_note.setPos(0.0, top)

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
        text = (f"First {pop.trace_size} neurons × last {STRIP_STEPS} steps, output on sample 1 "
                f"({where}): dropped is off for one step, dead for good.")
        if text != self.strip_title.text():
            self.strip_title.setText(text)

    def _draw_texts(self, pop: Population) -> None:
        counts = pop.counts()
        th = style.theme()
        n = pop.size
        head = ("<tr><th align='left'>activation</th><th>alive</th><th>recov.</th>"
                "<th>satur.</th><th>dead</th><th>lost</th></tr>")
        rows = []
        for i, lane in enumerate(pop.lanes):
            c = counts[-1, i] if len(counts) else np.zeros(5, dtype=int)
            lost = int(c[list(LOST)].sum())
            cells = "".join(f"<td align='right'>{int(v):,}</td>" for v in c[:4])
            rows.append(f"<tr><td><span style='color:{style.lane_color(lane.activation)}'>▬</span>"
                        f" {html.escape(lane_label(lane))}</td>{cells}"
                        f"<td align='right'><b>{100 * lost / n:.1f} %</b></td></tr>")
        self.table.setText(
            f"<b>{n:,} neurons per activation</b> at step {pop.t:,}, by state:"
            f"<table cellspacing='0' cellpadding='2' style='color:{th.text}'>{head}"
            f"{''.join(rows)}</table>")
        self.finding.setText(dropout_finding(pop))
        lagging = self.follower.lagging(self.controller.sim)
        capped = (f" (of {self.follower.size:,} asked: {pop.sim.data.n:,} samples)"
                  if n < self.follower.size else "")
        self.status.setText(
            f"catching up with the lanes: step {pop.t:,} of {self.controller.sim.t:,}"
            if lagging else f"{len(pop.lanes)} × {n:,} neurons{capped} · "
            f"{1000 * self.follower.cost:.1f} ms a step")


def dropout_finding(pop: Population) -> str:
    """The seed-002 comparison on this run: ReLU against ReLU + dropout, dead counts now."""
    counts = pop.counts()
    relu = [i for i, lane in enumerate(pop.lanes) if lane.activation == "relu"]
    plain = [i for i in relu if not pop.lanes[i].dropout]
    dropped = [i for i in relu if pop.lanes[i].dropout]
    if not plain or not dropped or not len(counts):
        return ("<b>Dropout versus death:</b> set a dropout rate above 0 (with a ReLU lane) to "
                "compare ReLU with ReLU + dropout on the same starts, data and shocks.")
    a, b = plain[0], dropped[0]
    n = pop.size
    da, db = int(counts[-1, a, State.DEAD]), int(counts[-1, b, State.DEAD])
    p = pop.lanes[b].dropout
    diff = 100 * (db - da) / n
    verdict = ("dies <b>more</b> often, against the claim" if diff > 0.5 else
               "dies <b>less</b> often" if diff < -0.5 else
               "dies about <b>as often</b>, as claimed")
    return (f"<b>Dropout versus death, this run:</b> ReLU {da:,} of {n:,} dead "
            f"({100 * da / n:.1f} %), ReLU + dropout {p:g} {db:,} ({100 * db / n:.1f} %), same "
            f"starts, data and shocks. Seed 002: dropout does not make dying worse. Here ReLU + "
            f"dropout {verdict} ({diff:+.1f} points).")
