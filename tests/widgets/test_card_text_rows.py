"""A card's block of lines repaints only the rows whose text changed, and what it then shows is
what a full repaint shows."""

from __future__ import annotations

import numpy as np
from PySide6.QtGui import QFont, QPainter
from PySide6.QtWidgets import QApplication

from tests.helpers import backing_store, paint_regions
from widgets.card_text import _TextBlock


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
    regions = paint_regions(block)
    drawn = []
    draw_text = QPainter.drawText
    monkeypatch.setattr(QPainter, "drawText", lambda p, *a: drawn.append(a[-1]) or draw_text(p, *a))
    for k, text in ((2, "loss    2.49e-01"), (5, "z>0     47% (30/64)"), (0, "w1 +0.5 w2 -1.9")):
        lines[k] = text
        regions.clear()
        drawn.clear()
        block.set_lines(list(lines))
        QApplication.processEvents()
        assert drawn == [text]  # (the other rows are not laid out again)
        rows = {(r.y(), r.height()) for rects in regions for r in rects}
        h = block._line_h
        assert rows == {(k * h, h)}, (k, rows)  # that row, and nothing else
        seen = backing_store(block)
        assert block.lines() == lines
        block.repaint()  # the whole block
        assert np.array_equal(seen, backing_store(block))
