"""Spin boxes that take any number typed and, past their limits, use the nearest limit and say
so: ``told`` (a sentence, for a form) and ``clamped`` (the number typed, the one used); a form
shows what was done in a :class:`FieldNote` right below the field. A plain
spin box drops the keys that would leave its range: "-1e308" became -130 and lr "99999" became
99, without a word. The set-up panel and the transport bar's lr field use them."""

from __future__ import annotations

import re

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QResizeEvent, QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QLabel, QSizePolicy, QSpinBox, QWidget

_NUMBER = re.compile(r"[+-]?(\d[\d,]*\.?\d*|\.\d*)?([eE][+-]?\d*)?")  # a number being typed


class _Limited:
    """A spin box that takes any number typed, and, past its limits, the nearest limit, with a
    sentence saying so in ``told`` (the form shows it)."""

    told = Signal(str)
    clamped = Signal(float, float)  # the number typed, the limit used instead
    what = "value"
    typed = ""  # the text last typed beyond the limits, as typed ("1e300")

    def _parse(self, text: str) -> float | None:
        text = text.strip().replace(",", "").replace("−", "-")
        try:
            return float(text)
        except ValueError:
            return None

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        state, text, pos = super().validate(text, pos)  # type: ignore[misc]
        if state == QValidator.State.Invalid and _NUMBER.fullmatch(text.strip().replace("−", "-")):
            state = QValidator.State.Intermediate  # 1e300 is typed, not dropped key by key
        return state, text, pos

    def fixup(self, text: str) -> str:
        v = self._parse(text)
        lo, hi = self.minimum(), self.maximum()  # type: ignore[attr-defined]
        if v is None:
            return super().fixup(text)  # type: ignore[misc]
        if lo <= v <= hi:  # 1.5e-4: written as the field writes it (0.000)
            return self.textFromValue(self.valueFromText(text))  # type: ignore[attr-defined]
        limit = lo if v < lo else hi
        self.limited = True
        self.typed = text.strip()
        self.clamped.emit(v, float(limit))
        self.told.emit(f"{self.what} is limited to {_shown(lo)} … {_shown(hi)}: "
                       f"{text.strip()} became {_shown(limit)}.")
        return self.textFromValue(limit)  # type: ignore[attr-defined]


def _shown(v: float) -> str:
    """A limit as the note writes it: 5,000, -1000, 0.5."""
    return f"{v:,}" if isinstance(v, int) else f"{v:g}"


class LimitedSpin(_Limited, QSpinBox):
    """An integer field that says when a typed value was out of range."""

    def valueFromText(self, text: str) -> int:
        v = self._parse(text)
        return int(v) if v is not None and v.is_integer() else super().valueFromText(text)


class LimitedDoubleSpin(_Limited, QDoubleSpinBox):
    """A decimal field that takes 1e-3 or -1e308 and says when it was out of range."""

    def valueFromText(self, text: str) -> float:
        v = self._parse(text)  # rounded as shown: the value is the one the field shows
        return round(v, self.decimals()) if v is not None else super().valueFromText(text)


class FieldNote(QLabel):
    """The line right below a limited field that says what was done to the value typed ("99999 →
    5,000 (max)"). It keeps its one line of room when empty, so that showing or clearing it moves
    nothing; a text too long for the field's width gives way to its short form ("-5000 → min"),
    elided if need be, and the tooltip has the whole sentence."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._text = self._short = ""
        font = self.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.setFont(font)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Fixed)
        self.setFixedHeight(self.fontMetrics().height())

    def note(self) -> str:
        """The whole text shown (unelided); empty when the field's value was taken as typed."""
        return self._text

    def set_note(self, text: str, tip: str = "", short: str = "") -> None:
        """Show ``text``, or ``short`` where ``text`` is too wide, with ``tip`` as the tooltip;
        "" clears it."""
        if (text, tip, short) != (self._text, self.toolTip(), self._short):
            self._text, self._short = text, short
            self.setToolTip(tip)
            self._elide()

    def _elide(self) -> None:
        metrics, width = self.fontMetrics(), max(self.width(), 1)
        text = self._text
        if self._short and metrics.horizontalAdvance(text) > width:
            text = self._short
        shown = metrics.elidedText(text, Qt.TextElideMode.ElideMiddle, width)
        if shown != self.text():
            self.setText(shown)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        self._elide()

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:  # presentation mode: one line of the new font
            self.setFixedHeight(self.fontMetrics().height())
            self._elide()
