"""The activation-cost tab: forward and backward over 1,000,000 values, timed on this machine,
beside seed 000's "ReLU 1.0x, Leaky ReLU 1.1x, ELU 1.5x".

Measure starts a :class:`simulation.cost.CostRun`, one timing per timer tick; the table and the
bar chart (cost relative to ReLU, log scale; black diamonds = the seed's numbers; until then a
hint to press Measure) follow, and once complete a note on what was (and was not) measured. A
complete timing is kept in the session's :class:`simulation.cost.SharedCost` (if given), where the
star table reuses it, so the two tabs show the same numbers.
"""

from __future__ import annotations

import math

import pyqtgraph as pg
from PySide6.QtCore import QSize
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import (
    QFrame,
    QLayout,
    QProgressBar,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
)

from simulation import activations, cost
from widgets import style
from widgets.claim_common import (
    ClaimView,
    fit_columns,
    fitting_font,
    font,
    form,
    make_plot,
    plot_area,
    results_table,
    short_label,
    vbox,
    wrap_label,
)
from widgets.claim_controls import FittedPanel
from widgets.claims_fit import capped
from widgets.style import lane_color

CLAIM = ("Tutorial 000: “ReLU 1.0x (baseline), Leaky ReLU 1.1x (slightly slower), ELU 1.5x "
         "(exponential computation)”. Timed here: this app's numpy functions on "
         f"{cost.DEFAULT_SIZE:,} float64 values; forward a = f(z), backward g·f′(z) "
         "(PReLU also sums its slope's gradient); median of the repeats, divided by ReLU's.")
HEADERS = ("activation", "forward\nms", "backward\nms", "total\nms", "×\nReLU", "tutorial\n× ReLU")
NAMES = tuple(activations.ACTIVATIONS)
LEGEND = "Bars: measured here. ◆ = the tutorial's claimed ratio."
EMPTY_HINT = "Press Measure to time each activation"  # drawn in the plot while it has no bars
EMPTY_PT = 13  # its font size (times the presentation scale), smaller where the plot is narrow
Y_LABELS = ("forward + backward, × ReLU (log)", "time, × ReLU (log)")  # the y axis's title: the
# first that fits the plot's height (a short plot, 1280x720 presenting, cut the long one)
MEASURED_NOTE = (  # shown once a measurement is complete: why its ratios can differ
    f"Measured: this app's numpy functions on {cost.DEFAULT_SIZE:,} float64 values, each "
    "operation (comparison, where, exp, tanh, ...) a separate numpy pass with its own temporary "
    "array. Not measured: a framework's fused kernel, one pass bound by memory traffic rather "
    "than arithmetic, where a costlier formula adds little time: the tutorial's small ratios "
    "may come from timings of that kind (it does not say how it timed them).")
CLAIM_SHARE, NOTE_SHARE = 0.2, 0.25  # their most height, a share of their column's: presenting
# at 1280x720 the claim (6 lines) left the table too short for its 7 rows, and the note (9) the
# plot 164 px; in a smaller font where need be (never under the normal one)
PANEL_WIDTH = (360, 640)  # the left column's least width, and its width unless the table needs
# more (the chart gets the rest; in a narrow window the column gives way and the table scrolls)
VALUE_PT = (11, 8)  # the bars' value labels: largest and least font sizes, then turned upright
TICK_LEAST_PT = 7  # the bars' names: least font size (abbreviated below the axis's own size)
LABEL_GAP = 0.35  # a value label's gap above its bar, in label heights
LABEL_MARGIN = 1  # px around a value label's text
SLOT_PX = 44  # the least width of a bar's slot: the chart is never narrower


class TablePanel(FittedPanel):
    """The left column: ``width`` px, or as wide as ``table``'s columns need where that is wider
    (the table scrolled sideways at 1280x720 presenting); narrower only where the window is."""

    def __init__(self, layout: QLayout, table: QTableWidget, width: int):
        super().__init__(layout, width)
        self.table = table
        self.setFrameShape(QFrame.Shape.NoFrame)

    def sizeHint(self) -> QSize:
        margins = self.widget().layout().contentsMargins()
        want = (self.table.sizeHint().width() + margins.left() + margins.right()
                + 2 * self.frameWidth() + self.verticalScrollBar().sizeHint().width())
        return QSize(max(self.least, want), super().sizeHint().height())


class CostView(ClaimView):
    """Repeats and Measure on the left with the table; the ratios as bars on the right."""

    def __init__(self, shared: cost.SharedCost | None = None) -> None:
        super().__init__("cost-runner", "Measure",
                         "Time every activation on this machine (a few seconds)")
        self.run: cost.CostRun | None = None
        self.shared = shared
        self.repeats = QSpinBox()
        self.repeats.setRange(1, 100)
        self.repeats.setValue(9)
        self.progress = QProgressBar()
        self.table = results_table(HEADERS)
        self.table.setFont(font())
        panel = TablePanel(vbox(capped(CLAIM, CLAIM_SHARE), form(("Repeats", self.repeats)),
                                self.run_button, self.progress, (self.table, 1)),
                           self.table, PANEL_WIDTH[1])
        panel.setMinimumWidth(PANEL_WIDTH[0])

        self.plots = plot_area()
        self.plots.setMinimumWidth(78 + SLOT_PX * len(NAMES))  # (78: the left axis)
        self.plot = make_plot(self.plots, 0, Y_LABELS[0], log_y=True)
        self.plot.getAxis("bottom").setToolTip(
            "Left to right: " + ", ".join(activations.get(n).label for n in NAMES))
        self.plot.setXRange(-0.5, len(NAMES) - 0.5, padding=0)
        self._base = bar_base([])
        th = style.theme()
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.6, pen=pg.mkPen(th.muted))
        self.seed_marks = pg.ScatterPlotItem(symbol="d", size=16, brush=th.text, pen=th.plot_bg)
        self.value_labels = [pg.TextItem(anchor=(0.5, 1 + LABEL_GAP), color=th.text)
                             for _ in NAMES]
        self.plot.addItem(self.bars)
        self.plot.addItem(self.seed_marks)
        self.hint = pg.TextItem(EMPTY_HINT, anchor=(0.5, 0.5), color=th.muted)
        self.plot.addItem(self.hint)
        for label in self.value_labels:
            label.setFont(font(VALUE_PT[0], bold=True))
            label.textItem.document().setDocumentMargin(LABEL_MARGIN)  # (4 px by default)
            self.plot.addItem(label)
        self._tick_font = QFont(self.plot.getAxis("bottom").style["tickFont"])
        self._tops: dict[int, float] = {}  # bar index -> log10 of the top of its bar or ◆
        self.note = capped(MEASURED_NOTE, NOTE_SHARE)
        self.note.hide()  # (until a measurement is complete)
        self.place(panel, wrap_label(LEGEND), self.note, (self.plots, 1))
        self.plot.vb.sigResized.connect(self.fit_labels)
        self.runner.progressed.connect(self.refresh)
        self.refresh()

    # --- intents ---------------------------------------------------------------------------------
    def _start_from_controls(self) -> None:
        self.start(cost.CostRun(NAMES, repeats=self.repeats.value()))

    def start(self, run: cost.CostRun) -> None:
        """Show and run ``run``."""
        self.run = run
        self._launch(run)

    def _finished(self) -> None:
        if self.run is not None and self.shared is not None:
            self.shared.keep(self.run)
        super()._finished()

    # --- model -> view ----------------------------------------------------------------------------
    def refresh(self) -> None:
        """Show the medians of the repeats timed so far."""
        rows = self.run.rows() if self.run is not None else []
        self.progress.setValue(round(100 * self.run.progress) if self.run else 0)
        done = self.run is not None and self.run.done
        self.progress.setFormat(f"measured at {cost.clock_text(self.run.finished_at)}"
                                if done and self.run is not None else "%p%")
        self.note.setVisible(done)
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
        fit_columns(self.table)
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
        self._base, self._tops = base, {}
        for i, label in enumerate(self.value_labels):
            row = next((w for w in rows if NAMES.index(w.activation) == i), None)
            label.setVisible(row is not None)
            if row is not None:
                label.setText(f"{row.ratio:.2f}×")
                seed = next((y for x, y in seeds if x == i), -math.inf)
                self._tops[i] = max(math.log10(row.ratio), seed)  # above the bar and the ◆
                label.setPos(i, self._tops[i])
        self.fit_labels()

    def fit_labels(self) -> None:
        """Fit the bars' names and values to the width of a bar's slot (smaller fonts, the
        names abbreviated, the values upright), and the y range to the values above the bars."""
        slot = self.plot.vb.width() / len(NAMES)  # pixels per bar
        axis = self.plot.getAxis("bottom")
        names = [activations.get(n).label for n in NAMES]
        tick_pt = self._tick_font.pointSizeF()
        fit = (fitting_font(names, slot - 6, self._tick_font, max(tick_pt - 1, TICK_LEAST_PT))
               or fitting_font([short_label(n) for n in names], slot - 4, self._tick_font,
                               TICK_LEAST_PT))
        short = fit is None or fit[1] != names
        tick_font, texts = fit or (QFont(self._tick_font), [short_label(n) for n in names])
        if tick_font != axis.style["tickFont"]:
            axis.setStyle(tickFont=tick_font)
        axis.setTicks([list(enumerate(texts))])
        axis.setToolTip(("Left to right: " if not short else "") + ", ".join(
            f"{t} = {n}" if short and t != n else n for t, n in zip(texts, names, strict=True)))
        shown = [label for label in self.value_labels if label.isVisible()]
        texts = [label.toPlainText() for label in shown]
        big = font(VALUE_PT[0], bold=True)
        room = slot - 2 - 2 * LABEL_MARGIN  # 2 px between neighbours at least
        fit = fitting_font(texts, room, big, VALUE_PT[1])
        upright = fit is None
        value_font = fit[0] if fit else big
        if upright:  # turned upright: a line as tall as the slot is wide, at most
            value_font = (fitting_font([""], math.inf, big, VALUE_PT[1], room)
                          or (font(VALUE_PT[1], bold=True), []))[0]
        metrics = QFontMetricsF(value_font)
        line = metrics.height() + 2 * LABEL_MARGIN
        gap = LABEL_GAP * line  # px between a bar (or its ◆) and its value
        extents = []  # px each value reaches above its bar
        for label, text in zip(shown, texts, strict=True):
            length = metrics.horizontalAdvance(text) + 2 * LABEL_MARGIN
            label.setFont(value_font)
            label.setAngle(90 if upright else 0)
            label.setAnchor((-gap / length, 0.5) if upright else (0.5, 1 + gap / line))
            extents.append(gap + (length if upright else line))
        top = self._y_top(max(extents, default=0.0) + 2)
        self.plot.setYRange(self._base, top, padding=0)
        self._fit_hint(slot * len(NAMES), (self._base + top) / 2)
        self._fit_y_label()

    def _fit_hint(self, width: float, middle: float) -> None:
        """The hint in the middle of an empty plot (``width`` px wide; ``middle``: the log10
        value at half its height) in the largest font that fits it; hidden once there are bars."""
        self.hint.setVisible(not self._tops)
        big = QFont()
        big.setPointSizeF(EMPTY_PT * style.scales()[0])
        fit = fitting_font([EMPTY_HINT], width - 8, big, TICK_LEAST_PT)
        self.hint.setFont(fit[0] if fit else font(TICK_LEAST_PT))
        self.hint.setPos((len(NAMES) - 1) / 2, middle)

    def _fit_y_label(self) -> None:
        """The y axis's title: the longest of :data:`Y_LABELS` as long as the plot is tall."""
        axis = self.plot.getAxis("left")
        for text in Y_LABELS:
            if axis.labelText != text:
                axis.setLabel(text)  # (its style kept)
            if axis.label.boundingRect().width() <= self.plot.vb.height():
                break
        axis.resizeEvent()  # the title centred again (a new text or style does not move it)

    def _y_top(self, label_px: float) -> float:
        """The top of the y axis: room above every bar for its value (reaching ``label_px``
        above it), and at least a fifth of the axis (0.15 decades) above the tallest bar."""
        base = self._base
        top = max([*self._tops.values(), 0.5])
        span = top - base + max(0.15, 0.25 * (top - base))
        room = 1 - label_px / max(self.plot.vb.height(), 1.0)
        if room > 0.2:  # the label's share of the height (else the plot is too short to help)
            span = max([span, *((t - base) / room for t in self._tops.values())])
        return base + span


def bar_base(logs: list[float]) -> float:
    """The log10 value the bars start from (the bottom of the axis): a factor of 2 below the
    smallest value and 1, so every bar, ReLU's 1.00x too, has a height."""
    return min([*logs, 0.0]) - math.log10(2.0)
