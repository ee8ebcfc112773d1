"""Rewind: scrub back through the run and branch a new run from any step.

The state of step t is rebuilt, exactly, by replaying the configuration and the actions taken
live up to t (:class:`simulation.replay.Timeline`: one replay, then any step in milliseconds),
and every view is shown that simulation. 'Continue from here' makes it the live one. Anything the
live run does (Play, Step, a shock, a reset) leaves the rewind.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QApplication, QHBoxLayout, QLabel, QToolTip, QWidget

from app.controller import HISTORY_CAPACITY
from simulation.engine import Simulation
from simulation.replay import Timeline
from widgets.timeline import TimelineBar

MAX_REWIND = 200_000  # steps a rewind replays at most (~15 s once on a slow laptop)


class StatusReadouts(QWidget):
    """The status bar's step, rate and seed, as wide as their widest texts (hidden ones aside)
    whatever they say now: the rewind bar after them keeps its place and width while the step
    grows, the rate comes and goes, or a message hides them."""

    def __init__(self, widest: dict[QLabel, str]):
        super().__init__()
        self.widest = widest
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        for label in widest:
            layout.addWidget(label)
        layout.addStretch(1)
        policy = self.sizePolicy()
        policy.setRetainSizeWhenHidden(True)  # a status message hides it: its room stays
        self.setSizePolicy(policy)

    def sizeHint(self) -> QSize:
        shown = [(lb, text) for lb, text in self.widest.items() if not lb.isHidden()]
        width = sum(max(lb.sizeHint().width(), lb.fontMetrics().horizontalAdvance(text) + 4)
                    for lb, text in shown)
        width += self.layout().spacing() * max(len(shown) - 1, 0)
        return QSize(width, super().sizeHint().height())

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # a label shown, hidden or restyled
            self.updateGeometry()
        return super().event(event)


class Rewind(QObject):
    """The timeline bar's logic, for one main window."""

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window
        self.bar = TimelineBar()
        # in the status bar, beside the step and seed: no row of its own (a 720-px screen
        # needs that height for the lane cards)
        window.statusBar().addPermanentWidget(self.bar, 3)
        self.timeline: Timeline | None = None
        self.shown: Simulation | None = None
        self._pending: int | None = None
        self._timer = QTimer(self)
        self._timer.setObjectName("rewind-scrub")
        self._timer.setSingleShot(True)
        self._timer.setInterval(15)  # coalesce a fast drag: show the newest position only
        self._timer.timeout.connect(self._show_pending)
        c = window.controller
        c.frame.connect(self._on_live_frame)
        c.running_changed.connect(lambda running: running or self.bar.show_held())
        c.model_changed.connect(lambda _sim: self._leave())
        self.bar.scrubbed.connect(self.request)
        self.bar.continue_requested.connect(self.continue_here)
        self.bar.live_requested.connect(self.back_to_live)
        self.bar.set_live(c.sim.t)
        self.bar.label.installEventFilter(self)
        self._reserve_label()

    def _reserve_label(self) -> None:
        """The bar's step label as wide as its widest text in its font now (presentation fonts
        too): the slider beside it keeps its width while the label changes."""
        label = self.bar.label
        label.setMinimumWidth(label.fontMetrics().horizontalAdvance(
            f"step {MAX_REWIND:,} of {MAX_REWIND:,} (rewound)") + 8)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.bar.label and event.type() == QEvent.Type.FontChange:
            self._reserve_label()
        return False

    @property
    def active(self) -> bool:
        """True while a past step is shown."""
        return self.timeline is not None

    # --- intents ------------------------------------------------------------------------------
    def request(self, t: int) -> None:
        """Show step ``t`` soon (a drag sends many; only the last is shown)."""
        if not self._enter():
            return
        self._pending = t
        self._timer.start()

    def go_to(self, t: int) -> Simulation | None:
        """Show step ``t`` now (clamped to the run); the simulation shown, or None if refused."""
        if not self._enter():
            return None
        self._timer.stop()
        self._pending = None
        t = min(max(t, 0), self.timeline.end)
        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            sim = self.timeline.at(t)
        finally:
            QApplication.restoreOverrideCursor()
        if self.shown is None:
            self.shown = sim
        else:  # one simulation object for the whole rewind: the views update their items
            # instead of rebuilding them at every position (the history only differs in length)
            self.shown.__dict__.clear()
            self.shown.__dict__.update(sim.__dict__)
        for view in self.window.views:
            view.refresh(self.shown)
        self.window.step_label.setText(f"step {t:,}")  # ("(rewound)": the bar's label says it)
        self.bar.set_rewound(t, self.timeline.end)
        return self.shown

    def step_by(self, delta: int) -> None:
        """One step back (-1) or forward (+1) from the step shown (from the live step if live)."""
        t = self.shown.t if self.active and self.shown is not None else self.window.controller.sim.t
        self.go_to(t + delta)

    def continue_here(self) -> None:
        """Branch: the step shown becomes the live run; what came after it is dropped."""
        if not self.active or self.shown is None:
            return
        sim, actions = self.shown, self.actions_shown()
        self._leave()
        self.window.controller.adopt(sim, actions)
        self.window.statusBar().showMessage(f"Branched a new run at step {sim.t:,}", 6000)

    def back_to_live(self) -> None:
        if not self.active:
            return
        self._leave()
        sim = self.window.controller.sim
        for view in self.window.views:
            view.refresh(sim)
        self.window.step_label.setText(f"step {sim.t:,}")

    def actions_shown(self) -> list[dict[str, Any]]:
        """The actions that led to the step shown."""
        if self.timeline is None or self.shown is None:
            return list(self.window.controller.journal)
        return self.timeline.actions_until(self.shown.t)

    # --- internals ----------------------------------------------------------------------------
    def _enter(self) -> bool:
        if self.timeline is not None:
            return True
        c = self.window.controller
        if c.sim.t > MAX_REWIND:
            # (the status bar's message room, left of the rewind bar, holds ~40 characters: the
            # whole sentence also shows over the slider the person reached for)
            self.window.statusBar().showMessage(
                f"Rewind works up to {MAX_REWIND:,} steps", 8000)
            slider = self.bar.slider
            QToolTip.showText(
                slider.mapToGlobal(QPoint(slider.width() // 2, 0)),
                f"Rewind replays the run from step 0: it works up to {MAX_REWIND:,} steps "
                f"(this run is at {c.sim.t:,}).", slider, QRect(), 8000)
            self.bar.set_live(c.sim.t)
            return False
        c.pause()
        self.timeline = Timeline(c.config, c.journal, c.sim.t, history_capacity=HISTORY_CAPACITY)
        return True

    def _show_pending(self) -> None:
        if self._pending is not None and self.active:
            self.go_to(self._pending)

    def _leave(self) -> None:
        self._timer.stop()
        self._pending = None
        self.timeline = None
        self.shown = None
        self.bar.set_live(self.window.controller.sim.t)

    def _on_live_frame(self, sim: Simulation) -> None:
        if self.active:  # the live run moved (Play, Step, a shock): the rewind is over
            self._leave()
        else:
            self.bar.set_live(sim.t, moving=self.window.controller.running)


def install(window: Any) -> Rewind:
    """Add the timeline bar and the Run menu's rewind entries to ``window``."""
    rewind = Rewind(window)
    window.rewind = rewind
    run_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Run")
    run_menu.addSeparator()
    for text, key, slot in (("Step back (rewind)", "Left", lambda: rewind.step_by(-1)),
                            ("Step forward (in the rewind)", "Shift+Right",
                             lambda: rewind.step_by(1)),
                            ("Continue from the step shown", "Ctrl+Return",
                             rewind.continue_here),
                            ("Back to live", "End", rewind.back_to_live)):
        action = QAction(text, window)
        action.setShortcut(QKeySequence(key))
        action.triggered.connect(slot)
        run_menu.addAction(action)
        window.addAction(action)

    def continue_and_apply(step: int) -> None:
        """The step-through's "Continue here ▶" at the end of a rewound step's update:
        branch there and apply exactly the update it walked through."""
        if rewind.active and rewind.shown is not None and rewind.shown.t == step:
            rewind.continue_here()
            window.controller.step_once()

    window.chain.continue_requested.connect(continue_and_apply)
    window.chain.offer_continue(True)
    return rewind
