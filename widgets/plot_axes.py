"""The time plots' axes: y tick labels that never overlap, a log10 axis labelled 10ⁿ with an
optional exact-zero rail tick, and the step axis, ticked as far apart as its labels are wide."""

from __future__ import annotations

import itertools
import math
from typing import Any, ClassVar

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF, Qt
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
    """A y axis over log10 values: ticks on whole decades labelled 10ⁿ, none below ``floor`` or
    above ``ceiling`` (the room of the shock marker labels), and optionally one tick labelled
    ``rail_text`` at ``rail`` (the exact-zero rail); decades at least a label's height apart
    (every 2nd, 3rd ... decade on a short plot), none within a label's height of the rail's."""

    def __init__(self, orientation: str = "left", **kwargs: Any):
        super().__init__(orientation, **kwargs)
        self.floor: int | None = None
        self.ceiling: int | None = None
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
        if self.ceiling is not None:
            last = min(last, self.ceiling)
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


class StepAxis(pg.AxisItem):
    """The time plots' step axis: whole steps written 12,000 (as the status bar writes them),
    ticked 1, 2, 5 x 10^n steps apart, and never closer than the labels drawn are wide (in the
    axis' tick font, which presentation mode enlarges) and a gap: labels never touch, at any
    width of the plot. A label that would stick out of the axis is not drawn (pyqtgraph's
    rule): the spacing is the least at which the labels drawn are apart, preferring one that
    surely draws a label. Every plot's step axis ticks alike (one x range, one width), so the
    grid lines of the stacked plots line up."""

    _fitted: ClassVar[dict[tuple, float]] = {}  # (range, px, font, pyqtgraph's) -> spacing

    def label_gap(self, fm: QFontMetricsF) -> float:
        """Least free room (px) between two tick labels: about two spaces of the tick font."""
        return max(6.0, 2 * fm.horizontalAdvance(" "))

    def label_width(self, fm: QFontMetricsF, text: str) -> float:
        """A tick label's width (px), measured as pyqtgraph lays it out."""
        return fm.boundingRect(QRectF(0, 0, 100, 100), Qt.AlignmentFlag.AlignCenter, text).width()

    def drawn_labels(self, lo: float, hi: float, size: float, spacing: float,
                     fm: QFontMetricsF) -> list[tuple[float, float, bool]]:
        """(centre, width, surely) in px of each label that may be drawn at ``spacing`` on
        ``lo``..``hi`` shown ``size`` px wide: pyqtgraph leaves out those that stick out of the
        axis; ``surely`` False for one within a pixel of an end (it measures on its own)."""
        px = size / (hi - lo)
        values = [k * spacing for k in range(math.ceil(lo / spacing),
                                             math.floor(hi / spacing) + 1)]
        out = []
        for v, text in zip(values, self.tickStrings(values, 1.0, spacing), strict=True):
            x, w = (v - lo) * px, self.label_width(fm, text)
            room = min(x - w / 2, size - x - w / 2)  # px to the nearer end of the axis
            if room >= -1:
                out.append((x, w, room >= 1))
        return out

    def tickSpacing(self, minVal: float, maxVal: float, size: float) -> list:
        levels = super().tickSpacing(minVal, maxVal, size)
        lo, hi = sorted((minVal, maxVal))
        if not levels or size <= 0 or not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo:
            return levels
        font = self.style.get("tickFont") or QFont()
        key = (lo, hi, size, font.key(), levels[0][0])
        if key not in StepAxis._fitted:  # (the five plots' axes ask alike: measured once)
            if len(StepAxis._fitted) > 64:
                StepAxis._fitted.clear()
            StepAxis._fitted[key] = self._fit_spacing(lo, hi, size, QFontMetricsF(font),
                                                      levels[0][0])
        return [(StepAxis._fitted[key], 0.0)]

    def _fit_spacing(self, lo: float, hi: float, size: float, fm: QFontMetricsF,
                     least: float) -> float:
        """The least 1, 2, 5 x 10^n spacing from ``least`` (and 1) up at which the labels
        that may be drawn are apart, preferring one that surely draws a label."""
        gap = self.label_gap(fm)
        spacing = nice_spacing(max(1.0, least))
        apart = None  # the least spacing whose labels are apart (perhaps none drawn)
        for _ in range(60):  # (1, 2, 5 x 10^n up to far beyond any run's length)
            drawn = self.drawn_labels(lo, hi, size, spacing, fm)
            if all(b[0] - a[0] >= (a[1] + b[1]) / 2 + gap
                   for a, b in itertools.pairwise(drawn)):
                if any(surely for _, _, surely in drawn):
                    return spacing
                apart = apart or spacing
            if spacing > hi - lo:
                break
            spacing = nice_spacing(spacing * (1 + 1e-9))
        return apart or spacing

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        """As pyqtgraph's, worked out directly for the one level :meth:`tickSpacing` gives (the
        same values: pyqtgraph's removal of values an earlier level has, with np.isclose, has
        nothing to remove there); six of them a paint while the history slides."""
        lo, hi = sorted((minVal, maxVal))
        if self.scale != 1 or self.logMode:
            return super().tickValues(minVal, maxVal, size)
        levels = self.tickSpacing(lo, hi, size)
        if len(levels) != 1:
            return super().tickValues(minVal, maxVal, size)
        spacing, offset = levels[0]
        start = (math.ceil((lo - offset) / spacing) * spacing) + offset
        num = int((hi - start) / spacing) + 1
        return [(spacing, (np.arange(num) * spacing + start).tolist())]

    def setRange(self, mn: float, mx: float) -> None:
        """As pyqtgraph's, but an axis that shows no values keeps its picture: it draws its line
        alone (see :meth:`generateDrawSpecs`), the same at every range, so a sliding history
        does not make it again each frame (its ticks are still what :func:`axis_ticks` asks)."""
        if self.style["showValues"]:
            super().setRange(mn, mx)
        elif not (math.isfinite(mn) and math.isfinite(mx)):
            raise ValueError(f"Not setting range to [{mn}, {mx}]")
        else:
            self.range = [mn, mx]

    def generateDrawSpecs(self, p: Any) -> Any:
        """As pyqtgraph's; without values, the axis' line alone (no tick marks: the grid lines
        draw the ticks, see widgets.plot_grid)."""
        specs = super().generateDrawSpecs(p)
        if specs is None or self.style["showValues"]:
            return specs
        return specs[0], [], []

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        if spacing * scale < 1:
            return super().tickStrings(values, scale, spacing)
        return [f"{round(v * scale):,}" for v in values]


def nice_spacing(v: float) -> float:
    """The smallest of 1, 2, 5 x 10^n that is >= ``v`` (``v`` > 0)."""
    e = 10.0 ** math.floor(math.log10(v) + 1e-12)
    return next(m * e for m in (1, 2, 5, 10) if m * e >= v * (1 - 1e-12))
