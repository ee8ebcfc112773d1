"""The Death-map tab's five map columns (ReLU, Leaky ReLU, PReLU, ELU, SELU) fit the tab: in a
1280x720 window presenting at every font scale (ELU's column was cut and SELU's off-screen), and
not presenting, and at 1920x1080; every title is whole, over its own map, apart from the others.

(The `win` fixture's preferences are temporary and it ends presentation mode afterwards.)
"""

import itertools

import pytest
from PySide6.QtCore import QPoint, QPointF, QRect, QRectF

from app.settings import SCALES
from tests.helpers import swept_death_map, tab_page

CASES = [((1280, 720), s) for s in SCALES] + [((1280, 720), 0.0), ((1920, 1080), 0.0),
                                               ((1920, 1080), SCALES[0])]


def _swept(win, qtbot, size, scale):
    return swept_death_map(win, qtbot, size, scale)


def _visible(widget, top) -> QRect:
    """The part of ``widget`` its ancestors up to ``top`` leave visible, in ``top``'s
    coordinates."""
    rect = QRect(widget.mapTo(top, QPoint(0, 0)), widget.size())
    p = widget.parentWidget()
    while p is not None and p is not top:
        rect = rect.intersected(QRect(p.mapTo(top, QPoint(0, 0)), p.size()))
        p = p.parentWidget()
    return rect.intersected(top.rect())


def _in_page(view, page, item) -> QRectF:
    """``item``'s scene rectangle in ``page``'s coordinates."""
    area = view.area
    poly = area.mapFromScene(item.sceneBoundingRect())
    rect = QRectF(poly.boundingRect())
    return rect.translated(QPointF(area.viewport().mapTo(page, QPoint(0, 0))))


@pytest.mark.parametrize(("size", "scale"), CASES)
def test_all_five_columns_are_whole_in_the_tab(win, qtbot, size, scale):
    view = _swept(win, qtbot, size, scale)
    page = tab_page(win, "Death map")
    shown = QRectF(_visible(view.area.viewport(), page))
    assert len(view.maps) == 5
    for state, _, recovery, _ in view.maps:
        for plot in (state, recovery):
            rect = _in_page(view, page, plot)
            assert shown.adjusted(-0.5, -0.5, 0.5, 0.5).contains(rect), (size, scale, rect, shown)


@pytest.mark.parametrize(("size", "scale"), CASES)
def test_every_title_is_whole_over_its_own_map(win, qtbot, size, scale):
    view = _swept(win, qtbot, size, scale)
    page = tab_page(win, "Death map")
    shown = QRectF(_visible(view.area.viewport(), page)).adjusted(-0.5, -0.5, 0.5, 0.5)
    titles = []
    for state, _, _, _ in view.maps:
        label = state.titleLabel
        text = label.item.boundingRect().width()
        assert text <= label.boundingRect().width() + 0.5, (size, scale, label.text, text)
        assert label.item.sceneBoundingRect().height() > 0
        rect = _in_page(view, page, label.item)
        # over its map (not over the next column's axis) and inside the tab
        vb = _in_page(view, page, state.vb)
        assert vb.left() - 0.5 <= rect.left() and rect.right() <= vb.right() + 0.5, label.text
        assert shown.contains(rect), (size, scale, label.text, rect, shown)
        titles.append(rect)
    for a, b in itertools.pairwise(titles):
        assert a.right() <= b.left(), (size, scale)


@pytest.mark.parametrize("scale", SCALES)
def test_the_maps_stay_equally_wide_and_readable_presenting(win, qtbot, scale):
    view = _swept(win, qtbot, (1280, 720), scale)
    widths = [pair[k].vb.sceneBoundingRect().width() for pair in view.maps for k in (0, 2)]
    assert max(widths) - min(widths) <= 1, widths
    assert min(widths) >= 80, widths  # px: a map a viewer can read
