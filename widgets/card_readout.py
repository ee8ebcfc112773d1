"""How a lane card reads: its look by state (badge, border, inks, with the state help as the
badge's tooltip), the plot's help, the current numbers and what the lane did after the last shock.

:class:`CardReadout` is a mixin of :class:`widgets.card_frame.LaneCard`.
"""

from __future__ import annotations

from functools import cache

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen

from simulation.engine import Snapshot
from simulation.health import State
from widgets import style
from widgets.card_focus import access_name
from widgets.card_text import _steps, fmt_approx, fmt_grad, fmt_param, fmt_short
from widgets.fitted_label import first_fitting
from widgets.palette import BADGE_ON_DARK, STATE_COLORS

DIM_TEXT = "#5E5E5E"
DEAD_CURVE = "#7A7A7A"
DOT_OUTLINE_ON_DARK = "#F2F2F2"
RECOVERY_HELP = "What this lane did after the last shock."
NUMBERS_HELP = ("w1, w2, b (and α for PReLU): the current parameters\n"
                "loss: mean squared error over all samples\n"
                "|∇L|: size of the gradient of the loss in the parameters (0 = cannot move)\n"
                "max|f′|: largest slope f′(z) over the samples\n"
                "z>0: share of samples on the live side of the activation\n"
                "A gradient that is exactly zero is written 0, never 0.00e+00.")

STATE_HELP = {
    State.ALIVE: "ALIVE: some sample has z > 0, so gradients flow and the neuron learns.",
    State.RECOVERING: "RECOVERING: every z ≤ 0, but the slope f′(z) is not zero: "
                      "the weights still move and z can climb back above 0.",
    State.SATURATED: "SATURATED: not dead, but every |f′(z)| < 1e-3: "
                     "the gradient is so small the neuron is stuck in practice.",
    State.DEAD: "DEAD: every gradient is exactly 0 (f′(z) = 0 for every sample): "
                "gradient descent can never move this neuron again.",
    State.DIVERGED: "DIVERGED: a weight or value is no longer finite: the update blew up "
                    "and the neuron is frozen where it broke.",
}


def lane_key(snap: Snapshot, i: int, shocked: bool) -> tuple:
    """Lane ``i``'s own numbers in ``snap``, exactly (floats by their bits): its state,
    samples (z, f(z), f'(z)), parameters, loss and gradients; all its card shows but the
    recovery rows (see ``CardReadout._recovery_key``). A dead or settled lane's is the same
    step after step."""
    fb, p = snap.fb, snap.params
    scalars = np.array([p.w1[i, 0], p.w2[i, 0], p.b[i, 0], p.alpha[i, 0], fb.loss[i, 0],
                        fb.grad_w1[i, 0], fb.grad_w2[i, 0], fb.grad_b[i, 0], fb.grad_alpha[i, 0]])
    return (int(snap.state[i, 0]), shocked, scalars.tobytes(), fb.z[i, 0].tobytes(),
            fb.a[i, 0].tobytes(), fb.da_dz[i, 0].tobytes())


def _blend(a: str, b: str, t: float) -> QColor:
    ca, cb = QColor(a), QColor(b)
    return QColor.fromRgbF(ca.redF() * (1 - t) + cb.redF() * t,
                           ca.greenF() * (1 - t) + cb.greenF() * t,
                           ca.blueF() * (1 - t) + cb.blueF() * t)


@cache
def dot_pen(color: str) -> QPen:
    """The dots' outline in ``color``: one pen object per colour, for every card and state."""
    return pg.mkPen(color, width=1)


@cache
def dot_brush(color: str) -> QBrush:
    """The dots' fill in ``color``, one brush object per colour. pyqtgraph's scatter keeps a
    symbol atlas (an image, and its pixmap) keyed by the pen and brush *objects*: a new pair at
    each change of state (most shocks change some lane's state) added symbols to the card's atlas,
    hundreds of them over a long run, instead of finding the ones it has."""
    return pg.mkBrush(color)


def badge_colors(state: State, th: style.Theme) -> tuple[str, str]:
    """The badge's (background, text) for ``state`` in theme ``th``."""
    if th is not style.LIGHT and state in BADGE_ON_DARK:
        return BADGE_ON_DARK[state]
    return STATE_COLORS[state], "white"  # a name: restyle() maps hex role colours only


def fmt_share(k: int, n: int) -> str:
    """``k`` of ``n`` as a whole percentage that never reads 0% while some are counted, nor
    100% while some are not ("<1%", ">99%" at the ends), with the count: "<1% (18/5000)"."""
    if n <= 0:
        return "-"
    pct = 100 * k / n
    if 0 < k and round(pct) == 0:
        shown = "<1%"
    elif k < n and round(pct) == 100:
        shown = ">99%"
    else:
        shown = f"{pct:.0f}%"
    return f"{shown} ({k}/{n})"


def grad_norm(grads: list[float]) -> float:
    """The Euclidean norm of ``grads`` without squaring them: sqrt(sum(g²)) underflows to 0 for
    gradients near 1e-200 (and overflows to inf near 1e200); np.hypot scales as it goes. It is
    0 only when every gradient is exactly 0 (NaN if one is NaN and none is infinite)."""
    return float(np.hypot.reduce(np.asarray(grads, dtype=float)))


class CardReadout:
    """The reading half of LaneCard: its look by state, help texts, numbers and recovery lines."""

    # what the numbers and recovery lines were last fitted for ((wordings, width, font)), the
    # lines and the tooltip that gave
    _numbers_fit: tuple | None = None
    _recovery_fit: tuple | None = None
    _shown_values: dict[str, float] | None = None  # the numbers shown (see _values)
    _shown_recovery: tuple | None = None  # what else the recovery rows show (_recovery_key)

    def _apply_style(self, state: State) -> None:
        dead = state == State.DEAD
        th = style.theme()
        light = th is style.LIGHT
        bg = th.dead_bg if dead else th.card_bg
        border = th.selected_border if self._selected else ("#9C9C9C" if dead else th.border)
        stripe = _blend(self.color, th.dead_bg, 0.55).name() if dead else self.color
        self.setStyleSheet(
            f"QFrame#laneCard {{ background: {bg}; border: 2px solid {border}; "
            f"border-left: 7px solid {stripe}; border-radius: 5px; }}")
        # the name in the lane's hue, dimmed when dead, and readable from the back (WCAG AA)
        name = _blend(self.color, "#404040" if light else "#B0B0B0", 0.5).name() if dead \
            else self.color
        self.name.setStyleSheet(f"color: {style.readable(name, bg)}; background: transparent;")
        badge_bg, badge_fg = badge_colors(state, th)
        self.badge.setText(state.name)
        self.badge.setStyleSheet(
            f"QLabel {{ background: {badge_bg}; color: {badge_fg}; border-radius: 4px; }}")
        self.badge.setToolTip(STATE_HELP[state] + "\n\n"
                              + "\n".join(STATE_HELP[s] for s in State if s != state))
        self.plot.setBackground(bg)
        curve = DEAD_CURVE if dead else self.color
        self.value_curve.setPen(pg.mkPen(curve, width=style.lw(2.5)))
        self.grad_curve.setPen(pg.mkPen(curve, width=style.lw(1.5), style=Qt.PenStyle.DashLine))
        brush = dot_brush("#9A9A9A" if dead else self.color)
        # the outline sets the dots off the curve and the page: dark on light, light on dark
        pen = dot_pen(("#3A3A3A" if dead else "#1A1A1A") if light else DOT_OUTLINE_ON_DARK)
        if self.dots.opts["brush"] is not brush:
            self.dots.setBrush(brush)
        if self.dots.opts["pen"] is not pen:
            self.dots.setPen(pen)
        text = (DIM_TEXT if light else "#D0D0D0") if dead else th.text
        self.numbers.set_color(text)
        self.recovery.set_color(text)
        self.numbers.set_background(bg)  # (they sit inside the card's border, on its background)
        self.recovery.set_background(bg)
        self.region.setBrush(pg.mkBrush(th.dead_region))
        # what a screen reader says of the card (a Tab stop): its lane and state, from the model
        self.setAccessibleName(access_name(self.act.label, state.name))
        self.setAccessibleDescription(STATE_HELP[state] + (
            " Selected: the network and the step-through show this lane." if self._selected
            else " Space or Enter shows this lane in the network and the step-through."))

    # --- help texts ---------------------------------------------------------------------------
    def _region_help(self) -> str:
        if self.act.zero_gradient_when_negative:
            return ("Shaded: z ≤ 0, the dead region. Here ReLU's slope f′(z) is exactly 0, so a "
                    "sample in it passes back no gradient at all.")
        return (f"Shaded: z ≤ 0, where ReLU would be dead. {self.act.label}'s slope here is "
                f"f′(z) = {self.act.derivative}: small, but not zero.")

    def _plot_help(self) -> str:
        return (f"{self.act.label}: f(z) solid, f′(z) dashed.\nDots: the current samples' z, "
                f"on f(z).\n{self._region_help()}")

    def _values(self, snap: Snapshot) -> dict[str, float]:
        i = self.index
        fb, p = snap.fb, snap.params
        with np.errstate(all="ignore"):
            d = np.abs(fb.da_dz[i, 0])
            z = fb.z[i, 0]
            # (|f'| is >= 0 or NaN: NaN as -1 finds nanargmax's index, at a fifth of its cost)
            j = int(np.where(np.isnan(d), -1.0, d).argmax()) if np.isfinite(d).any() else 0
            grads = [fb.grad_w1[i, 0], fb.grad_w2[i, 0], fb.grad_b[i, 0]]
            if self.act.learnable_alpha:
                grads.append(fb.grad_alpha[i, 0])
            gnorm = grad_norm(grads)
            return {
                "w1": float(p.w1[i, 0]), "w2": float(p.w2[i, 0]), "b": float(p.b[i, 0]),
                "alpha": float(p.alpha[i, 0]), "loss": float(fb.loss[i, 0]),
                "grad_norm": gnorm, "max_slope": float(d.max()),
                # f' (with its sign: PReLU's alpha may be negative) where |f'| is largest
                "slope": float(fb.da_dz[i, 0][j]),
                "slope_z": float(z[j]), "alive": int((z > 0).sum()), "n": int(z.size),
            }

    def _update_text(self, snap: Snapshot) -> None:
        v = self._shown_values = self._values(snap)
        self._update_numbers(v)
        self._update_recovery(snap, v)

    def _update_numbers(self, v: dict[str, float]) -> None:
        share = fmt_share(v["alive"], v["n"])
        p = fmt_param
        # each row's wordings, longest first: never a number cut short, a shorter form instead
        w = [p, fmt_short, lambda x: fmt_short(x, 1)]
        if self._compact:
            b = [f"b  {p(v['b'])}"] + [f"b {f(v['b'])}" for f in w[1:]]
            if self.act.learnable_alpha:
                b = [f"{t} α {f(v['alpha'])}" for t, f in zip(b, w, strict=True)]
            rows = [tuple(b),
                    (f"max|f′| {fmt_grad(v['max_slope'])}",),
                    (f"z>0 {share}",)]
        else:
            rows = [tuple(f"w1 {f(v['w1'])} w2 {f(v['w2'])}" for f in w),
                    (f"b  {p(v['b'])}", f"b  {fmt_short(v['b'])}")]
            if self.act.learnable_alpha:
                rows.append((f"α  {p(v['alpha'])}", f"α  {fmt_short(v['alpha'])}"))
            rows += [(f"loss    {fmt_grad(v['loss'])}",),
                     (f"|∇L|    {fmt_grad(v['grad_norm'])}",),
                     (f"max|f′| {fmt_grad(v['max_slope'])}",),
                     (f"z>0     {share}",)]
        # the same wordings in the same width and font fit as they did: not measured again
        # (and still shown: set_lane clears the lines and the recovery's tooltip)
        key = (rows, self.numbers.width(), self.numbers.font())
        if not self._still_shown(self.numbers, self._numbers_fit, key):
            fm, width = self.numbers.widths, self.numbers.width()
            shown = [first_fitting(fm, width, alts) for alts in rows]
            self.numbers.set_lines(shown)
            full = [alts[0] for alts in rows]
            tip = NUMBERS_HELP + ("\n\nIn full:\n" + "\n".join(full) if shown != full else "")
            if tip != self.numbers.toolTip():
                self.numbers.setToolTip(tip)
            self._numbers_fit = (key, shown, tip)

    def _recovery_key(self, snap: Snapshot) -> tuple:
        """What the recovery rows show of ``snap`` besides the lane's numbers and state: the
        last shock's recovery, a divergence, and the step while the steps since the shock are
        still counted."""
        i = self.index
        rec = snap.recoveries[i] if i < len(snap.recoveries) else None
        div = snap.divergence[i] if i < len(snap.divergence) else None
        return (None if rec is None else (rec.shock_step, rec.left_alive_at, rec.recovered_at,
                                           snap.step if rec.recovered_at is None else None),
                repr(div) if div else None)

    def _update_recovery(self, snap: Snapshot, v: dict[str, float]) -> None:
        self._shown_recovery = self._recovery_key(snap)
        rows = self._recovery_lines(snap, v)
        key = (rows, self.recovery.width(), self.recovery.font())
        if not self._still_shown(self.recovery, self._recovery_fit, key):
            shown = [self._fit(*alts) for alts in rows]
            self.recovery.set_lines(shown)
            # a shortened (or, with no shorter form, cut) line: the full text in the tooltip
            fm, width = self.recovery.widths, self.recovery.width()
            full = [alts[0] for alts in rows]
            cut = shown != full or any(fm.horizontalAdvance(t) > width for t in shown)
            tip = RECOVERY_HELP + ("\n\n" + "\n".join(t for t in full if t) if cut else "")
            if tip != self.recovery.toolTip():
                self.recovery.setToolTip(tip)
            self._recovery_fit = (key, shown, tip)

    @staticmethod
    def _still_shown(block, fit: tuple | None, key: tuple) -> bool:
        """Whether ``block`` shows what it was last fitted for (``fit``: key, lines, tooltip),
        and that was for ``key`` (the same wordings, width and font)."""
        return (fit is not None and fit[0] == key and block.lines() == fit[1]
                and block.toolTip() == fit[2])

    def _formula(self) -> str:
        """``f(z) = ...`` of this lane, with its own Leaky ReLU slope."""
        formula = self.act.formula
        if self.spec.activation == "leaky_relu" and "negative_slope" in self._kwargs:
            formula = formula.replace("0.01", f"{self._kwargs['negative_slope']:g}")
        return f"f(z) = {formula}"

    def _fit(self, *texts: str) -> str:
        """The first of ``texts`` that fits the recovery line's width in full (else the last)."""
        return first_fitting(self.recovery.widths, self.recovery.width(), texts)

    def _wrap2(self, text: str) -> list[str] | None:
        """``text`` word-wrapped onto two recovery lines, or None if it needs more."""
        fm, width = self.recovery.widths, self.recovery.width()
        words = text.split(" ")
        splits = [k for k in range(len(words) - 1, 0, -1) if words[k].startswith("(")]
        for k in splits + list(range(len(words) - 1, 0, -1)):  # before "(", else the longest
            first, second = " ".join(words[:k]), " ".join(words[k:])
            if fm.horizontalAdvance(first) <= width and fm.horizontalAdvance(second) <= width:
                return [first, second]
        return None

    def _why(self, snap: Snapshot, v: dict[str, float]) -> tuple[str, ...]:
        """Why the lane is in its state, longest wording first ("" when ALIVE)."""
        state = self._state
        slope = fmt_approx(v["slope"])
        if state == State.DEAD:
            return ("every gradient is exactly 0",)
        if state == State.SATURATED:
            return (f"slope ≈ {slope} at z = {v['slope_z']:.0f}: stuck in practice",
                    f"slope ≈ {slope}: stuck in practice", f"slope ≈ {slope}: stuck")
        if state == State.RECOVERING:
            return (f"every z ≤ 0, but slope {slope} still moves it",
                    f"z ≤ 0, but slope {slope} moves it", f"slope {slope}: still moves")
        if state == State.DIVERGED:
            div = snap.divergence[self.index] if self.index < len(snap.divergence) else None
            if not div:
                return ("values blew up (non-finite): frozen", "blew up: frozen")
            cause, step = div["cause"], f"{div['step']:,}"
            short = cause.split(" (")[0]  # "loss overflowed to inf (|b| = ...)": the cause
            return (f"blew up at step {step}: {cause}", f"blew up at step {step}: {short}",
                    f"step {step}: {short}", short)
        return ("",)

    def _recovery_lines(self, snap: Snapshot, v: dict[str, float]) -> list[tuple[str, ...]]:
        """The recovery rows, each as its wordings, longest (the full text) first."""
        state = self._state
        rec = snap.recoveries[self.index] if self.index < len(snap.recoveries) else None
        shocked = self._shocked and rec is not None
        since = _steps(snap.step - rec.shock_step) if rec is not None else ""
        if not shocked:
            status: tuple[str, ...] = ("no shock yet",)
        elif rec.recovered_at is not None:
            status = (f"recovered in {_steps(rec.steps)}",)
        elif rec.left_alive_at is None and state == State.ALIVE:
            status = ("stayed alive through the shock", "stayed alive")
        elif state == State.DEAD:  # every gradient exactly 0: nothing can move it back
            status = (f"cannot recover while dead ({since} since shock)",
                      f"cannot recover ({since} since shock)", f"cannot recover ({since})")
        else:
            status = (f"not recovered yet ({since} since shock)",
                      f"not recovered yet ({since})", "not recovered yet")
        why = self._why(snap, v)
        if self._compact:  # one line: a dead lane's says both why and that it cannot recover
            if shocked and state == State.DEAD:
                return [("every gradient is exactly 0: cannot recover",
                         "gradient exactly 0: cannot recover")]
            # not shocked: the formula in full, on a line of its own
            return [why if why[0] else status if shocked else (self._formula(),)]
        if not why[0]:
            return [status] if shocked else [status, (self._formula(),)]
        too_wide = self.recovery.widths.horizontalAdvance(why[0]) > self.recovery.width()
        if state == State.DIVERGED and too_wide:
            wrapped = self._wrap2(why[0])  # the cause matters more than "not recovered yet"
            if wrapped:
                return [(line,) for line in wrapped]
        if not shocked:
            status = (f"{status[0]} · {self._formula()}", status[0])
        return [status, why]
