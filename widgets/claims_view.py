"""The star-table tab: seed 000's "Performance Comparison", each cell beside the stars this app
measures, and how it measured them (click a cell, or hover it).

Measure starts a :class:`simulation.claims.ClaimsRun` (the cost table, the network on every 2-D
dataset for a few seeds, the death map's shock grid, the single-neuron presets), driven a slice
per timer tick. The cost row reuses the session's complete timing from the Activation cost tab
(:class:`simulation.cost.SharedCost`, if given) rather than timing again.
"""

from __future__ import annotations

import html
import math
import time

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QPalette
from PySide6.QtWidgets import (
    QHeaderView,
    QProgressBar,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
)

from simulation import activations, claims, cost
from widgets import style
from widgets.claim_common import (
    ClaimView,
    fitting_font,
    font,
    hbox,
    vbox,
    wrap_label,
)
from widgets.claims_fit import INTRO_SHARE, STAGE_SHARE, TextBox, capped
from widgets.style import lane_color, readable

INTRO = ("Tutorial 000's star table (“Empirical Results Summary”), rebuilt from what this app "
         "measures. More stars are always better: less cost, faster convergence, less "
         "dead-neuron risk, better generalization, easier to implement. Each cell: the "
         "tutorial's stars, the stars measured here and the number measured. Click a cell to "
         "see how it was measured. Background: green = same stars, yellow = one star apart, "
         "red = two or more apart.")
AGREE_COLORS = ("#e3f3e6", "#fff3cf", "#fbdcdc")  # |measured − seed| = 0, 1, ≥ 2 (light theme)
AGREE_DARK = ("#1E3A27", "#3F3819", "#4A2424")  # the same, dark enough for the dark theme's text
AGREE_TEXT = "#1A1A1A"  # not a theme role colour: style.restyle leaves it alone
AGREE_DARK_TEXT = "#EDEDED"  # (nor this one)
COST_TAB_SOURCE = "the Activation cost tab's timing"  # names a reused timing
NOT_MEASURED = "?"  # the measured stars before Measure
CELL_LEAST_PT = 7  # the cells' font shrinks down to this size to show both star lines
THREE_LEAST_PT = 10  # ... and down to this one to show the measured number as a third line
SEED_WORD, HERE_WORD = "tutorial", "here"  # a cell's first words: whose stars the line holds
CELL_PAD = (8, 4)  # px a cell's text leaves free across and down (the item's margins)
HEADER_LEAST_PT = 8  # the row headers' font shrinks down to this size to fit a row's height


class ClaimsView(ClaimView):
    """Measure button and progress on top, the table in the middle, the selected cell's story."""

    def __init__(self, shared: cost.SharedCost | None = None) -> None:
        super().__init__("claims-runner", "Measure",
                         "Time the activations, train the network on every 2-D dataset, run the "
                         "death map's shock grid and the presets (about ten seconds)")
        self.run: claims.ClaimsRun | None = None
        self.shared = shared  # the session's timing, reused for the cost row
        self._started = 0.0  # perf_counter at Measure
        self.elapsed: float | None = None  # seconds the run took, once done
        self.table_cells: dict[str, dict[str, claims.Cell]] = {}
        self.epochs = QSpinBox()
        self.epochs.setRange(2, 300)
        self.epochs.setValue(30)
        self.epochs.setPrefix("epochs per dataset: ")
        self.seeds = QSpinBox()
        self.seeds.setRange(1, 10)
        self.seeds.setValue(3)
        self.seeds.setPrefix("network seeds: ")
        self.seeds.setToolTip("Train the network on every dataset with this many seeds; the "
                              "dead-neuron-risk cells show the spread of stuck units over them")
        self.progress = QProgressBar()
        self.progress.setRange(0, 0)
        self.progress.hide()
        self.stage = capped("", STAGE_SHARE)  # (the intro's and its height capped: the table's)
        self.table = QTableWidget(len(claims.METRICS), len(claims.COLUMNS))
        self.table.setHorizontalHeaderLabels([activations.get(a).label for a in claims.COLUMNS])
        self.table.setVerticalHeaderLabels([header_text(m) for m in claims.METRICS])
        self._color_headers()
        self.table.setFont(font(14))
        self.table.horizontalHeader().setFont(font(12, bold=True))
        self.table.verticalHeader().setFont(font(12, bold=True))
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.setWordWrap(True)
        self.table.currentCellChanged.connect(lambda row, col, *_: self.show_cell(row, col))
        self.detail = wrap_label("", 12)
        detail_box = TextBox(self.detail)  # as tall as its text
        self._three_lines = True  # room for the measured number under the stars
        self._cell_font = QFont(self.table.font())  # the cells' font: the table's, or smaller
        self.table.installEventFilter(self)
        self.table.viewport().installEventFilter(self)
        self.table.verticalHeader().installEventFilter(self)

        top = hbox(self.epochs, self.seeds, self.run_button, (self.progress, 1), (self.stage, 2))
        self.setLayout(vbox(capped(INTRO, INTRO_SHARE), top, (self.table, 1), detail_box))
        self.runner.progressed.connect(self._show_stage)
        self.refresh()

    # --- intents ---------------------------------------------------------------------------------
    def _start_from_controls(self) -> None:
        timing = self.shared.covering(claims.COLUMNS) if self.shared is not None else None
        self.start(claims.ClaimsRun(epochs=self.epochs.value(), seeds=self.seeds.value(),
                                    cost_run=timing, cost_source=COST_TAB_SOURCE))

    def start(self, run: claims.ClaimsRun) -> None:
        """Show and run ``run``."""
        self.run = run
        self._started, self.elapsed = time.perf_counter(), None
        self.table_cells = {}
        self.progress.show()
        self._launch(run)

    def _finished(self) -> None:
        self.progress.hide()
        if self.run is not None and self.run.done:
            self.table_cells = self.run.table()
        super()._finished()

    def show_cell(self, row: int, col: int) -> None:
        """Show how the cell at (row, col) was measured."""
        if not (0 <= row < len(claims.METRICS) and 0 <= col < len(claims.COLUMNS)):
            return
        metric, act = claims.METRICS[row], claims.COLUMNS[col]
        cell = self.table_cells.get(metric, {}).get(act)
        head = f"<b>{claims.METRIC_LABELS[metric]}, {activations.get(act).label}</b>: "
        self.detail.setText(head + (html.escape(cell.how) if cell else "press Measure first."))

    def _placeholder(self) -> None:
        if self.table.currentRow() < 0:
            self.detail.setText("Click a cell to see how it was measured.")

    # --- model -> view ----------------------------------------------------------------------------
    def _show_stage(self) -> None:
        run = self.run
        if run is None:
            text = "Not measured yet."
        elif run.done:
            if self.elapsed is None:
                self.elapsed = time.perf_counter() - self._started
            text = measured_text(run, self.elapsed)
        elif not self.runner.running:
            text = f"Stopped while {run.stage}: press Measure to start again."
        else:
            text = f"Now: {run.stage}"
        self.stage.setText(text)

    def refresh(self) -> None:
        """The tutorial's stars always; measured stars once the measurement is complete; in the
        largest font (the table's at most) in which every cell's lines fit it."""
        self._show_stage()
        self._fit_cells()
        texts = self.cell_texts()
        for r, metric in enumerate(claims.METRICS):
            for c, act in enumerate(claims.COLUMNS):
                seed = claims.SEED_STARS[metric][c]
                cell = self.table_cells.get(metric, {}).get(act)
                item = QTableWidgetItem(texts[r][c])
                item.setTextAlignment(Qt.AlignmentFlag.AlignCenter)
                item.setFont(self._cell_font)
                item.setToolTip("<p>Not measured yet: press Measure.</p>" if cell is None
                                else f"<p>{html.escape(cell.how)}</p>")
                if cell is not None and cell.stars is not None:
                    back, ink = agree_colors()
                    item.setBackground(pg.mkColor(back[min(abs(cell.stars - seed), 2)]))
                    item.setForeground(pg.mkColor(ink))
                self.table.setItem(r, c, item)
        self.show_cell(self.table.currentRow(), self.table.currentColumn())
        self._placeholder()

    def cell_texts(self, three_lines: bool | None = None) -> list[list[str]]:
        """Each cell's text by row and column: the seed's stars, the measured ones (and the
        measured number if ``three_lines``; by default as now fits)."""
        three = self._three_lines if three_lines is None else three_lines
        rows = []
        for metric in claims.METRICS:
            row = []
            for c, act in enumerate(claims.COLUMNS):
                cell = self.table_cells.get(metric, {}).get(act)
                here = NOT_MEASURED if cell is None else claims.stars_text(cell.stars)
                text = (f"{SEED_WORD}  {claims.stars_text(claims.SEED_STARS[metric][c])}\n"
                        f"{HERE_WORD}  {here}")
                if cell is not None and cell.short and three:
                    text += f"\n{cell.short}"
                row.append(text)
            rows.append(row)
        return rows

    def _fit_cells(self) -> bool:
        """Choose the cells' font and lines for the table's size: the measured number too if
        it fits in the table's font, else the two star lines in the largest font they fit
        (down to :data:`CELL_LEAST_PT`). True if that changed."""
        table = self.table
        cols, rows = table.columnCount(), table.rowCount()
        room = table.viewport().size()  # (the sections stretch to share it; they may not yet)
        width, height = room.width() // cols - CELL_PAD[0], room.height() // rows - CELL_PAD[1]
        self._fit_headers(height)
        large = table.font()
        every = [t for row in self.cell_texts(True) for t in row]
        least = min(THREE_LEAST_PT, large.pointSizeF())
        fit = fitting_font(every, width, large, least, height)  # the measured number too
        three = fit is not None
        if not three:
            every = [t for row in self.cell_texts(False) for t in row]
            fit = fitting_font(every, width, large, min(CELL_LEAST_PT, large.pointSizeF()),
                               height)
        cell_font = fit[0] if fit else font(CELL_LEAST_PT)
        changed = three != self._three_lines or cell_font != self._cell_font
        self._three_lines, self._cell_font = three, cell_font
        return changed

    def _fit_headers(self, height: int) -> None:
        """The row headers in the largest font (the header's at most) in which each fits a
        row's ``height`` (presenting at 1280x720, "Activation cost (numpy)" was cut)."""
        header = self.table.verticalHeader()
        texts = [header_text(m) for m in claims.METRICS]
        fit = fitting_font(texts, math.inf, header.font(), HEADER_LEAST_PT, height)
        header_font = fit[0] if fit else font(HEADER_LEAST_PT, bold=True)
        for r in range(self.table.rowCount()):
            item = self.table.verticalHeaderItem(r)
            if item is not None and item.font() != header_font:
                item.setFont(header_font)

    def _color_headers(self) -> None:
        """Each column's title in its lane's colour, made readable on the header's background
        (the dark theme's blue on its grey header was 2.5:1)."""
        bg = self.palette().color(QPalette.ColorRole.Button).name()  # (the header's, inherited)
        for c, a in enumerate(claims.COLUMNS):
            ink = readable(lane_color(a), bg)
            self.table.horizontalHeaderItem(c).setForeground(pg.mkColor(ink))

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._color_headers()
            if self.table_cells:
                self.refresh()  # a theme change: the cells' backgrounds and ink

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        """When the table is resized or its font changes: fit the cells again (the measured
        number shown if a line fits; a smaller font if the stars would not fit)."""
        kind = event.type()
        if ((obj is self.table.viewport() and kind == QEvent.Type.Resize)
                or (obj in (self.table, self.table.verticalHeader())
                    and kind == QEvent.Type.FontChange)):
            if self._fit_cells():
                self.refresh()
        return False


def agree_colors() -> tuple[tuple[str, str, str], str]:
    """The measured cells' backgrounds (same stars, one apart, two or more) and their ink, for
    the current theme: pastel under dark ink on the light one, deep under light ink on the dark."""
    if style.theme().name == "dark":
        return AGREE_DARK, AGREE_DARK_TEXT
    return AGREE_COLORS, AGREE_TEXT


def header_text(metric: str) -> str:
    """A row's header: its label, a parenthesis on a line of its own (a narrow header leaves
    the cells room for their third line)."""
    return claims.METRIC_LABELS[metric].replace(" (", "\n(")


def measured_text(run: claims.ClaimsRun, seconds: float) -> str:
    """What a finished run measured, and in how long."""
    acts = len(run.names)
    trained = sum(len(e.runs) for exps in run.networks.values() for e in exps)
    spec = run.death_map_spec
    cells = len(spec.bias) * len(spec.factor) * acts
    timed = (f"{COST_TAB_SOURCE} of {cost.clock_text(run.cost.finished_at)} (reused)"
             if run.cost_reused else f"the numpy cost of {acts} activations")
    return (f"Measured in {seconds:.1f} s: {timed}, {trained:,} network trainings"
            f" ({len(run.networks)} datasets × {run.seeds} seeds × {acts}), "
            f"{cells:,} death-map shocks and {len(run.outcomes)} presets.")
