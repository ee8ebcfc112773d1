"""The time plots' step axis: its tick labels (written 12,000) are spaced by their measured widths
in the axis' font, so they never touch: at the smallest window (set-up panel closed), at 1280x720
and wider, and presenting (larger fonts), after 12,000 and 150,000 steps."""

import itertools

import pytest
from PySide6.QtGui import QFontMetricsF

from tests.helpers import play, settle, tick_labels, window_case
from widgets.plot_axes import StepAxis, nice_spacing
from widgets.plot_series import PLOTS

SIZES = ["min", (1010, 644), (1280, 720), (1600, 900)]


def _check_step_axis(win):
    """The step axis' labels: whole steps with thousands separators, ticks 1, 2, 5 x 10^n apart;
    two labels' centres at least their half widths (measured in the axis' font) and a gap apart
    in pixels, and their rectangles do not touch. Returns the labels' texts."""
    axis = win.plots.plots[PLOTS[-1]].getAxis("bottom")
    labels = tick_labels(axis)
    texts = [t for t, _ in labels]
    assert texts, ("no step labelled", win.size().toTuple(), win.presentation.on, axis.range,
                   axis.geometry().width(), axis.style["tickFont"].pointSizeF())
    values = [int(t.replace(",", "")) for t in texts]
    assert texts == [f"{v:,}" for v in values]
    fm = QFontMetricsF(axis.style["tickFont"])
    widths = [fm.horizontalAdvance(t) for t in texts]
    for (_, a), (_, b), wa, wb in zip(labels, labels[1:], widths, widths[1:], strict=False):
        assert a.right() < b.left(), texts  # pyqtgraph's own rectangles: apart
        assert b.center().x() - a.center().x() >= (wa + wb) / 2 + axis.label_gap(fm), texts
    if len(values) > 1:
        spacing = values[1] - values[0]
        assert spacing == nice_spacing(spacing)
        assert all(b - a == spacing for a, b in itertools.pairwise(values))
    # every plot's step axis (hidden labels above) ticks alike: the grid lines line up
    shown = [win.plots.plots[n].getAxis("bottom") for n in PLOTS
             if win.plots.plots[n].isVisible()]
    assert len({a.tickSpacing(*a.range, a.geometry().width())[0][0] for a in shown}) == 1
    return texts


@pytest.mark.parametrize("steps", [12_000, 150_000])
def test_step_labels_never_touch(win, qtbot, steps):
    play(win, steps)
    seen = {}
    for scale in (0.0, 1.5, 2.0):
        for size in SIZES[int(bool(scale)):]:  # (presenting, "min" is the layout's own least)
            if scale:  # presentation mode turned on at that size (it folds for the size)
                win.presentation.set_presentation(False, persist=False)
                window_case(win, qtbot, size)
            window_case(win, qtbot, size, scale=scale)
            seen[(scale, size, win.width())] = _check_step_axis(win)
    win.presentation.set_presentation(False, persist=False)
    settle(qtbot)
    assert win.minimumSize().width() <= 1010
    big = [t for t in seen.values() if any(len(s) >= 6 for s in t)]
    assert big  # (labels like 140,000 were checked)


def test_step_axis_spacing_grows_with_the_font(qapp):
    """Standalone: the same ranges and widths, tick fonts from 8 to 24 pt: the labels that fit
    inside the axis are their half widths and a gap apart, one at least is drawn, and a larger
    font never ticks closer."""
    from PySide6.QtGui import QFont

    axis = StepAxis("bottom")
    last: dict = {}
    for pt in (8.0, 12.0, 16.0, 24.0):
        f = QFont()
        f.setPointSizeF(pt)
        axis.setStyle(tickFont=f)
        fm = QFontMetricsF(f)
        for lo, hi, size in ((0, 12_240, 130), (129_000, 153_000, 128), (0, 150_000, 900),
                             (0, 12, 400), (98_000, 100_400, 300)):
            spacing = axis.tickSpacing(lo, hi, size)[0][0]
            px = size / (hi - lo)
            values = [v for v in range(0, hi + 1, int(spacing)) if v >= lo]
            texts = axis.tickStrings(values, 1.0, spacing)
            assert texts == [f"{v:,}" for v in values]
            drawn = [((v - lo) * px, fm.horizontalAdvance(t)) for v, t in zip(
                values, texts, strict=True)]
            drawn = [(x, w) for x, w in drawn if x - w / 2 >= -0.5 and x + w / 2 <= size + 0.5]
            assert drawn or pt * 4 > size / 7, (pt, lo, hi, spacing)  # (7 chars: room for one)
            assert all(b[0] - a[0] >= (a[1] + b[1]) / 2 + 6 for a, b in itertools.pairwise(drawn))
            assert spacing >= last.get((lo, hi, size), 0)
            last[(lo, hi, size)] = spacing


def test_step_axis_is_every_time_plots_bottom_axis(win):
    assert all(isinstance(win.plots.plots[n].getAxis("bottom"), StepAxis) for n in PLOTS)


def test_step_axis_tick_values_are_pyqtgraphs(qapp):
    """StepAxis works its one level of tick values out directly (no np.isclose against earlier
    levels: there are none): the same values as pyqtgraph's tickValues, either way round,
    on ranges from a step to a million, fractional ones and negative ones."""
    import random

    import pyqtgraph as pg

    axis = StepAxis("bottom")
    rng = random.Random(1)
    for _ in range(3000):
        lo = rng.uniform(-1e6, 1e7) * rng.choice([1e-3, 1.0])
        hi = lo + rng.choice([1, 3, 17, 100, 1e3, 2e4, 1e6]) * rng.random() + 1e-9
        size = rng.choice([100, 300, 640.5, 1000, 1600])
        for a, b in ((lo, hi), (hi, lo)):
            got = axis.tickValues(a, b, size)
            want = pg.AxisItem.tickValues(axis, a, b, size)
            assert len(got) == len(want) == 1
            assert got[0][0] == want[0][0] and list(got[0][1]) == list(want[0][1])
