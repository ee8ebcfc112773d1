"""The plot items of each lane of the time plots: created once per model, then styled, shown or
hidden (by lane and gradient mode) and listed in the legend; and the line-style keys.

:class:`TimeLanes` is a mixin of :class:`widgets.time_plots.TimePlots`.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt

from simulation.activations import ACTIVATIONS
from widgets import style as look
from widgets.halo_label import HaloLabel
from widgets.plot_items import (
    FONT_PT,
    LABEL_PT,
    BandItem,
    Curve,
    StyleKey,
    _font,
    _pen,
    _translucent,
)
from widgets.plot_series import (
    GRAD_LABELS,
    GRAD_MODES,
    GRAD_STYLES,
    GRADS,
    OFF_SCALE_SERIES,
    PARAM_STYLES,
    PARAMS,
)


@dataclass
class LaneItems:
    """The plot items of one lane (created once per model)."""

    index: int
    id: str
    activation: str
    color: str
    loss: Curve
    z_lo: Curve
    z_hi: Curve
    z_fill: BandItem
    z_mean: Curve
    a: Curve
    grad: dict[str, Curve] = field(default_factory=dict)
    rail: dict[str, Curve] = field(default_factory=dict)
    params: dict[str, Curve] = field(default_factory=dict)
    # (plot, "top" | "bottom") -> the label saying this lane's values there are off the scale
    off: dict[tuple[str, str], pg.TextItem] = field(default_factory=dict)
    label: str = ""  # the lane's name on those labels (as in the legend)

    def placed(self) -> list[tuple[str, Any]]:
        """(plot name, item) for every item of the lane."""
        out: list[tuple[str, Any]] = [("loss", self.loss), ("z", self.z_fill), ("z", self.z_lo),
                                      ("z", self.z_hi), ("z", self.z_mean), ("a", self.a)]
        out += [("grad", c) for c in self.grad.values()] + [("grad", c) for c in self.rail.values()]
        out += [("params", c) for c in self.params.values()]
        return out


def lane_label(lane_id: str, activation: str) -> str:
    """A lane's name in the legend: the activation's label, with the lane id where it differs."""
    act = ACTIVATIONS.get(activation)
    label = act.label if act is not None else lane_id
    return f"{label} ({lane_id})" if lane_id != activation else label


class TimeLanes:
    """The lane half of TimePlots: makes, styles and shows the :class:`LaneItems`, with keys."""

    def _make_lane(self, i: int, n: int, lane_id: str, activation: str) -> LaneItems:
        color = look.lane_color(activation)
        z = 10 + (n - i)  # the first lane (ReLU in the presets) on top
        def curve(style: Qt.PenStyle = Qt.PenStyle.SolidLine, width: float = 2.0):
            c = Curve(pen=_pen(color, style, width), connect="finite",
                                 antialias=self.antialias)
            c.setZValue(z)
            return c

        z_lo = Curve(pen=pg.mkPen(_translucent(color, 90), width=1), connect="finite")
        z_hi = Curve(pen=pg.mkPen(_translucent(color, 90), width=1), connect="finite")
        fill = BandItem(z_lo, z_hi, brush=pg.mkBrush(_translucent(color, 45)))
        lane = LaneItems(i, lane_id, activation, color, loss=curve(), z_lo=z_lo, z_hi=z_hi,
                         z_fill=fill, z_mean=curve(), a=curve())
        for g in GRADS:
            lane.grad[g] = curve()
            rail = Curve(pen=_pen(color, width=5), connect="finite",
                         antialias=self.antialias, horizontal=True)
            rail.setZValue(z)
            lane.rail[g] = rail
        learnable = ACTIVATIONS[activation].learnable_alpha if activation in ACTIVATIONS else False
        for p in PARAMS:
            if p != "alpha" or learnable:
                lane.params[p] = curve(PARAM_STYLES[p])
        for plot, item in lane.placed():
            self.plots[plot].addItem(item, ignoreBounds=True)
        fill.setZValue(1)
        lane.label = lane_label(lane_id, activation)
        for plot in OFF_SCALE_SERIES:  # hidden until a value of the lane is off the scale
            for edge in ("top", "bottom"):
                label = HaloLabel("", color=color, anchor=(1, 0))
                label.setFont(_font(FONT_PT, bold=True))
                label.setZValue(85)
                label.setVisible(False)
                self.plots[plot].addItem(label, ignoreBounds=True)
                lane.off[(plot, edge)] = label
        return lane

    def _style_key(self, row: int, entries: list[tuple[str, Any]]) -> StyleKey:
        """A vertical key in the column right of plot ``row`` (never over data): line styles
        (a Qt.PenStyle, drawn in black so they do not read as a lane) or "band" (a fill)."""
        key = StyleKey(FONT_PT)
        for text, style in entries:
            if style == "band":
                item = pg.PlotDataItem(pen=None, fillLevel=0.0, fillBrush=pg.mkBrush("#00000040"))
            else:
                item = pg.PlotDataItem(pen=_pen("#000000", style))
            self._key_items.append(item)
            key.addItem(item, text)
        self.view.addItem(key, row=row, col=1)
        return key

    def _apply_grad_styles(self) -> None:
        mode = self._grad_mode
        for lane in self.lanes:
            for g, c in lane.grad.items():
                style = GRAD_STYLES[g] if mode == "all" else Qt.PenStyle.SolidLine
                c.setPen(_pen(lane.color, style))
        self.grad_key.setVisible(mode == "all")
        label = "|gradient|" if mode == "all" else f"|{GRAD_LABELS[mode]}|"
        self.plots["grad"].getAxis("left").setLabel(
            label, **{"font-size": f"{look.pt(LABEL_PT):g}pt", "color": look.theme().text})

    def _apply_visibility(self) -> None:
        shown = GRAD_MODES[self._grad_mode]
        for lane in self.lanes:
            vis = lane.id not in self._hidden
            for _, item in lane.placed():
                item.setVisible(vis)
            for g in GRADS:
                lane.grad[g].setVisible(vis and g in shown)
                lane.rail[g].setVisible(vis and g in shown)

    def _update_legend(self) -> None:
        parts = []
        for lane in self.lanes:
            label = html.escape(lane.label).replace(" ", "&nbsp;")  # wrap between lanes only
            if lane.id in self._hidden:
                parts.append(f'<span style="color:#aaaaaa"><s>▬&nbsp;{label}</s></span>')
            else:
                parts.append(f'<span style="color:{lane.color}"><b>▬</b>&nbsp;'
                             f'<span style="color:{look.theme().text}">{label}</span></span>')
        self.legend_label.setText(" &nbsp; ".join(parts))
