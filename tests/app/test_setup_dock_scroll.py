"""The set-up panel scrolls in its dock where it is taller than the dock: presenting at 1280x720
its Weight shock box lay below the window's edge, out of reach (the dock grew past the window
and the status bar was drawn over it)."""

from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QGroupBox, QScrollArea

from app.window_place import SMALL_SCREEN


def _rect(win, widget):
    return QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())


def _shock_box(win):
    (box,) = [b for b in win.setup.findChildren(QGroupBox) if b.title() == "Weight shock"]
    return box


def _area(win):
    """The scroll area the panel lies in, in the set-up dock."""
    area = win.setup_dock.widget()
    assert isinstance(area, QScrollArea) and area.widget() is win.setup
    return area


def _in_view(win, widget):
    """``widget`` lies whole in the dock's visible part, above the status bar, in the window."""
    view = _rect(win, win.setup_dock.widget())
    if isinstance(win.setup_dock.widget(), QScrollArea):
        view = _rect(win, win.setup_dock.widget().viewport())
    shown = _rect(win, widget)
    return (view.contains(shown) and shown.bottom() < win.statusBar().y()
            and win.rect().contains(shown))


def _open_setup(win):
    win.setup_dock.show()
    QApplication.processEvents()
    assert win.setup_dock.isVisible()


def test_presenting_at_720_the_weight_shock_is_reachable(win, prefs):
    win.presentation.set_presentation(True, persist=False)
    QApplication.processEvents()
    _open_setup(win)  # (presentation mode hid it: opened again while presenting)
    assert win.size().toTuple() == (1280, 720)
    dock = win.setup_dock.geometry()
    assert dock.bottom() < win.statusBar().y()  # the dock ends above the status bar
    box = _shock_box(win)
    assert not _in_view(win, box)  # (below the dock's edge at first)
    area = _area(win)
    assert win.setup.height() > area.viewport().height()  # it scrolls ...
    scroll = area.verticalScrollBar()
    assert scroll.isVisible() and scroll.maximum() > 0
    area.ensureWidgetVisible(box)  # ... down to the Weight shock box
    QApplication.processEvents()
    assert _in_view(win, box)
    assert not area.horizontalScrollBar().isVisible()
    assert win.setup.width() == area.viewport().width()  # the panel as wide as the area
    assert win.setup.width() >= win.setup.minimumSizeHint().width()
    assert _in_view(win, win.setup.shock_w1)


def test_presenting_the_minimum_height_fits_a_720_screen(win, prefs):
    win.presentation.set_presentation(True, persist=False)
    _open_setup(win)
    assert win.minimumSize().height() <= SMALL_SCREEN.height()
    assert win.layout().totalMinimumSize().height() <= SMALL_SCREEN.height()
    assert win.size().toTuple() == (1280, 720)


def test_at_the_minimum_size_the_whole_panel_is_shown(win, prefs):
    """At normal scale the dock still asks for the panel's height: at the window's minimum size
    (which stays within 1280x720) the panel is whole, without a scroll bar beside it."""
    _open_setup(win)
    win.resize(1, 1)  # (the window takes its minimum size)
    QApplication.processEvents()
    least = win.minimumSize()
    assert win.size() == least
    assert least.width() <= SMALL_SCREEN.width() and least.height() <= SMALL_SCREEN.height()
    area = _area(win)
    assert not area.verticalScrollBar().isVisible()
    assert win.setup.height() <= area.viewport().height()
    assert _in_view(win, _shock_box(win))
    assert win.setup.width() >= win.setup.minimumSizeHint().width()

