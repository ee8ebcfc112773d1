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
repaint. The label is drawn into an image once per text, font and colour.
"""

from __future__ import annotations

import math
from functools import cache
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF, QRectF, QSizeF
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter
from PySide6.QtWidgets import QStyleOptionGraphicsItem

from widgets import style as look

HALO_PX = 2.5  # the halo's reach beyond each glyph's outline, in pixels
BOX_ALPHA = 200  # the box's opacity (of 255): curves under it show at a fifth of their strength


@cache
def _disc(radius: float) -> tuple[tuple[int, int, float], ...]:
    """(dx, dy, weight) of the pixels within ``radius`` of a pixel's centre, the weight < 1 on
    the rim (an antialiased disc)."""
    r = math.ceil(radius)
    return tuple((dx, dy, min(1.0, radius + 0.5 - math.hypot(dx, dy)))
                 for dy in range(-r, r + 1) for dx in range(-r, r + 1)
                 if math.hypot(dx, dy) < radius + 0.5)


@cache
def _weighted(weight: float) -> np.ndarray:
    """Each coverage (0-255) times ``weight``, rounded: a lookup table."""
    return np.rint(np.arange(256) * weight).astype(np.uint8)


@cache
def _premultiplied(rgb: tuple[int, int, int]) -> np.ndarray:
    """Each coverage (0-255) as the premultiplied ARGB32 pixel of colour ``rgb`` at that
    opacity: a lookup table."""
    a = np.arange(256, dtype=np.uint32)
    r, g, b = ((a * c + 127) // 255 for c in rgb)
    return (a << 24) | (r << 16) | (g << 8) | b


def halo_image(text: str, font: Any, margin: float, color: QColor,
               dpr: float) -> tuple[QImage, QPointF]:
    """The region ``text`` covers in ``font`` (as a QGraphicsTextItem with document margin
    ``margin`` lays out one line) widened by :data:`HALO_PX` on every side, filled with
    ``color``, as an image for a device of pixel ratio ``dpr``; and where its top left goes, in
    the text item's coordinates. The glyphs are drawn once and widened on their pixels (the
    largest of the neighbours' coverage within the halo's reach): a few numpy passes, where
    widening the glyphs' outline path took ~20 ms for a long label."""
    fm = QFontMetricsF(font)
    pad = math.ceil(HALO_PX) + 1
    w = math.ceil((fm.horizontalAdvance(text) + 2 * margin + 2 * pad) * dpr)
    h = math.ceil((fm.height() + 2 * margin + 2 * pad) * dpr)
    ink = QImage(max(1, w), max(1, h), QImage.Format.Format_Alpha8)
    ink.fill(0)
    painter = QPainter(ink)
    try:
        painter.scale(dpr, dpr)
        painter.setFont(font)
        painter.setPen(QColor(0, 0, 0))
        painter.drawText(QPointF(margin + pad, margin + pad + fm.ascent()), text)
    finally:
        painter.end()
    stride = ink.bytesPerLine()
    cover = np.frombuffer(ink.constBits(), np.uint8, count=stride * ink.height())
    cover = cover.reshape(ink.height(), stride)[:, :ink.width()]
    r = math.ceil(HALO_PX * dpr)
    rows, cols = cover.shape
    halo = cover.copy()
    weighted: dict[float, np.ndarray] = {}  # the padded coverage times each rim weight
    for dx, dy, weight in _disc(HALO_PX * dpr):
        if weight not in weighted:  # (np.pad took ~30 µs a call)
            src = np.zeros((rows + 2 * r, cols + 2 * r), np.uint8)
            src[r:r + rows, r:r + cols] = cover if weight == 1.0 else _weighted(weight)[cover]
            weighted[weight] = src
        src = weighted[weight]
        np.maximum(halo, src[r + dy:r + dy + rows, r + dx:r + dx + cols], out=halo)
    argb = _premultiplied((color.red(), color.green(), color.blue()))[halo]
    image = QImage(argb.data, cols, rows, 4 * cols,
                   QImage.Format.Format_ARGB32_Premultiplied).copy()
    image.setDevicePixelRatio(dpr)
    return image, QPointF(-pad, -pad)


class HaloLabel(pg.TextItem):
    """A :class:`pyqtgraph.TextItem` drawn on a halo (:func:`halo_image`) over a translucent box
    of the current theme's ``label_fill``. On screen the box, the halo and the text are drawn
    once per text, font, colours and pixel ratio into one image, and each paint draws that
    image: filling the halo's path each time cost ~0.25 ms a label, and drawing the box, the
    halo and the text item each frame ~0.1 ms (ten labels on screen: ~1 ms a frame). The text
    item itself is hidden (it still lays the text out); exports draw the three as before, the
    text as text."""

    def __init__(self, text: str, **kwargs: Any):
        kwargs["fill"] = None
        super().__init__(text, **kwargs)
        self.textItem.setVisible(False)  # drawn by paint (into the label's image on screen)
        self._fill_rgba: tuple[int, ...] | None = None
        self._halo: tuple[tuple, QImage, QPointF] | None = None
        self._label: tuple[tuple, QImage, QPointF] | None = None
        # what the text item holds: its text, font, document margin, colour and bounding rect
        # (read at a paint after a change: ~10 µs a paint, ~6 labels a frame)
        self._held: tuple | None = None

    def updateTextPos(self) -> None:
        # (after every change of text, font, width or anchor) the hidden text item repaints
        # nothing: the label's old and new areas are marked here
        self._held = None
        self.prepareGeometryChange()
        super().updateTextPos()
        self.update()

    def setColor(self, color: Any) -> None:
        self._held = None
        super().setColor(color)
        self.update()

    def _text_held(self) -> tuple:
        """(text, font, document margin, text colour, bounding rect) of the text item, read
        after each change of it (every one goes through updateTextPos or setColor)."""
        if self._held is None:
            item = self.textItem
            self._held = (item.toPlainText(), item.font().toString(),
                          item.document().documentMargin(), item.defaultTextColor().rgba(),
                          item.boundingRect().getRect())
        return self._held

    def _key(self, dpr: float) -> tuple:
        text, font, margin = self._text_held()[:3]
        return (text, font, margin, look.theme().plot_bg, dpr)

    def _halo_image(self, dpr: float) -> tuple[QImage, QPointF]:
        """The halo's image and its top left in the text item's coordinates (made anew when
        the text, the font, the theme's background or the pixel ratio changed)."""
        key = self._key(dpr)
        if self._halo is None or self._halo[0] != key:
            item = self.textItem
            self._halo = (key, *halo_image(key[0], item.font(), key[2], QColor(key[3]), dpr))
        return self._halo[1], self._halo[2]

    def _draw_parts(self, p: QPainter, dpr: float) -> None:
        """The box, the halo and the text, in the text item's coordinates."""
        item = self.textItem
        p.setPen(self.border)
        p.setBrush(self.fill)
        p.setRenderHint(QPainter.RenderHint.Antialiasing, True)
        p.drawRect(item.boundingRect())
        image, corner = self._halo_image(dpr)
        p.drawImage(corner, image)
        option = QStyleOptionGraphicsItem()
        option.exposedRect = item.boundingRect()
        item.paint(p, option, None)

    def _label_image(self, dpr: float) -> tuple[QImage, QPointF]:
        """The whole label (box, halo, text) as an image, and its top left in the text item's
        coordinates."""
        item = self.textItem
        key = (*self._key(dpr), self._fill_rgba, *self._text_held()[3:])
        if self._label is None or self._label[0] != key:
            halo, corner = self._halo_image(dpr)
            rect = QRectF(corner, QSizeF(halo.width() / dpr, halo.height() / dpr))
            rect = rect.united(item.boundingRect())
            image = QImage(math.ceil(rect.width() * dpr), math.ceil(rect.height() * dpr),
                           QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(0)
            painter = QPainter(image)
            try:
                painter.scale(dpr, dpr)
                painter.translate(-rect.topLeft())
                self._draw_parts(painter, dpr)
            finally:
                painter.end()
            image.setDevicePixelRatio(dpr)
            self._label = (key, image, rect.topLeft())
        return self._label[1], self._label[2]

    def paint(self, p: QPainter, *args: Any) -> None:
        rgba = look.theme().label_fill
        if rgba != self._fill_rgba:  # (the theme changed)
            self._fill_rgba = rgba
            self.fill = pg.mkBrush(*rgba[:3], BOX_ALPHA)
        scene = self.scene()
        if scene is not self._lastScene:  # (pyqtgraph's TextItem.paint: follow the scene)
            if self._lastScene is not None:
                self._lastScene.sigPrepareForPaint.disconnect(self.updateTransform)
            self._lastScene = scene
            if scene is not None:
                scene.sigPrepareForPaint.connect(self.updateTransform)
            self.updateTransform()
            p.setTransform(self.sceneTransform())
        device = p.device()
        dpr = device.devicePixelRatioF() if device else 1.0
        offset = self.textItem.pos()
        if self._exportOpts is not False:  # an export: the text as text
            p.translate(offset)
            self._draw_parts(p, dpr)
            p.translate(-offset)
            return
        image, corner = self._label_image(dpr)
        p.drawImage(corner + offset, image)
