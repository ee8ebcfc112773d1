"""A guided tour of the bias-shock preset for a first-time user: eight short stops, each putting
the run where the story is (deterministically) and saying what to look at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from app import settings

PRESET = "bias-shock"


@dataclass(frozen=True)
class Stop:
    """One stop: a title, what to look at, the step the run stands at, the lane selected."""

    title: str
    text: str
    step: int
    lane: int = 0


STOPS = (
    Stop("Five neurons, one story",
         "Each card on the left is one neuron, z = w1·x1 + w2·x2 + b, a = f(z), with a different "
         "activation: ReLU, Leaky ReLU, PReLU, ELU, SELU. Same data, same start, same shocks. "
         "The plots in the middle share one step axis; on the right: the selected neuron and "
         "its chain rule.", 0),
    Stop("Learning",
         "290 steps of gradient descent: every loss curve falls, every badge reads ALIVE, and "
         "the dots (the samples' z on each f(z) curve) sit right of 0.", 290),
    Stop("The bias shock",
         "At step 300 every bias is set to b = −10 (the dashed marker on every plot). Even at "
         "x = (1, 1), z = 0.5 + 0.3 − 10 = −9.2 < 0: every dot slides into the shaded "
         "region. ReLU's badge turns DEAD.", 301),
    Stop("Why ReLU cannot come back",
         "For z < 0, ReLU's slope f′(z) is exactly 0, so ∂L/∂w₁ = ∂L/∂a × 0 × x₁ = 0: the "
         "chain-rule panel shows the zero, the gradient plot draws it on the “exactly 0” rail, "
         "and the diagram greys out. w ← w − lr × 0: nothing ever moves again.", 301, 0),
    Stop("Leaky ReLU crawls back",
         "Leaky ReLU's slope is 0.01, not 0: its bias creeps up, step by step, until a sample "
         "crosses z = 0 and the badge flips back to ALIVE. Its card prints the recovery time.",
         2000, 1),
    Stop("ELU and SELU saturate",
         "Their slope for z < 0 is α·eᶻ: never zero, but about e⁻⁹ ≈ 1e−4 at z = −9. The "
         "gradient is so small they are stuck in practice: SATURATED. (After a milder shock, "
         "b = −2, they come back fastest: try the mild-bias-shock preset.)", 2000, 3),
    Stop("PReLU learns its slope",
         "PReLU's negative slope α is a parameter too. The shock drives it negative (see α in "
         "the parameters plot): PReLU then fits the target from the negative side.", 2000, 2),
    Stop("Your turn",
         "Drag the Rewind slider at the bottom back to any step, and press Continue from here "
         "to branch a new run: fire a milder shock (B, with b = −2), or change the learning "
         "rate. Press F5 for presentation mode; File ▸ Save session keeps all of it.", 2000),
)


class TourPanel(QWidget):
    """Title, text, and Back / Next through the stops."""

    def __init__(self, window: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.window = window
        self.index = -1
        self.title = QLabel()
        self.title.setObjectName("tourTitle")
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.title.setFont(f)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.counter = QLabel()
        self.back = QPushButton("◀ Back")
        self.back.clicked.connect(lambda: self.go(self.index - 1))
        self.next = QPushButton("Next ▶")
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.counter, 1, Qt.AlignmentFlag.AlignCenter)
        buttons.addWidget(self.next)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addLayout(buttons)

    def go(self, index: int) -> None:
        """Show stop ``index``: the preset at that stop's step, its lane selected."""
        if not 0 <= index < len(STOPS):
            return
        self.index = index
        stop = STOPS[index]
        w = self.window
        c = w.controller
        c.pause()
        if w.preset_id != PRESET or c.sim.t > stop.step or c.journal:
            w.load_preset(PRESET)
        if stop.step > c.sim.t:
            c.sim.run(stop.step - c.sim.t)
            c.frame.emit(c.sim)
        w.select_lane(stop.lane)
        self.title.setText(stop.title)
        self.text.setText(stop.text)
        self.counter.setText(f"{index + 1} / {len(STOPS)}")
        self.back.setEnabled(index > 0)
        self.next.setEnabled(index < len(STOPS) - 1)
        if index == len(STOPS) - 1:
            settings.preferences().set_seen_tour()


def make_dock(window: Any) -> QDockWidget:
    """The tour as a dock on the right (hidden until started)."""
    dock = QDockWidget("Guided tour: the bias shock", window)
    dock.setObjectName("tourDock")
    panel = TourPanel(window)
    dock.setWidget(panel)
    dock.setMinimumWidth(320)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    dock.panel = panel
    return dock


def start(window: Any) -> None:
    """Open the tour at its first stop."""
    window.tour_dock.show()
    pres = getattr(window, "presentation", None)
    if pres is not None:
        pres.fit_columns()
    window.tour_dock.panel.go(0)
