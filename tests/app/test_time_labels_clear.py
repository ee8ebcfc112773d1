"""The time plots' own labels never hide data: the "exactly 0" label sits beside the gradient
plot's rail, not over it (its box hid ReLU's zero rail up to step ~380 in the lr-shock preset),
and no shock marker's dashed line runs through "z ≤ 0" (the bias shock at step 300 crossed its
"≤")."""

import numpy as np
import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtWidgets import QApplication

from tests.helpers import play
from widgets.time_ranges import free_place

SIZES = [(1280, 720), (1920, 1080)]


def _settle():
    for _ in range(3):
        QApplication.processEvents()


def rails_extent(plots):
    """The scene rect spanned by the drawn rail segments of the gradient plot (their data, the
    pen's width around it; a curve's bounding rect is the whole view), and the view's rect."""
    vb = plots.plots["grad"].vb
    rect = None
    for lane in plots.lanes:
        for rail in lane.rail.values():
            x, y = rail.getData()
            if not rail.isVisible() or x is None or not np.isfinite(y).any():
                continue
            ok = np.isfinite(y)
            a = vb.mapViewToScene(QPointF(float(x[ok].min()), float(y[ok].max())))
            b = vb.mapViewToScene(QPointF(float(x[ok].max()), float(y[ok].min())))
            w = rail.opts["pen"].widthF() / 2 + 1
            r = QRectF(a, b).normalized().adjusted(-w, -w, w, w)
            rect = r if rect is None else rect.united(r)
    return rect, vb.sceneBoundingRect()


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("presenting", [False, True])
def test_exactly_0_label_is_beside_the_rails(win, size, presenting):
    win.resize(*size)
    win.load_preset("lr-shock")
    if presenting:
        win.presentation.set_presentation(True, persist=False)
    play(win, 1800)  # lr x3 at 0, b = -130 at 1000: ReLU on its zero rail from ~step 380
    _settle()
    plots = win.plots
    rails, view = rails_extent(plots)
    assert rails is not None  # (a lane's rail is drawn)
    label = plots.rail_label
    assert label.isVisible()
    r = label.sceneBoundingRect()
    assert not r.intersects(rails) and not r.intersects(view)
    zone_lo, zone_hi = plots.rail_zone.getRegion()  # level with the rail zone
    top = plots.plots["grad"].vb.mapViewToScene(QPointF(0.0, zone_hi)).y()
    bottom = plots.plots["grad"].vb.mapViewToScene(QPointF(0.0, zone_lo)).y()
    assert top <= r.center().y() <= bottom
    assert plots.view.mapToScene(plots.view.viewport().rect()).boundingRect().contains(r)


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("steps", [3000, 8000])
def test_no_marker_line_crosses_the_z_label(win, size, steps):
    win.resize(*size)
    play(win, steps)  # the bias shock's marker at step 300, near the left end of the z plot
    _settle()
    plots = win.plots
    label = plots.z_label
    assert label.isVisible()
    r = label.sceneBoundingRect()
    vb = plots.plots["z"].vb
    assert vb.sceneBoundingRect().adjusted(-0.5, -0.5, 0.5, 0.5).contains(r)
    for marker in plots.markers:
        x = vb.mapViewToScene(QPointF(float(marker.event["step"]), 0.0)).x()
        assert not (r.left() - 1 <= x <= r.right() + 1), (marker.event, r)


def test_free_place():
    assert free_place((0, 100), 1000, 50, []) == 0.0
    assert free_place((0, 100), 1000, 50, [3.0]) == pytest.approx(94.8)  # right end, 2 px in
    left = free_place((0, 100), 1000, 50, [3.0, 98.0])  # right of the first line
    assert left == pytest.approx(3.5)
    assert free_place((0, 100), 100, 50, [10.0, 60.0]) is None  # nowhere
