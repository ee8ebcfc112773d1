"""The Death map's lr-factor labels (first column: a state map over a recovery map) never touch:
pyqtgraph centred each label on its tick, so the state map's "×1" (its axis's bottom end) ran
into the recovery map's "×100" (the top end of the axis below), and at large fonts was cut.
Measured on the rectangles the labels are drawn in (the axis's own text specs, laid out by Qt
as drawPicture draws them, in scene coordinates), and on the pixels drawn: in 1280x720 and
1920x1080 windows, presenting at every scale and not, light and dark theme.
"""

import itertools

import pytest
from PySide6.QtCore import QPointF, QRectF
from PySide6.QtGui import QColor, QPainter, QPicture

from app.settings import SCALES
from tests.helpers import swept_death_map
from widgets import style

CASES = ([((1280, 720), s, "light") for s in (0.0, *SCALES)]
         + [((1920, 1080), s, "light") for s in (0.0, SCALES[0], SCALES[-1])]
         + [((1280, 720), SCALES[0], "dark"), ((1920, 1080), 0.0, "dark")])


def swept(win, qtbot, size, scale, theme):
    """The Death map of ``win`` at ``size`` and ``scale`` after a sweep over the factors 1 to
    100 on the default 40-row grid (its end ticks half a row inside the axis)."""
    if theme != "light":
        win.presentation.set_theme(theme, persist=False)
    return swept_death_map(win, qtbot, size, scale, rows=40, columns=4, steps=60)


def labels(axis):
    """(text, scene rectangle) of each tick label ``axis`` draws: the rectangle Qt lays the
    text out in, given the spec's rectangle and flags (what drawPicture draws)."""
    picture = QPicture()
    painter = QPainter(picture)
    try:
        _, _, texts = axis.generateDrawSpecs(painter)
        drawn = [(text, painter.boundingRect(rect, int(flags), text))
                 for rect, flags, text in texts]
    finally:
        painter.end()
    return [(text, axis.mapRectToScene(rect)) for text, rect in drawn]


def first_column(view):
    """The first column's two left axes: the state map's, the recovery map's."""
    state, _, recovery, _ = view.maps[0]
    return state.getAxis("left"), recovery.getAxis("left")


def scene_rect(item) -> QRectF:
    return item.mapRectToScene(item.mapRectFromParent(item.geometry()))


@pytest.mark.parametrize(("size", "scale", "theme"), CASES)
def test_the_first_columns_factor_labels_never_touch_and_stay_in_view(
        win, qtbot, size, scale, theme):
    view = swept(win, qtbot, size, scale, theme)
    case = (size, scale, theme)
    top, bottom = first_column(view)
    shown = QRectF(view.area.mapToScene(view.area.viewport().rect()).boundingRect())
    drawn = []
    for axis in (top, bottom):
        found = labels(axis)
        texts = [t for t, _ in found]
        # every end decade labelled on both maps; ×10 too where the fonts are normal
        assert "×1" in texts and "×100" in texts, (case, texts)
        if not scale:
            assert "×10" in texts, (case, texts)
        own = scene_rect(axis)
        for text, rect in found:
            # inside its own axis (not past the map's ends: not cut, not over the other map)
            assert own.adjusted(-0.5, -0.5, 0.5, 0.5).contains(rect), (case, text, rect, own)
            assert shown.contains(rect), (case, text, rect, shown)
        drawn += found
    for (ta, a), (tb, b) in itertools.combinations(drawn, 2):
        # apart by a pixel at least (touching counts)
        assert not a.adjusted(-1, -1, 1, 1).intersects(b), (case, ta, a, tb, b)


def ink_rows(view, axis, bg: QColor) -> set[int]:
    """The viewport's pixel rows with text ink in ``axis``'s label strip (left of its line)."""
    image = view.area.viewport().grab().toImage()
    own = view.area.mapFromScene(scene_rect(axis)).boundingRect()
    line = view.area.mapFromScene(QPointF(axis.mapToScene(
        axis.mapRectFromParent(axis.geometry()).topRight()))).x()
    rows = set()
    for y in range(max(0, own.top() - 20), min(image.height(), own.bottom() + 20)):
        for x in range(max(0, own.left()), line - 3):
            c = image.pixelColor(x, y)
            if max(abs(c.red() - bg.red()), abs(c.green() - bg.green()),
                   abs(c.blue() - bg.blue())) > 40:
                rows.add(y)
                break
    return rows


@pytest.mark.parametrize(("size", "scale"), [((1280, 720), 0.0), ((1280, 720), SCALES[-1])])
def test_the_drawn_text_stays_in_the_measured_rectangles(win, qtbot, size, scale):
    view = swept(win, qtbot, size, scale, "light")
    bg = QColor(style.theme().plot_bg)
    rows: set[int] = set()
    per_axis = []
    for axis in first_column(view):
        rows |= ink_rows(view, axis, bg)
        per_axis.append([view.area.mapFromScene(r).boundingRect() for _, r in labels(axis)])
    boxes = per_axis[0] + per_axis[1]
    assert rows, "no label drawn"
    outside = sorted(y for y in rows if not any(b.top() - 1 <= y <= b.bottom() + 1
                                                for b in boxes))
    assert not outside, (size, scale, outside)
    # a clear pixel row between the state map's lowest label and the recovery map's highest
    state_low = max(b.bottom() for b in per_axis[0])
    recovery_high = min(b.top() for b in per_axis[1])
    assert set(range(state_low + 1, recovery_high)) - rows, (size, scale, state_low,
                                                            recovery_high)
