"""A card's block of lines repaints only the rows whose text changed, and what it then shows is
what a full repaint shows."""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QFont, QImage, QPainter
from PySide6.QtWidgets import QApplication

from widgets.card_text import _TextBlock


def _pixels(block: _TextBlock) -> np.ndarray:
    """The block's pixels as its window's backing store holds them (what the frames painted)."""
    shot = QApplication.primaryScreen().grabWindow(block.winId()).toImage()
    shot = shot.convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(shot.constBits(), np.uint32).reshape(shot.height(), -1).copy()


class _Regions(QObject):
    def __init__(self):
        super().__init__()
        self.rects = []

    def eventFilter(self, obj, event):
        if event.type() == QEvent.Type.Paint:
            self.rects.append([r for r in event.region()])
        return False


def test_a_changed_line_repaints_its_row_only(qtbot, monkeypatch):
    block = _TextBlock(QFont("DejaVu Sans Mono", 9), "z>0     100% (64/64)")
    block.set_background("#fbfbfb")
    qtbot.addWidget(block)
    lines = ["w1 +0.512 w2 -1.250", "b  -3.000", "loss    2.51e-01", "|∇L|    1.20e-03",
             "max|f′| 1.00e+00", "z>0     50% (32/64)"]
    block.set_lines(lines)
    block.resize(240, block.sizeHint().height())
    block.show()
    qtbot.waitExposed(block)
    QApplication.processEvents()
    spy = _Regions()
    block.installEventFilter(spy)
    drawn = []
    draw_text = QPainter.drawText
    monkeypatch.setattr(QPainter, "drawText", lambda p, *a: drawn.append(a[-1]) or draw_text(p, *a))
    for k, text in ((2, "loss    2.49e-01"), (5, "z>0     47% (30/64)"), (0, "w1 +0.5 w2 -1.9")):
        lines[k] = text
        spy.rects.clear()
        drawn.clear()
        block.set_lines(list(lines))
        QApplication.processEvents()
        assert drawn == [text]  # (the other rows are not laid out again)
        rows = {(r.y(), r.height()) for rects in spy.rects for r in rects}
        h = block._line_h
        assert rows == {(k * h, h)}, (k, rows)  # that row, and nothing else
        seen = _pixels(block)
        assert block.lines() == lines
        block.repaint()  # the whole block
        assert np.array_equal(seen, _pixels(block))
