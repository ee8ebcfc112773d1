"""The time plots' y axes: tick labels that never overlap, and a log10 axis labelled 10ⁿ with an
optional exact-zero rail tick."""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtGui import QFont, QFontMetricsF

_SUPERSCRIPT = str.maketrans("-0123456789", "⁻⁰¹²³⁴⁵⁶⁷⁸⁹")


def pow10_label(n: int) -> str:
    """10ⁿ as text: '1', '10', '10⁻⁶'."""
    return {0: "1", 1: "10"}.get(n, "10" + str(n).translate(_SUPERSCRIPT))


def tick_text(v: float) -> str:
    """A large value's tick label: 1e6, 5e5, -1.5e6 (as the off-scale labels write the edge)."""
    if v == 0:
        return "0"
    mant, exp = f"{v:.6e}".split("e")
    return f"{mant.rstrip('0').rstrip('.')}e{int(exp)}"


class FitAxis(pg.AxisItem):
    """A y axis whose tick labels never overlap: ticks at least a label's height (of the tick
    font, which presentation mode enlarges) apart, so a short plot gets fewer of them; values
    in ``edges`` (where lines are drawn clipped) are ticked whenever in range; values of 1e5 or
    more are all written as 1e6, 5e5."""

    edges: tuple[float, ...] = ()
    BIG = 1e5

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        levels = super().tickValues(minVal, maxVal, size)
        lo, hi = sorted((minVal, maxVal))
        edges = [e for e in self.edges if lo <= e <= hi]
        if not edges or size <= 0 or hi <= lo:
            return levels
        need = self.label_px() * (hi - lo) / size  # data units of one label height
        out = []
        for spacing, values in levels:
            keep = [v for v in values if all(abs(v - e) >= need for e in edges)]
            out.append((spacing, sorted(keep + edges)))
        return out

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if self.logMode or not values:
            return super().tickStrings(values, scale, spacing)
        if max(abs(v * scale) for v in values) < self.BIG:
            return super().tickStrings(values, scale, spacing)
        return [tick_text(v * scale) for v in values]  # one format for every label

    def label_px(self) -> float:
        """The least distance (px) between two ticks: a tick label's height and a little."""
        font = self.style.get("tickFont") or QFont()
        return QFontMetricsF(font).height() + 1

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:
        levels = super().tickSpacing(minVal, maxVal, size)
        dif = abs(maxVal - minVal)
        if not levels or dif <= 0 or size <= 0:
            return levels
        spacing = levels[0][0]
        need = self.label_px() * dif / size  # data units of one label height
        while spacing < need:  # the next of 1, 2, 5 x 10^n
            e = 10.0 ** math.floor(math.log10(spacing) + 1e-9)
            spacing = next(m * e for m in (1, 2, 5, 10) if m * e > spacing * (1 + 1e-9))
        return [(spacing, 0.0)]


class LogAxis(FitAxis):
    """A y axis over log10 values: ticks on whole decades labelled 10ⁿ, none below ``floor``,
    and optionally one tick labelled ``rail_text`` at ``rail`` (the exact-zero rail); decades
    at least a label's height apart (every 2nd, 3rd ... decade on a short plot), none within a
    label's height of the rail's."""

    def __init__(self, orientation: str = "left", **kwargs: Any):
        super().__init__(orientation, **kwargs)
        self.floor: int | None = None
        self.rail: float | None = None
        self.rail_text = "= 0"

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        first = math.ceil(lo - 1e-9)
        if self.floor is not None:
            first = max(first, self.floor)
        last = math.floor(hi + 1e-9)
        per_decade = size / (hi - lo)
        need = max(20.0, self.label_px())
        stride = next((s for s in (1, 2, 3, 4, 5, 10, 20, 50) if s * per_decade >= need), 100)
        values = [float(v) for v in range(first, last + 1) if v % stride == 0]
        if self.rail is not None and lo <= self.rail <= hi:
            values = [v for v in values if abs(v - self.rail) * per_decade >= need]
            values.append(float(self.rail))
        return [(float(stride), values)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [self.rail_text if self.rail is not None and abs(v - self.rail) < 1e-6
                else pow10_label(round(v)) for v in values]
