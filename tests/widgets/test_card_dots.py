"""CardDots: the dots of a lane card's f(z) plot are drawn at their points, in their look, and a
frame that moves them repaints only where they were and are (leaving, pixel for pixel, what a
full repaint draws); an export draws them as ellipses."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QImage
from PySide6.QtWidgets import QApplication

from tests.helpers import count_paints, show
from widgets.card_dots import CardDots

RED = "#d02020"


def dotted_plot(qtbot, x, y) -> tuple[pg.PlotWidget, CardDots]:
    plot = pg.PlotWidget(background="#ffffff")
    vb = plot.getPlotItem().getViewBox()
    vb.setRange(xRange=(0, 10), yRange=(0, 10), padding=0)
    vb.disableAutoRange()
    plot.getPlotItem().hideAxis("left")
    plot.getPlotItem().hideAxis("bottom")
    dots = CardDots(size=7, pen=pg.mkPen("#1a1a1a", width=1), brush=pg.mkBrush(RED))
    plot.addItem(dots)
    dots.setData(x=np.asarray(x, float), y=np.asarray(y, float))
    show(qtbot, plot, (240, 200))
    QApplication.processEvents()
    return plot, dots


def screen(plot) -> QImage:
    """The plot's pixels as the window's backing store holds them (partial repaints included)."""
    shot = QApplication.primaryScreen().grabWindow(plot.winId()).toImage()
    return shot.copy(0, 0, plot.width(), plot.height()).convertToFormat(
        QImage.Format.Format_RGB32)


def pixel_at(plot, image: QImage, x: float, y: float) -> str:
    vp = plot.getPlotItem().getViewBox().mapViewToScene(QPointF(x, y))
    at = plot.mapFromScene(vp)
    return QColor(image.pixel(at.x(), at.y())).name()


def test_data_is_copied_and_given_back(qtbot):
    x, y = np.array([1.0, 2.0]), np.array([3.0, 4.0])
    _, dots = dotted_plot(qtbot, x, y)
    x[0] = 9.0
    gx, gy = dots.getData()
    np.testing.assert_array_equal(gx, [1.0, 2.0])
    np.testing.assert_array_equal(gy, [3.0, 4.0])


def test_dots_are_drawn_at_their_points_and_nowhere_else(qtbot):
    plot, _ = dotted_plot(qtbot, [2.0, 7.0, np.nan], [3.0, 8.0, 5.0])
    image = screen(plot)
    assert pixel_at(plot, image, 2.0, 3.0) == RED
    assert pixel_at(plot, image, 7.0, 8.0) == RED
    assert pixel_at(plot, image, 5.0, 5.0) == "#ffffff"  # the NaN point: no dot
    red = np.frombuffer(image.constBits(), np.uint32) == QColor(RED).rgb()
    assert 2 * 9 <= red.sum() <= 2 * 49  # two 7-px dots' fills, no more


def test_moving_dots_repaints_their_places_only_and_leaves_no_trace(qtbot):
    plot, dots = dotted_plot(qtbot, [2.0, 3.0], [3.0, 2.0])
    dots.setData(x=np.array([2.0, 3.0]), y=np.array([3.0, 3.0]))  # (the first move after show
    QApplication.processEvents()  # repaints the whole plot: the view's pending layout)
    paints = count_paints(plot.viewport())
    regions = []
    plot.viewport().installEventFilter(spy := _RegionSpy(regions))
    dots.setData(x=np.array([2.5, 3.5]), y=np.array([3.5, 3.0]))
    QApplication.processEvents()
    assert paints[plot.viewport()] == 1
    r = regions[-1]
    assert r.width() < plot.viewport().width() / 2 and r.height() < plot.viewport().height() / 2
    seen = screen(plot)
    assert pixel_at(plot, seen, 2.0, 3.0) == "#ffffff"  # the old dot is gone
    assert pixel_at(plot, seen, 2.5, 3.5) == RED
    plot.viewport().repaint()
    assert screen(plot) == seen  # what a full repaint draws
    plot.viewport().removeEventFilter(spy)


def test_a_new_look_redraws_the_dots(qtbot):
    plot, dots = dotted_plot(qtbot, [5.0], [5.0])
    dots.setBrush(pg.mkBrush("#2040c0"))
    QApplication.processEvents()
    assert pixel_at(plot, screen(plot), 5.0, 5.0) == "#2040c0"


def test_an_export_draws_the_dots(qtbot):
    from pyqtgraph.exporters import ImageExporter

    plot, _ = dotted_plot(qtbot, [5.0], [5.0])
    image = ImageExporter(plot.getPlotItem()).export(toBytes=True)
    red = np.frombuffer(image.convertToFormat(QImage.Format.Format_RGB32).constBits(),
                        np.uint32) == QColor(RED).rgb()
    assert red.sum() >= 9


class _RegionSpy(pg.QtCore.QObject):
    def __init__(self, regions: list):
        super().__init__()
        self.regions = regions

    def eventFilter(self, obj, event):
        if event.type() == pg.QtCore.QEvent.Type.Paint:
            self.regions.append(event.region().boundingRect())
        return False
