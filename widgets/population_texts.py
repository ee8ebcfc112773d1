"""The Population tab's words and lane keys: each lane's label, colour, line style and swatch
(:func:`lane_label` ...), the table of counts by state and the status line
(:class:`PopulationTexts`, a mix-in of the drawing) and the dropout finding on this run.
"""

from __future__ import annotations

import html
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QCursor
from PySide6.QtWidgets import QToolTip

from simulation import activations
from simulation.health import SATURATION_THRESHOLD, State
from simulation.population import DEAD, DROPPED, FIRING, N_STATES, SILENT, Population
from widgets import style

TABLE_GAP = 6  # px (at the normal font) left of each number in the table of counts
LOST = (State.SATURATED, State.DEAD, State.DIVERGED)  # "can't learn now"
NOT_FIRING = (State.RECOVERING, *LOST)  # every state but alive: no z > 0 over the data
CANT_LEARN = "can't learn now"  # the name of the share LOST
# the table's columns: (key, header, tooltip), each defined as simulation.health does
COLUMNS = (
    ("alive", "alive", "Alive: some z > 0 over the data: the neuron fires and learns"),
    ("recov.", "recov.", "Recovering: every z ≤ 0 over the data (not firing), but gradients "
     "still flow: it can come back"),
    ("satur.", "satur.", f"Saturated: not dead, but every |f′(z)| < {SATURATION_THRESHOLD:g} "
     "over the data: stuck in practice"),
    ("dead", "dead", "Dead: every gradient exactly 0: it can never move again"),
    ("div.", "div.", "Diverged: a parameter or value is not finite (inf or NaN)"),
    ("not firing", "not<br>firing", "Not firing: % of the neurons not alive, with no z > 0 "
     "over the data (recovering + saturated + dead + diverged)"),
    (CANT_LEARN, "can't<br>learn", "Can't learn now: % of the neurons saturated, dead or "
     "diverged (what the plot draws). A recovering neuron fires on no sample but still learns, "
     "so it is not counted here"),
)
COLUMN_TIPS = {key: tip for key, _, tip in COLUMNS}
# the strip's codes. Dead: mid grey, >= 3:1 against the plot background of both themes (4.5:1
# on the dark one). z <= 0: a light grey >= 3:1 against dead in both themes (#DCDCDC was 2.9:1:
# the two greys, told apart by lightness alone, looked alike). Firing and dropped are told by
# hue. No theme role colour (restyle swaps those)
CODE_COLORS = {FIRING: "#F3B48F", SILENT: "#E4E4E4", DROPPED: "#0072B2", DEAD: "#808080"}
CODE_LABELS = {FIRING: "firing", SILENT: "z ≤ 0 on this sample", DROPPED: "dropped (one step)",
               DEAD: "dead (for good)"}


def strip_key(sep: str = " &nbsp; ") -> str:
    """The strip's colour key, as HTML: a swatch (``██``) and the label of each code, ``sep``
    between them."""
    return sep.join(
        f"<span style='color:{CODE_COLORS[c]}; background:{CODE_COLORS[c]}'>██</span>&nbsp;"
        + html.escape(CODE_LABELS[c]).replace(" ", "&nbsp;")
        for c in (FIRING, SILENT, DROPPED, DEAD))


def counted(n: int, noun: str) -> str:
    """'1 neuron', '1,000 neurons'."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def lane_label(spec: Any) -> str:
    """'ReLU', 'ReLU + dropout 0.5'."""
    name = activations.get(spec.activation).label
    return name + (f" + dropout {spec.dropout:g}" if spec.dropout else "")


def lane_color(spec: Any) -> str:
    """The lane's colour; a lane with dropout has a darker (light theme) or lighter (dark theme)
    variant of its activation's, so ReLU + dropout is told from ReLU in every plot and table."""
    color = style.lane_color(spec.activation)
    if not spec.dropout:
        return color
    q = QColor(color)
    return (q.lighter(150) if style.theme() is style.DARK else q.darker(160)).name()


def lane_style(spec: Any) -> Qt.PenStyle:
    """Dashed for a lane with dropout, solid otherwise."""
    return Qt.PenStyle.DashLine if spec.dropout else Qt.PenStyle.SolidLine


def lane_swatch(spec: Any) -> str:
    """The lane's key in the texts: a solid or dashed bar in :func:`lane_color`."""
    return (f"<span style='color:{lane_color(spec)}'><b>{'┅' if spec.dropout else '━'}</b>"
            "</span>")


class PopulationTexts:
    """The texts of a Population frame: the counts by state (``table``, then ``side`` refitted),
    the dropout ``finding`` and the ``status`` line; reads ``follower``, ``controller`` and the
    counts at rest ``_now`` (see :class:`widgets.population_drawing.PopulationDrawing`)."""

    follower: Any
    controller: Any
    table: Any
    progress: Any

    def show_column_tip(self, key: str) -> None:
        """The definition of the table's column ``key`` (a header's link, hovered), at the
        pointer; none off the headers ('')."""
        tip = COLUMN_TIPS.get(key, "")
        if tip:
            QToolTip.showText(QCursor.pos(), tip, self.table)
        else:
            QToolTip.hideText()

    def _draw_texts(self, pop: Population) -> None:
        counts = pop.counts()
        now = self._now
        th = style.theme()
        n = pop.size
        # every state its column (a row adds up to the population), then the shares not firing
        # (all but alive) and that can't learn now (satur. + dead + div.); each header a link
        # whose hover shows its definition (see show_column_tip)
        link = f"color:{th.text}; text-decoration:none"
        head = ("<tr><th align='left'>activation</th>"
                + "".join(f"<th valign='bottom'><a href='{key}' style='{link}'>{text}</a></th>"
                          for key, text, _ in COLUMNS) + "</tr>")
        rows = []
        for i, lane in enumerate(pop.lanes):
            c = now[i] if now is not None else counts[-1, i]
            cells = "".join(f"<td align='right'>{int(v):,}</td>" for v in c[:N_STATES])
            off = f"{100 * int(c[list(NOT_FIRING)].sum()) / n:.1f}&nbsp;%"
            lost = f"{100 * int(c[list(LOST)].sum()) / n:.1f}&nbsp;%"
            # a cell never wraps, but a dropout lane's name takes two lines (room for the shares)
            name = html.escape(lane_label(lane)).replace(" ", "&nbsp;").replace(
                "&nbsp;+&nbsp;", "&nbsp;+<br>")
            rows.append(f"<tr><td>{lane_swatch(lane)}&nbsp;{name}&nbsp;</td>{cells}"
                        f"<td align='right'>{off}</td><td align='right'><b>{lost}</b></td></tr>")
        # row i of the counts is the state step i found, before its update: that after i steps
        # (a shock at step i included). At rest the states after the t steps run, as step t
        # will count them (the status bar's 'step t'; the capacity plot's last point); live or
        # catching up, the last row counted, t - 1. Before the first step: as initialized
        # (unless a shock came first), classified as a step would.
        shown = pop.t if now is not None else pop.first_step() + len(counts) - 1
        shocked = bool(pop.events) and pop.events[-1]["step"] == shown
        if shown == 0 and now is not None:
            when = (f"{'' if pop.events else 'at start, '}before step 0"
                    f"{' (after the shock)' if pop.events else ''}, by state:")
        else:
            when = (f"after {shown:,} step{'' if shown == 1 else 's'}"
                    f"{' and the shock' if shocked else ''}, by state:")
        pad = round(TABLE_GAP * style.scales()[0])  # a gap between the columns of numbers
        self.table.setText(
            f"<style>td[align='right'], th {{ padding-left: {pad}px }} "
            f"th[align='left'] {{ padding-left: 2px }}</style>"
            f"<b>{counted(n, 'neuron')} per activation</b> {when}"
            f"<table cellspacing='0' cellpadding='1' style='color:{th.text}'>{head}"
            f"{''.join(rows)}</table>")
        self.side.fit()  # the table's lane names may be wider than the column
        self.finding.setText(dropout_finding(pop))
        lagging = self.follower.lagging(self.controller.sim)
        capped = (f" (of {self.follower.size:,} asked: {counted(pop.sim.data.n, 'sample')})"
                  if n < self.follower.size else "")
        text = (f"catching up with the lanes: {pop.t:,} of {self.controller.sim.t:,} steps"
                if lagging else f"{len(pop.lanes)} × {counted(n, 'neuron')}{capped} · "
                f"{1000 * self.follower.cost:.1f} ms a step")
        self.status.setText(text)
        self.status.setToolTip(text)
        self._show_progress(pop.t, self.controller.sim.t if lagging else None)

    def _show_progress(self, done: int, total: int | None) -> None:
        """The catch-up bar: ``done`` of ``total`` steps, hidden when caught up (None)."""
        bar = self.progress
        if total is None or total <= 0:
            bar.setVisible(False)
            return
        if bar.maximum() != total:
            bar.setMaximum(total)
        bar.setValue(min(done, total))
        bar.setFormat(f"{done:,} of {total:,} steps")
        bar.setVisible(True)


def dropout_finding(pop: Population) -> str:
    """The seed-002 comparison on this run: ReLU against ReLU + dropout, dead counts now."""
    counts = pop.counts()
    relu = [i for i, lane in enumerate(pop.lanes) if lane.activation == "relu"]
    plain = [i for i in relu if not pop.lanes[i].dropout]
    dropped = [i for i in relu if pop.lanes[i].dropout]
    if not plain or not dropped:
        return ("<b>Dropout versus death:</b> set a dropout rate above 0 (with a ReLU lane) to "
                "compare ReLU with ReLU + dropout on the same starts, data and shocks.")
    a, b = plain[0], dropped[0]
    if not len(counts):  # both lanes are there; no state is counted before the first step
        return (f"<b>Dropout versus death:</b> ReLU and "
                f"{html.escape(lane_label(pop.lanes[b]))} start from the same neurons, with "
                f"the same data and shocks; their dead neurons are compared from the first "
                f"step on.")
    n = pop.size
    da, db = int(counts[-1, a, State.DEAD]), int(counts[-1, b, State.DEAD])
    p = pop.lanes[b].dropout
    diff = 100 * (db - da) / n
    verdict = ("dies <b>more</b> often, against the claim" if diff > 0.5 else
               "dies <b>less</b> often" if diff < -0.5 else
               "dies about <b>as often</b>, as claimed")
    return (f"<b>Dropout versus death, this run:</b> ReLU {da:,} of {n:,} dead "
            f"({100 * da / n:.1f} %), ReLU + dropout {p:g} {db:,} ({100 * db / n:.1f} %), same "
            f"starts, data and shocks. Tutorial 002: dropout does not make dying worse. Here "
            f"ReLU + dropout {verdict} ({diff:+.1f} points).")
