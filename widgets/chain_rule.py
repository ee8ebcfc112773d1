"""Step-through mode: one gradient-descent update of one lane, phase by phase, with real numbers.

The seven phases follow the seed's "Mathematical Deep Dive": forward z, activation a = f(z), loss,
dL/da, da/dz, dz/dw and the chain-rule product, then the update. Every number comes from the
engine's pass for the current parameters (``sim.current()``: what the next step records, before it
updates anything) and from the dataset; the panel only multiplies the per-sample factors the engine
already gives (dL/da x da/dz x x1) and forms the update p - lr x grad.

Revealed phases stay visible as one-line summaries; the current phase is shown in full and
highlighted. After phase 7, Next emits ``request_step`` (the app runs one step) and the panel
starts again at phase 1.

Its inks (zeros, moves, the highlight) are the theme's (``widgets.style``): the panel follows the
application palette, and a palette change (a theme change) renders the text again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from html import escape

import numpy as np
from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from simulation import activations
from simulation.engine import Simulation
from simulation.health import State
from widgets import style

N_PHASES = 7
PHASE_TITLES = {
    1: "Forward",
    2: "Activation",
    3: "Loss",
    4: "Backward: ∂L/∂a",
    5: "Backward: ∂a/∂z",
    6: "Backward: ∂z/∂w and the product",
    7: "Update",
}

# the light theme's inks; the text is written in the inks of the theme in force
ZERO_COLOR = style.LIGHT.stop  # an exact zero that blocks the gradient
MOVE_COLOR = style.LIGHT.move  # a parameter that moves
HIGHLIGHT_BG = style.LIGHT.highlight_bg  # the current phase

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def fmt(v: float, digits: int = 4) -> str:
    """``v`` with ``digits`` significant digits, a real minus sign and x10ⁿ; exact zero is "0"."""
    v = float(v)
    if v == 0.0:
        return "0"
    if math.isnan(v):
        return "NaN"
    if math.isinf(v):
        return "∞" if v > 0 else "−∞"
    s = f"{v:.{digits}g}"
    if "e" in s:
        mantissa, exp = s.split("e")
        s = f"{mantissa}×10{str(int(exp)).translate(_SUPERSCRIPT)}"
    return s.replace("-", "−")


def fmt_paren(v: float) -> str:
    """``fmt(v)``, in parentheses when negative (for use after an operator)."""
    s = fmt(v)
    return f"({s})" if s.startswith("−") else s


def _zero(text: str) -> str:
    return f'<span style="color:{style.theme().stop}; font-weight:bold">{text}</span>'


def _muted(text: str) -> str:
    return f'<span style="color:{style.theme().muted}">{text}</span>'


def _num(v: float) -> str:
    """A number, red and bold when it is an exact zero."""
    return _zero("0") if float(v) == 0.0 else fmt(v)


def _factor(v: float) -> str:
    """A factor after a ×: red and bold if exactly 0, in parentheses if negative."""
    return _zero("0") if float(v) == 0.0 else fmt_paren(v)


@dataclass
class _Numbers:
    """Everything one walk-through shows, read from the engine (nothing recomputed)."""

    step: int
    lane: int
    label: str
    activation: str
    state: State
    sample: int
    auto_sample: bool
    n: int
    x1: float
    x2: float
    y: float
    w1: float
    w2: float
    b: float
    alpha: float  # NaN outside PReLU
    alpha_lr: float
    z: float
    a: float
    loss: float
    dL_da: float
    da_dz: float
    grad_w1: float
    grad_w2: float
    grad_b: float
    grad_alpha: float
    lr: float
    params: dict[str, float]
    batch_size: int | None
    shock_pending: bool

    @property
    def prelu(self) -> bool:
        return self.activation == "prelu"

    @property
    def sq_error(self) -> float:
        """(a - y)^2 of this sample (a product, so an overflow is inf, not an exception)."""
        d = self.a - self.y
        return d * d

    @property
    def all_samples(self) -> str:
        return "the 1 sample" if self.n == 1 else f"all {self.n} samples"

    @property
    def dead_factor(self) -> bool:
        return self.da_dz == 0.0


def largest_z_sample(sim: Simulation, lane: int) -> int:
    """The sample with the largest z in ``lane`` (the one closest to being active)."""
    return int(np.argmax(sim.current().fb.z[lane, 0]))


def read_numbers(sim: Simulation, lane: int, sample: int | None) -> _Numbers:
    """The engine's numbers for ``lane`` and ``sample`` (None: the sample with the largest z)."""
    snap = sim.current()
    fb, p = snap.fb, snap.params
    auto = sample is None
    k = largest_z_sample(sim, lane) if auto else int(sample)
    spec = sim.config.lanes[lane]
    act = activations.get(spec.activation)
    return _Numbers(
        step=snap.step, lane=lane, label=act.label, activation=spec.activation,
        state=State(int(snap.state[lane, 0])), sample=k, auto_sample=auto, n=sim.data.n,
        x1=float(sim.data.x[k, 0]), x2=float(sim.data.x[k, 1]), y=float(sim.data.y[k]),
        w1=float(p.w1[lane, 0]), w2=float(p.w2[lane, 0]), b=float(p.b[lane, 0]),
        alpha=float(p.alpha[lane, 0]), alpha_lr=float(spec.params.get("alpha_lr", 0.0)),
        z=float(fb.z[lane, 0, k]), a=float(fb.a[lane, 0, k]), loss=float(fb.loss[lane, 0]),
        dL_da=float(fb.dL_da[lane, 0, k]), da_dz=float(fb.da_dz[lane, 0, k]),
        grad_w1=float(fb.grad_w1[lane, 0]), grad_w2=float(fb.grad_w2[lane, 0]),
        grad_b=float(fb.grad_b[lane, 0]), grad_alpha=float(fb.grad_alpha[lane, 0]),
        lr=float(snap.lr), params=dict(spec.params), batch_size=sim.config.batch_size,
        shock_pending=any(s.step == snap.step for s in sim.config.shocks),
    )


# --- the text of each phase ---------------------------------------------------------------------
def _act_formula(nb: _Numbers, derivative: bool = False) -> str:
    act = activations.get(nb.activation)
    text = act.derivative if derivative else act.formula
    if nb.activation == "leaky_relu":
        text = text.replace("0.01", fmt(nb.params.get("negative_slope", 0.01)))
    text = text.replace(" (α learned)", "")
    return escape(text)


def _act_params(nb: _Numbers) -> str:
    if nb.prelu:
        return f"α = {fmt(nb.alpha)} (learned)"
    names = {"alpha": "α", "scale": "λ"}
    shown = [f"{names.get(k, k)} = {fmt(v)}" for k, v in nb.params.items()
             if k != "negative_slope"]
    return ", ".join(shown)


def _product(nb: _Numbers) -> float:
    """dL/dw1 of this sample: the product of the three factors the engine gives."""
    return nb.dL_da * nb.da_dz * nb.x1


def _phase_full(nb: _Numbers, phase: int) -> list[str]:
    """The lines of ``phase`` shown in full (it is the current one)."""
    if phase == 1:
        return ["z = w₁·x₁ + w₂·x₂ + b",
                f"&nbsp;&nbsp;= {fmt(nb.w1)}×{fmt_paren(nb.x1)} + {fmt_paren(nb.w2)}×"
                f"{fmt_paren(nb.x2)} {'−' if nb.b < 0 else '+'} {fmt(abs(nb.b))}",
                f"&nbsp;&nbsp;= <b>{fmt(nb.z)}</b>"
                + ("&nbsp;&nbsp;(z &lt; 0)" if nb.z < 0 else "")]
    if phase == 2:
        lines = ["a = f(z)", f"f(z) = {_act_formula(nb)}"]
        extra = _act_params(nb)
        if extra:
            lines.append(_muted(extra))
        lines.append(f"a = f({fmt(nb.z)}) = <b>{fmt(nb.a)}</b>")
        return lines
    if phase == 3:
        return [f"L = mean((a − y)²) over {nb.all_samples}",
                f"&nbsp;&nbsp;= <b>{fmt(nb.loss)}</b>",
                f"this sample: (a − y)² = ({fmt(nb.a)} − {fmt_paren(nb.y)})²",
                f"&nbsp;&nbsp;= {fmt(nb.sq_error)}"]
    if phase == 4:
        return ["∂L/∂a = 2(a − y) / N",
                f"&nbsp;&nbsp;= 2 × ({fmt(nb.a)} − {fmt_paren(nb.y)}) / {nb.n}",
                f"&nbsp;&nbsp;= <b>{fmt(nb.dL_da)}</b>"]
    if phase == 5:
        lines = ["∂a/∂z = f′(z)"]
        derivative = _act_formula(nb, derivative=True)
        if derivative != "see formula":
            lines.append(f"f′(z) = {derivative}")
        lines.append(f"∂a/∂z = f′({fmt(nb.z)}) = <b>{_num(nb.da_dz)}</b>")
        if nb.dead_factor:
            lines.append(_zero("exactly 0: no gradient passes the neuron"))
        elif nb.z < 0:
            small = "tiny" if abs(nb.da_dz) < 1e-3 else "small"
            lines.append(f'<span style="color:{style.theme().move}">{small}, but not 0: '
                         "the gradient still flows</span>")
        return lines
    if phase == 6:
        prod = _product(nb)
        result = _zero("= 0 exactly") if prod == 0.0 else f"= <b>{fmt(prod)}</b>"
        return [f"∂z/∂w₁ = x₁ = {fmt(nb.x1)}",
                f"∂z/∂w₂ = x₂ = {fmt(nb.x2)}, &nbsp;∂z/∂b = 1",
                "this sample: ∂L/∂w₁ = ∂L/∂a × ∂a/∂z × x₁",
                f"&nbsp;&nbsp;= {fmt(nb.dL_da)} × {_factor(nb.da_dz)} × {fmt(nb.x1)} {result}",
                *_summed(nb)]
    if phase == 7:
        return _update(nb)
    raise ValueError(f"no phase {phase}")


def _summed(nb: _Numbers) -> list[str]:
    def g(v: float) -> str:
        return _zero("0") if v == 0.0 else f"<b>{fmt(v)}</b>"

    lines = [f"summed over {nb.all_samples}:",
             f"&nbsp;&nbsp;∂L/∂w₁ = {g(nb.grad_w1)}, &nbsp;∂L/∂w₂ = {g(nb.grad_w2)}, "
             f"&nbsp;∂L/∂b = {g(nb.grad_b)}"]
    if nb.prelu:
        lines.append(f"&nbsp;&nbsp;∂L/∂α = Σ ∂L/∂a × min(z, 0) = {g(nb.grad_alpha)}")
    return lines


def _update_line(name: str, value: float, rate: float, grad: float) -> str:
    """``name ← value − rate × grad = new``: one line when nothing moves, else two with Δ."""
    new = value - rate * grad
    head = f"{name} ← {fmt(value)} − {fmt(rate)} × "
    if grad == 0.0:
        return head + f"{_num(grad)} = <b>{fmt(new)}</b> " + _zero("unchanged")
    delta = fmt(new - value)
    delta = delta if delta.startswith("−") else "+" + delta
    return (head + fmt_paren(grad) + f"<br>&nbsp;&nbsp;&nbsp;&nbsp;= <b>{fmt(new)}</b> "
            f'<span style="color:{style.theme().move}; font-weight:bold">(Δ {delta})</span>')


def _update(nb: _Numbers) -> list[str]:
    if nb.state == State.DIVERGED:
        return [f"lr = {fmt(nb.lr)}",
                _zero("diverged: the engine freezes this lane, nothing is updated")]
    lines = [f"p ← p − lr × ∂L/∂p, &nbsp;lr = {fmt(nb.lr)}",
             _update_line("w₁", nb.w1, nb.lr, nb.grad_w1),
             _update_line("w₂", nb.w2, nb.lr, nb.grad_w2),
             _update_line("b", nb.b, nb.lr, nb.grad_b)]
    if nb.prelu:
        lines += [f"α ← α − lr<sub>α</sub> × ∂L/∂α, &nbsp;lr<sub>α</sub> = {fmt(nb.alpha_lr)}",
                  _update_line("α", nb.alpha, nb.alpha_lr, nb.grad_alpha)]
    if nb.batch_size is not None:
        lines.append(_muted(f"mini-batch run: the next step uses {nb.batch_size} samples, "
                            "not the full-batch gradient shown"))
    if nb.shock_pending:
        lines.append(_muted("a scheduled shock fires at this step before the update"))
    return lines


def _phase_summary(nb: _Numbers, phase: int) -> str:
    """A revealed, no longer current phase, in one line."""
    if phase == 1:
        return f"z = {fmt(nb.z)}"
    if phase == 2:
        return f"a = f(z) = {fmt(nb.a)}"
    if phase == 3:
        return f"L = {fmt(nb.loss)}, &nbsp;(a − y)² = {fmt(nb.sq_error)}"
    if phase == 4:
        return f"∂L/∂a = {fmt(nb.dL_da)}"
    if phase == 5:
        return f"∂a/∂z = {_num(nb.da_dz)}"
    if phase == 6:
        prod = _product(nb)
        return (f"∂L/∂w₁ = {fmt(nb.dL_da)} × {_factor(nb.da_dz)} × {fmt(nb.x1)} = "
                f"{_num(prod)}<br>{nb.all_samples}: ∂L/∂w₁ = {_num(nb.grad_w1)}")
    raise ValueError(f"no summary for phase {phase}")


def phase_html(nb: _Numbers, phase: int) -> str:
    """Phases 1..``phase``: the earlier ones summarised, the current one in full, highlighted."""
    rows = []
    for i in range(1, phase + 1):
        current = i == phase
        if current:
            body = (f"<b>{escape(PHASE_TITLES[i])}</b><br>" + "<br>".join(_phase_full(nb, i)))
            bg = f' bgcolor="{style.theme().highlight_bg}"'
            num = f"<b>{i}</b>"
        else:
            body = _phase_summary(nb, i)
            bg = ""
            num = _muted(str(i))
        rows.append(f'<tr><td{bg} width="22" align="right"><a name="p{i}"></a>{num}</td>'
                    f"<td{bg}>{body}</td></tr>")
    return ('<table width="100%" cellspacing="0" cellpadding="4">' + "".join(rows) + "</table>")


# --- the widget -----------------------------------------------------------------------------------
class ChainRulePanel(QWidget):
    """One update of the selected lane for one sample, phase by phase."""

    request_step = Signal()

    def __init__(self, sim: Simulation, parent: QWidget | None = None):
        super().__init__(parent)
        self._sim: Simulation | None = None
        self._lane = 0
        self._sample: int | None = None  # None: the sample with the largest z
        self._phase = 1
        self._step: int | None = None
        self._snap = None
        self._numbers: _Numbers | None = None
        self._dirty = True
        self._title_plain = ""

        base = QFont(self.font())
        base.setPointSizeF(max(base.pointSizeF(), 13.0))
        self.setFont(base)

        self._title = QLabel()
        self._title.setTextFormat(Qt.TextFormat.RichText)
        title_font = QFont(base)
        title_font.setPointSizeF(base.pointSizeF() + 1)
        self._title.setFont(title_font)
        # Texts that change must not change the minimum size (a top-level window would warn).
        self._title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self._spin = QSpinBox()
        self._spin.setPrefix("sample ")
        self._spin.setKeyboardTracking(False)
        self._spin.setToolTip("Which sample to follow through the update")
        self._spin.valueChanged.connect(self._on_spin)
        self._of = QLabel()
        self._auto = QToolButton()
        self._auto.setText("largest z")
        self._auto.setCheckable(True)
        self._auto.setChecked(True)
        self._auto.setToolTip("Follow the sample with the largest z (closest to being active)")
        self._auto.toggled.connect(self._on_auto)

        self._browser = QTextBrowser()
        self._browser.setOpenLinks(False)
        self._browser.setFont(base)
        self._browser.document().setDefaultFont(base)
        self._browser.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)

        self._back = QPushButton("◀ Back")
        self._back.setToolTip("Show the previous phase of this update again")
        self._back.clicked.connect(self.prev_phase)
        self._next = QPushButton("Next ▶")
        self._next.setToolTip("Reveal the next factor of the chain rule; after the update, "
                              "apply it: one real gradient step of every lane")
        self._next.setDefault(True)
        self._next.clicked.connect(self.next_phase)
        self._next.setMinimumWidth(max(self._next.sizeHint().width(),
                                       self._next.fontMetrics().horizontalAdvance("Apply step ▶")
                                       + 24))
        self._phase_label = QLabel(f"phase {N_PHASES} / {N_PHASES}")
        self._phase_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._phase_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        top = QHBoxLayout()
        top.addWidget(self._spin)
        top.addWidget(self._of)
        top.addStretch(1)
        top.addWidget(self._auto)
        bottom = QHBoxLayout()
        bottom.addWidget(self._back)
        bottom.addWidget(self._phase_label, 1)
        bottom.addWidget(self._next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(self._title)
        layout.addLayout(top)
        layout.addWidget(self._browser, 1)
        layout.addLayout(bottom)

        self.set_model(sim)
        self._render_if_dirty()

    # --- public API ------------------------------------------------------------------------------
    @property
    def phase(self) -> int:
        """The current phase, 1 to 7."""
        return self._phase

    @property
    def lane(self) -> int:
        return self._lane

    @property
    def sample(self) -> int:
        """The sample shown (the largest-z one unless one was picked)."""
        return self._read().sample

    def set_model(self, sim: Simulation) -> None:
        """A new simulation: back to phase 1, following the largest-z sample."""
        self._sim = sim
        if self._lane >= sim.n_lanes:
            self._lane = 0
        self._sample = None
        self._phase = 1
        self._step = None
        self._snap = None
        self._numbers = None
        self._spin.blockSignals(True)
        self._spin.setRange(0, sim.data.n - 1)
        self._spin.blockSignals(False)
        self._of.setText(f"of 0–{sim.data.n - 1}")
        self._auto.blockSignals(True)
        self._auto.setChecked(True)
        self._auto.blockSignals(False)
        self.refresh(sim)

    def refresh(self, sim: Simulation) -> None:
        """Re-read the numbers; back to phase 1 if a step was taken since the last look."""
        if sim is not self._sim:
            self.set_model(sim)
            return
        snap = sim.current()
        if snap is self._snap:
            return
        if self._step is not None and snap.step != self._step:
            self._phase = 1
        self._step = snap.step
        self._snap = snap
        self._numbers = None
        self._invalidate()

    def set_lane(self, index: int) -> None:
        """Show lane ``index``, from phase 1."""
        if self._sim is None or not 0 <= index < self._sim.n_lanes:
            raise IndexError(f"no lane {index}")
        self._lane = int(index)
        self._phase = 1
        self._numbers = None
        self._invalidate()

    def set_sample(self, index: int | None) -> None:
        """Follow sample ``index`` (None or -1: the sample with the largest z)."""
        if index is None or index < 0:
            self._auto.setChecked(True)
            return
        self._spin.setValue(int(index))  # -> _on_spin
        if self._sample != int(index):  # the spin box already showed it
            self._on_spin(int(index))

    def next_phase(self) -> None:
        """Reveal the next phase; after the last one, ask for a step and start over."""
        if self._phase < N_PHASES:
            self._phase += 1
            self._invalidate()
            return
        self._phase = 1
        self._invalidate()
        self.request_step.emit()

    def prev_phase(self) -> None:
        """Hide the current phase (not below phase 1)."""
        if self._phase > 1:
            self._phase -= 1
            self._invalidate()

    def text(self) -> str:
        """What the panel shows, as plain text (header and phases)."""
        self._render_if_dirty()
        return self._title_plain + "\n" + self._browser.toPlainText()

    def html(self) -> str:
        """The rich text of the phases shown (as built, before Qt rewrites it)."""
        return phase_html(self._read(), self._phase)

    def plain_text(self) -> str:
        """The phases only, as plain text."""
        self._render_if_dirty()
        return self._browser.toPlainText()

    # --- internals -------------------------------------------------------------------------------
    def _read(self) -> _Numbers:
        if self._numbers is None:
            assert self._sim is not None
            self._numbers = read_numbers(self._sim, self._lane, self._sample)
        return self._numbers

    def _on_spin(self, value: int) -> None:
        self._sample = int(value)
        self._numbers = None
        self._auto.blockSignals(True)
        self._auto.setChecked(False)
        self._auto.blockSignals(False)
        self._invalidate()

    def _on_auto(self, on: bool) -> None:
        self._sample = None if on else self._read().sample
        self._numbers = None
        self._invalidate()

    def _invalidate(self) -> None:
        self._dirty = True
        if self.isVisible():
            self._render_if_dirty()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._render_if_dirty()

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # a theme change: write in its inks
            self._dirty = True
            self._invalidate()
        super().changeEvent(event)

    def _render_if_dirty(self) -> None:
        if not self._dirty:
            return
        self._dirty = False
        nb = self._read()
        color = style.lane_color(nb.activation)
        state_color = style.state_color(nb.state)
        self._title.setText(
            f'<b style="color:{color}">{escape(nb.label)}</b>'
            f' &nbsp;<span style="color:{state_color}; font-weight:bold">'
            f"{nb.state.name}</span> &nbsp;step {nb.step:,}")
        self._title_plain = f"{nb.label}  {nb.state.name}  step {nb.step:,}"
        self._spin.blockSignals(True)
        self._spin.setValue(nb.sample)
        self._spin.blockSignals(False)
        self._phase_label.setText(f"phase {self._phase} / {N_PHASES}")
        self._back.setEnabled(self._phase > 1)
        self._next.setText("Apply step ▶" if self._phase == N_PHASES else "Next ▶")
        self._browser.setHtml(phase_html(nb, self._phase))
        # The current phase is the last one shown: scrolled to the end, so it is in view; where
        # it is taller than the view (a small window, a large scale factor) its start is shown
        # (its title and formula), not its last lines.
        self._browser.scrollToAnchor(f"p{self._phase}")
