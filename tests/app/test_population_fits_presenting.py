"""The Population tab's right column fits its page presenting: at 1280x720 (1.5x) it needed 662
px in 440 and scrolled, the dropped-versus-dead strip below the fold. Its texts now take the
largest size, presentation's at most and the normal one at least, at which the whole column
(status, table, finding, strip title, strip and key) is in view; where there is room (1920x1080
at 1.5x) they keep presentation's size, and without presenting nothing changes size.

(The `win` fixture's preferences are temporary and it ends presentation mode afterwards.)
"""

import pytest
from PySide6.QtCore import QPoint, QRect

from tests.helpers import catch_up_population, open_tab, settle, window_case
from widgets.claim_controls import FONT_PT
from widgets.population_plots import STRIP_MIN_H


def _population(win, qtbot):
    """The Population view, its population caught up with the lanes' 60 steps and a shock."""
    return catch_up_population(win, qtbot, open_tab(win, "Population"))


def _texts(view):
    return (view.status, view.table, view.finding, view.strip_title, view.strip_key)


def _key_beside(view):
    """True when the strip's key is right of the strip (else it is under it)."""
    strip, key = view.strip.geometry(), view.strip_key.geometry()
    if key.left() >= strip.right():
        assert key.top() == strip.top()
        return True
    assert key.top() > strip.bottom()
    return False


def _assert_all_in_view(view):
    """No scrolling: every part of the column lies inside the column's viewport, whole."""
    side = view.side
    assert side.verticalScrollBar().maximum() == 0
    port = QRect(QPoint(0, 0), side.viewport().size())
    for w in (*_texts(view), view.strip):
        rect = QRect(w.mapTo(side.viewport(), QPoint(0, 0)), w.size())
        assert port.contains(rect), (w, rect, port)
    for label in _texts(view):  # every text whole in its label
        assert label.heightForWidth(label.width()) <= label.height(), label.text()[:60]
    assert view.strip.height() >= STRIP_MIN_H
    assert side.geometry().right() <= view.width()


@pytest.mark.parametrize(("size", "scale"), [((1280, 720), 1.5), ((1920, 1080), 2.0)])
def test_the_column_fits_presenting_without_scrolling(win, qtbot, size, scale):
    window_case(win, qtbot, size, scale=scale)
    view = _population(win, qtbot)
    _assert_all_in_view(view)
    for label in _texts(view):  # readable: never under the normal size, the key's neither
        assert label.font().pointSizeF() >= FONT_PT
    # the key beside the strip (under it, its lines took the strip's height)
    assert _key_beside(view)
    assert view.table.font().pointSizeF() >= 11.5  # (1280x720: 11.5 pt measured)
    # the table is never cut, and the plots beside the column stay readable
    assert view.table.width() >= view.table.minimumSizeHint().width()
    assert view.capacity.vb.width() >= 400 and view.capacity.vb.height() >= 150


def test_the_texts_keep_presentations_size_where_there_is_room(win, qtbot):
    window_case(win, qtbot, (1920, 1080), scale=1.5)
    view = _population(win, qtbot)
    _assert_all_in_view(view)
    assert view.table.font().pointSizeF() == pytest.approx(FONT_PT * 1.5)
    assert view.strip_key.font().pointSizeF() == pytest.approx(10 * 1.5)
    assert not _key_beside(view)  # (as before: the strip as wide as the column)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_not_presenting_the_texts_keep_their_sizes(win, qtbot, size):
    window_case(win, qtbot, size)
    view = _population(win, qtbot)
    _assert_all_in_view(view)
    assert [lb.font().pointSizeF() for lb in _texts(view)] == [FONT_PT] * 4 + [10]
    assert not _key_beside(view)


def test_presenting_ends_the_normal_sizes_return(win, qtbot):
    window_case(win, qtbot, (1280, 720), scale=1.5)
    view = _population(win, qtbot)
    win.presentation.set_presentation(False, persist=False)
    settle(qtbot, 4)
    _assert_all_in_view(view)
    assert [lb.font().pointSizeF() for lb in _texts(view)] == [FONT_PT] * 4 + [10]
    assert not _key_beside(view) and "<br>" not in view.strip_key.text()  # the key back under


def test_the_catch_up_bar_shown_then_hidden(win, qtbot):
    """While the catch-up bar is shown the texts make room for it (at 1280x720 presenting the
    column still scrolls by its ~30 px then, at 11 pt); hidden, the texts get their size back
    (at a new text only the size in force is checked, not searched again)."""
    window_case(win, qtbot, (1280, 720), scale=1.5)
    view = _population(win, qtbot)
    size = view.table.font().pointSizeF()
    view.progress.setVisible(True)
    settle(qtbot, 4)
    assert view.table.font().pointSizeF() < size
    view.progress.setVisible(False)
    settle(qtbot, 4)
    _assert_all_in_view(view)
    assert view.table.font().pointSizeF() == size


def test_a_new_x_label_is_centred_under_the_plot(win, qtbot):
    """The capacity plot's x label, changed to its longer form ('... side by side') without a
    resize, is placed again: pyqtgraph placed it for the short one, and the long one ran past
    the plot's right edge (seen at 1280x720). The labels here keep the axis's height (no resize
    places them: '±' changed it offscreen)."""
    window_case(win, qtbot, (1280, 720))
    view = _population(win, qtbot)
    axis = view.capacity.getAxis("bottom")
    labels = ("steps run and lines of equal value drawn side by side", "steps run")
    view._fit_label(axis, labels[1:])
    view._fit_label(axis, labels)
    assert axis.labelText == labels[0]
    left = axis.label.pos().x()
    width = axis.label.boundingRect().width()
    assert left >= 0 and left + width <= axis.width() + 1
    assert abs(left + width / 2 - axis.width() / 2) <= 1
