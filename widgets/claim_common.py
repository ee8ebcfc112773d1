"""Shared pieces of the claim tabs: a chunked job runner, styled plots, activation check boxes,
and the set-up blocks of their controls (spin boxes, forms, stacked rows and columns).

A job is any object with ``advance(seconds) -> bool`` (True once done) from ``simulation/``. The
runner calls it from a zero-interval QTimer, a few tens of milliseconds at a time, so the window
stays responsive; it stops when the job is done, when asked, or when its view's window closes.
"""

from __future__ import annotations

import math
from typing import Any, Protocol

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt, QTimer, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QPushButton,
    QScrollArea,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from simulation import activations
from widgets import style
from widgets.style import lane_color

BUDGET_S = 0.03  # compute per timer tick: ~30 fps while a job runs
FONT_PT = 11
LABEL_STYLE = {"font-size": "12pt"}
GRID_ALPHA = 0.25
DROPOUT_STYLE = Qt.PenStyle.DashLine


class Job(Protocol):
    def advance(self, seconds: float | None = None) -> bool: ...


# a widget or layout to stack, or (it, stretch factor)
Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


class ChunkRunner(QObject):
    """Runs a :class:`Job` a slice at a time; ``progressed`` after each slice, ``finished`` once."""

    progressed = Signal()
    finished = Signal()

    def __init__(self, parent: QObject, name: str, budget: float = BUDGET_S):
        super().__init__(parent)
        self.budget = budget
        self.job: Job | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName(name)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._tick)

    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def start(self, job: Job) -> None:
        """Run ``job`` from now on (a job already running is dropped)."""
        self.job = job
        parent = self.parent()
        if isinstance(parent, QWidget):  # stop when the window holding the view closes
            parent.window().installEventFilter(self)
        self._timer.start()

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Close:
            self.stop()
        return False

    def stop(self) -> None:
        """Stop calling the job (it keeps what it has done)."""
        self._timer.stop()

    def _tick(self) -> None:
        if self.job is None:
            self._timer.stop()
            return
        done = self.job.advance(self.budget)
        if done:
            self._timer.stop()
        self.progressed.emit()
        if done:
            self.finished.emit()


class ClaimView(QWidget):
    """Base of the claim tabs: owns a runner, which stops when the view's window closes (a
    switch to another tab leaves it running), and the button that starts and stops it.

    A subclass starts a job from its controls in :meth:`_start_from_controls` (through its own
    ``start(...)``, which ends in :meth:`_launch`) and redraws in ``refresh()``.
    """

    def __init__(self, runner_name: str, button_text: str = "Run", button_tip: str = ""):
        super().__init__()
        self.runner = ChunkRunner(self, runner_name)
        self._button_text = button_text
        self.run_button = QPushButton(button_text)
        self.run_button.setToolTip(button_tip)
        self.run_button.clicked.connect(self.toggle)
        self.runner.finished.connect(self._finished)

    def toggle(self) -> None:
        """Run what the controls ask for (or stop the run in progress)."""
        if self.runner.running:
            self.runner.stop()
            self._finished()
        else:
            self._start_from_controls()

    def _start_from_controls(self) -> None:
        raise NotImplementedError

    def refresh(self) -> None:
        raise NotImplementedError

    def _launch(self, job: Job) -> None:
        """Run ``job``; the button stops it."""
        self.run_button.setText("Stop")
        self.runner.start(job)
        self.refresh()

    def _finished(self) -> None:
        self.run_button.setText(self._button_text)
        self.refresh()

    def place(self, panel: QWidget, *column: Item) -> None:
        """``panel`` on the left; ``column``, stacked, on the right in the width left."""
        self.setLayout(hbox(panel, (vbox(*column), 1)))


class LogTicks(pg.AxisItem):
    """A log-mode axis with few, readable ticks: 1..9 × 10ⁿ within a decade, 1, 2, 5 × 10ⁿ
    over a few, whole decades (every k-th) over more."""

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        if not self.logMode:
            return super().tickValues(minVal, maxVal, size)
        if hi - lo <= 2.5:
            mantissas = (1, 2, 5) if hi - lo > 1 else range(1, 10)
            vals = [math.log10(m) + e for e in range(math.floor(lo), math.ceil(hi) + 1)
                    for m in mantissas]
            return [(1.0, [v for v in vals if lo <= v <= hi])]
        per_decade = size / (hi - lo)
        stride = next((k for k in (1, 2, 5, 10, 20, 50) if k * per_decade >= 28), 100)
        return [(float(stride), [float(e) for e in range(math.ceil(lo), math.floor(hi) + 1)
                                 if e % stride == 0])]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if not self.logMode:
            return super().tickStrings(values, scale, spacing)
        return [f"{10 ** v:.3g}" if -3 <= v <= 3 else f"1e{round(v)}" for v in values]


def font(pt: int = FONT_PT, bold: bool = False) -> QFont:
    """A font of ``pt`` points."""
    f = QFont()
    f.setPointSize(pt)
    f.setBold(bold)
    return f


def plot_area() -> pg.GraphicsLayoutWidget:
    """An empty area for plots, in the theme's plot background (white in the light theme)."""
    area = pg.GraphicsLayoutWidget()
    area.setBackground(style.theme().plot_bg)
    return area


def style_plot(plot: pg.PlotItem, tick_pt: int = FONT_PT, left_width: int = 78) -> None:
    """Mouse zoom, menu and buttons off; axes in the theme's colours, ticks of ``tick_pt``
    points without SI prefixes, the left axis ``left_width`` pixels wide."""
    th = style.theme()
    plot.setMenuEnabled(False)
    plot.setMouseEnabled(x=False, y=False)
    plot.hideButtons()
    for name in ("left", "bottom"):
        axis = plot.getAxis(name)
        axis.setStyle(tickFont=font(tick_pt))
        axis.setTextPen(th.text)
        axis.setPen(th.muted)
        axis.enableAutoSIPrefix(False)
    plot.getAxis("left").setWidth(left_width)


def make_plot(layout: Any, row: int, y_label: str, x_label: str | None = None, col: int = 0,
              log_y: bool = False, grid: bool = True, left: pg.AxisItem | None = None,
              left_width: int = 78) -> pg.PlotItem:
    """A plot at (row, col) of ``layout`` (a plot area or a layout in it) with readable axes and
    labels, a grid unless ``grid`` is False, ``left`` as its left axis if given; mouse zoom
    off (see :func:`style_plot`)."""
    th = style.theme()
    if log_y and left is None:
        left = LogTicks("left")
    plot = layout.addPlot(row=row, col=col, axisItems={"left": left} if left else None)
    if log_y:
        plot.setLogMode(y=True)
    if grid:
        plot.showGrid(x=True, y=True, alpha=GRID_ALPHA)
    style_plot(plot, left_width=left_width)
    label_style = {**LABEL_STYLE, "color": th.text}
    plot.setLabel("left", y_label, **label_style)
    if x_label:
        plot.setLabel("bottom", x_label, **label_style)
    return plot


def pen(activation: str, dashed: bool = False, width: float = 2.5) -> Any:
    """The lane colour of ``activation``, dashed for the dropout variant."""
    return pg.mkPen(lane_color(activation), width=width,
                    style=DROPOUT_STYLE if dashed else Qt.PenStyle.SolidLine)


class ActivationChecks(QWidget):
    """One check box per activation, in its lane colour, in ``columns`` columns."""

    def __init__(self, names: tuple[str, ...], checked: tuple[str, ...], columns: int = 3):
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(names):
            box = QCheckBox(activations.get(name).label)
            box.setChecked(name in checked)
            box.setStyleSheet(f"QCheckBox {{ color: {lane_color(name)}; font-weight: bold; }}")
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[name] = box

    def selected(self) -> tuple[str, ...]:
        """The checked activations, in display order."""
        return tuple(n for n, b in self.boxes.items() if b.isChecked())


def wrap_label(text: str = "", pt: int = FONT_PT, rich: bool = False) -> QLabel:
    """A word-wrapped, selectable label (always read as HTML if ``rich``)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setFont(font(pt))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
    return label


def side_panel(layout: QLayout, width: int | None = None, framed: bool = False) -> QScrollArea:
    """``layout`` in a column (of fixed ``width`` if given; without a frame unless ``framed``)
    that scrolls vertically when the window is short."""
    inner = QWidget()
    inner.setLayout(layout)
    scroll = QScrollArea()
    scroll.setWidget(inner)
    scroll.setWidgetResizable(True)
    if not framed:
        scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if width is not None:
        scroll.setFixedWidth(width)
    return scroll


def spin(lo: int, hi: int, value: int) -> QSpinBox:
    """A spin box for whole numbers lo..hi showing ``value``, with thousands separators."""
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setGroupSeparatorShown(True)
    return s


def results_table(headers: tuple[str, ...], resize: QHeaderView.ResizeMode) -> QTableWidget:
    """An empty, read-only table of ``headers`` columns (sized by ``resize``), no row numbers."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(resize)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


def form(*rows: tuple[str, QWidget | QLayout]) -> QFormLayout:
    """A form of (label, field) rows, top to bottom."""
    layout = QFormLayout()
    for label, field in rows:
        layout.addRow(label, field)
    return layout


def _stack(box: QBoxLayout, items: tuple[Item, ...]) -> None:
    for item in items:
        thing, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(thing, QLayout):
            box.addLayout(thing, stretch)
        else:
            box.addWidget(thing, stretch)


def vbox(*items: Item) -> QVBoxLayout:
    """``items`` top to bottom; ``(item, n)`` gives an item stretch factor n."""
    box = QVBoxLayout()
    _stack(box, items)
    return box


def hbox(*items: Item) -> QHBoxLayout:
    """``items`` left to right; ``(item, n)`` gives an item stretch factor n."""
    box = QHBoxLayout()
    _stack(box, items)
    return box
