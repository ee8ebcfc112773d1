"""Presentation mode and the window's size, in either order: a window presented when wide and
then shrunk to its smallest has the layout presenting at that size gives (the right column
folded, the time plots their width; it stayed open and squeezed the plots to ~180 px, too narrow
for a step label), and a window presented when small and then grown opens the right column again
as presenting at the larger size does."""

from tests.helpers import settle
from widgets.plot_series import PLOTS

WIDE = (1600, 900)


def _layout(win):
    """Which side columns are shown, and the widths of the columns (cards, plots, right) and of
    the time plots' step axis, then the right column's split (network diagram, step-through)."""
    settle(rounds=5)
    shown = {name: column.isVisible() for name, column in win.fold_columns.items()}
    axis = win.plots.plots[PLOTS[-1]].getAxis("bottom")
    return shown, [*win.columns.sizes(), round(axis.geometry().width()),
                   *win.fold_columns["right"].sizes()]


def _smallest(win):
    """The smallest size of the window when not presenting (what presenting directly can
    start from)."""
    win.resize(1, 1)  # (the window takes its minimum size)
    settle(rounds=5)
    return win.size().toTuple()


def _presented_at(win, size):
    """The layout presenting directly at ``size`` gives (presentation ended afterwards)."""
    win.resize(*size)
    settle()
    win.presentation.set_presentation(True, persist=False)
    layout = _layout(win)
    win.presentation.set_presentation(False, persist=False)
    return layout


def test_presented_then_shrunk_folds_like_presenting_at_the_small_size(win):
    small = _smallest(win)
    (shown, sizes) = _presented_at(win, small)
    assert not shown["right"]  # (presenting on a narrow window: the plots get the room)
    win.resize(*WIDE)
    settle()
    win.presentation.set_presentation(True, persist=False)
    assert _layout(win)[0]["right"]  # (wide: presenting keeps the right column)
    win.resize(*small)
    after, after_sizes = _layout(win)
    assert win.size().toTuple() == small
    assert after == shown
    assert after_sizes[1] >= sizes[1] - 3, (after_sizes, sizes)  # the time plots' width
    assert after_sizes[3] >= sizes[3] - 3, (after_sizes, sizes)  # the step axis' (it was 8 px)


def test_presented_then_grown_opens_the_right_column_like_presenting_wide(win):
    shown, sizes = _presented_at(win, WIDE)
    assert shown["right"]
    _smallest(win)
    win.presentation.set_presentation(True, persist=False)
    assert not _layout(win)[0]["right"]
    win.resize(*WIDE)
    after, after_sizes = _layout(win)
    assert after == shown
    assert after_sizes[:3] == sizes[:3]  # the columns' widths: the same split
    assert abs(after_sizes[3] - sizes[3]) <= 3, (after_sizes, sizes)
    assert after_sizes[4:] == sizes[4:]  # the diagram as tall, the step-through the rest


def test_presenting_at_its_own_minimum_folds_the_right_column(win):
    """Presenting, the window may shrink further (the layout's own minimum): narrower than
    presentation keeps the right column for, it is folded and the plots keep their width."""
    win.resize(*WIDE)
    settle()
    win.presentation.set_presentation(True, persist=False)
    win.resize(1, 1)
    shown, sizes = _layout(win)
    assert not shown["right"]
    assert sizes[1] >= win.plots.minimumSizeHint().width()


def test_ending_presentation_at_the_smallest_size_keeps_the_size(win):
    """Presentation ended on the smallest window: the window keeps its size and the columns
    their normal split (the status bar's minimum, measured before its relayout, was still the
    large fonts' and grew the window to 1280 px)."""
    small = _smallest(win)
    normal = _layout(win)
    win.presentation.set_presentation(True, persist=False)
    settle()
    win.presentation.set_presentation(False, persist=False)
    assert _layout(win) == normal
    assert win.size().toTuple() == small
