"""A label over the curves: its text on a halo of the plot's background colour, over a
translucent box.

The shock markers' labels sit at the top of the time plots, where the loss plot's curves run
right after a shock (every loss jumps to near 1); the off-scale labels sit where a lane's line
leaves the scale, often on that very line. On a translucent box alone the text was hard to read
over them, and an opaque box hid the very jump the marker points at. The halo (the glyphs'
outline widened by :data:`HALO_PX`, filled with the plot's background) keeps every letter
readable; the box (the theme's ``label_fill`` colour, :data:`BOX_ALPHA` opaque) fades the
curves between the letters, which at full strength read as punctuation ("b:=:-10"), yet lets
them show. Both take the current theme's colours at paint time, so a theme change needs only a
repaint. The halo is filled into an image once per text, font and colour.
"""

from __future__ import annotations

import math
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QPointF, Qt
from PySide6.QtGui import (
    QColor,
    QFontMetricsF,
    QImage,
    QPainter,
    QPainterPath,
    QPainterPathStroker,
)

from widgets import style as look

HALO_PX = 2.5  # the halo's reach beyond each glyph's outline, in pixels
BOX_ALPHA = 200  # the box's opacity (of 255): curves under it show at a fifth of their strength


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


def halo_image(path: QPainterPath, color: QColor, dpr: float) -> tuple[QImage, QPointF]:
    """``path`` filled with ``color``, antialiased, as an image for a device of pixel ratio
    ``dpr``; and where its top left goes, in the path's coordinates."""
    rect = path.boundingRect().toAlignedRect()
    image = QImage(max(1, math.ceil(rect.width() * dpr)), max(1, math.ceil(rect.height() * dpr)),
                   QImage.Format.Format_ARGB32_Premultiplied)
    image.setDevicePixelRatio(dpr)
    image.fill(Qt.GlobalColor.transparent)
    painter = QPainter(image)
    try:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        painter.translate(-rect.left(), -rect.top())
        painter.drawPath(path)
    finally:
        painter.end()
    return image, QPointF(rect.topLeft())


class HaloLabel(pg.TextItem):
    """A :class:`pyqtgraph.TextItem` drawn on a halo (:func:`halo_path`) over a translucent box
    of the current theme's ``label_fill``. The halo is filled once per text, font, colour and
    pixel ratio into an image, drawn each paint (filling the path each time cost ~0.25 ms a
    label: nine labels were a third of the time plots' paint)."""

    def __init__(self, text: str, **kwargs: Any):
        kwargs["fill"] = None
        super().__init__(text, **kwargs)
        self._fill_rgba: tuple[int, ...] | None = None
        self._halo: tuple[tuple, QImage, QPointF] | None = None

    def _halo_image(self, dpr: float) -> tuple[QImage, QPointF]:
        """The halo's image and its top left in the text item's coordinates (made anew when
        the text, the font, the theme's background or the pixel ratio changed)."""
        item = self.textItem
        key = (item.toPlainText(), item.font().toString(), item.document().documentMargin(),
               look.theme().plot_bg, dpr)
        if self._halo is None or self._halo[0] != key:
            path = halo_path(key[0], item.font(), key[2])
            self._halo = (key, *halo_image(path, QColor(key[3]), dpr))
        return self._halo[1], self._halo[2]

    def paint(self, p: QPainter, *args: Any) -> None:
        rgba = look.theme().label_fill
        if rgba != self._fill_rgba:  # (the theme changed)
            self._fill_rgba = rgba
            self.fill = pg.mkBrush(*rgba[:3], BOX_ALPHA)
        super().paint(p, *args)  # (its transform and the box)
        device = p.device()
        image, corner = self._halo_image(device.devicePixelRatioF() if device else 1.0)
        p.drawImage(self.textItem.mapToParent(corner), image)
