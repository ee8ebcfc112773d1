"""The time plots' shaded bands ("z ≤ 0", the exact-zero rail's zone) and level lines (z = 0,
a = 0, params = 0, the rail's edge) are Qt's own rect and line items (widgets.plot_zone): they
span the whole x range as it grows and follow the theme, and no pyqtgraph region or infinite
line (whose extent is worked out in Python at every paint) is left but the shock markers."""

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from tests.helpers import play, settle
from widgets import style
from widgets.plot_zone import Level, Mark, Zone


def test_bands_and_levels_span_the_x_range_as_it_grows(win, qtbot):
    plots = win.plots
    for steps in (50, 3000):
        play(win, steps)
        settle(qtbot)
        x0, x1 = plots.plots["z"].vb.viewRange()[0]
        for item in (plots.z_negative, plots.rail_zone):
            rect = item.rect()
            assert rect.left() < x0 and rect.right() > x1
            y0, y1 = item.getRegion()
            assert (rect.top(), rect.bottom()) == pytest.approx((y0, y1))
        line = plots.rail_edge.line()
        assert line.x1() < x0 and line.x2() > x1 and line.y1() == plots.rail_edge.value()
    # the shaded "z ≤ 0" region drawn at both ends of the plot, below z = 0
    plot = plots.plots["z"]
    image = plots.view.grab().toImage()
    dpr = image.devicePixelRatio()
    vb = plot.vb.sceneBoundingRect()
    y = plot.vb.mapViewToScene(pg.Point(0, plot.vb.viewRange()[1][0] * 0.05)).y()
    y_above = plot.vb.mapViewToScene(pg.Point(0, plot.vb.viewRange()[1][1] * 0.5)).y()

    def pixel(x: float, y: float) -> QColor:
        p = plots.view.mapFromScene(pg.Point(x, y))
        return image.pixelColor(round(p.x() * dpr), round(p.y() * dpr))

    bg = pixel(vb.right() - 3, y_above)
    assert bg.name() == QColor(style.theme().plot_bg).name()
    for x in (vb.left() + 3, vb.right() - 3):  # shaded (~24 darker on white) at both ends
        assert 16 <= bg.red() - pixel(x, y).red() <= 32, (x, pixel(x, y).name())


def test_bands_and_levels_follow_the_theme(win, qtbot):
    plots = win.plots
    play(win, 100)
    light = plots.z_negative.brush().color().name(QColor.NameFormat.HexArgb)
    win.presentation.set_theme("dark", persist=False)
    settle(qtbot)
    dark = plots.z_negative.brush().color().name(QColor.NameFormat.HexArgb)
    assert dark == pg.mkColor(style.theme().dead_region).name(QColor.NameFormat.HexArgb)
    assert dark != light


def test_no_python_spanned_items_are_left(win, qtbot):
    play(win, 1500)  # a bias shock at step 300: a marker's line on each of the 5 plots
    settle(qtbot)
    items = win.plots.view.scene().items()
    assert not [i for i in items if isinstance(i, (pg.LinearRegionItem, pg.InfiniteLine))]
    assert sum(isinstance(i, Zone) for i in items) == 2
    assert sum(isinstance(i, Level) for i in items) == 4
    assert sum(isinstance(i, Mark) for i in items) == 5


def test_shock_lines_span_each_plot_and_go_with_their_marker(win, qtbot):
    c = win.controller
    for k in range(3):
        c.sim.run(400)
        c.bias_shock(-4.0 if k % 2 else 4.0)
    play(win, 400)
    settle(qtbot)
    plots = win.plots
    assert len(plots.markers) == 4  # (the preset's own shock at step 300, and these three)
    for marker in plots.markers:
        for name, line in marker.lines.items():
            y0, y1 = plots.plots[name].vb.viewRange()[1]
            seg = line.line()
            assert seg.x1() == seg.x2() == marker.event["step"] == line.value()
            assert min(seg.y1(), seg.y2()) < y0 and max(seg.y1(), seg.y2()) > y1
            assert line.scene() is plots.view.scene() and line.isVisible()
    old = plots.markers[0].lines["loss"]
    plots._remove_markers(1)
    assert old.scene() is None and len(plots.markers) == 3
    play(win, 50)  # (a removed line no longer follows its plot's range)
    settle(qtbot)
    plots._remove_markers()
    assert not [i for i in plots.view.scene().items() if isinstance(i, Mark)]
