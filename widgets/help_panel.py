"""Help: each activation's formula and derivative beside its curve, and the seed's decision
framework as a small advisor. Static content and views; nothing here changes the run."""

from __future__ import annotations

import html

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtWidgets import (
    QButtonGroup,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QRadioButton,
    QScrollArea,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from simulation import activations
from widgets import style

# What the seed notes ("Advanced Activation Functions") say about each activation.
NOTES = {
    "relu": "For z < 0 the slope is exactly 0, so ∂L/∂w₁ = ∂L/∂a × 0 × x₁ = 0: once every "
            "sample has z < 0, the weights never change again. The neuron is dead.",
    "leaky_relu": "The simple fix: the slope is never zero (0.01 for z < 0), so the weights "
                  "keep moving, slowly, and z can climb back above 0.",
    "prelu": "The adaptive fix: the negative slope α is learned, α ← α − β·∂L/∂α "
             "(β is α's own learning rate).",
    "elu": "The smooth alternative: approaches −α as z → −∞, outputs can be negative "
           "(zero-centred). Its slope α·eᶻ is never 0, but after b = −10 it is about "
           "e⁻⁹ ≈ 1e−4: saturated, stuck in practice.",
    "selu": "Scaled ELU, λ ≈ 1.0507, α ≈ 1.6733: with LeCun-normal initialization, activations "
            "keep mean ≈ 0 and variance ≈ 1 through the layers (self-normalizing).",
    "gelu": "Smooth, slightly negative for z < 0 (the tanh approximation): the slope is small "
            "but not zero for moderately negative z, and vanishes far out.",
    "silu": "z·σ(z), also called swish: smooth, with a small negative dip; its slope fades to "
            "0 as z → −∞.",
}

# The seed's "Decision Framework", as (question, answers) and the leaves it reaches.
PRIORITIES = {"speed": "Speed is critical", "accuracy": "Accuracy is critical",
              "research": "Research, experimentation"}


def advise(dying_problem: bool, priority: str = "speed", very_deep: bool = False
           ) -> tuple[str, str]:
    """The seed's decision framework: (activation name, the reason)."""
    if not dying_problem:
        return "relu", "Dying ReLU is not a problem here: use ReLU, the simplest and fastest."
    if priority == "speed":
        return "leaky_relu", ("Speed is critical: Leaky ReLU costs one multiplication and its "
                              "slope is never zero.")
    if priority == "research":
        return "prelu", "For research and experimentation: PReLU learns its own negative slope."
    if priority != "accuracy":
        raise ValueError(f"unknown priority {priority!r} (known: {', '.join(PRIORITIES)})")
    if very_deep:
        return "selu", ("Accuracy is critical and the network is very deep: SELU keeps "
                        "activations normalized without batch normalization.")
    return "elu", ("Accuracy is critical, the network is not very deep: ELU, smooth and "
                   "zero-centred, converges well.")


def heading_color(name: str) -> str:
    """The lane colour of ``name`` as text on the help pages (the window colour): darkened or
    lightened to 4.5:1 (Leaky ReLU's blue was 3.1:1 on the dark theme, ELU's orange 2:1 on the
    light one)."""
    return style.readable(style.lane_color(name), style.theme().window)


def activation_text(name: str) -> str:
    """Rich text: the activation's name, formula, derivative and the seed's note."""
    act = activations.get(name)
    color = heading_color(name)
    return (f'<p style="margin:0"><b style="color:{color}; font-size:large">'
            f"{html.escape(act.label)}</b><br>"
            f"f(z) = {html.escape(act.formula)}<br>"
            f"f′(z) = {html.escape(act.derivative)}<br>"
            f'<span style="color:{style.theme().muted}">{html.escape(NOTES.get(name, ""))}'
            "</span></p>")


class ActivationRow(QWidget):
    """One activation: its curve f(z) (solid) and f′(z) (dashed), and the text beside it."""

    def __init__(self, name: str, parent: QWidget | None = None):
        super().__init__(parent)
        act = activations.get(name)
        self.name = name
        self.plot = pg.PlotWidget(background=style.theme().plot_bg)
        self.plot.setFixedSize(240, 150)
        self.plot.setMenuEnabled(False)
        self.plot.setMouseEnabled(x=False, y=False)
        self.plot.hideButtons()
        z = np.linspace(-4.0, 3.0, 281)
        kwargs = activations.function_params(name, act.defaults)
        if act.learnable_alpha:
            kwargs = {"alpha": act.defaults["alpha_init"]}
        color = style.lane_color(name)
        self.plot.addItem(pg.LinearRegionItem((-4.0, 0.0), movable=False, pen=pg.mkPen(None),
                                              brush=pg.mkBrush(style.theme().dead_region)))
        self.plot.plot(z, act.value(z, **kwargs), pen=pg.mkPen(color, width=2.5))
        self.plot.plot(z, act.grad(z, **kwargs), pen=pg.mkPen(color, width=1.5,
                                                               style=Qt.PenStyle.DashLine))
        self.plot.setXRange(-4, 3, padding=0)
        self.plot.setYRange(-2, 3, padding=0.02)
        self.plot.setToolTip("f(z) solid, f′(z) dashed; shaded: z < 0")
        self.text = QLabel(activation_text(name))
        self.text.setTextFormat(Qt.TextFormat.RichText)
        self.text.setWordWrap(True)
        self.text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QHBoxLayout(self)
        layout.addWidget(self.plot)
        layout.addWidget(self.text, 1)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange:  # a theme change: the heading's ink
            text = activation_text(self.name)
            if text != self.text.text():
                self.text.setText(text)


class ActivationHelp(QScrollArea):
    """Every activation, one row each."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        inner = QWidget()
        layout = QVBoxLayout(inner)
        self.rows = [ActivationRow(name) for name in activations.ACTIVATIONS]
        for row in self.rows:
            layout.addWidget(row)
        layout.addStretch(1)
        self.setWidget(inner)
        self.setWidgetResizable(True)


class Advisor(QWidget):
    """Three questions from the seed's decision framework and the activation they lead to."""

    show_requested = Signal(str)  # an activation name to look at in the lab

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.problem = self._choice([("no", "No"), ("yes", "Yes")], "yes")
        self.priority = self._choice(list(PRIORITIES.items()), "speed")
        self.deep = self._choice([("no", "No"), ("yes", "Yes")], "no")
        form = QFormLayout()
        form.addRow("Is dying ReLU a problem?", self.problem[0])
        form.addRow("What matters most?", self.priority[0])
        form.addRow("Is the network very deep?", self.deep[0])
        self.answer = QLabel()
        self.answer.setWordWrap(True)
        self.answer.setTextFormat(Qt.TextFormat.RichText)
        self.answer.setObjectName("advice")
        self.show_button = QPushButton("Show this lane in the lab")
        self.show_button.clicked.connect(lambda: self.show_requested.emit(self.choice))
        layout = QVBoxLayout(self)
        intro = QLabel("The tutorial's decision framework: “Start here: is dying ReLU a "
                       "problem?”")
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addLayout(form)
        layout.addWidget(self.answer)
        layout.addWidget(self.show_button, 0, Qt.AlignmentFlag.AlignLeft)
        layout.addStretch(1)
        # painted in the window colour (not the tab pane's): the one the answer's ink is for
        self.setAutoFillBackground(True)
        self.choice = ""
        self.update_answer()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self.choice:
            self.update_answer()

    def _choice(self, options: list[tuple[str, str]], default: str
                ) -> tuple[QWidget, QButtonGroup]:
        box = QWidget()
        row = QHBoxLayout(box)
        row.setContentsMargins(0, 0, 0, 0)
        group = QButtonGroup(box)
        for key, text in options:
            button = QRadioButton(text)
            button.setProperty("key", key)
            button.setChecked(key == default)
            group.addButton(button)
            row.addWidget(button)
        row.addStretch(1)
        group.buttonToggled.connect(lambda _b, on: on and self.update_answer())
        return box, group

    @staticmethod
    def _key(choice: tuple[QWidget, QButtonGroup]) -> str:
        return str(choice[1].checkedButton().property("key"))

    def set_answers(self, problem: bool, priority: str, deep: bool) -> None:
        for choice, key in ((self.problem, "yes" if problem else "no"),
                            (self.priority, priority), (self.deep, "yes" if deep else "no")):
            for button in choice[1].buttons():
                if button.property("key") == key:
                    button.setChecked(True)
        self.update_answer()

    def update_answer(self) -> None:
        problem = self._key(self.problem) == "yes"
        priority = self._key(self.priority)
        self.priority[0].setEnabled(problem)
        self.deep[0].setEnabled(problem and priority == "accuracy")
        name, reason = advise(problem, priority, self._key(self.deep) == "yes")
        self.choice = name
        label = activations.get(name).label
        self.answer.setText(f'<p style="font-size:large"><b style="color:'
                            f'{heading_color(name)}">{html.escape(label)}</b></p>'
                            f"<p>{html.escape(reason)}</p>")


class HelpPanel(QTabWidget):
    """The help window's tabs: activations, and the advisor."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.activations = ActivationHelp()
        self.advisor = Advisor()
        self.addTab(self.activations, "Activations: formula and derivative")
        self.addTab(self.advisor, "Which activation?")
