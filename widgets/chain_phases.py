"""The text of the step-through's seven phases, built as rich text from the engine's numbers.

The phases follow the seed's "Mathematical Deep Dive": forward z, activation a = f(z), loss,
dL/da, da/dz, dz/dw and the chain-rule product, then the update. The text is written in the
inks of the theme in force (``widgets.style``); nothing here creates a widget.
"""

from __future__ import annotations

from html import escape

from simulation import activations
from simulation.health import State
from widgets import style
from widgets.chain_numbers import _Numbers, fmt, fmt_paren

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
