"""Colour keys whose swatches are outlined: a rich-text label that draws a thin frame around
every swatch (a run of full blocks, ``██``, in the swatch's colour).

Qt's rich text draws no border around a span, so a swatch as light as the page (the death map's
white "never knocked out", the population strip's light grey) vanished into it. The frame is
drawn in the theme's muted ink, at least 3:1 against the window of either theme.
"""

from __future__ import annotations

import math
from typing import Any

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QColor, QPainter, QPen, QTextDocument
from PySide6.QtWidgets import QLabel

from widgets import style
from widgets.claim_controls import font

BLOCK = "█"


def outline_color(th: style.Theme | None = None) -> str:
    """The swatches' outline in ``th`` (the theme in force by default)."""
    return (th or style.theme()).muted


class OutlinedKey(QLabel):
    """A word-wrapped rich-text key whose ``██`` swatches get a 1 px outline."""

    def __init__(self, text: str = "", pt: int = 11):
        super().__init__(text)
        self.setWordWrap(True)
        self.setTextFormat(Qt.TextFormat.RichText)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setFont(font(pt))
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self._rects: tuple[tuple[Any, ...], list[QRect]] | None = None  # (key, swatch_rects)

    def swatch_rects(self) -> list[QRect]:
        """The swatches' outlines in the label's coordinates, as the text is laid out now (on
        the edge pixels of each swatch's box, the line's height)."""
        doc = QTextDocument()
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(0)
        doc.setHtml(self.text())
        area = self.contentsRect()
        doc.setTextWidth(area.width())
        doc.size()  # (laid out now: a block's layout has no lines before)
        rects = []
        block = doc.begin()
        while block.isValid():
            text, layout = block.text(), block.layout()
            top = layout.position()
            start = text.find(BLOCK)
            while start >= 0:
                end = start
                while end < len(text) and text[end] == BLOCK:
                    end += 1
                line = layout.lineForTextPosition(start)
                if not line.isValid():
                    break
                x0, _ = line.cursorToX(start)
                x1, _ = line.cursorToX(end)
                x, y = area.left() + top.x(), area.top() + top.y() + line.y()
                left, right = math.floor(x + x0), math.ceil(x + x1) - 1
                upper, lower = math.floor(y), math.ceil(y + line.height()) - 1
                # (drawRect's outline covers the edges of a QRect(l, t, r - l, b - t))
                rects.append(QRect(left, upper, right - left, lower - upper))
                start = text.find(BLOCK, end)
            block = block.next()
        return rects

    def paintEvent(self, event: Any) -> None:
        super().paintEvent(event)
        painter = QPainter(self)
        painter.setPen(QPen(QColor(outline_color()), 1))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        key = (self.text(), self.contentsRect(), self.font().toString())
        cached = self._rects
        if cached is None or cached[0] != key:  # (laid out again only when the text, the
            cached = self._rects = (key, self.swatch_rects())  # size or the font changed)
        for rect in cached[1]:
            painter.drawRect(rect)
        painter.end()
