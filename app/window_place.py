"""Where the main window opens, and at what size: the size it had when last closed, else the
design size (1920x1080) shrunk to fit the screen, so a 1280x720 projector shows the whole window
(maximized there, so that the window manager fits its frame too).

A size asked for on the command line (``--size``) is used as given. The geometry is stored when
the window closes (:func:`remember_on_close`), and only for windows placed here: the tests'
windows never change what the next ``make run`` opens with.
"""

from __future__ import annotations

from PySide6.QtCore import QByteArray, QObject, QRect, QSize, Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import QTabWidget, QWidget

from app.settings import Preferences

DESIGN_SIZE = QSize(1920, 1080)  # what the layout is drawn for (and screenshots are taken at)
TABS_MIN = QSize(960, 400)  # the most the main window's tab pages may ask of it
SMALL_SCREEN = QSize(1280, 720)  # the smallest screen the window must fit: its minimum size
# never exceeds it


class BoundedTabs(QTabWidget):
    """Tabs asking the window for at most TABS_MIN: a page that would need more (presentation
    mode's large fonts) is squeezed, and never grows the window past a 1280x720 screen."""

    def minimumSizeHint(self) -> QSize:
        return super().minimumSizeHint().boundedTo(TABS_MIN)


def keep_size(window: QWidget, size: QSize) -> None:
    """``window`` keeps ``size`` (a dock shown, larger fonts): its contents make room, fold or
    scroll; a maximized or full-screen window is the window manager's to size."""
    for _ in range(2):  # twice: a first pass may rewrap the transport bar's rows, and its
        window.layout().invalidate()  # minimum width is only right after that
        window.layout().activate()
    if window.size() != size and not (window.isMaximized() or window.isFullScreen()):
        window.resize(size)


def fit_size(available: QRect, design: QSize = DESIGN_SIZE) -> QSize:
    """``design``, each side cut to what ``available`` (a screen's free area) holds."""
    return QSize(min(design.width(), available.width()), min(design.height(), available.height()))


def _available(window: QWidget) -> QRect:
    screen = window.screen() or QGuiApplication.primaryScreen()
    return screen.availableGeometry() if screen is not None else QRect(0, 0, 1920, 1080)


def place(window: QWidget, size: tuple[int, int] | None, prefs: Preferences) -> str:
    """Size and place ``window`` before it is shown; which rule applied: "asked" (``size``),
    "restored" (the stored geometry) or "fitted" (the design size on this screen)."""
    if size is not None:
        window.resize(*size)
        return "asked"
    stored = prefs.window_geometry()
    if stored is not None and window.restoreGeometry(QByteArray(stored)):
        area = _available(window)
        frame = window.frameGeometry()
        if area.contains(frame.topLeft()) and window.width() <= area.width() \
                and window.height() <= area.height():
            return "restored"
    area = _available(window)
    fitted = fit_size(area)
    window.resize(fitted)
    window.move(area.left() + (area.width() - fitted.width()) // 2,
                area.top() + (area.height() - fitted.height()) // 2)
    if fitted != DESIGN_SIZE:  # a smaller screen: the window manager fits frame and all
        window.setWindowState(window.windowState() | Qt.WindowState.WindowMaximized)
    return "fitted"


class _Remember(QObject):
    """Stores its window's geometry in the preferences when the window closes."""

    def __init__(self, window: QWidget, prefs: Preferences):
        super().__init__(window)
        self._prefs = prefs
        window.installEventFilter(self)

    def eventFilter(self, obj: QObject, event) -> bool:
        from PySide6.QtCore import QEvent

        if event.type() == QEvent.Type.Close and isinstance(obj, QWidget):
            self._prefs.set_window_geometry(bytes(obj.saveGeometry().data()))
            self._prefs.sync()
        return False


def remember_on_close(window: QWidget, prefs: Preferences) -> None:
    """Store ``window``'s size and place in ``prefs`` when it closes (see :func:`place`)."""
    _Remember(window, prefs)
