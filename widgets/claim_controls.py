"""The set-up blocks of the claim tabs' controls: fonts (and the largest that fits), word-wrapped
labels, activation check boxes, a scrolling side panel (and one as wide as its fields), combo
boxes that keep their items' width, spin boxes, results tables whose columns fit their contents,
forms, and stacked rows and columns.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtGui import QFont, QTextLayout
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QComboBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QScrollArea,
    QSizePolicy,
    QSpinBox,
    QTableWidget,
    QVBoxLayout,
    QWidget,
)

from simulation import activations
from widgets.style import lane_color

FONT_PT = 11

# a widget or layout to stack, or (it, stretch factor)
Item = QWidget | QLayout | tuple[QWidget | QLayout, int]


def font(pt: int = FONT_PT, bold: bool = False) -> QFont:
    """A font of ``pt`` points."""
    f = QFont()
    f.setPointSize(pt)
    f.setBold(bold)
    return f


def fitting_font(texts: Sequence[str], width: float, large: QFont, least_pt: float,
                 height: float | None = None) -> tuple[QFont, list[str]] | None:
    """The largest font from ``large`` down to ``least_pt`` (0.5 pt steps) in which every line
    of every text is at most ``width`` px wide (and, if ``height`` is given, all the lines of a
    text at most ``height`` px tall), with the texts; None if none does."""
    f = QFont(large)
    size = large.pointSizeF()
    while size >= least_pt - 1e-9:
        f.setPointSizeF(size)
        sizes = [text_size(t, f) for t in texts]
        if all(w <= width and (height is None or h <= height) for w, h in sizes):
            return QFont(f), list(texts)
        size -= 0.5
    return None


def text_size(text: str, f: QFont) -> tuple[float, float]:
    """The width of the widest line of ``text`` in ``f`` and the height of all its lines, as
    drawn (with the fonts that stand in for glyphs ``f`` lacks, such as stars)."""
    wide = tall = 0.0
    for part in text.split("\n"):
        layout = QTextLayout(part, f)
        layout.beginLayout()
        line = layout.createLine()
        line.setLineWidth(1e6)
        layout.endLayout()
        wide = max(wide, line.naturalTextWidth())
        tall += line.height()
    return wide, tall


def short_label(label: str) -> str:
    """An activation's label abbreviated: the initials of all but its last word, then the last
    word ("Leaky ReLU" -> "LReLU"); one word is kept."""
    words = label.split()
    return "".join(w[0] for w in words[:-1]) + words[-1] if len(words) > 1 else label


class ActivationChecks(QWidget):
    """One check box per activation, in its lane colour, in ``columns`` columns."""

    def __init__(self, names: tuple[str, ...], checked: tuple[str, ...], columns: int = 3):
        super().__init__()
        grid = QGridLayout(self)
        grid.setContentsMargins(0, 0, 0, 0)
        grid.setVerticalSpacing(2)
        self.boxes: dict[str, QCheckBox] = {}
        for i, name in enumerate(names):
            box = QCheckBox(activations.get(name).label)
            box.setChecked(name in checked)
            box.setStyleSheet(f"QCheckBox {{ color: {lane_color(name)}; font-weight: bold; }}")
            grid.addWidget(box, i // columns, i % columns)
            self.boxes[name] = box

    def selected(self) -> tuple[str, ...]:
        """The checked activations, in display order."""
        return tuple(n for n, b in self.boxes.items() if b.isChecked())


def wrap_label(text: str = "", pt: int = FONT_PT, rich: bool = False) -> QLabel:
    """A word-wrapped, selectable label (always read as HTML if ``rich``)."""
    label = QLabel(text)
    label.setWordWrap(True)
    label.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
    label.setFont(font(pt))
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if rich:
        label.setTextFormat(Qt.TextFormat.RichText)
    return label


def side_panel(layout: QLayout, width: int | None = None, framed: bool = False) -> QScrollArea:
    """``layout`` in a column (of fixed ``width`` if given; without a frame unless ``framed``)
    that scrolls vertically when the window is short."""
    inner = QWidget()
    inner.setLayout(layout)
    scroll = QScrollArea()
    scroll.setWidget(inner)
    scroll.setWidgetResizable(True)
    if not framed:
        scroll.setFrameShape(QFrame.Shape.NoFrame)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    if width is not None:
        scroll.setFixedWidth(width)
    return scroll


class Combo(QComboBox):
    """A combo box never narrower than its items in the font in force (QComboBox's own minimum
    stayed that of the font it was first shown in: presentation fonts cut its text)."""

    def __init__(self) -> None:
        super().__init__()
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)

    def minimumSizeHint(self) -> QSize:
        return self.sizeHint()


class FittedPanel(QScrollArea):
    """A settings column that scrolls vertically and is never narrower than its contents need
    (its fields and texts are not cut: a presentation font widens it), ``width`` px if wider."""

    def __init__(self, layout: QLayout, width: int = 0):
        super().__init__()
        self.least = width
        inner = QWidget()
        inner.setLayout(layout)
        self.setWidget(inner)  # (watched: a new font or text there refits the width)
        self.setWidgetResizable(True)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Expanding)

    def _needed(self) -> int:
        """The inner widget's least width, plus the frame and a vertical scroll bar's width."""
        return (self.widget().minimumSizeHint().width() + 2 * self.frameWidth()
                + self.verticalScrollBar().sizeHint().width())

    def minimumSizeHint(self) -> QSize:
        return QSize(self._needed(), super().minimumSizeHint().height())

    def sizeHint(self) -> QSize:
        return QSize(max(self.least, self._needed()), super().sizeHint().height())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()
        return super().eventFilter(watched, event)


def spin(lo: int, hi: int, value: int) -> QSpinBox:
    """A spin box for whole numbers lo..hi showing ``value``, with thousands separators."""
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setGroupSeparatorShown(True)
    return s


class FitTable(QTableWidget):
    """A table whose columns are as wide as their contents and headers, sharing any width left
    (see :func:`fit_columns`), again when it is resized or its font changes; its size hint is
    as wide as those columns (and a vertical scroll bar) need."""

    def __init__(self, rows: int, columns: int):
        self._built = False  # (Qt sends events while the table is being built)
        self.need = 0  # px: the columns' widths together, as last fitted
        super().__init__(rows, columns)
        self._built = True

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        if self._built:
            fit_columns(self)

    def changeEvent(self, event: Any) -> None:
        super().changeEvent(event)
        if self._built and event.type() == QEvent.Type.FontChange:
            fit_columns(self)

    def sizeHint(self) -> QSize:
        hint = super().sizeHint()
        if not self.need:
            return hint
        bar = self.verticalScrollBar().sizeHint().width()
        return QSize(self.need + 2 * self.frameWidth() + bar, hint.height())


def fit_columns(table: QTableWidget) -> None:
    """Every column of ``table`` as wide as its widest cell or header, the width left over
    shared among them (the table scrolls sideways when they are wider than it)."""
    header = table.horizontalHeader()
    n = table.columnCount()
    if n == 0 or header.sectionResizeMode(0) != QHeaderView.ResizeMode.Interactive:
        return
    table.ensurePolished()
    need = [max(header.sectionSizeHint(c), table.sizeHintForColumn(c)) for c in range(n)]
    extra = max(0, table.viewport().width() - sum(need)) // n
    for c, w in enumerate(need):
        header.resizeSection(c, w + extra)
    if isinstance(table, FitTable) and table.need != sum(need):
        table.need = sum(need)
        table.updateGeometry()  # (a panel as wide as the table wants: widened or narrowed)


def results_table(headers: tuple[str, ...],
                  resize: QHeaderView.ResizeMode | None = None) -> QTableWidget:
    """An empty, read-only table of ``headers`` columns, no row numbers; its columns sized by
    ``resize``, or if None fitted to their contents and the table's width (:class:`FitTable`;
    a header may wrap at a newline)."""
    table = FitTable(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(resize or QHeaderView.ResizeMode.Interactive)
    table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
    return table


def form(*rows: tuple[str, QWidget | QLayout]) -> QFormLayout:
    """A form of (label, field) rows, top to bottom."""
    layout = QFormLayout()
    for label, field in rows:
        layout.addRow(label, field)
    return layout


def _stack(box: QBoxLayout, items: tuple[Item, ...]) -> None:
    for item in items:
        thing, stretch = item if isinstance(item, tuple) else (item, 0)
        if isinstance(thing, QLayout):
            box.addLayout(thing, stretch)
        else:
            box.addWidget(thing, stretch)


def vbox(*items: Item) -> QVBoxLayout:
    """``items`` top to bottom; ``(item, n)`` gives an item stretch factor n."""
    box = QVBoxLayout()
    _stack(box, items)
    return box


def hbox(*items: Item) -> QHBoxLayout:
    """``items`` left to right; ``(item, n)`` gives an item stretch factor n."""
    box = QHBoxLayout()
    _stack(box, items)
    return box


def pinned(panel: QWidget, *footer: QWidget) -> QWidget:
    """``panel`` (a scrolling column) over ``footer`` (the Run button, the progress bar), which
    stays in view however short the window: presenting's large fonts pushed the Run button
    below the fold of a 1280x720 window."""
    column = QWidget()
    box = QVBoxLayout(column)
    box.setContentsMargins(0, 0, 0, 0)
    box.addWidget(panel, 1)
    for widget in footer:
        box.addWidget(widget)
    column.setSizePolicy(QSizePolicy.Policy.Maximum, QSizePolicy.Policy.Expanding)
    return column
