"""The star table's room: its texts around it take no more height than they need, so that its
cells keep a size readable from the back of a room.

Presenting at 1280x720 the intro (4 lines), the measured-in line (3) and a detail area four
lines tall left the table 184 px: its cells shrank to 10 pt and lost their measured number.
The intro and the measured-in line are :class:`~widgets.capped_label.CappedLabel` s (at most a
share of the tab's height, in a smaller font if need be); the detail area is as tall as its text
(at most :data:`DETAIL_LINES` lines, then it scrolls).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QFrame, QLabel, QScrollArea, QSizePolicy, QVBoxLayout, QWidget

from widgets.capped_label import CappedLabel

INTRO_SHARE = 0.12  # the intro's most height, a share of the tab's
STAGE_SHARE = 0.09  # the same for the line beside Measure ("Measured in 14.6 s: ...")
DETAIL_LINES = 4  # the detail area's most height, in its lines


def capped(text: str, share: float) -> CappedLabel:
    """A :class:`CappedLabel` of ``text``, at most ``share`` of its parent's height."""
    label = CappedLabel(share)
    label.setText(text)
    return label


class TextBox(QScrollArea):
    """``label`` in a frameless area as tall as its text at the area's width, at most ``lines``
    of it (it scrolls beyond)."""

    def __init__(self, label: QLabel, lines: int = DETAIL_LINES):
        super().__init__()
        self.label, self.lines = label, lines
        inner = QWidget()
        layout = QVBoxLayout(inner)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(label)
        self.setWidget(inner)  # (watched: a new text or font there refits the height)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)

    def text_height(self) -> int:
        """The px the label's text takes at the area's width, at most ``lines`` of it."""
        width = self.viewport().width() if self.width() > 0 else 0
        need = self.label.heightForWidth(width) if width > 0 else -1
        most = self.lines * QFontMetrics(self.label.font()).lineSpacing()
        return min(need, most) if need > 0 else most

    def sizeHint(self) -> QSize:
        return QSize(super().sizeHint().width(), self.text_height() + 2 * self.frameWidth())

    def minimumSizeHint(self) -> QSize:
        return QSize(super().minimumSizeHint().width(), self.sizeHint().height())

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            self.updateGeometry()  # (a new width: the text's height may change)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)
