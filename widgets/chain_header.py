"""The step-through's header: lane, state and step, wrapped between them, never inside one."""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QFont, QFontMetricsF
from PySide6.QtWidgets import QLabel


class Header(QLabel):
    """Lane, state and step: on one line where they fit, else wrapped between them (never
    inside one), again whenever the width or the font changes (presentation mode)."""

    GAP = "  "  # between the pieces, as plain text (" &nbsp;" in the rich text)

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.RichText)
        self._pieces: list[tuple[str, str]] = []  # (rich text, plain text)
        self._lines: list[str] = []

    def set_pieces(self, pieces: list[tuple[str, str]]) -> None:
        self._pieces = pieces
        self._wrap()

    def lines(self) -> list[str]:
        """The lines shown, as plain text."""
        return list(self._lines)

    def needed_width(self, text: str) -> float:
        """The width ``text`` takes, measured in bold (the widest the header writes it)."""
        font = QFont(self.font())
        font.setBold(True)
        return QFontMetricsF(font).horizontalAdvance(text)

    def _wrap(self) -> None:
        room = self.contentsRect().width() - 2  # a pixel of rounding either side
        rows: list[list[tuple[str, str]]] = [[]]
        for piece in self._pieces:
            trial = self.GAP.join(p for _, p in rows[-1] + [piece])
            if rows[-1] and self.needed_width(trial) > room:
                rows.append([])
            rows[-1].append(piece)
        lines = [self.GAP.join(p for _, p in row) for row in rows]
        if lines != self._lines or not self.text():
            self._lines = lines
            self.setText("<br>".join(" &nbsp;".join(h for h, _ in row) for row in rows))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._wrap()

    def changeEvent(self, event) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._wrap()
