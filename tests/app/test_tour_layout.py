"""The guided tour's panel keeps its place from stop to stop (its Next button stays under the
presenter's pointer) and never lies over a column the window shows."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

from app import tour


def _rect(win, widget):
    return QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())


def _walk(win):
    """Start the tour and go through every stop: (stop, Next-or-Finish rect, Back rect) at each,
    and the (stop, column) pairs where the panel lay over a column shown."""
    tour.start(win)
    panel = win.tour_dock.panel
    seen, covered = [], []
    for i in range(len(tour.STOPS)):
        if i:
            panel.next.click()
        QApplication.processEvents()
        forward = panel.finish if i == len(tour.STOPS) - 1 else panel.next
        assert forward.isVisible() and panel.back.isVisible()
        seen.append((i, _rect(win, forward), _rect(win, panel.back)))
        dock = win.tour_dock.geometry()
        columns = [win.plots, *win.fold_columns.values()]
        for column in columns:  # nothing the window shows lies under the panel
            if column.isVisible() and dock.intersects(_rect(win, column)):
                covered.append((i, column))
        if tour.STOPS[i].math and not win.presentation.on:  # the chain rule is in view
            assert win.fold_columns["right"].isVisible()
        elif not tour.STOPS[i].math:  # the badges are in view
            assert win.fold_columns["cards"].isVisible()
    return seen, covered


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_tour_buttons_stay_put_from_stop_to_stop(win, prefs, size):
    win.resize(*size)
    QApplication.processEvents()
    seen, covered = _walk(win)
    assert win.size().toTuple() == size
    _, forward, back = seen[0]
    for i, f, b in seen:  # Next (Finish at the last stop) and Back never move
        assert (f, b) == (forward, back), i
    assert covered == []


def test_tour_buttons_stay_put_while_presenting_on_a_small_screen(win, prefs):
    win.presentation.set_presentation(True)
    QApplication.processEvents()
    seen, covered = _walk(win)
    assert len({(f.getRect(), b.getRect()) for _, f, b in seen}) == 1
    assert covered == []
    assert win.plots.width() >= 400


def test_closing_the_tour_gives_the_columns_back(win, prefs):
    plots = _rect(win, win.plots)
    tour.start(win)
    at = win.tour_dock.geometry()
    panel = win.tour_dock.panel
    for _ in range(3):
        panel.next.click()  # stop 4: the cards folded
    win.tour_dock.close()
    QApplication.processEvents()
    assert all(column.isVisible() for column in win.fold_columns.values())
    assert win.columns.contentsMargins().right() == 0
    assert _rect(win, win.plots) == plots and win.size().toTuple() == (1280, 720)
    tour.start(win)  # again: in the same place
    assert win.tour_dock.isVisible() and win.tour_dock.geometry() == at


def test_tour_panel_follows_a_resized_narrow_window(win, prefs):
    tour.start(win)
    win.resize(1200, 700)
    QApplication.processEvents()
    columns = _rect(win, win.columns)
    dock = win.tour_dock.geometry()
    assert dock.right() == columns.right() and dock.bottom() == columns.bottom()
    assert not dock.intersects(_rect(win, win.plots))
