"""The set-up blocks of the claim tabs' controls: fonts, word-wrapped labels, activation check
boxes, a scrolling side panel, spin boxes, results tables, forms, and stacked rows and columns.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QBoxLayout,
    QCheckBox,
    QFormLayout,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLayout,
    QScrollArea,
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


def spin(lo: int, hi: int, value: int) -> QSpinBox:
    """A spin box for whole numbers lo..hi showing ``value``, with thousands separators."""
    s = QSpinBox()
    s.setRange(lo, hi)
    s.setValue(value)
    s.setGroupSeparatorShown(True)
    return s


def results_table(headers: tuple[str, ...], resize: QHeaderView.ResizeMode) -> QTableWidget:
    """An empty, read-only table of ``headers`` columns (sized by ``resize``), no row numbers."""
    table = QTableWidget(0, len(headers))
    table.setHorizontalHeaderLabels(headers)
    table.verticalHeader().hide()
    table.horizontalHeader().setSectionResizeMode(resize)
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
