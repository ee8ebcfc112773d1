"""The Death-map tab: every activation over a grid of shocks, beside the seed's decision framework.

Each heatmap cell is one run (one neuron) of the base settings with two shocks at the same step:
the bias set to b (x axis) and the learning rate multiplied by a factor for a few steps (y axis,
log). Top row: the state at the end; bottom row: steps from the shock until alive again. The
sweep (:class:`simulation.sweep.Sweep`) runs a slice per timer tick; the maps fill in as it goes.
The side panel puts the seed's framework ("speed critical → Leaky ReLU", "very deep → SELU", ...)
next to what the maps measured. This module builds the view and draws into it;
:mod:`widgets.death_map_images` makes the map images and their key, and
:mod:`widgets.death_map_framework` the framework text (their names are re-exported here).
"""

from __future__ import annotations

import html
import math
import time
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, QRectF
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QProgressBar,
)

from simulation import activations, presets, sweep
from simulation.config import ConfigError, RunConfig
from simulation.health import STATE_NAMES
from widgets import style
from widgets.claim_common import ClaimView
from widgets.claim_controls import Combo, FittedPanel, form, hbox, pinned, spin, vbox, wrap_label
from widgets.claim_plots import plot_area, style_plot
from widgets.death_map_fit import LEFT_AXIS_W, TICK_PT, TITLE_PT, ColumnFit
from widgets.death_map_framework import FRAMEWORK, INTRO, MapColumn, framework_text, stale_text
from widgets.death_map_images import (
    NEVER_COLOR,
    RECOVERY_MAP,
    UNTOUCHED_COLOR,
    FactorAxis,
    legend_text,
    recovery_image,
    state_image,
)
from widgets.swatch import OutlinedKey

__all__ = [
    "CURRENT",
    "FRAMEWORK",
    "GRIDS",
    "NEVER_COLOR",
    "RECOVERY_MAP",
    "REDRAW_S",
    "UNTOUCHED_COLOR",
    "DeathMapView",
    "FactorAxis",
    "framework_text",
    "legend_text",
    "recovery_image",
    "state_image",
]

CURRENT = "current"  # the base: the live lanes' settings
GRIDS = (20, 40, 60, 80)
REDRAW_S = 0.25  # while the sweep runs, the maps are redrawn at most this often
PANEL_W = 330  # px: the settings' column at normal fonts (wider when its fields need it)


class DeathMapView(ClaimView):
    """Settings on the left; a state map and a recovery map per activation."""

    def __init__(self, controller: Any | None = None):
        super().__init__("death-map-runner", "Run the sweep")
        self.controller = controller
        self.sweep: sweep.Sweep | None = None
        self.base = Combo()
        if controller is not None:
            self.base.addItem("the lanes' settings", CURRENT)
        for pid in presets.PRESETS:
            self.base.addItem(f"preset {pid}", pid)
        self.base.setCurrentIndex(0)
        self.base.setToolTip("Data, start, learning rate and lanes of the runs (their own "
                             "shocks are not used)")
        self.grid = Combo()
        for n in GRIDS:
            self.grid.addItem(f"{n} × {n}", n)
        self.grid.setCurrentIndex(GRIDS.index(40))
        self.b_lo, self.b_hi = self._dspin(-1e3, 1e3, -10.0), self._dspin(-1e3, 1e3, 10.0)
        self.f_lo, self.f_hi = self._dspin(0.01, 1e4, 1.0), self._dspin(0.01, 1e4, 100.0)
        self.shock_step = spin(0, 100_000, sweep.SweepSpec.shock_step)
        self.lr_steps = spin(1, 1000, sweep.SweepSpec.lr_steps)
        self.after = spin(10, 1_000_000, sweep.SweepSpec.steps - sweep.SweepSpec.shock_step)
        self.progress = QProgressBar()
        self.status = wrap_label()
        self.hover = wrap_label()
        self.framework = wrap_label(rich=True)
        controls = form(("Base", self.base), ("Grid", self.grid),
                        ("Bias shock b", hbox(self.b_lo, QLabel("to"), self.b_hi)),
                        ("lr shock ×", hbox(self.f_lo, QLabel("to"), self.f_hi)),
                        ("Shocks at step", self.shock_step),
                        ("lr shock lasts (steps)", self.lr_steps),
                        ("Steps after the shocks", self.after))
        self.controls = controls  # (its rows wrap at large fonts: see _scale_fonts)
        controls.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.intro = wrap_label(INTRO)
        self.stale = wrap_label()  # when the controls ask for other maps than those shown
        self.stale.hide()
        left = vbox(self.intro, controls, self.stale, self.status, self.hover)
        left.addStretch(1)
        self.panel = FittedPanel(left, PANEL_W)

        self.area = plot_area()
        self.maps: list[tuple[pg.PlotItem, pg.ImageItem, pg.PlotItem, pg.ImageItem]] = []
        self.fit = ColumnFit(self.area)  # the columns share the area's width (see its module)
        self.legend = OutlinedKey(legend_text(2000))
        self.column = MapColumn(self.area, self.legend, self.framework)
        self.place(pinned(self.panel, self.run_button, self.progress), self.column)
        self.area.scene().sigMouseMoved.connect(self._mouse_moved)
        self.runner.progressed.connect(self._progressed)
        self._drawn = 0.0
        self.status.setText("Press Run the sweep: a 40 × 40 grid over five activations takes "
                            "some seconds.")
        # until the first run: what will appear here (the maps replace it)
        self.placeholder = self.area.addLabel(
            "The maps appear here, one column per activation:<br>the state at the end above, "
            "the steps until alive again below.<br><br>Press <b>Run the sweep</b>.",
            size="13pt", color="#808080", justify="center")
        self._made: tuple[Any, sweep.SweepSpec] | None = None  # the shown maps' base and grid
        for box in (self.b_lo, self.b_hi, self.f_lo, self.f_hi, self.shock_step, self.lr_steps,
                    self.after):
            box.valueChanged.connect(self._mark_stale)
        for combo in (self.base, self.grid):
            combo.currentIndexChanged.connect(self._mark_stale)
        self._scale_fonts()

    @staticmethod
    def _dspin(lo: float, hi: float, value: float) -> QDoubleSpinBox:
        s = QDoubleSpinBox()
        s.setRange(lo, hi)
        s.setDecimals(2)
        s.setValue(value)
        return s

    # --- intents ---------------------------------------------------------------------------------
    def spec(self) -> sweep.SweepSpec:
        """The grid and timing the controls ask for (ConfigError when out of range)."""
        n = int(self.grid.currentData())
        if self.f_lo.value() <= 0 or self.f_hi.value() <= 0:
            raise ConfigError("lr factors must be above 0")
        bias = tuple(np.linspace(self.b_lo.value(), self.b_hi.value(), n).tolist())
        factor = tuple(np.geomspace(self.f_lo.value(), self.f_hi.value(), n).tolist())
        s = self.shock_step.value()
        return sweep.SweepSpec(bias=bias, factor=factor, shock_step=s,
                               lr_steps=self.lr_steps.value(), steps=s + self.after.value())

    def base_config(self) -> RunConfig:
        key = self.base.currentData()
        if key == CURRENT and self.controller is not None:
            return self.controller.config
        return presets.get(key).config()

    def _start_from_controls(self) -> None:
        try:
            job = sweep.Sweep(self.base_config(), self.spec())
        except ConfigError as e:
            self.status.setText(f"<span style='color:#a00'>{html.escape(str(e))}</span>")
            return
        self.start(job)

    def start(self, job: sweep.Sweep) -> None:
        """Show and run ``job``."""
        self.sweep = job
        self._made = (self.base.currentData(), job.spec)
        self._mark_stale()
        self._make_maps(job)
        self._launch(job)

    def _mark_stale(self) -> None:
        """Say so when the controls ask for other maps than those shown (press Run)."""
        try:
            wanted: sweep.SweepSpec | None = self.spec()
        except ConfigError:
            wanted = None
        text = stale_text(self._made, (self.base.currentData(), wanted))
        self.stale.setText(text)
        self.stale.setVisible(bool(text))

    # --- drawing ---------------------------------------------------------------------------------
    def _make_maps(self, job: sweep.Sweep) -> None:
        self.area.clear()
        self.maps = []
        s = job.spec
        b, lf = np.asarray(s.bias), np.log10(np.asarray(s.factor))
        db = (b[-1] - b[0]) / max(len(b) - 1, 1) or 1.0
        dlf = (lf[-1] - lf[0]) / max(len(lf) - 1, 1) or 0.1
        rect = QRectF(b[0] - db / 2, lf[0] - dlf / 2, db * len(b), dlf * len(lf))
        for col, lane in enumerate(job.base.lanes):
            pair = []
            for row in range(2):
                plot = self.area.addPlot(row=row, col=col,
                                         axisItems={"left": FactorAxis("left")})
                # (no SI prefix either way: these axes have no label)
                style_plot(plot, tick_pt=TICK_PT, left_width=LEFT_AXIS_W)
                if row == 0:  # (the same b as the map below, labelled there: more map)
                    plot.getAxis("bottom").setStyle(showValues=False)
                if row == 0:
                    label = html.escape(activations.get(lane.activation).label)
                    plot.setTitle(f"<b style='color:{style.lane_color(lane.activation)}'>"
                                  f"{label}</b>", size=f"{TITLE_PT}pt")
                img = pg.ImageItem(axisOrder="col-major")
                img.setRect(rect)
                plot.addItem(img)
                plot.setXRange(rect.left(), rect.right(), padding=0)
                plot.setYRange(rect.top(), rect.bottom(), padding=0)
                plot.vb.setLimits(xMin=rect.left(), xMax=rect.right())
                pair += [plot, img]
            self.maps.append(tuple(pair))
            self.area.ci.layout.setColumnStretchFactor(col, 1)
        self._rect = rect
        self._scale_fonts()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode began or ended
            self._scale_fonts()

    def _scale_fonts(self) -> None:
        """The panel's rows, the maps' titles, ticks and left axes at the presentation font
        scale in force; the columns fitted to the area (:class:`ColumnFit`)."""
        scale = style.scales()[0]
        # a field under its label where they do not fit side by side; presenting, all of them
        # (a long row's label widened the labels' column, and a short row's field was cut)
        self.controls.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows if scale > 1
                                       else QFormLayout.RowWrapPolicy.WrapLongRows)
        self.fit.restyle(self.maps, scale)

    def _progressed(self) -> None:
        if time.perf_counter() - self._drawn >= REDRAW_S:  # the maps fill in a few times a second
            self.refresh()

    def refresh(self) -> None:
        """Draw what the sweep knows so far."""
        self._drawn = time.perf_counter()
        job = self.sweep
        if job is None:
            return
        res = job.result()
        top = max(job.spec.steps - job.spec.shock_step, 10)
        for li, (_, s_img, _, r_img) in enumerate(self.maps):
            s_img.setImage(state_image(res.state[li]), autoLevels=False)
            r_img.setImage(recovery_image(res.recovery[li], top), autoLevels=False)
            s_img.setRect(self._rect)  # (the rect maps the image's pixels: set it after)
            r_img.setRect(self._rect)
        self.progress.setValue(round(100 * job.progress))
        s = job.spec
        cells = len(s.bias) * len(s.factor)
        self.status.setText(
            f"{len(s.factor)} × {len(s.bias)} = {cells:,} cells × {len(res.lanes)} activations "
            f"· step {job.t:,} of {s.steps:,} · {job.seconds:.1f} s"
            + (f" · {job.moving:,} cell-lanes still moving" if not job.done else " · done"))
        self.legend.setText(legend_text(top))
        self.framework.setText(framework_text(res, job.done))
        self.column.place()

    def _mouse_moved(self, pos: Any) -> None:
        job = self.sweep
        if job is None:
            return
        for li, (p0, _, p1, _) in enumerate(self.maps):
            for plot in (p0, p1):
                if plot.sceneBoundingRect().contains(pos):
                    pt = plot.vb.mapSceneToView(pos)
                    self._describe(li, pt.x(), pt.y())
                    return

    def _describe(self, li: int, x: float, y: float) -> None:
        job = self.sweep
        s = job.spec
        j = int(np.argmin(np.abs(np.asarray(s.bias) - x)))
        i = int(np.argmin(np.abs(np.log10(np.asarray(s.factor)) - y)))
        res = job.result()
        rec = res.recovery[li, i, j]
        back = ("never knocked out" if rec == 0 else "not alive again by the end"
                if math.isnan(rec) else f"alive again after {rec:,.0f} steps")
        label = activations.get(res.lanes[li].activation).label
        self.hover.setText(f"<b>{label}</b>, b = {s.bias[j]:.3g}, lr × {s.factor[i]:.3g}: "
                           f"{STATE_NAMES[res.state[li, i, j]]} at the end, {back}.")
