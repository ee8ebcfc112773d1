"""A label that shows the longest of its texts that fits its width (never a clipped one)."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel


class FittedLabel(QLabel):
    """Shows the first of its texts (longest first) whose width fits, again whenever its width
    or font changes; the last one when none fits."""

    def __init__(self, *texts: str) -> None:
        super().__init__()
        self._texts: tuple[str, ...] = texts
        self._choose()

    def set_texts(self, *texts: str) -> None:
        self._texts = texts
        self._choose()

    def _choose(self) -> None:
        if not self._texts:
            return
        room = self.contentsRect().width()
        fm = self.fontMetrics()
        text = next((t for t in self._texts if fm.horizontalAdvance(t) <= room), self._texts[-1])
        if text != self.text():
            self.setText(text)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._choose()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._choose()
