"""The activation-cost tab: forward and backward over 1,000,000 values, timed on this machine,
beside seed 000's "ReLU 1.0x, Leaky ReLU 1.1x, ELU 1.5x".

Measure starts a :class:`simulation.cost.CostRun`, one timing per timer tick; the table and the
bar chart (cost relative to ReLU, log scale; black diamonds = the seed's numbers) follow.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtWidgets import (
    QHeaderView,
    QProgressBar,
    QSpinBox,
    QTableWidgetItem,
)

from simulation import activations, cost
from widgets import style
from widgets.claim_common import (
    ClaimView,
    font,
    form,
    make_plot,
    plot_area,
    results_table,
    side_panel,
    vbox,
    wrap_label,
)
from widgets.style import lane_color

CLAIM = ("Seed 000: “ReLU 1.0x (baseline), Leaky ReLU 1.1x (slightly slower), ELU 1.5x "
         "(exponential computation)”. Timed here: this app's numpy functions on "
         f"{cost.DEFAULT_SIZE:,} float64 values; forward a = f(z), backward g·f′(z) "
         "(PReLU also sums its slope's gradient); median of the repeats, divided by ReLU's.")
HEADERS = ("activation", "forward ms", "backward ms", "total ms", "× ReLU", "seed × ReLU")
NAMES = tuple(activations.ACTIVATIONS)


class CostView(ClaimView):
    """Repeats and Measure on the left with the table; the ratios as bars on the right."""

    def __init__(self) -> None:
        super().__init__("cost-runner", "Measure",
                         "Time every activation on this machine (a few seconds)")
        self.run: cost.CostRun | None = None
        self.repeats = QSpinBox()
        self.repeats.setRange(1, 100)
        self.repeats.setValue(9)
        self.progress = QProgressBar()
        self.table = results_table(HEADERS, QHeaderView.ResizeMode.Stretch)
        self.table.setFont(font())
        panel = side_panel(vbox(wrap_label(CLAIM), form(("Repeats", self.repeats)),
                                self.run_button, self.progress, (self.table, 1)), 640)

        self.plots = plot_area()
        self.plot = make_plot(self.plots, 0, "forward + backward, × ReLU (log)", log_y=True)
        self.plot.getAxis("bottom").setTicks(
            [[(i, activations.get(n).label) for i, n in enumerate(NAMES)]])
        self.plot.setXRange(-0.6, len(NAMES) - 0.4, padding=0)
        th = style.theme()
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, pen=pg.mkPen(th.muted))
        self.seed_marks = pg.ScatterPlotItem(symbol="d", size=16, brush=th.text, pen=th.plot_bg)
        self.value_labels = [pg.TextItem(anchor=(0.5, 1.35), color=th.text) for _ in NAMES]
        self.plot.addItem(self.bars)
        self.plot.addItem(self.seed_marks)
        for label in self.value_labels:
            label.setFont(font(11, bold=True))
            self.plot.addItem(label)
        self.place(panel, wrap_label("Bars: measured here. ◆: the seed's number."),
                   (self.plots, 1))
        self.runner.progressed.connect(self.refresh)
        self.refresh()

    # --- intents ---------------------------------------------------------------------------------
    def _start_from_controls(self) -> None:
        self.start(cost.CostRun(NAMES, repeats=self.repeats.value()))

    def start(self, run: cost.CostRun) -> None:
        """Show and run ``run``."""
        self.run = run
        self._launch(run)

    # --- model -> view ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the medians of the repeats timed so far."""
        rows = self.run.rows() if self.run is not None else []
        self.progress.setValue(round(100 * self.run.progress) if self.run else 0)
        self.table.setRowCount(len(rows))
        for r, row in enumerate(rows):
            seed = "—" if row.seed_ratio is None else f"{row.seed_ratio:.1f}×"
            cells = (activations.get(row.activation).label, f"{row.forward_s * 1e3:.2f}",
                     f"{row.backward_s * 1e3:.2f}", f"{row.total_s * 1e3:.2f}",
                     f"{row.ratio:.2f}×", seed)
            for c, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if c == 0:
                    item.setForeground(pg.mkColor(lane_color(row.activation)))
                self.table.setItem(r, c, item)
        xs = [NAMES.index(row.activation) for row in rows]
        logs = [math.log10(row.ratio) for row in rows]
        seeds = [(NAMES.index(row.activation), math.log10(row.seed_ratio))
                 for row in rows if row.seed_ratio is not None]
        # the bars stand on the bottom of the axis, below the smallest ratio: ReLU's 1.00x (or
        # a ratio under 1) is a bar of its own height, not one of height 0 on an axis from 1
        base = bar_base([*logs, *(s[1] for s in seeds)])
        self.bars.setOpts(x=xs, y0=base, height=[v - base for v in logs], width=0.6,
                          brushes=[pg.mkBrush(lane_color(row.activation)) for row in rows])
        self.seed_marks.setData(pos=seeds)
        for i, label in enumerate(self.value_labels):
            row = next((w for w in rows if NAMES.index(w.activation) == i), None)
            label.setVisible(row is not None)
            if row is not None:
                label.setText(f"{row.ratio:.2f}×")
                seed = next((y for x, y in seeds if x == i), -math.inf)
                label.setPos(i, max(math.log10(row.ratio), seed))  # above the bar and the ◆
        top = max([*logs, *(s[1] for s in seeds), 0.5])
        # room above the tallest bar for its value (a fifth of the axis, at least 0.15 decades)
        self.plot.setYRange(base, top + max(0.15, 0.25 * (top - base)), padding=0)


def bar_base(logs: list[float]) -> float:
    """The log10 value the bars start from (the bottom of the axis): a factor of 2 below the
    smallest value and 1, so every bar, ReLU's 1.00x too, has a height."""
    return min([*logs, 0.0]) - math.log10(2.0)
