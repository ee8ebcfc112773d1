"""Where a time-plot curve's new data is drawn otherwise than its old data (the stretches a frame
repaints, see Curve.set_xy): nothing, the end it grew by, the front a sliding window dropped,
from the first point that changed on, and only the new end of a level segment made longer."""

import numpy as np

from widgets.plot_items import changed_spans


def test_changed_spans():
    rng = np.random.default_rng(0)
    x = np.arange(100.0)
    y = rng.normal(size=100)
    assert changed_spans(x, y, x, y) == []
    x2, y2 = np.arange(105.0), np.concatenate([y, rng.normal(size=5)])
    assert changed_spans(x, y, x2, y2) == [(99.0, 104.0)]  # grew: from its old last point
    y3 = y2.copy()
    y3[99] = 7.0  # its old last point moved too
    assert changed_spans(x, y, x2, y3) == [(98.0, 104.0)]
    assert changed_spans(x, y, x2[5:], y2[5:]) == [(0.0, 5.0), (99.0, 104.0)]  # slid and grew
    assert changed_spans(x, y, x[5:], y[5:]) == [(0.0, 5.0)]
    assert changed_spans(x, y, x[:90], y[:90]) == [(89.0, 99.0)]  # shortened
    assert changed_spans(x, y, x - 0.5, y) == [(-0.5, 99.0)]  # no first point in common
    gap = y.copy()
    gap[50] = np.nan  # a gap is the same gap
    assert changed_spans(x, gap, x, gap) == []
    assert changed_spans(x, y, x, gap) == [(49.0, 99.0)]
    # a level segment made longer (a rail, a flat stretch kept as its two ends): its new end
    assert changed_spans(np.array([0.0, 50.0]), np.array([1.0, 1.0]),
                         np.array([0.0, 60.0]), np.array([1.0, 1.0])) == [(50.0, 60.0)]
    assert changed_spans(np.empty(0), np.empty(0), x, y) == [(0.0, 99.0)]
    assert changed_spans(x, y, np.empty(0), np.empty(0)) == [(0.0, 99.0)]
