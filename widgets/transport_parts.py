"""Parts of the transport bar that can drop text where the bar has no room (presentation fonts on
a narrow window): buttons that keep their icon only, and the speed as "240/s"."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon
from PySide6.QtWidgets import QLabel, QPushButton, QStyle, QStyleOptionButton

SPEED_MIN, SPEED_MAX = 1, 20_000


class TextButton(QPushButton):
    """A push button that can drop its text (icon only, the text in its accessible name) where
    the bar has no room for it: presentation fonts on a narrow window."""

    def __init__(self, icon: QIcon, label: str):
        super().__init__(icon, label)
        self.label = label
        self.compact = False

    def set_label(self, label: str) -> None:
        self.label = label
        self.setAccessibleName(label)
        self.setText("" if self.compact else label)

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self.setText("" if compact else self.label)

    def width_for(self, compact: bool) -> int:
        """The button's width with its text (False) or its icon only (True), as
        QPushButton.sizeHint() computes it."""
        opt = QStyleOptionButton()
        self.initStyleOption(opt)
        fm = self.fontMetrics()
        w, h = self.iconSize().width() + 4, max(self.iconSize().height(), fm.height())
        opt.text = "" if compact else self.label
        if not compact:
            w += fm.size(Qt.TextFlag.TextShowMnemonic, self.label).width()
        return self.style().sizeFromContents(
            QStyle.ContentsType.CT_PushButton, opt, QSize(w, h), self).width()


class SpeedLabel(QLabel):
    """The speed, "240 steps/s" ("240/s" compact), as wide as its widest text in whatever font
    it has (presentation mode)."""

    def __init__(self):
        super().__init__()
        self.compact = False
        self._speed = 0

    def set_speed(self, speed: int) -> None:
        self._speed = speed
        self.setText(f"{speed:,}/s" if self.compact else f"{speed:,} steps/s")

    def set_compact(self, compact: bool) -> None:
        if compact != self.compact:
            self.compact = compact
            self.set_speed(self._speed)

    def width_for(self, compact: bool) -> int:
        widest = f"{SPEED_MAX:,}/s" if compact else f"{SPEED_MAX:,} steps/s"
        return self.fontMetrics().horizontalAdvance(widest) + 4

    def minimumSizeHint(self) -> QSize:
        hint = super().minimumSizeHint()
        return QSize(self.width_for(self.compact), hint.height())

    def sizeHint(self) -> QSize:
        return super().sizeHint().expandedTo(self.minimumSizeHint())
