"""Text on the network diagram's canvas: fonts scaled with presentation mode (up to a cap),
sizes, and labels that keep to the room their slot has.

:class:`DiagramText` is a mixin of :class:`widgets.diagram_painting.DiagramPainting` (it uses the
widget's font and its ``_fonts`` cache).
"""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter

from widgets import style
from widgets.diagram_layout import FONT_PX, MAX_FONT_SCALE


class DiagramText:
    """Fonts, sizes and drawn labels on the diagram's logical canvas."""

    def _font(self, px: float, bold: bool = False) -> QFont:
        """The font of ``px`` canvas pixels, times the font scale of presentation mode (up to
        MAX_FONT_SCALE: larger labels would cover each other on the fixed canvas)."""
        key = (max(1, round(px * min(style.scales()[0], MAX_FONT_SCALE))), bold)
        font = self._fonts.get(key)
        if font is None:
            font = QFont(self.font())
            font.setPixelSize(key[0])
            font.setBold(bold)
            self._fonts[key] = font
        return font

    def _size(self, text: str, px: float = FONT_PX, bold: bool = False) -> tuple[float, float]:
        """(width, height) of ``text`` on the canvas, in the font :meth:`_text` would use."""
        fm = QFontMetricsF(self._font(px, bold))
        return fm.horizontalAdvance(text), fm.height()

    def _extra(self, px: float = FONT_PX, bold: bool = False) -> float:
        """Half the height the font scale adds to text of ``px``: a label moved by it keeps the
        edge it had at scale 1 (and exactly its old place then)."""
        base = QFont(self.font())
        base.setPixelSize(int(px))
        base.setBold(bold)
        return (self._size("0", px, bold)[1] - QFontMetricsF(base).height()) / 2

    def _px_within(self, text: str, px: float, width: float, bold: bool = True,
                   height: float | None = None) -> float:
        """``px``, made smaller if the scaled text would be wider than ``width`` (or taller than
        ``height``): larger text keeps to the room its slot has (a node, the gap to the neuron)."""
        w, h = self._size(text, px, bold)
        k = min(1.0, width / w if w > 0 else 1.0, height / h if height else 1.0)
        return px if k >= 1.0 else max(px * k * 0.98, 1.0)

    def _text(self, p: QPainter, text: str, anchor: QPointF, align: str = "c",
              color: str | None = None, px: float = FONT_PX, bold: bool = False,
              halo: bool = False) -> QRectF:
        """Draw ``text`` with its centre (c), left-centre (l) or right-centre (r) at ``anchor``
        (in the theme's text colour unless ``color`` is given)."""
        th = style.theme()
        font = self._font(px, bold)
        fm = QFontMetricsF(font)
        w, h = fm.horizontalAdvance(text), fm.height()
        x = {"c": anchor.x() - w / 2, "l": anchor.x(), "r": anchor.x() - w}[align]
        rect = QRectF(x, anchor.y() - h / 2, w, h)
        if halo:  # an opaque backing in the page colour, so lines never cross the text
            p.fillRect(rect.adjusted(-3, -1, 3, 1), QColor(th.base))
        p.setFont(font)
        p.setPen(QColor(color or th.text))
        p.drawText(rect, Qt.AlignmentFlag.AlignCenter, text)
        return rect
