"""A status-bar readout: a label that moves no layout when its text changes but not its size."""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QLabel, QWidget


class Readout(QLabel):
    """A status-bar label held at the size of its text, resized only when that size changes: a
    new text of the same width (the step count going up: digits are all as wide) then moves no
    layout. A plain QLabel asks its parents' layouts for room at every setText: in the status bar
    that relayout repainted the whole bar (1920x30 px, the rewind bar's slider and labels too)
    every frame, where now only the label's own 84x17 px are.

    It paints its own background (the window colour, as the bar's behind it): a new text then
    repaints the label alone, where a see-through label had the status bar and the readouts'
    row paint under it first (three paint events a frame for the step count)."""

    def __init__(self, text: str = "", reserve: str = "", parent: QWidget | None = None):
        """``reserve``: a text at least as wide is always made room for (the label's width
        never changes as its text does up to that width)."""
        super().__init__(text, parent)
        self.reserve = reserve
        self.setAutoFillBackground(True)
        self._fit()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._fit()

    def _fit(self, shrink: bool = False) -> None:
        """Held at the text's size; ``shrink``: also smaller than now (a QLabel's size hint is
        never below its minimum size, so that is let go first: a relayout, kept for font and
        style changes, as when presentation mode ends)."""
        if shrink:
            self.setMinimumSize(0, 0)
        hint = self.sizeHint()
        if self.reserve:
            hint.setWidth(max(hint.width(), self.fontMetrics().horizontalAdvance(self.reserve)
                              + self.contentsMargins().left() + self.contentsMargins().right()
                              + 2 * self.margin()))
        if self.minimumSize() != hint or self.maximumSize() != hint:
            self.setFixedSize(hint)

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._fit(shrink=True)
