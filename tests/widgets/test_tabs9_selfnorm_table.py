"""The self-normalization results table in the window: at 1920x1080 its columns fit (no
horizontal scroll bar, "∞-width var" not cut, all seven activations run); at 1280x720 all four
default rows show without scrolling the controls' column."""

from PySide6.QtCore import QPoint

from tests import helpers
from widgets.claim_controls import FittedPanel


def run_selfnorm(qtbot, size, names, depth=6):
    win = helpers.open_window(qtbot, size)
    v = helpers.open_tab(win, "Self-normalization")
    helpers.settle(qtbot)
    v.depth.setValue(depth)
    v.width.setValue(16)
    v.samples.setValue(40)
    for name in names:
        v.checks.boxes[name].setChecked(True)
    v.toggle()
    qtbot.waitUntil(lambda: not v.runner.running, timeout=60_000)
    helpers.settle(qtbot, 6)
    return v


def test_at_1920x1080_the_columns_fit_the_table(qtbot):
    v = run_selfnorm(qtbot, (1920, 1080), ("gelu", "silu", "prelu"), depth=50)
    t = v.table
    assert t.rowCount() == 7
    assert "e-" in t.item(6, 3).text()  # SiLU's collapsed variance: the widest cells
    assert not t.horizontalScrollBar().isVisible()
    header = t.horizontalHeader()
    right = header.sectionPosition(t.columnCount() - 1) + header.sectionSize(t.columnCount() - 1)
    assert right <= t.viewport().width()
    last = t.horizontalHeaderItem(t.columnCount() - 1).text()
    assert header.sectionSize(t.columnCount() - 1) >= max(
        header.fontMetrics().horizontalAdvance(line) for line in last.split("\n"))


def test_at_1280x720_every_row_shows_without_scrolling(qtbot):
    v = run_selfnorm(qtbot, (1280, 720), ())
    t = v.table
    assert t.rowCount() == 4
    panel = t.parentWidget()
    while not isinstance(panel, FittedPanel):  # the controls' scroll area
        panel = panel.parentWidget()
    assert panel.verticalScrollBar().value() == 0
    bottom_row = t.viewport().mapTo(panel.viewport(), QPoint(0, t.rowViewportPosition(3)
                                                          + t.rowHeight(3)))
    assert t.rowViewportPosition(3) + t.rowHeight(3) <= t.viewport().height()  # not cut inside
    assert bottom_row.y() <= panel.viewport().height()  # nor below the column's visible part
