"""The seed's decision framework ("speed critical → Leaky ReLU", "very deep → SELU", ...) beside
what a death map measured: the text under the Death-map tab's maps, and the column that gives
the maps their height above it (:class:`MapColumn`); the tab's intro and its line on stale maps.
"""

from __future__ import annotations

import html
import math
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QScrollArea, QVBoxLayout, QWidget

from simulation import activations, sweep
from simulation.health import State
from widgets import style
from widgets.capped_label import OWN_FONT, largest_size, text_height

# the seed's decision framework, and what a death map can say about each branch
FRAMEWORK = (
    ("Dying ReLU no problem", "relu", "ReLU"),
    ("Speed critical", "leaky_relu", "Leaky ReLU"),
    ("Accuracy critical, very deep", "selu", "SELU"),
    ("Accuracy critical, not deep", "elu", "ELU"),
    ("Research / experimentation", "prelu", "PReLU"),
)
MAP_SHARE = 0.7  # of the column's height left by the key: the maps' at least ...
MAP_MIN_PX = 250  # ... and at least this (the text under them scrolls first)
GAP = 6
TEXT_PT = 11  # the text's size at normal fonts (claim_controls.FONT_PT)


class MapColumn(QWidget):
    """The maps (``area``) over their ``key`` and the framework ``text``. The text is whole
    where the maps keep MAP_MIN_PX of the height the key leaves (presenting, the key and text
    in a font down to the normal one for it); else the maps get MAP_SHARE of it (MAP_MIN_PX at
    least, where there is that much) and the text scrolls (both ways)."""

    def __init__(self, area: QWidget, key: QLabel, text: QLabel):
        super().__init__()
        self.area, self.key, self.label = area, key, text
        for label in (key, text):  # their fonts fitted here (presenting: see fit_fonts)
            label.setProperty(OWN_FONT, True)
        inner = QWidget()
        box = QVBoxLayout(inner)
        box.setContentsMargins(0, 0, 0, 0)
        box.addWidget(text)
        self.text = QScrollArea()
        self.text.setWidget(inner)
        self.text.setWidgetResizable(True)
        self.text.setFrameShape(QScrollArea.Shape.NoFrame)
        for w in (area, key, self.text):
            w.setParent(self)
        inner.installEventFilter(self)  # the framework's new text or font: laid out again

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.text.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.place()
        return False

    def text_height(self, width: int) -> int:
        """The height the framework text needs at ``width`` px (with a scroll bar under it
        if it is wider)."""
        inner = self.text.widget()
        if not inner.layout().itemAt(0).widget().text():
            return 0
        least = inner.minimumSizeHint().width()
        if least > width:
            return inner.heightForWidth(least) + self.text.horizontalScrollBar().sizeHint().height()
        return inner.heightForWidth(width)

    def fit_fonts(self, w: int, h: int) -> None:
        """The key's and the text's font: presentation's size in force, or the largest down to
        the normal size (TEXT_PT) in which the whole text fits under maps MAP_MIN_PX tall (at
        1280x720, presenting, the summary scrolled under them). The search starts at the size
        in force (redrawn a few times a second while the sweep runs)."""
        f = QFont(self.label.font())

        def fits(size: float) -> bool:
            f.setPointSizeF(size)
            room = h - text_height(self.key.text(), f, w) - 2 * GAP - MAP_MIN_PX
            return text_height(self.label.text(), f, w) <= room

        size = largest_size(fits, f.pointSizeF(), TEXT_PT)
        f.setPointSizeF(size)
        for label in (self.key, self.label):
            if f != label.font():
                label.setFont(f)

    def place(self) -> None:
        """Lay the maps, key and text out in the column's size: the whole text where the maps
        keep MAP_MIN_PX, else the maps MAP_SHARE of the room and the text scrolls."""
        w, h = self.width(), self.height()
        self.fit_fonts(w, h)
        key_h = self.key.heightForWidth(w)
        room = max(h - key_h - 2 * GAP, 0)
        need = self.text_height(w)
        if need <= room - MAP_MIN_PX:
            maps = room - need
        else:
            maps = min(room, max(MAP_MIN_PX, round(MAP_SHARE * room)))
        text_h = min(need, room - maps)
        maps = room - text_h
        self.area.setGeometry(0, 0, w, maps)
        self.key.setGeometry(0, maps + GAP, w, key_h)
        self.text.setGeometry(0, maps + key_h + 2 * GAP, w, text_h)
        self.text.setVisible(text_h > 0)

    def minimumSizeHint(self) -> QSize:
        return QSize(self.area.minimumSizeHint().width(), MAP_MIN_PX)

    def sizeHint(self) -> QSize:
        return QSize(self.area.sizeHint().width(), MAP_MIN_PX * 2)

    def resizeEvent(self, event: QEvent) -> None:
        super().resizeEvent(event)
        self.place()

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.LayoutRequest,  # a child's new text or font
                            QEvent.Type.ApplicationFontChange):  # presenting began or ended
            self.place()
        return super().event(event)


def framework_text(res: sweep.SweepResult, done: bool) -> str:
    """The seed's framework beside the measurements: one row per activation, as HTML."""
    th = style.theme()
    cells = res.state.shape[1] * res.state.shape[2]
    branch = {act: text for text, act, _ in FRAMEWORK}
    order = [a for _, a, _ in FRAMEWORK]
    lanes = sorted(range(len(res.lanes)), key=lambda i: order.index(res.lanes[i].activation)
                   if res.lanes[i].activation in order else len(order))
    # the headers in italics, not bold (bold ones made the table wider than the column at
    # 1280x720, presenting or beside the set-up dock: it scrolled sideways)
    th_style = "style='font-weight:normal; font-style:italic'"
    head = "".join(f"<th align='right' {th_style}>&nbsp;{h}</th>" for h in
                   ("alive", "recovering", "saturated", "dead", "diverged", "back in (median)"))
    rows = []
    for i in lanes:
        act = res.lanes[i].activation
        st, rec = res.state[i], res.recovery[i]
        pct = "".join(f"<td align='right'>{100 * float((st == k).mean()):.0f}&nbsp;%</td>"
                      for k in range(len(State)))
        med = sweep.nan_median(rec[rec > 0])
        back = f"{med:,.0f} steps" if math.isfinite(med) else "—"
        label = html.escape(activations.get(act).label)
        where = branch.get(act, "(not in the tutorial)")
        rows.append(f"<tr><td>{html.escape(where)}&nbsp;→ </td>"
                    f"<td><b style='color:{style.lane_color(act)}'>{label}</b></td>{pct}"
                    f"<td align='right'>{back}</td></tr>")
    best = max(range(len(res.lanes)), key=lambda i: float((res.state[i] == State.ALIVE).mean()))
    never_dead = [activations.get(lane.activation).label for i, lane in enumerate(res.lanes)
                  if not (res.state[i] == State.DEAD).any()]
    status = "" if done else " (so far)"
    return (f"<b>The tutorial's decision framework beside the death map{status}</b>, share of "
            f"the {cells:,} cells by state at the end: "
            f"<table cellspacing='0' cellpadding='1' style='color:{th.text}'>"
            f"<tr><th align='left' {th_style}>tutorial: if …</th>"
            f"<th align='left' {th_style}>use</th>{head}</tr>"
            f"{''.join(rows)}</table>"
            f"Most cells alive at the end: <b>{activations.get(res.lanes[best].activation).label}"
            f"</b>; never dead in any cell: {', '.join(never_dead) or 'none'}. One neuron cannot "
            "measure compute speed or depth: the Activation cost and Self-normalization tabs do.")


INTRO = ("Each cell is one neuron's run, set up like a lane of the Single neuron tab (the "
         "Base below): at the shock step its bias is set to b and the learning rate multiplied "
         "for a few steps.")


def _num(value: float) -> str:
    return f"{value:.3g}".replace("-", "−")


def ranges_text(spec: sweep.SweepSpec) -> tuple[str, str]:
    """The b and lr-factor ranges of ``spec``, e.g. ("b −10…10", "lr ×1…×100"); a range is
    never broken across lines (word joiners around the ellipsis)."""
    dots = "\u2060…\u2060"
    return (f"b {_num(spec.bias[0])}{dots}{_num(spec.bias[-1])}",
            f"lr ×{_num(spec.factor[0])}{dots}×{_num(spec.factor[-1])}")


def stale_text(made: tuple[Any, sweep.SweepSpec] | None,
               wanted: tuple[Any, sweep.SweepSpec | None]) -> str:
    """What makes the maps shown (``made``: base and grid) stale beside the controls'
    ``wanted`` ones, as a line; "" when they are the same (or there are no maps)."""
    if made is None or made == wanted:
        return ""
    old, new = made[1], wanted[1]
    if new is not None:
        differ = [k for k, (a, b) in enumerate(zip(ranges_text(old), ranges_text(new),
                                                   strict=True)) if a != b]
        if differ:
            return (f"These maps are for {', '.join(ranges_text(old)[k] for k in differ)}; "
                    f"press Run the sweep for {', '.join(ranges_text(new)[k] for k in differ)}.")
    return "These maps were made with other settings; press Run the sweep for the ones above."
