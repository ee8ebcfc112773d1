"""The death maps' lr-factor axis: log10(factor) labelled ×1, ×10, ×100, every label inside the
axis.

pyqtgraph centres a tick label on its tick, so the labels of the end ticks spilled half a line
past the axis: the state map's "×1" (its bottom) ran into the recovery map's "×100" (the top of
the axis below) and was cut at large fonts. Here each label is drawn in the rectangle its text
really takes, moved inward where it would leave the axis (the end labels sit against the axis's
ends, still beside their ticks); the ticks are chosen so that the labels placed so keep a gap.
"""

from __future__ import annotations

import itertools
import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QRectF
from PySide6.QtGui import QFont, QFontMetricsF

LABEL_GAP = 2.0  # px: clear space between two tick labels, at least


def inside(rect: QRectF, top: float, bottom: float) -> QRectF:
    """``rect`` moved up or down, as little as it takes, to lie between ``top`` and ``bottom``
    (its top at ``top`` where it is taller than that)."""
    dy = min(0.0, bottom - rect.bottom())
    if rect.top() + dy < top:
        dy = top - rect.top()
    return rect.translated(0.0, dy)


def spaced(centres: list[float], height: float, size: float) -> bool:
    """Whether labels ``height`` px tall centred at ``centres`` (px along an axis ``size`` px
    long), each moved inside the axis, keep :data:`LABEL_GAP` between them and fit."""
    if not centres:
        return True
    if height > size:
        return False
    placed = sorted(min(max(c, height / 2), size - height / 2) for c in centres)
    return all(b - a >= height + LABEL_GAP for a, b in itertools.pairwise(placed))


class FactorAxis(pg.AxisItem):
    """A y axis over log10(factor), labelled ×1, ×10, ×100; as many labels as the axis's
    height holds without touching (×1, ×3, ×10, ... or ×1, ×10, ... or every other decade),
    each label inside the axis (see the module)."""

    def label_height(self) -> float:
        """px: the height of one tick label (a line of the tick font)."""
        return QFontMetricsF(self.style.get("tickFont") or QFont()).height()

    def tickValues(self, minVal: float, maxVal: float, size: float) -> list:
        lo, hi = sorted((minVal, maxVal))
        if not (math.isfinite(lo) and math.isfinite(hi)) or hi <= lo or size <= 0:
            return []
        height = self.label_height()

        def ticks(steps: tuple[float, ...], every: int = 1) -> list[float]:
            vals = [math.log10(m) + e for e in range(math.floor(lo), math.ceil(hi) + 1)
                    if e % every == 0 for m in steps]
            return [v for v in vals if lo <= v <= hi]

        def fits(vals: list[float]) -> bool:
            return spaced([(v - lo) / (hi - lo) * size for v in vals], height, size)

        choices = [ticks((1, 3) if hi - lo > 1.5 else (1, 2, 5))]
        choices += [ticks((1,), every) for every in (1, 2, 5, 10)]
        vals = next((v for v in choices if fits(v)), None)
        if vals is None:  # not even every tenth decade: as many of them as fit
            vals = []
            for v in choices[-1]:
                if fits([*vals, v]):
                    vals.append(v)
        return [(1.0, vals)]

    def tickStrings(self, values: list[float], scale: float, spacing: float) -> list[str]:
        return [f"×{10 ** v:.3g}" for v in values]

    def generateDrawSpecs(self, p: Any) -> tuple:
        """pyqtgraph's specs, each label's rectangle the one its text is drawn in (pyqtgraph's
        is 0.8 of the line's height), moved inside the axis; a label that would touch one kept
        before it (the end labels are kept first) is left out."""
        axis_spec, tick_specs, text_specs = super().generateDrawSpecs(p)
        if not text_specs:
            return axis_spec, tick_specs, text_specs
        bounds = self.mapRectFromParent(self.geometry())
        placed = [(inside(p.boundingRect(rect, flags, text), bounds.top(), bounds.bottom()),
                   flags, text) for rect, flags, text in text_specs]
        order = sorted(range(len(placed)), key=lambda i: placed[i][0].center().y())
        order = [*order[:1], *order[-1:], *order[1:-1]] if len(order) > 1 else order
        kept: list[int] = []
        for i in order:
            grown = placed[i][0].adjusted(0, -LABEL_GAP, 0, LABEL_GAP)
            if not any(grown.intersects(placed[k][0]) for k in kept):
                kept.append(i)
        return axis_spec, tick_specs, [placed[i] for i in sorted(kept)]
