"""The "z ≤ 0" label keeps clear of the lanes' z bands where it can: after the bias shock the
bands lie along the bottom of the z plot, and the label at the bottom right was buried under
them; it now goes where no band passes (the top of the shaded region, under the 0 line), and
stays there while that place stays clear."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from tests.helpers import play
from widgets.time_ranges import band_clear

SIZES = [(1280, 720), (1920, 1080)]


def _settle():
    for _ in range(3):
        QApplication.processEvents()


def _label_box(plots):
    """The label's box in the z plot's data units: (x0, x1, y0, y1)."""
    vb = plots.plots["z"].vb
    r = plots.z_label.sceneBoundingRect()
    a, b = vb.mapSceneToView(r.topLeft()), vb.mapSceneToView(r.bottomRight())
    return min(a.x(), b.x()), max(a.x(), b.x()), min(a.y(), b.y()), max(a.y(), b.y())


def _bands_under(plots, box):
    """The drawn z-band edges of the visible lanes that enter ``box`` (their lane labels)."""
    x0, x1, y0, y1 = box
    hit = []
    for lane in plots.lanes:
        if not lane.z_lo.isVisible():
            continue
        x, lo = lane.z_lo.getData()
        _, hi = lane.z_hi.getData()
        a = max(int(np.searchsorted(x, x0, "right")) - 1, 0)
        b = int(np.searchsorted(x, x1, "right")) + 1
        if ((lo[a:b] <= y1) & (hi[a:b] >= y0)).any():
            hit.append(lane.label)
    return hit


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("steps", [3000, 8000])
def test_the_z_label_is_not_over_a_band(win, size, steps):
    win.resize(*size)
    play(win, steps)
    _settle()
    plots = win.plots
    assert plots.z_label.isVisible()
    box = _label_box(plots)
    assert _bands_under(plots, box) == [], box
    lo, hi = plots.plots["z"].vb.viewRange()[1]
    assert lo - 1e-9 <= box[2] and box[3] <= min(hi, 0.0) + 1e-9  # inside the shaded region


def test_the_z_label_stays_while_its_place_is_clear(win):
    win.resize(1280, 720)
    play(win, 3000)
    _settle()
    plots = win.plots
    at = plots.z_label.sceneBoundingRect()
    for _ in range(5):  # (the x range grows meanwhile: a place right of a marker is in pixels)
        play(win, 17)
        _settle()
        if _bands_under(plots, _label_box(plots)):
            break
        r = plots.z_label.sceneBoundingRect()
        assert abs(r.left() - at.left()) <= 3 and abs(r.top() - at.top()) <= 3, (at, r)


def test_band_clear():
    x = np.array([0.0, 10.0, 20.0, 30.0])
    lo = np.array([[-10.0, -10.0, -1.0, -1.0]])
    hi = np.array([[-9.0, -9.0, 1.0, 1.0]])
    assert band_clear(x, lo, hi, (0.0, 9.0, -5.0, -3.0))
    assert not band_clear(x, lo, hi, (0.0, 9.0, -9.5, -3.0))  # the first bins' band
    assert not band_clear(x, lo, hi, (12.0, 15.0, -0.5, 0.5))  # the bin before 12 reaches on
    assert band_clear(x, lo, hi, (12.0, 15.0, 2.0, 3.0))
    assert band_clear(x, lo[:0], hi[:0], (0.0, 30.0, -10.0, 10.0))  # no lanes shown
