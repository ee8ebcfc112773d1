"""The activation-cost and star-table tabs at 1280x720 and 1920x1080, with the set-up dock open
or presenting: the bars' values never overlap nor leave the plot, their names fit their slots
(abbreviated, full names in the tooltip), the cost table's headers and cells fit their columns,
and every star-table cell shows both star lines whole."""

import math
from itertools import combinations

import pytest

from simulation import activations, claims, cost
from tests.helpers import open_tab, settle
from widgets.claim_controls import text_size
from widgets.claims_view import CELL_PAD, NOT_MEASURED

# the timings of the reviewer's screenshot (ms forward, backward): ratios 1.00x ... 71.16x
TIMES = (("relu", .59, 3.80), ("leaky_relu", 14.35, 14.42), ("prelu", 14.81, 21.45),
         ("elu", 22.22, 22.37), ("selu", 24.41, 22.80), ("gelu", 144.15, 168.37),
         ("silu", 37.80, 38.20))


class DoneRun:
    """A finished cost run of fixed rows (the view's ``run``): no timing in the test."""

    progress, done = 1.0, True
    finished_at = 0.0  # (CostRun's wall-clock end of the timing)

    def __init__(self) -> None:
        bf, bb = TIMES[0][1], TIMES[0][2]
        self._rows = [cost.CostRow(n, f / 1e3, b / 1e3, (f + b) / 1e3, (f + b) / (bf + bb),
                                   f / bf, b / bb, 9, cost.SEED_RATIOS.get(n))
                      for n, f, b in TIMES]

    def rows(self) -> list[cost.CostRow]:
        return self._rows


def tab_view(win, title, size, mode):
    """The view of the tab ``title`` in ``win`` resized to ``size``, the set-up dock open
    (mode "dock"), closed (mode "plain") or presenting (mode "present")."""
    win.resize(*size)
    if mode == "present":
        win.presentation.set_presentation(True, persist=False)
    else:
        win.setup_dock.setVisible(mode == "dock")
    view = open_tab(win, title)
    settle(rounds=1)
    return view


def measured_cost_view(win, size, mode):
    """The Activation cost tab (:func:`tab_view`) showing the rows of a :class:`DoneRun`."""
    view = tab_view(win, "Activation cost", size, mode)
    view.run = DoneRun()
    view.refresh()
    settle(rounds=5)
    return view


MODES = [((1280, 720), "dock"), ((1280, 720), "present"), ((1920, 1080), "dock"),
         ((1920, 1080), "present")]


@pytest.mark.parametrize(("size", "mode"), MODES)
def test_cost_bar_values_and_names_fit(win, size, mode):
    view = measured_cost_view(win, size, mode)
    plot_rect = view.plot.vb.sceneBoundingRect()
    rects = [label.sceneBoundingRect() for label in view.value_labels]
    assert all(label.isVisible() for label in view.value_labels)
    for rect in rects:
        assert plot_rect.contains(rect), (rect, plot_rect)  # not cut
    for a, b in combinations(rects, 2):
        assert not a.intersects(b), (a, b)  # never drawn over each other
    # every value with all its digits and its ×
    assert [label.toPlainText() for label in view.value_labels] == [
        f"{r.ratio:.2f}×" for r in view.run.rows()]
    # the bars' names: each no wider than its bar's slot, the full names in the tooltip
    axis = view.plot.getAxis("bottom")
    slot = view.plot.vb.width() / len(TIMES)
    names = [text for _, text in axis._tickLevels[0]]
    assert len(names) == len(TIMES)
    for name in names:
        assert text_size(name, axis.style["tickFont"])[0] <= slot - 4, name
    assert axis.style["tickFont"].pointSizeF() >= 7
    for n, _, _ in TIMES:
        assert activations.get(n).label in axis.toolTip()


@pytest.mark.parametrize(("size", "mode"), MODES)
def test_cost_table_headers_and_cells_fit_their_columns(win, size, mode):
    view = measured_cost_view(win, size, mode)
    table, header = view.table, view.table.horizontalHeader()
    for c in range(table.columnCount()):
        assert header.sectionSize(c) >= header.sectionSizeHint(c), c  # header not clipped
        assert table.columnWidth(c) >= table.sizeHintForColumn(c), c  # "Leaky ReLU" not elided


@pytest.mark.parametrize(("size", "mode", "scale"), [
    ((1280, 720), "plain", 1.5), ((1280, 720), "present", 1.5), ((1920, 1080), "plain", 1.5),
    ((1920, 1080), "present", 1.5), ((1920, 1080), "present", 2.0)])
def test_cost_table_shows_all_its_columns_without_scrolling_sideways(win, size, mode, scale):
    """At 1280x720 and 1920x1080, presenting or not, the left column is as wide as the table's
    columns need (the chart takes the rest): the table does not scroll sideways."""
    win.presentation.set_scale(scale)
    view = measured_cost_view(win, size, mode)
    table, header = view.table, view.table.horizontalHeader()
    widths = [table.columnWidth(c) for c in range(table.columnCount())]
    assert sum(widths) <= table.viewport().width(), (widths, table.viewport().width())
    assert table.horizontalScrollBar().maximum() == 0
    for c in range(table.columnCount()):  # and still not one header or cell cut
        assert header.sectionSize(c) >= header.sectionSizeHint(c), c
        assert table.columnWidth(c) >= table.sizeHintForColumn(c), c
    assert view.plots.width() >= view.plots.minimumWidth()  # the chart keeps its width


def test_cost_bar_values_turn_upright_in_a_narrow_chart(win):
    """Where even the smallest font does not fit a slot, the values stand upright, still apart
    and inside the plot."""
    view = tab_view(win, "Activation cost", (1280, 720), "dock")
    win.resize(win.minimumSizeHint().width(), 720)
    view.run = DoneRun()
    view.refresh()
    settle(rounds=5)
    plot_rect = view.plot.vb.sceneBoundingRect()
    rects = [label.sceneBoundingRect() for label in view.value_labels]
    for rect in rects:
        assert plot_rect.contains(rect)
    for a, b in combinations(rects, 2):
        assert not a.intersects(b)


def measured_cells():
    """A star table as a finished run gives it: every cell measured, with its number."""
    return {m: {a: claims.Cell(claims.SEED_STARS[m][c], 1 + (r + c) % 5, 1.0, f"how {m} {a}",
                               "map 12% · risk 40%")
                for c, a in enumerate(claims.COLUMNS)}
            for r, m in enumerate(claims.METRICS)}


def assert_cells_whole(view):
    table = view.table
    for r in range(table.rowCount()):
        for c in range(table.columnCount()):
            item = table.item(r, c)
            rect = table.visualItemRect(item)
            wide, tall = text_size(item.text(), item.font())
            assert wide <= rect.width() - CELL_PAD[0] + 1, (r, c, item.text())
            assert tall <= rect.height() - CELL_PAD[1] + 1, (r, c, item.text())
            assert item.font().pointSizeF() >= 9  # legible


@pytest.mark.parametrize(("size", "mode"), MODES)
def test_star_cells_show_both_star_lines(win, size, mode):
    view = tab_view(win, "Star table", size, mode)
    assert_cells_whole(view)
    view.table_cells = measured_cells()
    view.refresh()
    settle(rounds=5)
    assert_cells_whole(view)
    for r, m in enumerate(claims.METRICS):
        for c, a in enumerate(claims.COLUMNS):
            lines = view.table.item(r, c).text().split("\n")
            assert lines[0] == f"tutorial  {claims.stars_text(claims.SEED_STARS[m][c])}"
            assert lines[1] == f"here  {claims.stars_text(view.table_cells[m][a].stars)}"


def test_star_cells_before_measuring_are_not_elided_looking(win):
    """Before Measure a cell reads "here  ?" (its tooltip says why), never "…"."""
    view = tab_view(win, "Star table", (1920, 1080), "present")
    item = view.table.item(0, 0)
    assert item.text().split("\n")[1] == f"here  {NOT_MEASURED}" and "…" not in item.text()
    assert "press Measure" in item.toolTip()
    # the header and the help text follow presentation too
    scale = win.presentation.font_scale()
    assert scale > 1
    header_pt = view.table.horizontalHeader().font().pointSizeF()
    assert header_pt == pytest.approx(12 * scale)
    intro = view.layout().itemAt(0).widget()
    assert intro.font().pointSizeF() == pytest.approx(11 * scale)
    assert math.isclose(view.table.font().pointSizeF(), 14 * scale)
