"""Review 9, the Activation cost and Star table tabs: the cost tab says what its measurement is
(and why it can differ from the tutorial's ratios) and what ◆ means; the star table says that
more stars are always better, shows each cell's measured number at 1280x720, colours its cells
for the dark theme, and calls the source documents tutorials."""

import html

import pytest
from PySide6.QtWidgets import QLabel

from simulation import claims, cost
from tests import helpers
from widgets import style
from widgets.claims_view import ClaimsView
from widgets.cost_view import CostView

# ms forward, backward (as a reviewer's machine measured them)
TIMES = (("relu", .59, 3.80), ("leaky_relu", 14.35, 14.42), ("prelu", 14.81, 21.45),
         ("elu", 22.22, 22.37), ("selu", 24.41, 22.80), ("gelu", 144.15, 168.37),
         ("silu", 37.80, 38.20))


class DoneRun:
    """A finished cost run of fixed rows: no timing in the test."""

    progress, done, finished_at = 1.0, True, 0.0

    def rows(self) -> list[cost.CostRow]:
        bf, bb = TIMES[0][1], TIMES[0][2]
        return [cost.CostRow(n, f / 1e3, b / 1e3, (f + b) / 1e3, (f + b) / (bf + bb), f / bf,
                             b / bb, 9, cost.SEED_RATIOS.get(n)) for n, f, b in TIMES]


def shown_texts(view) -> str:
    return " ".join(w.text() for w in view.findChildren(QLabel) if w.isVisibleTo(view))


def test_cost_tab_says_what_was_measured_once_measured(qtbot):
    view = helpers.show(qtbot, CostView())
    assert "Measured:" not in shown_texts(view)  # nothing measured yet
    view.run = DoneRun()
    view.refresh()
    text = shown_texts(view)
    assert f"{cost.DEFAULT_SIZE:,} float64 values" in text
    assert "separate numpy pass" in text and "temporary" in text
    assert "Not measured: a framework's fused kernel" in text
    assert "memory traffic rather than arithmetic" in text


def test_cost_tab_legend_decodes_the_diamond_and_names_the_tutorial(qtbot):
    view = helpers.show(qtbot, CostView())
    text = shown_texts(view)
    assert "◆ = the tutorial's claimed ratio" in text
    assert "Tutorial 000:" in text
    assert "Seed 00" not in text and "seed's" not in text
    headers = [view.table.horizontalHeaderItem(c).text() for c in range(view.table.columnCount())]
    assert headers[-1] == "tutorial\n× ReLU"


def measured_cells():
    """Every cell measured, with its number (the longest the reviewer saw)."""
    return {m: {a: claims.Cell(claims.SEED_STARS[m][c], 1 + (r + c) % 5, 1.0,
                               "ReLU 1.0×: by the tutorial's own 1.0× = 5, 1.5× = 3.",
                               "map 89% · risk 100%")
                for c, a in enumerate(claims.COLUMNS)}
            for r, m in enumerate(claims.METRICS)}


def measured_table(qtbot, size):
    view = helpers.show(qtbot, ClaimsView(), size)
    view.table_cells = measured_cells()
    view.refresh()
    helpers.settle(qtbot, 4)
    return view


def test_star_table_says_more_stars_are_always_better(qtbot):
    view = helpers.show(qtbot, ClaimsView())
    assert "More stars are always better" in shown_texts(view)


# the Star table tab's page at 1280x720 (under the window's bars and tabs), and larger
@pytest.mark.parametrize("size", [(1280, 565), (1920, 920)])
def test_star_cells_show_the_measured_number_at_1280x720(qtbot, size):
    view = measured_table(qtbot, size)
    for r in range(view.table.rowCount()):
        for c in range(view.table.columnCount()):
            lines = view.table.item(r, c).text().split("\n")
            assert lines[0].startswith("tutorial  ") and lines[1].startswith("here  ")
            assert lines[2] == "map 89% · risk 100%", (r, c)
            assert view.table.item(r, c).font().pointSizeF() >= 10


def test_star_cells_say_tutorial_not_seed(qtbot):
    view = measured_table(qtbot, (1280, 565))
    text = shown_texts(view)
    assert "Tutorial 000's star table" in text and "the tutorial's stars" in text
    assert "Seed 00" not in text
    view.table.setCurrentCell(0, 0)
    detail = html.unescape(view.detail.text())
    assert "the tutorial's own 1.0×" in detail
    assert "seed's" not in detail and "seed's" not in view.table.item(0, 0).toolTip()


def test_dark_theme_cells_are_dark_with_light_ink(qtbot):
    old = style.theme().name
    style.set_theme("dark")
    try:
        view = measured_table(qtbot, (1280, 565))
        for r in range(view.table.rowCount()):
            for c in range(view.table.columnCount()):
                item = view.table.item(r, c)
                back, ink = item.background().color().name(), item.foreground().color().name()
                assert style.contrast_ratio(back, style.DARK.base) < 1.6, (r, c, back)
                assert style.contrast_ratio(ink, back) >= 4.5
    finally:
        style.set_theme(old)


def test_a_theme_change_recolours_the_measured_cells(qtbot):
    from PySide6.QtGui import QColor, QPalette

    view = measured_table(qtbot, (1280, 565))  # measured in the light theme: pastel
    assert view.table.item(0, 0).background().color().name() in claims_colors("light")
    old = style.theme().name
    style.set_theme("dark")
    try:
        view.setPalette(QPalette(QColor(style.DARK.window)))  # (as the window's theme change)
        assert view.table.item(0, 0).background().color().name() in claims_colors("dark")
    finally:
        style.set_theme(old)


def claims_colors(theme):
    from widgets.claims_view import AGREE_COLORS, AGREE_DARK

    return [c.lower() for c in (AGREE_DARK if theme == "dark" else AGREE_COLORS)]
