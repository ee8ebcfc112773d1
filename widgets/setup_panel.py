"""The set-up form: data, initial weights, seed, lanes, and the weight shock.

It shows a RunConfig and emits the edited values as an intent; the app validates and applies.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Signal
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import (
    QCheckBox,
    QDoubleSpinBox,
    QFormLayout,
    QGridLayout,
    QGroupBox,
    QPushButton,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from simulation import activations
from simulation.config import RunConfig
from widgets.style import lane_color


def _dspin(lo: float, hi: float, decimals: int, step: float, tip: str) -> QDoubleSpinBox:
    box = QDoubleSpinBox()
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)
    return box


class SetupPanel(QWidget):
    """Edit the run's configuration; Apply restarts the run with it."""

    config_requested = Signal(dict)  # overrides for RunConfig.from_dict
    weight_shock_requested = Signal(float, float)

    def __init__(self, config: RunConfig, parent: QWidget | None = None):
        super().__init__(parent)
        self.seed = QSpinBox()
        self.seed.setRange(0, 2_000_000_000)
        self.seed.setToolTip("One seed fixes the data, random initial weights and batch order")
        self.n = QSpinBox()
        self.n.setRange(1, 100_000)
        self.n.setToolTip("Number of samples x in [0, 1]², y from the teacher")
        self.noise = _dspin(0, 100, 3, 0.01, "Standard deviation of Gaussian noise on the targets")
        self.w1 = _dspin(-1000, 1000, 3, 0.1, "Initial w1 of every lane")
        self.w2 = _dspin(-1000, 1000, 3, 0.1, "Initial w2 of every lane")
        self.b = _dspin(-1000, 1000, 3, 0.1, "Initial bias b of every lane")
        self.random_init = QCheckBox("random (He) instead")
        self.random_init.setToolTip("Draw w1, w2 from N(0, 2/2) with the seed; b = 0")
        self.random_init.toggled.connect(lambda on: [w.setEnabled(not on)
                                                     for w in (self.w1, self.w2, self.b)])
        form = QFormLayout()
        form.addRow("Seed", self.seed)
        form.addRow("Samples N", self.n)
        form.addRow("Target noise σ", self.noise)
        form.addRow("Initial w1", self.w1)
        form.addRow("Initial w2", self.w2)
        form.addRow("Initial b", self.b)
        form.addRow("", self.random_init)

        lanes_box = QGroupBox("Lanes")
        lanes_box.setToolTip("Which activations run side by side (same data, start and shocks)")
        grid = QGridLayout(lanes_box)
        self.lane_checks: dict[str, QCheckBox] = {}
        for i, (name, act) in enumerate(activations.ACTIVATIONS.items()):
            check = QCheckBox(act.label)
            bold = check.font()  # the lane's colour and a bold font, without a style sheet:
            bold.setBold(True)  # a sheet froze the font a theme change polished it with
            check.setFont(bold)
            check.setToolTip(f"f(z) = {act.formula};  f′(z) = {act.derivative}")
            self.lane_checks[name] = check
            grid.addWidget(check, i // 2, i % 2)

        self.apply_button = QPushButton("Apply and restart")
        self.apply_button.setToolTip("Restart from step 0 with these settings")
        self.apply_button.clicked.connect(self._emit_config)

        shock_box = QGroupBox("Weight shock")
        self.shock_w1 = _dspin(-1000, 1000, 3, 0.5, "w1 every lane is set to")
        self.shock_w2 = _dspin(-1000, 1000, 3, 0.5, "w2 every lane is set to")
        self.shock_w1.setValue(-2.0)
        self.shock_w2.setValue(-2.0)
        shock_button = QPushButton("Weight shock now")
        shock_button.setToolTip("Set w1 and w2 of every lane now; negative weights with "
                                "x ≥ 0 push z below 0")
        shock_button.clicked.connect(lambda: self.weight_shock_requested.emit(
            self.shock_w1.value(), self.shock_w2.value()))
        rows = QGridLayout(shock_box)  # the button below the values: a narrow panel
        rows.addWidget(self.shock_w1, 0, 0)
        rows.addWidget(self.shock_w2, 0, 1)
        rows.addWidget(shock_button, 1, 0, 1, 2)

        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(lanes_box)
        layout.addWidget(self.apply_button)
        layout.addWidget(shock_box)
        layout.addStretch(1)
        self._color_lanes()
        self.show_config(config)

    def _color_lanes(self) -> None:
        """Each lane's name in its colour in the current theme (SiLU's black is light on dark)."""
        for name, check in self.lane_checks.items():
            color = QColor(lane_color(name))
            palette = check.palette()
            if palette.color(QPalette.ColorRole.WindowText) != color:
                palette.setColor(QPalette.ColorRole.WindowText, color)
                palette.setColor(QPalette.ColorRole.ButtonText, color)
                check.setPalette(palette)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:
            self._color_lanes()

    def show_config(self, config: RunConfig) -> None:
        """Fill the form from ``config`` (no signal is emitted)."""
        self.seed.setValue(config.seed)
        self.n.setValue(config.data.n)
        self.noise.setValue(config.data.noise)
        if isinstance(config.init, dict):
            self.random_init.setChecked(False)
            self.w1.setValue(config.init["w1"])
            self.w2.setValue(config.init["w2"])
            self.b.setValue(config.init["b"])
        else:
            self.random_init.setChecked(True)
        on = {lane.activation for lane in config.lanes}
        for name, check in self.lane_checks.items():
            check.setChecked(name in on)

    def overrides(self) -> dict[str, Any]:
        """The form's values as RunConfig overrides."""
        lanes = [{"activation": n} for n, c in self.lane_checks.items() if c.isChecked()]
        init: Any = "random" if self.random_init.isChecked() else {
            "w1": self.w1.value(), "w2": self.w2.value(), "b": self.b.value()}
        return {"seed": self.seed.value(), "init": init, "lanes": lanes,
                "data": {"n": self.n.value(), "noise": self.noise.value()}}

    def _emit_config(self) -> None:
        self.config_requested.emit(self.overrides())
