"""The time plots' grid: one item a plot draws a line at each value its left and bottom axes
tick, so that the axes (their tick labels too) are not repainted with every frame's curves, as
they were when they drew the grid across the view themselves."""

import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from tests.helpers import draw_specs, open_window, play, settle
from widgets.plot_series import PLOTS


def _tick_positions(axis) -> list[float]:
    """Scene x (bottom axis) or y (left axis) of each tick the axis' own drawing places."""
    specs = draw_specs(axis)
    ticks = specs[1] if specs else []
    at = [axis.mapToScene(p1) for _pen, p1, _p2 in ticks]
    return sorted(p.x() if axis.orientation == "bottom" else p.y() for p in at)


def test_grid_lines_sit_where_the_axes_tick(win, qtbot):
    play(win, 3000)
    settle(qtbot)
    for name in PLOTS:
        plot, grid = win.plots.plots[name], win.plots.grids[name]
        lines = grid.lines()
        vb = plot.vb
        xs = sorted(vb.mapViewToScene(QPointF(ln.x1(), 0)).x() for ln in lines
                    if ln.x1() == ln.x2())
        ys = sorted(vb.mapViewToScene(QPointF(0, ln.y1())).y() for ln in lines
                    if ln.y1() == ln.y2())
        # (the step axes above the last draw their line alone: every plot ticks the steps as
        # the last one's axis, the one with labels, does)
        step_axis = win.plots.plots[PLOTS[-1]].getAxis("bottom")
        for got, axis in ((xs, step_axis), (ys, plot.getAxis("left"))):
            want = _tick_positions(axis)
            assert want, (name, axis.orientation)
            assert len(got) == len(want), (name, axis.orientation, got, want)
            assert all(abs(a - b) < 1.01 for a, b in zip(got, want, strict=True)), (got, want)
        assert not plot.getAxis("left").grid and not plot.getAxis("bottom").grid


def test_frames_of_new_steps_do_not_repaint_the_axes(qtbot, prefs, messages, monkeypatch):
    """A frame that moves no range repaints the plots' data areas only: no axis is painted (ten
    axes were, each replaying its picture, tick labels included, ~65 µs an axis)."""
    painted = []
    real = pg.AxisItem.paint
    monkeypatch.setattr(pg.AxisItem, "paint",
                        lambda self, *args: painted.append(self) or real(self, *args))
    win = open_window(qtbot)  # (made after the patch: Qt looks Python's paint up once)
    try:
        play(win, 3000)
        settle(qtbot)
        quiet = 0
        for _ in range(40):
            ranges = (win.plots._xrange, dict(win.plots._yrange))
            painted.clear()
            play(win, 17)
            QApplication.processEvents()
            if ranges == (win.plots._xrange, dict(win.plots._yrange)):
                quiet += 1
                assert painted == [], len(painted)
        assert quiet >= 20
    finally:
        win.controller.pause()
        win.close()


def test_unlabelled_step_axes_draw_their_line_alone_at_any_range(win, qtbot):
    """The step axes of the plots above the last show no values: each draws its line alone,
    and keeps that picture while the history slides (it was made again each frame at top
    speed, ~20 ms a second of the window's time)."""
    play(win, 3000)
    settle(qtbot)
    for name in PLOTS[:-1]:
        axis = win.plots.plots[name].getAxis("bottom")
        specs = draw_specs(axis)
        assert specs is not None and specs[1] == [] and specs[2] == [], name
        assert specs[0][1] != specs[0][2], name  # (its line: two different ends)
    pictures = [win.plots.plots[n].getAxis("bottom").picture for n in PLOTS]
    assert all(p is not None for p in pictures)
    x0 = win.plots._xrange
    play(win, 25_000)  # (past the ring's 20,000 rows: the history slides)
    settle(qtbot)
    assert win.plots._xrange != x0
    after = [win.plots.plots[n].getAxis("bottom").picture for n in PLOTS]
    assert all(a is b for a, b in zip(pictures[:-1], after[:-1], strict=True))
    assert after[-1] is not pictures[-1]  # (the last axis' labels moved with the range)
    grid = win.plots.grids[PLOTS[0]]
    lo, hi = win.plots.plots[PLOTS[0]].getAxis("bottom").range
    assert [ln.x1() for ln in grid.lines() if ln.x1() == ln.x2()], "no vertical grid lines"
    assert all(lo <= ln.x1() <= hi for ln in grid.lines() if ln.x1() == ln.x2())


def test_every_plot_shows_the_same_step_range(win, qtbot):
    """The five plots are given one step range each time it changes (not through pyqtgraph's
    x links, whose syncing cost ~1 ms a change): the same to the bit, as the history grows
    and as it slides."""
    for steps in (300, 3000, 25_000):
        play(win, steps)
        settle(qtbot)
        want = list(win.plots._xrange)
        assert want[1] > want[0]
        for name in PLOTS:
            assert win.plots.plots[name].vb.viewRange()[0] == want, name
