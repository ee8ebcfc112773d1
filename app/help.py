"""The Help menu: activations (formula, derivative, curve), the advisor, the guided tour."""

from __future__ import annotations

from typing import Any

from PySide6.QtGui import QAction, QGuiApplication, QKeySequence
from PySide6.QtWidgets import QDialog, QVBoxLayout

from app import tour
from simulation import activations
from widgets.help_panel import HelpPanel


class HelpDialog(QDialog):
    """A non-modal window with the help tabs."""

    def __init__(self, window: Any):
        super().__init__(window)
        self.setWindowTitle("Dying ReLU Lab — help")
        self.panel = HelpPanel()
        self.panel.advisor.show_requested.connect(lambda name: show_lane(window, name))
        layout = QVBoxLayout(self)
        layout.addWidget(self.panel)
        self.resize(900, 640)


def show_lane(window: Any, activation: str) -> bool:
    """Select the lane of ``activation`` if the run has one; say so in the status bar if not
    (with the activation's display name, 'PReLU', not its id 'prelu')."""
    label = activations.get(activation).label
    for i, lane in enumerate(window.controller.sim.config.lanes):
        if lane.activation == activation:
            window.select_lane(i)
            window.statusBar().showMessage(f"Selected the {label} lane", 5000)
            return True
    window.statusBar().showMessage(f"This run has no {label} lane: add it in View ▸ Setup",
                                   8000)
    return False


def show_help(window: Any, tab: int = 0) -> HelpDialog:
    dialog = getattr(window, "help_dialog", None)
    if dialog is None:
        dialog = window.help_dialog = HelpDialog(window)
    dialog.panel.setCurrentIndex(tab)
    dialog.show()
    if QGuiApplication.platformName() != "offscreen":
        dialog.raise_()
    return dialog


def install(window: Any) -> None:
    """The Help menu and the tour dock."""
    window.tour_dock = tour.make_dock(window)
    menu = window.menuBar().addMenu("&Help")
    for text, key, slot in (
            ("Activations: formula, derivative, curve", "F1", lambda: show_help(window, 0)),
            ("Which activation? (advisor)", "", lambda: show_help(window, 1)),
            ("Guided tour: the bias shock", "", lambda: tour.start(window))):
        action = QAction(text, window)
        if key:
            action.setShortcut(QKeySequence(key))
            window.addAction(action)
        action.triggered.connect(slot)
        menu.addAction(action)
