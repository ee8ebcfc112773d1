"""The Population page fits its window at every presentation font: its controls wrap instead of
asking for 1,934 px at 2x, no control is squeezed below its size, the table of counts is never cut,
and the capacity plot keeps a readable size.

(The `win` fixture's preferences are temporary and it ends presentation mode afterwards.)
"""

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QLabel


def _fully_shown(label):
    """The whole text of the word-wrapped ``label`` fits in it."""
    return label.heightForWidth(label.width()) <= label.height()


def _population(win, qtbot):
    """The Population page shown, its population caught up with a few steps of the lanes."""
    titles = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    win.tabs.setCurrentIndex(titles.index("Population"))
    page = win.tabs.currentWidget()
    view = page.view
    win.controller.sim.run(40)
    win.controller.bias_shock(-10.0)
    win.controller.sim.run(20)
    f = view.follower
    qtbot.waitUntil(lambda: f.sync(win.controller.sim, win.controller.journal), timeout=10_000)
    view.refresh(force=True)
    return page, view


def _settle(qtbot):
    for _ in range(3):
        QApplication.processEvents()
    qtbot.wait(20)


@pytest.mark.parametrize(("size", "scale"), [
    ((1920, 1080), 2.0), ((1920, 1080), 1.5), ((1280, 720), 1.5), ((1280, 720), 2.0),
    ((1920, 1080), None), ((1280, 720), None)])
def test_population_page_fits_its_window(win, qtbot, size, scale):
    win.resize(*size)
    if scale is not None:
        win.presentation.set_scale(scale)
        win.presentation.set_presentation(True, persist=False)
    page, view = _population(win, qtbot)
    _settle(qtbot)
    if scale is not None:  # (1280x720 caps the font at 1.5x)
        assert win.presentation.font_scale() == (scale if size[1] >= 900 else 1.5)
    assert page.minimumSizeHint().width() <= win.tabs.width()
    assert view.width() <= win.tabs.width()
    shown = QRect(QPoint(0, 0), view.size())
    controls = [view.size_box, view.init_box, view.random_box, view.dropout_box]
    controls += [lb for lb in view.findChildren(QLabel) if lb.text() in (
        "Neurons per activation", "Start", "ReLU + dropout, p =")]
    assert len(controls) == 7
    for child in controls:  # every control whole, inside the page
        assert child.width() >= child.sizeHint().width(), child
        rect = QRect(child.mapTo(view, QPoint(0, 0)), child.size())
        assert shown.contains(rect), (child, rect, shown)
    # the right column: as wide as the table's rows, every text whole (it may scroll)
    assert view.table.width() >= view.table.minimumSizeHint().width()
    for label in (view.status, view.table, view.finding, view.strip_title, view.strip_key):
        assert _fully_shown(label), label.text()[:60]
    table = QRect(view.table.mapTo(view, QPoint(0, 0)), view.table.size())
    assert table.right() <= shown.right()
    # the plot still readable
    assert view.capacity.vb.width() >= 400 and view.capacity.vb.height() >= 150
    assert "after 60 steps," in view.table.text()  # the lanes' 60 (at rest)


def test_controls_wrap_only_when_needed(win, qtbot):
    """One row at the normal font; two at 2x in 1920 px (one would need ~1,930 px)."""
    win.resize(1920, 1080)
    _, view = _population(win, qtbot)
    _settle(qtbot)
    assert not view.controls.wrapped
    win.presentation.set_scale(2.0)
    win.presentation.set_presentation(True, persist=False)
    _settle(qtbot)
    assert view.controls.wrapped
    assert view.controls.one_row_width() > win.tabs.width()
    win.presentation.set_presentation(False, persist=False)
    _settle(qtbot)
    assert not view.controls.wrapped

