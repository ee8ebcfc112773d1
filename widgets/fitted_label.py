"""A label that shows the longest of its texts that fits its width (never a clipped one)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import QLabel


class Measures(Protocol):
    """What measures a text's width: a QFontMetrics(F), or widths remembered (TextWidths)."""

    def horizontalAdvance(self, text: str, /) -> float: ...


class TextWidths:
    """Widths of texts in one font's metrics (a QFontMetrics or QFontMetricsF), remembered:
    the cards and the step-through's header measure the same wordings frame after frame
    (~5-20 µs a text). Passes for the metrics it holds where only ``horizontalAdvance`` is
    asked (as :func:`first_fitting` does). ``limit``: texts remembered (those naming a step
    are new each frame)."""

    def __init__(self, fm: Measures, limit: int = 256):
        self._fm = fm
        self._limit = limit
        self._widths: dict[str, float] = {}

    def horizontalAdvance(self, text: str) -> float:
        w = self._widths.get(text)
        if w is None:
            if len(self._widths) >= self._limit:
                self._widths.clear()
            w = self._widths[text] = self._fm.horizontalAdvance(text)
        return w


def first_fitting(fm: QFontMetrics | Measures, width: float, texts: Sequence[str]) -> str:
    """The first of ``texts`` (longest first) no wider than ``width`` in ``fm``; else the last
    (a single text is not measured: the cards ask this for every row every other frame)."""
    if len(texts) == 1:
        return texts[0]
    return next((t for t in texts[:-1] if fm.horizontalAdvance(t) <= width), texts[-1])


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
        text = first_fitting(self.fontMetrics(), self.contentsRect().width(), self._texts)
        if text != self.text():
            self.setText(text)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._choose()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._choose()
