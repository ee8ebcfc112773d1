"""The top bar: play/step/reset, speed, learning rate, shocks and the preset picker.

It only turns clicks into intents (signals); the controller does the work.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QLabel,
    QLayout,
    QPushButton,
    QSizePolicy,
    QSlider,
    QSpinBox,
    QStyle,
    QVBoxLayout,
    QWidget,
)

from simulation.replay import LR_MAX
from widgets.transport_parts import (
    SPEED_MAX,
    SPEED_MIN,
    DescriptionLabel,
    LrField,
    SpeedLabel,
    TextButton,
)

_SLIDER_STEPS = 1000


def speed_from_slider(pos: int) -> float:
    """Slider position 0..1000 -> steps per second, logarithmic from 1 to 20,000."""
    return round(SPEED_MIN * (SPEED_MAX / SPEED_MIN) ** (pos / _SLIDER_STEPS))


def slider_from_speed(speed: float) -> int:
    speed = min(max(speed, SPEED_MIN), SPEED_MAX)
    return round(_SLIDER_STEPS * math.log(speed / SPEED_MIN) / math.log(SPEED_MAX / SPEED_MIN))


def _spin(lo: float, hi: float, value: float, decimals: int, step: float, tip: str,
          suffix: str = "", box: QDoubleSpinBox | None = None) -> QDoubleSpinBox:
    box = QDoubleSpinBox() if box is None else box
    box.setRange(lo, hi)
    box.setDecimals(decimals)
    box.setSingleStep(step)
    box.setValue(value)
    box.setSuffix(suffix)
    box.setToolTip(tip)
    box.setKeyboardTracking(False)  # emit when the user is done typing, not per keystroke
    return box


class TransportBar(QWidget):
    """Transport, speed, learning rate, bias and learning-rate shocks, presets."""

    play_toggled = Signal()
    step_requested = Signal()
    reset_requested = Signal()
    speed_changed = Signal(float)
    lr_changed = Signal(float)
    bias_shock_requested = Signal(float)
    lr_shock_requested = Signal(object, object, int)  # factor or None, value or None, steps
    preset_chosen = Signal(str)
    notice = Signal(str)  # something the status bar should say (a typed value was limited)

    def __init__(self, presets: dict[str, str], parent: QWidget | None = None):
        super().__init__(parent)
        style = self.style()
        self.play_button = TextButton(style.standardIcon(QStyle.StandardPixmap.SP_MediaPlay),
                                   "Play")
        self.play_button.setToolTip("Run gradient descent live (Space). Every lane takes the "
                                    "same steps on the same data.")
        self.play_button.clicked.connect(self.play_toggled)
        self.step_button = TextButton(
            style.standardIcon(QStyle.StandardPixmap.SP_MediaSkipForward), "Step")
        self.step_button.setToolTip("Exactly one update w ← w − lr·∂L/∂w of every lane (→)")
        self.step_button.clicked.connect(self.step_requested)
        self.reset_button = TextButton(
            style.standardIcon(QStyle.StandardPixmap.SP_BrowserReload), "Reset")
        self.reset_button.setToolTip("Back to step 0: same seed, same data, same start (R)")
        self.reset_button.clicked.connect(self.reset_requested)

        self.speed_slider = QSlider(Qt.Orientation.Horizontal)
        self.speed_slider.setRange(0, _SLIDER_STEPS)
        self.speed_slider.setMinimumWidth(90)
        self.speed_slider.setToolTip("Simulation speed, 1 to 20,000 gradient steps per second "
                                     "(logarithmic). Drawing stays at most 60 frames a second.")
        self.speed_label = SpeedLabel()
        self.speed_slider.valueChanged.connect(self._on_speed)

        # the range the model replays (a session's learning rate beyond it is refused)
        tip = f"Learning rate α of every lane: each step moves w by −α·∂L/∂w (0 to {LR_MAX:g})"
        self.lr_box = _spin(0.0, LR_MAX, 0.3, 3, 0.05, tip, box=LrField(tip))
        self.lr_box.valueChanged.connect(self.lr_changed)
        # the set-up panel's sentence (~300 px: the status bar leaves a message ~350 px left of
        # the rewind bar at 1280x720)
        self.lr_box.told.connect(self.notice)

        self.bias_value = _spin(-999, 999, -10.0, 1, 1.0, "The bias every lane is set to by a "
                                "bias shock (the tutorial's example: b = −10)")
        self.bias_button = QPushButton("Bias shock")
        self.bias_button.setToolTip("Set b of every lane to this value now (B): "
                                    "z = w1·x1 + w2·x2 + b drops below 0 for every sample")
        self.bias_button.clicked.connect(
            lambda: self.bias_shock_requested.emit(self.bias_value.value()))

        self.lr_mode = QComboBox()
        self.lr_mode.addItems(["×", "="])
        self.lr_mode.setToolTip("× multiplies the learning rate; = sets it to the value")
        self.lr_amount = _spin(0.0, 9999.0, 3.0, 2, 1.0,
                               "Learning-rate shock: factor (×) or value (=)")
        self.lr_steps = QSpinBox()
        self.lr_steps.setRange(1, 99_999)
        self.lr_steps.setValue(2)
        self.lr_steps.setPrefix("for ")
        self.lr_steps.setSuffix(" steps")
        self.lr_steps.setToolTip("How many steps the shocked learning rate lasts")
        self.lr_button = QPushButton("LR shock")
        self.lr_button.setToolTip("Excessive learning rate now (L): a large gradient times a "
                                  "high rate can throw every z below 0")
        self.lr_button.clicked.connect(self._emit_lr_shock)

        self.preset_box = QComboBox()
        self.preset_box.setToolTip("Prepared scenarios; choosing one resets the run")
        # as wide as the longest preset name: the description takes the rest of the row
        self.preset_box.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        self._descriptions = dict(presets)
        for pid in presets:
            self.preset_box.addItem(pid, pid)
        self.preset_box.activated.connect(
            lambda i: self.preset_chosen.emit(self.preset_box.itemData(i)))
        self.preset_box.currentIndexChanged.connect(self._show_description)
        self.description = DescriptionLabel()
        self.description.setObjectName("presetDescription")
        # the names a screen reader says (the tooltips say more)
        for widget, name in ((self.speed_slider, "Speed"), (self.lr_box, "Learning rate"),
                             (self.bias_value, "Bias shock value b"),
                             (self.lr_mode, "Learning-rate shock: multiply or set"),
                             (self.lr_amount, "Learning-rate shock amount"),
                             (self.lr_steps, "Learning-rate shock duration"),
                             (self.preset_box, "Preset")):
            widget.setAccessibleName(name)

        # what drops its text where there is no room: icon-only buttons, "240/s"
        self._compactable = (self.play_button, self.step_button, self.reset_button,
                             self.speed_label)
        row1 = QHBoxLayout()
        for w in self._compactable[:3]:
            w.set_label(w.label)
            row1.addWidget(w)
        row1.addSpacing(8)
        row1.addWidget(QLabel("Speed"))
        row1.addWidget(self.speed_slider, 1)
        row1.addWidget(self.speed_label)
        row1.addSpacing(8)
        row1.addWidget(QLabel("lr"))
        row1.addWidget(self.lr_box)
        # the shocks: at the end of the first row, or a row of their own on a narrow window
        self.shocks = QWidget()
        shocks = QHBoxLayout(self.shocks)
        shocks.setContentsMargins(0, 0, 0, 0)
        for w in (self.bias_button, QLabel("b ="), self.bias_value):
            shocks.addWidget(w)
        shocks.addSpacing(8)
        for w in (self.lr_button, self.lr_mode, self.lr_amount, self.lr_steps):
            shocks.addWidget(w)
        shocks.addStretch(1)
        self._row1 = row1
        self._shock_row = QHBoxLayout()
        row1.addSpacing(8)
        row1.addWidget(self.shocks)
        row2 = self._row2 = QHBoxLayout()
        preset_label = QLabel("Preset")
        preset_label.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Preferred)
        row2.addWidget(preset_label)
        row2.addWidget(self.preset_box)
        row2.addWidget(self.description, 1)
        row2.addStretch(0)  # (the row's end while the description is hidden)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 4, 6, 4)
        # the minimum is ours (minimumSizeHint: the rows may wrap), not the one-row layout's
        layout.setSizeConstraint(QLayout.SizeConstraint.SetNoConstraint)
        layout.addLayout(row1)
        layout.addLayout(self._shock_row)
        layout.addLayout(row2)
        self.set_speed(240)
        self._show_description(0)

    # --- one row or two, text or icons ------------------------------------------------------------
    @property
    def shocks_wrapped(self) -> bool:
        """True when the shock controls have a row of their own (a narrow window)."""
        return self._shock_row.indexOf(self.shocks) >= 0

    @property
    def compact(self) -> bool:
        """True when play, step and reset show their icons only and the speed is "240/s"
        (presentation fonts on a narrow window)."""
        return self.play_button.compact

    def _needs(self, wrap: bool, compact: bool) -> int:
        """Width the bar needs with the shocks on a row of their own (``wrap``) or at the end of
        the first row, and with icon-only (``compact``) or labelled buttons; from the widgets'
        minimum sizes in their current fonts, whatever the current arrangement."""
        m = self.layout().contentsMargins()
        shocks = self.shocks.minimumSizeHint().width()
        first = self._row1.minimumSize().width() + sum(
            w.width_for(compact) - w.width_for(w.compact) for w in self._compactable)
        if self.shocks_wrapped:  # (the 8-px spacing before them stays in the first row)
            first += self._row1.spacing() + shocks
        widest = max(first - self._row1.spacing() - shocks, shocks) if wrap else first
        return max(widest, self._row2.minimumSize().width()) + m.left() + m.right()

    def _one_row_width(self) -> int:
        """Width the first row needs with the shocks in it."""
        return self._needs(wrap=False, compact=False)

    def minimumSizeHint(self) -> QSize:
        # the narrowest arrangement (shocks wrapped, icon-only buttons), whatever the current
        # one is: the bar never asks the window for the width of the one it has now
        hint = super().minimumSizeHint()
        hint.setWidth(self._needs(wrap=True, compact=True))
        return hint

    def _arrange(self, width: int) -> None:
        """One row where it fits, else the shocks on a row of their own; icon-only buttons
        where even that does not fit."""
        wrap = width < self._needs(wrap=False, compact=False)
        compact = wrap and width < self._needs(wrap=True, compact=False)
        changed = wrap != self.shocks_wrapped or compact != self.compact
        if wrap != self.shocks_wrapped:
            (self._row1 if wrap else self._shock_row).removeWidget(self.shocks)
            (self._shock_row if wrap else self._row1).addWidget(self.shocks)
        for w in self._compactable:
            w.set_compact(compact)
        if changed:
            self.updateGeometry()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._arrange(event.size().width())

    def event(self, event) -> bool:
        done = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self.isVisible():  # fonts or shown
            # controls changed (a hidden bar's width is not the one it will be shown at)
            self._arrange(self.width())
        return done

    # --- echo model state back without emitting intents ---------------------------------------
    def set_running(self, running: bool) -> None:
        pix = QStyle.StandardPixmap
        icon = pix.SP_MediaPause if running else pix.SP_MediaPlay
        self.play_button.setIcon(self.style().standardIcon(icon))
        self.play_button.set_label("Pause" if running else "Play")

    def set_speed(self, speed: float) -> None:
        self.speed_slider.blockSignals(True)
        self.speed_slider.setValue(slider_from_speed(speed))
        self.speed_slider.blockSignals(False)
        self.speed_label.set_speed(round(speed))

    def set_lr(self, lr: float) -> None:
        self.lr_box.blockSignals(True)
        self.lr_box.setValue(lr)
        self.lr_box.blockSignals(False)
        self.lr_box.forget_limit()

    def set_description(self, text: str) -> None:
        """The preset line's text (the preset's description, or what changed from it)."""
        self.description.setText(text)

    def set_description_lines(self, lines: int) -> None:
        """At most ``lines`` lines of description (0: all it needs), the last one elided with
        its whole text as tooltip: 1 keeps the row at the preset picker's height."""
        self.description.set_lines(lines)

    def set_preset(self, preset_id: str) -> None:
        i = self.preset_box.findData(preset_id)
        if i >= 0:
            self.preset_box.blockSignals(True)
            self.preset_box.setCurrentIndex(i)
            self.preset_box.blockSignals(False)
            self._show_description(i)

    # --- internals ------------------------------------------------------------------------------
    def _on_speed(self, pos: int) -> None:
        speed = speed_from_slider(pos)
        self.speed_label.set_speed(speed)
        self.speed_changed.emit(float(speed))

    def _emit_lr_shock(self) -> None:
        amount = self.lr_amount.value()
        factor, value = (amount, None) if self.lr_mode.currentText() == "×" else (None, amount)
        self.lr_shock_requested.emit(factor, value, self.lr_steps.value())

    def _show_description(self, i: int) -> None:
        pid = self.preset_box.itemData(i)
        self.set_description(self._descriptions.get(pid, ""))
