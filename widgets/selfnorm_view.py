"""The self-normalization tab: mean, variance and dead units per layer of a deep plain network.

Controls pick depth, width, samples, init and activations; Run starts a
:class:`simulation.selfnorm.SelfNormRun`, driven a few layers per timer tick; the plots follow.
Solid lines are measured, thin dashed ones the infinite-width (mean-field) prediction.
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt
from PySide6.QtWidgets import (
    QFormLayout,
    QFrame,
    QTableWidgetItem,
)

from simulation import activations, selfnorm
from widgets import style
from widgets.claim_common import (
    FONT_PT,
    ActivationChecks,
    ClaimView,
    fit_columns,
    follow_y,
    font,
    form,
    hold_y,
    make_plot,
    pen,
    plot_area,
    results_table,
    spin,
    vbox,
    wrap_label,
)
from widgets.claim_controls import Combo, FittedPanel, pinned
from widgets.overlap_lines import overlap_note, widen_covered
from widgets.style import lane_color

CLAIM = ("Tutorial 000: “SELU maintains mean ≈ 0 and variance ≈ 1 across layers” with LeCun normal "
         "init. Inputs have mean 0 and variance 1; weights N(0, gain/fan_in), no biases.")
NAMES = ("selu", "relu", "leaky_relu", "elu", "prelu", "gelu", "silu")
TABLE_COLUMNS = ("activation", "init", "mean", "var", "dead", "∞-width\nvar")  # (2 lines: fits)
TABLE_TIPS = {4: "Dead units: the share of units that output 0 for every sample at the last layer",
              5: "Infinite-width variance: what the mean-field theory predicts at the last layer "
                 "for a network of infinitely many units (the thin dashed line)"}
INIT_SHORT = {"lecun": "LeCun", "he": "He"}
EMPTY_MEAN = (-1.0, 1.0)  # the y ranges before a run: mean -1..1, variance 10⁻²..10²
EMPTY_VAR_DECADES = (-2.0, 2.0)
VAR_FLOOR = -2.0  # decades: lanes whose variance falls below 10⁻² leave the plot at its bottom
COLLAPSE_NOTE = ("Near 0, GELU and SiLU pass about x/2, so He's gain of 2 keeps about half the "
                 "variance per layer once it is small: it collapses towards 0.")
PLOT_NAMES = ("mean", "variance", "dead units")
PANEL_W = 470  # px: the controls' column at normal fonts (wider when its fields need it)
LEFT_AXIS_W = 78  # px: the plots' left axes at normal fonts


class SelfNormView(ClaimView):
    """Controls and a small table on the left; mean, variance and dead fraction per layer."""

    def __init__(self) -> None:
        super().__init__("selfnorm-runner",
                         button_tip="Push the same inputs through the network, layer by layer")
        self.run: selfnorm.SelfNormRun | None = None
        self.reference: dict[str, tuple[np.ndarray, np.ndarray]] = {}
        self._key = ""  # the legend's key of the run
        self.depth = spin(1, selfnorm.MAX_DEPTH, 50)
        self.width = spin(2, selfnorm.MAX_WIDTH, 256)
        self.samples = spin(16, selfnorm.MAX_SAMPLES, 1000)
        self.seed = spin(0, 2**31 - 1, 0)
        self.init = Combo()
        self.init.addItem("recommended (SELU: LeCun, others: He)", "recommended")
        for key, label in selfnorm.INIT_LABELS.items():
            self.init.addItem(f"{label} for all", key)
        self.checks = ActivationChecks(NAMES, selfnorm.DEFAULT_ACTIVATIONS)
        for box in self.checks.boxes.values():
            # a font of their own, which presentation mode scales (the style sheet's bold font
            # stayed at the size of the application font it was first polished with)
            box.setFont(font(FONT_PT, bold=True))
        self.status = wrap_label()
        self.verdict = wrap_label()
        self.table = results_table(TABLE_COLUMNS)  # its columns fitted to the panel's width
        for col, tip in TABLE_TIPS.items():
            self.table.horizontalHeaderItem(col).setToolTip(tip)

        controls = form(("Depth (layers)", self.depth), ("Width (units)", self.width),
                        ("Samples", self.samples), ("Init", self.init), ("Seed", self.seed))
        self.controls = controls  # (its rows wrap at large fonts: see _scale_fonts)
        controls.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        # as wide as its fields and check boxes need (presentation fonts widen it), 470 px at least
        panel = FittedPanel(vbox(wrap_label(CLAIM), controls, self.checks, self.status,
                                 (self.table, 1), self.verdict), PANEL_W)
        panel.setFrameShape(QFrame.Shape.NoFrame)

        self.plots = plot_area()
        self.mean_plot = make_plot(self.plots, 0, "mean", whole_x=True)
        self.var_plot = make_plot(self.plots, 1, "variance (log)", log_y=True, whole_x=True)
        self.dead_plot = make_plot(self.plots, 2, "dead units %", "layer", whole_x=True)
        for p in (self.var_plot, self.dead_plot):
            p.setXLink(self.mean_plot)
        self.dead_plot.setYRange(0, 100)
        self.curves = {n: [p.plot(pen=pen(n)) for p in self._plots()] for n in NAMES}
        self.refs = {n: [p.plot(pen=pg.mkPen(lane_color(n), width=1.2, style=Qt.PenStyle.DashLine))
                         for p in self._plots()[:2]] for n in NAMES}
        self.off_scale = pg.TextItem(anchor=(1, 1))  # the lanes below the variance plot
        self.off_scale.setZValue(10)
        self.var_plot.addItem(self.off_scale, ignoreBounds=True)
        self.legend = wrap_label()
        self.place(pinned(panel, self.run_button), self.legend, (self.plots, 1))
        self.runner.progressed.connect(self.refresh)
        self.depth.valueChanged.connect(self._depth_changed)
        hold_y(self.mean_plot, *EMPTY_MEAN)
        hold_y(self.var_plot, *EMPTY_VAR_DECADES)
        self._show_layers(self.depth.value())
        self._scale_fonts()
        self.refresh()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode began or ended
            self._scale_fonts()

    def _scale_fonts(self) -> None:
        """The plots' ticks and left axes at the presentation font scale in force (the axis
        titles keep their size: larger, the three plots' vertical ones ran into each other on
        a 1280x720 screen)."""
        scale = style.scales()[0]
        # a field under its label where they do not fit side by side; presenting, all of them
        # (a long row's label widened the labels' column, and a short row's field was cut)
        self.controls.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows if scale > 1
                                       else QFormLayout.RowWrapPolicy.WrapLongRows)
        tick = font(FONT_PT)
        tick.setPointSizeF(FONT_PT * scale)
        for plot in self._plots():
            for name in ("left", "bottom"):
                plot.getAxis(name).setStyle(tickFont=tick)
            plot.getAxis("left").setWidth(round(LEFT_AXIS_W * scale))

    def _plots(self) -> tuple[pg.PlotItem, ...]:
        return self.mean_plot, self.var_plot, self.dead_plot

    # --- intents ---------------------------------------------------------------------------------
    def config(self) -> selfnorm.SelfNormConfig:
        """The configuration the controls describe."""
        return selfnorm.SelfNormConfig(
            depth=self.depth.value(), width=self.width.value(), samples=self.samples.value(),
            init=self.init.currentData(), activations=self.checks.selected() or ("selu",),
            seed=self.seed.value())

    def _start_from_controls(self) -> None:
        self.start(self.config())

    def start(self, config: selfnorm.SelfNormConfig) -> None:
        """Measure ``config`` from layer 0."""
        self.run = selfnorm.SelfNormRun(config)
        for n in NAMES:
            used = n in config.activations
            for c in self.curves[n] + self.refs[n]:
                c.setVisible(used)
                c.setData([], [])
        self.reference = self.run.reference()
        layers = np.arange(config.depth + 1)
        for s in self.run.stats:
            m, v = self.reference[s.activation]
            self.refs[s.activation][0].setData(layers, m)
            self.refs[s.activation][1].setData(layers, v)
        self._show_layers(config.depth)
        for p in (self.mean_plot, self.var_plot):
            follow_y(p)
        self.off_scale.setHtml("")
        self._key = ("  ".join(
            f"<span style='color:{lane_color(s.activation)}'><b>━ "
            f"{activations.get(s.activation).label}</b> ({INIT_SHORT[s.init]})</span>"
            for s in self.run.stats) + "  <span style='color:#555'>┄ infinite width</span>")
        self.legend.setText(self._key)
        self._launch(self.run)

    def _depth_changed(self) -> None:
        if self.run is None:  # before the first run the axis shows the layers Run will measure
            self._show_layers(self.depth.value())

    # --- model -> view ----------------------------------------------------------------------------
    def _show_layers(self, depth: int) -> None:
        """Layers 0..``depth`` on the (linked) x axes."""
        self.mean_plot.setXRange(0, depth, padding=0.02)

    def refresh(self) -> None:
        """Draw what the run has measured so far."""
        run = self.run
        if run is None:
            self.status.setText("Press Run to measure.")
            return
        cfg = run.config
        self.status.setText(f"Layer {run.layer} of {cfg.depth} · width {cfg.width} · "
                            f"{cfg.samples:,} samples · seed {cfg.seed}")
        for s in run.stats:
            layers = np.arange(len(s.mean))
            mean_c, var_c, dead_c = self.curves[s.activation]
            mean_c.setData(layers, s.mean)
            var_c.setData(layers, np.maximum(s.var, 1e-300))
            dead_c.setData(layers, 100.0 * np.asarray(s.dead_fraction))
        self._fit_variance(run)
        self._show_overlaps()
        self._fill_table(run)

    def _fit_variance(self, run: selfnorm.SelfNormRun) -> None:
        """The variance axis over the lanes that stay above 10^VAR_FLOOR where others collapse
        (else 10⁻¹⁴ flattened the lanes near 1 into one), those below labelled at the bottom
        edge with their last value; all of them when none or all collapse."""
        logs = {s.activation: np.log10(np.maximum(np.asarray(s.var, dtype=float), 1e-300))
                for s in run.stats if len(s.var)}
        low = [n for n, v in logs.items() if v.min() < VAR_FLOOR]
        if not low or len(low) == len(logs):
            follow_y(self.var_plot)
            self.off_scale.setHtml("")
            return
        hi = max(float(v.max()) for v in logs.values())
        hold_y(self.var_plot, VAR_FLOOR, max(hi, VAR_FLOOR + 1))
        (_, right), (bottom, _) = self.var_plot.viewRange()
        self.off_scale.setPos(right, bottom)
        said = ", ".join(f"<span style='color:{lane_color(n)}'><b>{activations.get(n).label}"
                         f"</b> {10 ** logs[n][-1]:.2g}</span>" for n in low)
        self.off_scale.setColor(style.theme().text)
        self.off_scale.setHtml(f"<div style='background:{style.theme().plot_bg}'>↓ below: {said} "
                               f"(layer {run.layer})</div>")

    def _show_overlaps(self) -> None:
        """Lines of equal values each visible (wider beneath), and the key saying so."""
        groups = {name: widen_covered(plot, [(activations.get(n).label, self.curves[n][k])
                                             for n in NAMES])
                  for k, (name, plot) in enumerate(zip(PLOT_NAMES, self._plots(), strict=True))}
        note, which = overlap_note(groups)
        notes = [note]
        self.legend.setToolTip(which)
        if self.run is not None and self.run.config.init != "lecun" and any(
                s.activation in ("gelu", "silu") and s.var[-1] < 10 ** VAR_FLOOR
                for s in self.run.stats):
            notes.append(COLLAPSE_NOTE)
        self.legend.setText("<br>".join([self._key, *filter(None, notes)]))

    def _fill_table(self, run: selfnorm.SelfNormRun) -> None:
        self.table.setRowCount(len(run.stats))
        for row, s in enumerate(run.stats):
            ref_var = self.reference[s.activation][1][run.layer]
            cells = (activations.get(s.activation).label, INIT_SHORT[s.init], f"{s.mean[-1]:+.3f}",
                     f"{s.var[-1]:.3g}", f"{100 * s.dead_fraction[-1]:.1f} %", f"{ref_var:.3g}")
            for col, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if col == 0:
                    item.setForeground(pg.mkColor(lane_color(s.activation)))
                self.table.setItem(row, col, item)
        self.table.horizontalHeaderItem(2).setText(f"mean\n@ {run.layer}")
        fit_columns(self.table)
        # every row shown, not squeezed to two by the words under it (the panel scrolls instead)
        self.table.setMinimumHeight(self.table.horizontalHeader().sizeHint().height()
                                    + self.table.verticalHeader().length()
                                    + 2 * self.table.frameWidth())
        lines = [f"Over layers 1–{run.layer}:"]
        for s in run.stats:
            worst_mean, vmin, vmax = selfnorm.drift(s)
            lines.append(f"<span style='color:{lane_color(s.activation)}'><b>"
                         f"{activations.get(s.activation).label}</b></span> "
                         f"({INIT_SHORT[s.init]}): |mean| ≤ {worst_mean:.3f}, "
                         f"var {vmin:.3g} – {vmax:.3g}")
        self.verdict.setText("<br>".join(lines))
