"""Helper 81, presenting at 1280x720 after Measure: the Star table keeps readable cells (the
intro, the measured-in line and the detail area no longer take its height) and the Activation
cost table shows its 7 rows without scrolling (the claim above it and the note capped)."""

import dataclasses

import pytest
from PySide6.QtWidgets import QLabel

from tests.helpers import open_tab, settle, window_case
from tests.widgets.test_review9_cost_claims import DoneRun, measured_cells
from widgets.capped_label import CappedLabel
from widgets.claim_controls import text_size
from widgets.claims_view import CELL_PAD

MEASURED = ("Measured in 14.6 s: the numpy cost of 5 activations, 60 network trainings "
            "(4 datasets × 3 seeds × 5), 1,280 death-map shocks and 4 presets.")  # (as a run's)


def measured_star_table(win, qtbot, monkeypatch, size, scale=0.0):
    view = open_tab(win, "Star table")
    window_case(win, qtbot, size, scale=scale)
    monkeypatch.setattr(view, "_show_stage", lambda: view.stage.setText(MEASURED))
    view.table_cells = measured_cells()
    view.refresh()
    settle(qtbot, 6)
    return view


def cut_labels(view) -> list[tuple[str, int, int]]:
    """(text, px needed, px had) of each shown label of ``view`` that is shorter than its text."""
    cut = []
    for label in view.findChildren(QLabel):
        if label.isVisibleTo(view) and label.wordWrap() and label.text():
            need = label.heightForWidth(label.width())
            if need > label.height():
                cut.append((label.text()[:30], need, label.height()))
    return cut


def cells_cut(view) -> list[tuple[int, int]]:
    """(row, column) of each cell whose lines do not fit it in the cells' font."""
    table, cut = view.table, []
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            w, h = text_size(item.text(), item.font())
            if (w > table.columnWidth(c) - CELL_PAD[0] + 1
                    or h > table.rowHeight(r) - CELL_PAD[1] + 1):
                cut.append((r, c))
    return cut


def test_star_cells_keep_a_readable_size_and_their_number_presenting_at_1280x720(
        win, qtbot, monkeypatch):
    """Was: 10 pt and no measured number (the table 184 px tall)."""
    view = measured_star_table(win, qtbot, monkeypatch, (1280, 720), scale=1.5)
    assert view._cell_font.pointSizeF() >= 11
    assert view._three_lines  # tutorial's stars, here's, and the number measured
    assert all(len(view.table.item(r, c).text().split("\n")) == 3
               for r in range(view.table.rowCount()) for c in range(view.table.columnCount()))
    assert cells_cut(view) == []
    assert cut_labels(view) == []  # the intro and the measured-in line are whole
    assert view.table.verticalScrollBar().maximum() == 0


@pytest.mark.parametrize("size, scale, least_pt", [((1280, 720), 0.0, 13.5),
                                                   ((1920, 1080), 1.5, 21.0)])
def test_star_cells_are_no_smaller_where_they_fitted(win, qtbot, monkeypatch, size, scale,
                                                     least_pt):
    """At 1280x720 not presenting and 1920x1080 presenting (13.5 and 21 pt before), and the
    intro in presentation's own size at 1920x1080."""
    view = measured_star_table(win, qtbot, monkeypatch, size, scale)
    assert view._cell_font.pointSizeF() >= least_pt and view._three_lines
    assert cells_cut(view) == [] and cut_labels(view) == []
    intro = next(w for w in view.findChildren(CappedLabel) if w.text().startswith("Tutorial"))
    assert intro.font().pointSizeF() == pytest.approx(11 * max(scale, 1.0))


def test_star_detail_area_is_as_tall_as_its_text(win, qtbot, monkeypatch):
    """One line for the placeholder (was four lines' height), more for a cell's story, up to
    four lines (then it scrolls)."""
    view = measured_star_table(win, qtbot, monkeypatch, (1280, 720), scale=1.5)
    detail = view.detail
    box = detail.parentWidget().parentWidget().parentWidget()  # label < inner < viewport < box
    line = detail.fontMetrics().lineSpacing()
    assert detail.text() == "Click a cell to see how it was measured."
    assert box.height() <= line + 4
    assert box.height() >= detail.heightForWidth(box.viewport().width())  # not cut
    view.table.setCurrentCell(0, 1)
    settle(qtbot, 6)
    assert "Activation cost" in detail.text()
    assert box.height() >= min(detail.heightForWidth(box.viewport().width()), 4 * line)
    assert box.height() <= 4 * line + 4
    first = view.table_cells["speed"]["relu"]
    view.table_cells["speed"]["relu"] = dataclasses.replace(
        first, how="a long story " * 200)  # longer than four lines: they, then it scrolls
    view.table.setCurrentCell(0, 0)
    settle(qtbot, 6)
    assert "a long story" in detail.text()
    assert 3 * line < box.height() <= 4 * line + 4
    assert box.verticalScrollBar().maximum() > 0
    assert cells_cut(view) == []


def measured_cost(win, qtbot, size):
    """The Activation cost tab presenting (1.5x) at ``size``, measured."""
    view = open_tab(win, "Activation cost")
    window_case(win, qtbot, size, scale=1.5)
    view.run = DoneRun()
    view.refresh()
    settle(qtbot, 6)
    return view


def test_cost_table_shows_all_seven_rows_presenting_at_1280x720(win, qtbot):
    """Was: 5 rows shown, GELU and SiLU scrolled away (the claim above 6 lines, 16.5 pt)."""
    view = measured_cost(win, qtbot, (1280, 720))
    table = view.table
    assert table.rowCount() == 7
    assert table.verticalScrollBar().maximum() == 0
    bottom = table.viewport().height()
    for r in range(7):
        assert table.rowViewportPosition(r) + table.rowHeight(r) <= bottom, r
    assert cut_labels(view) == []  # the claim and the note whole, in a smaller font


def test_cost_note_and_claim_keep_presentation_size_at_1920x1080(win, qtbot):
    view = measured_cost(win, qtbot, (1920, 1080))
    capped = view.findChildren(CappedLabel)
    assert len(capped) == 2 and all(w.font().pointSizeF() == 16.5 for w in capped)
    assert view.table.verticalScrollBar().maximum() == 0 and cut_labels(view) == []
