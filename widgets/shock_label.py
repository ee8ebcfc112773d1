"""A shock marker's label: its text with a halo of the plot's background colour, no box.

The labels sit at the top of the time plots, where the loss plot's curves run right after a
shock (every loss jumps to near 1): on a translucent box the text was hard to read over them,
and an opaque box hid the very jump the marker points at. The halo (the glyphs' outline widened
by :data:`HALO_PX`, filled with the plot's background) keeps every letter readable and lets the
curves show between and around the letters. It takes the current theme's background at paint
time, so a theme change needs only a repaint. Its path is built once per text and font.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import QColor, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker

from widgets import style as look

HALO_PX = 2.5  # the halo's reach beyond each glyph's outline, in pixels


def halo_path(text: str, font: Any, margin: float) -> QPainterPath:
    """The region ``text`` covers in ``font`` (as a QGraphicsTextItem with document margin
    ``margin`` lays out one line) widened by HALO_PX on every side."""
    glyphs = QPainterPath()
    glyphs.addText(QPointF(margin, margin + QFontMetricsF(font).ascent()), font, text)
    stroker = QPainterPathStroker()
    stroker.setWidth(2 * HALO_PX)
    stroker.setJoinStyle(Qt.PenJoinStyle.RoundJoin)
    stroker.setCapStyle(Qt.PenCapStyle.RoundCap)
    return stroker.createStroke(glyphs).united(glyphs).simplified()


class ShockLabel(pg.TextItem):
    """A :class:`pyqtgraph.TextItem` drawn on a halo (:func:`halo_path`) instead of a box."""

    def __init__(self, text: str, **kwargs: Any):
        kwargs["fill"] = None
        super().__init__(text, **kwargs)
        self._halo: tuple[tuple[str, str, float], QPainterPath] | None = None

    def halo(self) -> QPainterPath:
        """The halo in this item's coordinates (rebuilt when the text or the font changed)."""
        item = self.textItem
        key = (item.toPlainText(), item.font().toString(), item.document().documentMargin())
        if self._halo is None or self._halo[0] != key:
            self._halo = (key, halo_path(key[0], item.font(), key[2]))
        return item.mapToParent(self._halo[1])

    def paint(self, p: QPainter, *args: Any) -> None:
        super().paint(p, *args)  # (its transform; no box: no fill, no border)
        p.setPen(Qt.PenStyle.NoPen)
        p.setBrush(QColor(look.theme().plot_bg))
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.drawPath(self.halo())
