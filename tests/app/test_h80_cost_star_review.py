"""Review h80, the Activation cost and Star table tabs as a first-time user sees them: the empty
cost plot says to press Measure, its y title is not cut presenting at 1280x720, and the star
table's row headers fit their rows there."""

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics

from simulation import claims
from tests.helpers import open_tab, settle, window_case
from tests.widgets.test_review9_cost_claims import DoneRun, measured_cells
from widgets.claims_view import header_text


def test_empty_cost_plot_says_to_press_measure_until_it_has_bars(win, qtbot):
    view = open_tab(win, "Activation cost")
    settle(qtbot)
    assert view.hint.isVisible()
    assert "Press Measure" in view.hint.toPlainText()
    (x0, x1), (y0, y1) = view.plot.vb.viewRange()
    pos = view.hint.pos()
    assert x0 < pos.x() < x1 and y0 < pos.y() < y1  # in the plot, not off its range
    hint = view.hint.mapRectToScene(view.hint.boundingRect())
    assert view.plot.vb.sceneBoundingRect().contains(hint)  # the whole text inside the plot
    view.run = DoneRun()
    view.refresh()
    assert not view.hint.isVisible()  # bars drawn: no hint


def test_cost_y_title_is_whole_presenting_at_1280x720(win, qtbot):
    view = open_tab(win, "Activation cost")
    window_case(win, qtbot, (1280, 720), scale=1.5)
    view.run = DoneRun()  # measured: the note above the plot leaves it short
    view.refresh()
    settle(qtbot, 4)
    axis = view.plot.getAxis("left")
    title = axis.label.mapRectToScene(axis.label.boundingRect())
    plot = axis.sceneBoundingRect()
    assert title.top() >= plot.top() - 1 and title.bottom() <= plot.bottom() + 1, (
        axis.labelText, title, plot)
    assert "× ReLU (log)" in axis.labelText
    axis.setLabel("forward + backward, × ReLU (log)")  # as the title was before a refit ...
    axis.resizeEvent()
    view.fit_labels()  # ... with no resize after it (Measure pressed on a short plot)
    title = axis.label.mapRectToScene(axis.label.boundingRect())
    assert title.top() >= plot.top() - 1 and title.bottom() <= plot.bottom() + 1, (
        axis.labelText, title, plot)


def test_cost_y_title_stays_long_where_it_fits(win, qtbot):
    view = open_tab(win, "Activation cost")
    window_case(win, qtbot, (1920, 1080))
    view.run = DoneRun()
    view.refresh()
    settle(qtbot, 4)
    assert view.plot.getAxis("left").labelText == "forward + backward, × ReLU (log)"


def star_headers_fit(view) -> list[tuple[int, int, int]]:
    """(row, px the header's text needs, px the row has) for each row header that is cut."""
    header, cut = view.table.verticalHeader(), []
    for r, metric in enumerate(claims.METRICS):
        font = view.table.verticalHeaderItem(r).data(Qt.ItemDataRole.FontRole) or header.font()
        need = QFontMetrics(font).boundingRect(QRect(0, 0, 10_000, 10_000), 0,
                                               header_text(metric)).height()
        if need > header.sectionSize(r):
            cut.append((r, need, header.sectionSize(r)))
    return cut


def test_star_row_headers_fit_their_rows_presenting_at_1280x720(win, qtbot):
    view = open_tab(win, "Star table")
    window_case(win, qtbot, (1280, 720), scale=1.5)
    assert star_headers_fit(view) == []  # before Measure
    view.table_cells = measured_cells()
    view.refresh()
    settle(qtbot, 4)
    assert star_headers_fit(view) == []  # and after


def test_star_row_headers_keep_the_header_font_where_they_fit(win, qtbot):
    view = open_tab(win, "Star table")
    window_case(win, qtbot, (1920, 1080))
    header = view.table.verticalHeader()
    for r in range(view.table.rowCount()):
        font = view.table.verticalHeaderItem(r).data(Qt.ItemDataRole.FontRole) or header.font()
        assert font.pointSizeF() == header.font().pointSizeF()


def test_star_column_titles_are_readable_in_both_themes(win, qtbot):
    """Each column's title in its lane's colour, at 4.5:1 at least against the header's
    background, also after a switch to the dark theme (its blue on the grey header: 2.5:1)."""
    from PySide6.QtGui import QPalette

    from widgets import style

    view = open_tab(win, "Star table")
    for theme in ("light", "dark", "light"):
        win.presentation.set_theme(theme, persist=False)
        settle(qtbot)
        header = view.table.horizontalHeader()
        bg = header.palette().color(QPalette.ColorRole.Button).name()
        for c in range(view.table.columnCount()):
            ink = view.table.horizontalHeaderItem(c).foreground().color().name()
            assert style.contrast_ratio(ink, bg) >= 4.5, (theme, c, ink, bg)
