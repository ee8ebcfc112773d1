"""Shared pieces of the claim tabs: a chunked job runner and the base of the views that run it.

A job is any object with ``advance(seconds) -> bool`` (True once done) from ``simulation/``. The
runner calls it from a zero-interval QTimer, a few tens of milliseconds at a time, so the window
stays responsive; it stops when the job is done, when asked, or when its view's window closes.

The styled plots live in :mod:`widgets.claim_plots` and the set-up blocks of the controls in
:mod:`widgets.claim_controls`; their names are re-exported here, where the tabs import them.
"""

from __future__ import annotations

from typing import Protocol

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QPushButton, QWidget

from widgets.claim_controls import (
    FONT_PT,
    ActivationChecks,
    Item,
    fit_columns,
    fitting_font,
    font,
    form,
    hbox,
    results_table,
    short_label,
    side_panel,
    spin,
    vbox,
    wrap_label,
)
from widgets.claim_plots import (
    DROPOUT_STYLE,
    GRID_ALPHA,
    LABEL_STYLE,
    LogTicks,
    WholeTicks,
    follow_y,
    hold_y,
    make_plot,
    pen,
    plot_area,
    style_plot,
)

__all__ = [
    "BUDGET_S",
    "DROPOUT_STYLE",
    "FONT_PT",
    "GRID_ALPHA",
    "LABEL_STYLE",
    "ActivationChecks",
    "ChunkRunner",
    "ClaimView",
    "Item",
    "Job",
    "LogTicks",
    "WholeTicks",
    "fit_columns",
    "fitting_font",
    "follow_y",
    "font",
    "form",
    "hbox",
    "hold_y",
    "make_plot",
    "pen",
    "plot_area",
    "results_table",
    "short_label",
    "side_panel",
    "spin",
    "style_plot",
    "vbox",
    "wrap_label",
]

BUDGET_S = 0.03  # compute per timer tick: ~30 fps while a job runs


class Job(Protocol):
    def advance(self, seconds: float | None = None) -> bool: ...


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
