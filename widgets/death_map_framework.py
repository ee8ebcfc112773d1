"""The seed's decision framework ("speed critical → Leaky ReLU", "very deep → SELU", ...) beside
what a death map measured: the text under the Death-map tab's maps.
"""

from __future__ import annotations

import html
import math

from simulation import activations, sweep
from simulation.health import State
from widgets import style

# the seed's decision framework, and what a death map can say about each branch
FRAMEWORK = (
    ("Dying ReLU no problem", "relu", "ReLU"),
    ("Speed critical", "leaky_relu", "Leaky ReLU"),
    ("Accuracy critical, very deep", "selu", "SELU"),
    ("Accuracy critical, not deep", "elu", "ELU"),
    ("Research / experimentation", "prelu", "PReLU"),
)


def framework_text(res: sweep.SweepResult, done: bool) -> str:
    """The seed's framework beside the measurements: one row per activation, as HTML."""
    th = style.theme()
    cells = res.state.shape[1] * res.state.shape[2]
    branch = {act: text for text, act, _ in FRAMEWORK}
    order = [a for _, a, _ in FRAMEWORK]
    lanes = sorted(range(len(res.lanes)), key=lambda i: order.index(res.lanes[i].activation)
                   if res.lanes[i].activation in order else len(order))
    head = "".join(f"<th align='right'>&nbsp;{h}</th>" for h in
                   ("alive", "recovering", "saturated", "dead", "diverged", "back in (median)"))
    rows = []
    for i in lanes:
        act = res.lanes[i].activation
        st, rec = res.state[i], res.recovery[i]
        pct = "".join(f"<td align='right'>{100 * float((st == k).mean()):.0f} %</td>"
                      for k in range(len(State)))
        med = sweep.nan_median(rec[rec > 0])
        back = f"{med:,.0f} steps" if math.isfinite(med) else "—"
        label = html.escape(activations.get(act).label)
        rows.append(f"<tr><td>{html.escape(branch.get(act, '(not in the seed)'))} → </td>"
                    f"<td><b style='color:{style.lane_color(act)}'>{label}</b></td>{pct}"
                    f"<td align='right'>{back}</td></tr>")
    best = max(range(len(res.lanes)), key=lambda i: float((res.state[i] == State.ALIVE).mean()))
    never_dead = [activations.get(lane.activation).label for i, lane in enumerate(res.lanes)
                  if not (res.state[i] == State.DEAD).any()]
    status = "" if done else " (so far)"
    return (f"<b>The seed's decision framework beside the death map{status}</b>, share of the "
            f"{cells:,} cells by state at the end: "
            f"<table cellspacing='0' cellpadding='1' style='color:{th.text}'>"
            f"<tr><th align='left'>seed: if …</th><th align='left'>use</th>{head}</tr>"
            f"{''.join(rows)}</table>"
            f"Most cells alive at the end: <b>{activations.get(res.lanes[best].activation).label}"
            f"</b>; never dead in any cell: {', '.join(never_dead) or 'none'}. One neuron cannot "
            "measure compute speed or depth: the Activation cost and Self-normalization tabs do.")
