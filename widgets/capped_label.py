"""A word-wrapped text that takes at most a share of its parent's height: in presentation's
font while that fits, else in the largest smaller one that does (never under its normal size).

The dropout tab's key over its plots took 9 lines at presenting's 1.5x on a 1280x720 window, and
left the plots too short for their y-axis labels; capped, the plots keep their height.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QLabel

from widgets import style
from widgets.claim_controls import FONT_PT, font

OWN_FONT = "drlOwnFont"  # (app.restyle's mark: presentation does not scale this font itself)


def text_height(text: str, f: QFont, width: float) -> int:
    """The height of ``text`` (rich text) wrapped at ``width`` px in ``f``, as a label
    lays it out."""
    doc = QTextDocument()
    doc.setDefaultFont(f)
    doc.setDocumentMargin(0)
    doc.setHtml(text)  # (the texts capped are rich text)
    doc.setTextWidth(width)
    return math.ceil(doc.size().height())


def largest_size(fits: Callable[[float], bool], start: float, normal_pt: float) -> float:
    """The largest point size from presenting's (``normal_pt`` × the font scale in force) down
    to ``normal_pt``, 0.5 pt steps, for which ``fits(size)``; ``normal_pt`` if none. The search
    starts at ``start``, the size in force (a text redrawn often keeps its size: one or two
    layouts, not one per size)."""
    top = normal_pt * style.scales()[0]
    size = min(max(start, normal_pt), top)
    if size <= normal_pt or fits(size):
        while size + 0.5 <= top + 1e-9 and fits(size + 0.5):
            size += 0.5
        return size
    while size - 0.5 > normal_pt and not fits(size - 0.5):
        size -= 0.5
    return max(size - 0.5, normal_pt)


def fitting_size(text: str, f: QFont, width: float, room: float, normal_pt: float) -> float:
    """:func:`largest_size` in which ``text`` fits ``room`` px at ``width`` px, from ``f``'s."""
    f = QFont(f)

    def fits(size: float) -> bool:
        f.setPointSizeF(size)
        return text_height(text, f, width) <= room

    return largest_size(fits, f.pointSizeF(), normal_pt)


class CappedLabel(QLabel):
    """A selectable, word-wrapped label at most ``share`` of its parent's height (see module)."""

    def __init__(self, share: float, pt: int = FONT_PT):
        super().__init__()
        self.share, self.pt = share, pt
        self.setWordWrap(True)
        self.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.setProperty(OWN_FONT, True)
        self.setFont(font(pt))

    def setText(self, text: str) -> None:
        super().setText(text)
        self.refit()

    def refit(self) -> None:
        """The font for the text, width and parent's height now."""
        parent = self.parentWidget()
        width = self.contentsRect().width()
        if parent is None or width <= 0:
            return
        size = fitting_size(self.text(), self.font(), width, self.share * parent.height(),
                            self.pt)
        if size != self.font().pointSizeF():
            f = QFont(self.font())
            f.setPointSizeF(size)
            self.setFont(f)

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        self.refit()

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ApplicationFontChange:  # presentation began or ended
            self.refit()
        return super().event(event)
