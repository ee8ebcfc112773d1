"""The text of the step-through's seven phases, built as rich text from the engine's numbers.

The phases follow the seed's "Mathematical Deep Dive": forward z, activation a = f(z), loss,
dL/da, da/dz, dz/dw and the chain-rule product, then the update. The text is written in the
inks of the theme in force (``widgets.style``); nothing here creates a widget.

A formula wraps only between whole terms (before "=", "+", "×", ... or after a comma), never
inside a number, a parenthesis or a fraction such as ∂a/∂z: its other spaces are non-breaking
and every slash is followed by a word joiner (:func:`formula`, :func:`phase_html`). The panel
lays each line out for its column (``phase_html``'s ``wrap``: :func:`widgets.chain_header.
wrap_terms`), so Qt never has to break one.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from html import escape

from simulation import activations
from simulation.health import State
from widgets import style
from widgets.chain_numbers import _Numbers, fmt, fmt_apart, fmt_paren

N_PHASES = 7
NUMBER_COLUMN = 22  # px: the phase numbers' column (its padding included)
PADDING = 4  # px: the cells' padding
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

NBSP = "\u00a0"  # a space no line breaks at
WJ = "\u2060"  # word joiner: no line break here (after a slash)
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.S)  # a tag, an entity or one character
_BREAK_BEFORE = "=←+−×/"  # a binary operator (followed by a space) may start a new line


def formula(html: str, depth: int = 0) -> str:
    """``html`` (a formula, tags allowed) that wraps only before a binary operator, after a
    comma or before "if"/"else", all outside parentheses (``depth``: or that deep in them);
    every other space becomes non-breaking."""
    toks = _TOKEN.findall(html.replace(", &nbsp;", ",&nbsp; "))  # the break after both
    shown = [i for i, t in enumerate(toks) if not t.startswith("<")]
    text = [toks[i] for i in shown]
    level = 0
    for n, i in enumerate(shown):
        t = text[n]
        if t == "(":
            level += 1
        elif t == ")":
            level -= 1
        elif t == " ":
            ahead = "".join(text[n + 1:n + 6])
            breakable = level <= depth and (
                (ahead[:1] in _BREAK_BEFORE and ahead[1:2] == " ")
                or "".join(text[max(n - 2, 0):n]).replace("&nbsp;", "").endswith(",")
                or ahead.startswith(("if ", "else ")))
            if not breakable:
                toks[i] = NBSP
    return "".join(toks)


def _join_slashes(html: str) -> str:
    """No line break after a slash (∂a/∂z, 2/π) anywhere in the text (tags untouched)."""
    return "".join(t if t.startswith("<") else t.replace("/", "/" + WJ)
                   for t in re.split(r"(<[^>]*>)", html))


def _unbroken(text: str) -> str:
    """``text`` on one line (a few words that belong together: "all 64 samples")."""
    return text.replace(" ", "&nbsp;")


def ink(color: str) -> str:
    """``color`` as written in the phases: readable (4.5:1) on both of their backgrounds in the
    theme in force, the page and the current phase's highlight (its hue kept)."""
    th = style.theme()
    if min(style.contrast_ratio(color, bg) for bg in (th.highlight_bg, th.base)) >= 4.5:
        return color
    return style.readable(style.readable(color, th.highlight_bg), th.base)


def _zero(text: str) -> str:
    return f'<span style="color:{ink(style.theme().stop)}; font-weight:bold">{text}</span>'


def _muted(text: str) -> str:
    return f'<span style="color:{ink(style.theme().muted)}">{text}</span>'


def _moving(text: str, bold: bool = False) -> str:
    weight = "; font-weight:bold" if bold else ""
    return f'<span style="color:{ink(style.theme().move)}{weight}">{text}</span>'


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
    # a long one (GELU's) may also wrap before a term inside its outer parenthesis
    return formula(escape(text), depth=1 if len(text) > 30 else 0)


def _act_params(nb: _Numbers) -> str:
    if nb.prelu:
        return formula(f"α = {fmt(nb.alpha)}") + " (learned)"
    names = {"alpha": "α", "scale": "λ"}
    shown = [f"{names.get(k, k)} = {fmt(v)}" for k, v in nb.params.items()
             if k != "negative_slope"]
    return formula(", ".join(shown))


def _product(nb: _Numbers) -> float:
    """dL/dw1 of this sample: the product of the three factors the engine gives."""
    return nb.dL_da * nb.da_dz * nb.x1


def _a_minus_y(nb: _Numbers) -> tuple[str, list[str]]:
    """What "(a − y)" reads with the engine's a and y, and the lines that go before it.

    Where a and y look equal to 4 digits but are not (a converged lane), they are shown on
    their own, with the digits that tell them apart (up to 17), and the formula continues with
    their difference: nothing shows equal numbers with a non-zero result."""
    a, y, digits = fmt_apart(nb.a, nb.y)
    if digits == 4:
        return f"({a} − {fmt_paren(nb.y)})", []
    diff = nb.a - nb.y  # exact: two floats this close subtract without rounding
    return f"({fmt(diff)})", [
        "&nbsp;&nbsp;" + formula(f"a = {a}"), "&nbsp;&nbsp;" + formula(f"y = {y}"),
        "&nbsp;&nbsp;" + formula(f"a − y = {fmt(diff)}") + ", " + _muted(
            f"not 0: a and y agree to {digits - 1} digits only")]


def _phase_full(nb: _Numbers, phase: int) -> list[str]:
    """The lines of ``phase`` shown in full (it is the current one)."""
    indent = "&nbsp;&nbsp;"
    if phase == 1:
        return [formula("z = w₁·x₁ + w₂·x₂ + b"),
                indent + formula(
                    f"= {fmt(nb.w1)}×{fmt_paren(nb.x1)} + {fmt_paren(nb.w2)}×"
                    f"{fmt_paren(nb.x2)} {'−' if nb.b < 0 else '+'} {fmt(abs(nb.b))}"),
                indent + formula(f"= <b>{fmt(nb.z)}</b>"
                                 + ("&nbsp;&nbsp;(z &lt; 0)" if nb.z < 0 else ""))]
    if phase == 2:
        lines = [formula("a = f(z)"), formula("f(z) = ") + _act_formula(nb)]
        extra = _act_params(nb)
        if extra:
            lines.append(_muted(extra))
        lines.append(formula(f"a = f({fmt(nb.z)}) = <b>{fmt(nb.a)}</b>"))
        return lines
    if phase == 3:
        diff, pair = _a_minus_y(nb)
        lines = [formula("L = mean((a − y)²)") + f" over&nbsp;{_unbroken(nb.all_samples)}",
                 indent + formula(f"= <b>{fmt(nb.loss)}</b>")]
        if pair:
            return [*lines, "this sample: " + formula("(a − y)²"), *pair,
                    indent + formula(f"= {diff}² = {fmt(nb.sq_error)}")]
        return [*lines, "this sample: " + formula(f"(a − y)² = {diff}²"),
                indent + formula(f"= {fmt(nb.sq_error)}")]
    if phase == 4:
        diff, pair = _a_minus_y(nb)
        return [formula("∂L/∂a = 2(a − y) / N"), *pair,
                indent + formula(f"= 2 × {diff} / {nb.n}"),
                indent + formula(f"= <b>{fmt(nb.dL_da)}</b>")]
    if phase == 5:
        lines = [formula("∂a/∂z = f′(z)")]
        lines.append(formula("f′(z) = ") + _act_formula(nb, derivative=True))
        lines.append(formula(f"∂a/∂z = f′({fmt(nb.z)}) = <b>{_num(nb.da_dz)}</b>"))
        if nb.dead_factor:
            lines.append(_zero("exactly 0: no gradient passes the neuron"))
        elif nb.z < 0:
            small = "tiny" if abs(nb.da_dz) < 1e-3 else "small"
            lines.append(_moving(f"{small}, but not 0: the gradient still flows"))
        return lines
    if phase == 6:
        prod = _product(nb)
        result = _zero("= 0 exactly") if prod == 0.0 else f"= <b>{fmt(prod)}</b>"
        return [formula(f"∂z/∂w₁ = x₁ = {fmt(nb.x1)}"),
                formula(f"∂z/∂w₂ = x₂ = {fmt(nb.x2)}, &nbsp;∂z/∂b = 1"),
                "this sample: " + formula("∂L/∂w₁ = ∂L/∂a × ∂a/∂z × x₁"),
                indent + formula(
                    f"= {fmt(nb.dL_da)} × {_factor(nb.da_dz)} × {fmt(nb.x1)} {result}"),
                *_summed(nb)]
    if phase == 7:
        return _update(nb)
    raise ValueError(f"no phase {phase}")


def _summed(nb: _Numbers) -> list[str]:
    def g(v: float) -> str:
        return _zero("0") if v == 0.0 else f"<b>{fmt(v)}</b>"

    lines = [f"summed over {_unbroken(nb.all_samples)}:",
             "&nbsp;&nbsp;" + formula(f"∂L/∂w₁ = {g(nb.grad_w1)}, &nbsp;∂L/∂w₂ = "
                                      f"{g(nb.grad_w2)}, &nbsp;∂L/∂b = {g(nb.grad_b)}")]
    if nb.prelu:
        lines.append("&nbsp;&nbsp;" + formula(
            f"∂L/∂α = Σ ∂L/∂a × min(z, 0) = {g(nb.grad_alpha)}"))
    return lines


def _update_line(name: str, value: float, rate: float, grad: float) -> str:
    """``name ← value − rate × grad = new``: one line when nothing moves, else two with Δ."""
    new = value - rate * grad
    head = formula(f"{name} ← {fmt(value)} − {fmt(rate)} × ")
    if grad == 0.0:
        return head + formula(f"{_num(grad)} = <b>{fmt(new)}</b> " + _zero("unchanged"))
    if new == value:  # a step below half the float spacing at value: rounded away
        return (head + formula(fmt_paren(grad) + f" = <b>{fmt(new)}</b>") + " " + _muted(
            f"unchanged: the step {formula(fmt(rate * grad))} is lost in float rounding"))
    delta = fmt(new - value)
    delta = delta if delta.startswith("−") else "+" + delta
    return (head + fmt_paren(grad) + "<br>&nbsp;&nbsp;&nbsp;&nbsp;"
            + formula(f"= <b>{fmt(new)}</b>") + " "  # (Δ ...) may go to the next line
            + _moving(formula(f"(Δ {delta})"), bold=True))


def _update(nb: _Numbers) -> list[str]:
    if nb.state == State.DIVERGED:
        return [formula(f"lr = {fmt(nb.lr)}"),
                _zero("diverged: the engine freezes this lane, nothing is updated")]
    lines = [formula(f"p ← p − lr × ∂L/∂p, &nbsp;lr = {fmt(nb.lr)}"),
             _update_line("w₁", nb.w1, nb.lr, nb.grad_w1),
             _update_line("w₂", nb.w2, nb.lr, nb.grad_w2),
             _update_line("b", nb.b, nb.lr, nb.grad_b)]
    if nb.prelu:
        lines += [formula(f"α ← α − lr<sub>α</sub> × ∂L/∂α, &nbsp;lr<sub>α</sub> = "
                          f"{fmt(nb.alpha_lr)}"),
                  _update_line("α", nb.alpha, nb.alpha_lr, nb.grad_alpha)]
    if nb.batch_size is not None:
        lines.append(_muted(f"mini-batch run: the next step uses {nb.batch_size} samples, "
                            "not the full-batch gradient shown"))
    if nb.shock_pending:
        lines.append(_muted("a scheduled shock fires at this step before the update"))
    return lines


def past_step_notes(step: int, can_continue: bool) -> list[str]:
    """The last lines of the update when the step shown is a rewound one (not the live run's):
    what the button under them does instead of applying it."""
    if can_continue:
        return [_muted(f"This is rewound step {step:,}."),
                _muted(f"{_unbroken('“Continue here”')} makes it the live run "
                       "(the steps after it are dropped) and applies this update.")]
    return [_muted(f"This is rewound step {step:,}: it is not applied here."),
            _muted(f"To go on from it: {_unbroken('“Continue from here”')} in the rewind bar "
                   "(Ctrl+Return).")]


NEXT_TIP = ("Reveal the next factor of the chain rule; after the update, apply it: one real "
            "gradient step of every lane")


def next_button(phase: int, step: int, rewound: bool, can_continue: bool
                ) -> tuple[str, str, bool]:
    """The text, tooltip and enabled state of the panel's Next button: Next, then at the last
    phase Apply; for a rewound step (not the live run's) never Apply: Continue from it where
    the app offers that, else disabled, saying why."""
    if phase < N_PHASES:
        return "Next ▶", NEXT_TIP, True
    if not rewound:
        return "Apply step ▶", "Apply the update shown: one real gradient step of every lane", True
    if can_continue:
        return ("Continue here ▶",  # (short: "phase 7 / 7" beside it was crushed to "/")
                f"Make rewound step {step:,} the live run (the steps after it are dropped, as "
                "“Continue from here”) and apply the update shown", True)
    return (f"Step {step:,} is rewound",
            f"Step {step:,} is a rewound step, not the live run's: it cannot be applied here. "
            "“Continue from here” in the rewind bar (Ctrl+Return) goes on from it.", False)


def _phase_summary(nb: _Numbers, phase: int) -> str:
    """A revealed, no longer current phase, in one line."""
    if phase == 1:
        return formula(f"z = {fmt(nb.z)}")
    if phase == 2:
        return formula(f"a = f(z) = {fmt(nb.a)}")
    if phase == 3:
        return formula(f"L = {fmt(nb.loss)}, &nbsp;(a − y)² = {fmt(nb.sq_error)}")
    if phase == 4:
        return formula(f"∂L/∂a = {fmt(nb.dL_da)}")
    if phase == 5:
        return formula(f"∂a/∂z = {_num(nb.da_dz)}")
    if phase == 6:
        prod = _product(nb)
        return (formula(f"∂L/∂w₁ = {fmt(nb.dL_da)} × {_factor(nb.da_dz)} × {fmt(nb.x1)} = "
                        f"{_num(prod)}")
                + f"<br>{_unbroken(nb.all_samples)}: " + formula(f"∂L/∂w₁ = {_num(nb.grad_w1)}"))
    raise ValueError(f"no summary for phase {phase}")


def number_column(digit_width: float) -> int:
    """The width of the phase numbers' column for numbers ``digit_width`` px wide (a large
    font widens it)."""
    return max(NUMBER_COLUMN, math.ceil(digit_width) + 2 * PADDING + 1)


def text_room(viewport_width: float, margin: float, numbers: int = NUMBER_COLUMN) -> float:
    """The width of the phases' text column in a view ``viewport_width`` px wide whose document
    has a ``margin`` px margin, beside a ``numbers`` px wide column of phase numbers."""
    return viewport_width - 2 * margin - numbers - 2 * PADDING


def phase_html(nb: _Numbers, phase: int, wrap: Callable[[str], str] | None = None,
               numbers: int = NUMBER_COLUMN, after: Sequence[str] = ()) -> str:
    """Phases 1..``phase``: the earlier ones summarised, the current one in full, highlighted.
    ``wrap``: what lays one line out in the text column (as built, Qt wraps it); ``numbers``:
    the width of the phase numbers' column; ``after``: lines that end the current phase."""
    rows = []
    for i in range(1, phase + 1):
        current = i == phase
        if current:
            lines = [f"<b>{escape(PHASE_TITLES[i])}</b>", *_phase_full(nb, i), *after]
            bg = f' bgcolor="{style.theme().highlight_bg}"'
            num = f"<b>{i}</b>"
        else:
            lines = [_phase_summary(nb, i)]
            bg = ""
            num = _muted(str(i))
        lines = [_join_slashes(part) for line in lines for part in line.split("<br>")]
        body = "<br>".join(map(wrap, lines) if wrap else lines)
        rows.append(f'<tr><td{bg} width="{numbers}" align="right"><a name="p{i}"></a>'
                    f"{num}</td><td{bg}>{body}</td></tr>")
    return (f'<table width="100%" cellspacing="0" cellpadding="{PADDING}">' + "".join(rows)
            + "</table>")
