"""Parts of the transport bar: buttons that keep their icon only and the speed as "240/s" where the
bar has no room (presentation fonts on a narrow window), and the preset's description elided to
its lines, and the lr field that says when it limited a typed value."""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt
from PySide6.QtGui import QIcon, QPainter, QTextLayout
from PySide6.QtWidgets import (
    QLabel,
    QPushButton,
    QSizePolicy,
    QStyle,
    QStyleOptionButton,
)

from widgets.limited_spin import LimitedDoubleSpin

SPEED_MIN, SPEED_MAX = 1, 20_000


class LrField(LimitedDoubleSpin):
    """The learning-rate field: a value typed beyond its limits becomes the nearest limit, said
    in the set-up panel's words with the field's label ("lr is limited to 0 … 100: 1000 became
    100.", ``told``), and kept in its tooltip while it shows that limit."""

    def __init__(self, tip: str):
        super().__init__()
        self.what = "lr"  # as the set-up panel's notes name a field: by its label
        self.tip = tip
        self.setToolTip(tip)
        self._told_at: float | None = None  # the limit used, while its sentence is kept
        self.clamped.connect(self._clamped)  # (before told)
        self.told.connect(lambda sentence: self.setToolTip(f"{tip}\n\n{sentence}"))
        self.valueChanged.connect(lambda _v: self.forget_limit())

    def limit_note(self) -> str:
        """The sentence about the last value limited, while the field shows that limit; else ""."""
        return self.toolTip()[len(self.tip) + 2:] if self._told_at is not None else ""

    def forget_limit(self) -> None:
        """Drop the sentence once the field shows another value (typed, or the model's)."""
        if self._told_at is not None and self.value() != self._told_at:
            self._told_at = None
            self.setToolTip(self.tip)

    def _clamped(self, _typed: float, used: float) -> None:
        self._told_at = used


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


class DescriptionLabel(QLabel):
    """The preset's description, wrapped to at most ``lines`` lines (0: as many as it needs),
    the last one elided with "…" where it is cut; then the whole text is its tooltip. ``text()``
    is always the whole description."""

    def __init__(self):
        super().__init__()
        self.lines = 0
        self.setWordWrap(True)
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

    def set_lines(self, lines: int) -> None:
        if lines != self.lines:
            self.lines = lines
            self.updateGeometry()
            self.update()
            self._tip()

    def setText(self, text: str) -> None:
        super().setText(text)
        self._tip()

    def _layout(self, width: int) -> tuple[list[str], bool]:
        """The lines shown at ``width`` and whether the text was cut."""
        fm = self.fontMetrics()
        layout = QTextLayout(self.text(), self.font())
        layout.beginLayout()
        spans = []
        while True:
            line = layout.createLine()
            if not line.isValid():
                break
            line.setLineWidth(max(width, 1))
            spans.append((line.textStart(), line.textLength()))
        layout.endLayout()
        text = self.text()
        rows = [text[a:a + n].rstrip() for a, n in spans] or [""]
        if not self.lines or len(rows) <= self.lines:
            return rows, False
        last = text[spans[self.lines - 1][0]:].strip()
        rows = [*rows[:self.lines - 1], fm.elidedText(last, Qt.TextElideMode.ElideRight, width)]
        return rows, True

    def _tip(self) -> None:
        cut = self.lines and self.width() > 0 and self._layout(self.contentsRect().width())[1]
        self.setToolTip(self.text() if cut else "")

    def heightForWidth(self, width: int) -> int:
        if not self.lines:
            return super().heightForWidth(width)
        m = self.contentsMargins()
        rows = len(self._layout(width - m.left() - m.right())[0])
        return self.fontMetrics().lineSpacing() * rows + m.top() + m.bottom()

    def minimumSizeHint(self) -> QSize:
        return QSize(0, super().minimumSizeHint().height() if not self.lines
                     else self.fontMetrics().lineSpacing())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._tip()

    def paintEvent(self, event) -> None:
        if not self.lines:
            super().paintEvent(event)
            return
        painter = QPainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        rect = self.contentsRect()
        rows, _ = self._layout(rect.width())
        step = self.fontMetrics().lineSpacing()
        top = rect.top() + max((rect.height() - step * len(rows)) // 2, 0)
        for i, row in enumerate(rows):
            painter.drawText(rect.left(), top + i * step, rect.width(), step,
                             int(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter), row)
