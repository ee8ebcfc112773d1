"""The tour's room at a narrow window's columns' end follows the right column's width, but never
leaves the columns shown beside it less than their least widths: with the right column dragged
wide, stop 4 (the step-through in place of the cards) squeezed the time plots below theirs."""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication

from app import tour


def _rect(win, widget):
    return QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())


def _drag_right_column_wide(win):
    """The splitter's handle dragged left: the time plots at their least, the rest to the right."""
    sizes = win.columns.sizes()
    plots = win.plots.minimumSizeHint().width()
    win.columns.setSizes([sizes[0], plots, sum(sizes) - sizes[0] - plots])
    QApplication.processEvents()
    assert win.fold_columns["right"].width() > tour.WIDTH  # (wider than the panel)


# (1010x661: the window's least size here, since the weight shock's fields have labels above)
@pytest.mark.parametrize("size", [(1010, 661), (1280, 720)])
def test_stop_4_keeps_the_plots_and_the_right_column_their_least_widths(win, prefs, size):
    win.resize(*size)
    QApplication.processEvents()
    assert win.size().toTuple() == size
    _drag_right_column_wide(win)
    tour.start(win)
    panel = win.tour_dock.panel
    panel.go(3)  # stop 4: the diagram and chain rule in place of the cards
    QApplication.processEvents()
    assert tour.STOPS[3].math
    right = win.fold_columns["right"]
    assert right.isVisible() and not win.fold_columns["cards"].isVisible()
    assert win.plots.width() >= win.plots.minimumSizeHint().width()
    assert right.width() >= right.minimumSizeHint().width()
    dock = win.tour_dock.geometry()
    assert not dock.intersects(_rect(win, win.plots)) and not dock.intersects(_rect(win, right))
    assert dock.width() >= tour.WIDTH  # the panel keeps at least its own width
    assert win.size().toTuple() == size
    for i in range(len(tour.STOPS)):  # no other stop squeezes them either
        panel.go(i)
        QApplication.processEvents()
        assert win.plots.width() >= win.plots.minimumSizeHint().width(), i
        assert win.tour_dock.geometry() == dock, i


def test_the_room_still_follows_a_right_column_of_ordinary_width(win, prefs):
    """Undragged, the room is the right column's width (the panel takes its place)."""
    right = win.fold_columns["right"]
    wide = right.width() + win.columns.handleWidth()
    assert tour.WIDTH < wide < 2 * tour.WIDTH
    tour.start(win)
    QApplication.processEvents()
    assert win.tour_dock.geometry().width() == wide
