"""The text of a lane card: number formats (an exact zero is always "0") and the two text widgets,
a painted block of lines and the state badge."""

from __future__ import annotations

import math

from PySide6.QtCore import QEvent, QRect, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPainter
from PySide6.QtWidgets import QLabel, QSizePolicy, QWidget

from widgets.fitted_label import TextWidths

TEXT = "#202020"


# --- formatting ------------------------------------------------------------------------------
def fmt_grad(v: float) -> str:
    """A gradient-like number: exactly ``"0"`` when it is exactly zero, else scientific."""
    if v == 0:
        return "0"
    return f"{v:.2e}"


def fmt_param(v: float) -> str:
    """A parameter: fixed point while small, short scientific once large (always signed)."""
    if math.isfinite(v) and abs(v) < 1e4:
        return f"{v:+.3f}"
    if not math.isfinite(v):
        return f"{v:+}"
    mantissa, exponent = f"{v:+.1e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def fmt_short(v: float, digits: int = 2) -> str:
    """A parameter in few characters (signed), for a narrow line: +0.50, -76.5, -1235, +4.7e173;
    ``digits=1``: one significant digit once large (+5e173)."""
    if not math.isfinite(v):
        return f"{v:+}"
    a = abs(v)
    if a < 1e4 and digits > 1:
        return f"{v:+.2f}" if a < 10 else f"{v:+.1f}" if a < 100 else f"{v:+.0f}"
    if a < 1e4:
        return f"{v:+.0f}" if a >= 10 else f"{v:+.1f}"
    mantissa, exponent = f"{v:+.{digits - 1}e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def fmt_approx(v: float) -> str:
    """One significant digit for the 'slope ≈ ...' explanation: 1.42e-04 -> '1e-4'."""
    if v == 0 or not math.isfinite(v):
        return fmt_grad(v)
    mantissa, exponent = f"{v:.0e}".split("e")
    return f"{mantissa}e{int(exponent)}"


def _steps(n: int) -> str:
    return f"{n:,} step" if n == 1 else f"{n:,} steps"


class _TextBlock(QWidget):
    """Lines of text painted directly: changing them repaints without re-laying out the card."""

    def __init__(self, font: QFont, width_template: str = "", rows: int = 0,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.setFont(font)
        self._lines: list[str] = []
        self._rows = rows  # fixed number of rows (height), or 0: as many as there are lines
        self._color = QColor(TEXT)
        self._background: QColor | None = None  # the card's, painted first (see set_background)
        fm = QFontMetrics(font)
        self._line_h = fm.lineSpacing()
        self.widths = TextWidths(self.fontMetrics())  # (renewed with the font)
        self._template = width_template
        self._min_w = fm.horizontalAdvance(width_template) + 4 if width_template else 0
        self.setSizePolicy(QSizePolicy.Policy.Preferred if self._min_w else
                           QSizePolicy.Policy.Ignored,
                           QSizePolicy.Policy.Fixed if rows else QSizePolicy.Policy.Ignored)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.FontChange and hasattr(self, "_template"):
            # presentation mode: the metrics follow the font
            fm = QFontMetrics(self.font())
            self.widths = TextWidths(self.fontMetrics())
            if self._min_w:
                self._min_w = fm.horizontalAdvance(self._template) + 4
            self._line_h = fm.lineSpacing()
            self.updateGeometry()
        super().changeEvent(event)

    def set_rows(self, rows: int) -> None:
        if rows != self._rows:
            self._rows = rows
            self.updateGeometry()
            self.update()

    def sizeHint(self) -> QSize:
        return QSize(self._min_w, self._line_h * (self._rows or max(len(self._lines), 1)))

    def minimumSizeHint(self) -> QSize:
        return QSize(self._min_w, self._line_h * (self._rows or 1))

    def set_lines(self, lines: list[str]) -> None:
        """Show ``lines``; only the rows whose line changed are repainted (each line inks its
        own row only: a card's readout changes a few of its numbers a frame)."""
        if lines == self._lines:
            return
        old, self._lines = self._lines, list(lines)
        if len(old) != len(lines):
            self.update()
            return
        w = self.width()
        for k, (was, now) in enumerate(zip(old, lines, strict=True)):
            if was != now:
                self.update(0, k * self._line_h, w, self._line_h)

    def lines(self) -> list[str]:
        return list(self._lines)

    def text(self) -> str:
        return "\n".join(self._lines)

    def set_color(self, color: str) -> None:
        self._color = QColor(color)
        self.update()

    def set_background(self, color: str | None) -> None:
        """Paint the block on ``color`` (the card's background where the block sits), so that a
        new line repaints the block alone, not the card and the column behind it; None: the
        block is transparent."""
        self._background = QColor(color) if color is not None else None
        self.setAttribute(Qt.WidgetAttribute.WA_OpaquePaintEvent, color is not None)
        self.update()

    def paintEvent(self, event) -> None:
        p = QPainter(self)
        if self._background is not None:
            p.fillRect(event.rect(), self._background)
        p.setPen(self._color)
        fm = p.fontMetrics()
        w = self.width()
        region = event.region()
        for k, line in enumerate(self._lines):
            y = k * self._line_h
            if y + fm.height() > self.height() + 2:
                break
            row = QRect(0, y, w, self._line_h)
            if region.intersects(row):
                p.setClipRect(row)  # (a line inks its own row only: see set_lines)
                p.drawText(row, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter,
                           fm.elidedText(line, Qt.TextElideMode.ElideRight, w))
        p.end()


class _Badge(QLabel):
    """The state badge: wide enough for RECOVERING in whatever font it has."""

    def sizeHint(self) -> QSize:
        fm = self.fontMetrics()
        return QSize(fm.horizontalAdvance("RECOVERING") + 20, fm.height() + 6)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()
