"""The set-up dock's scroll area: the set-up panel scrolled up and down where it is taller than
the dock, never sideways (a :class:`SetupScroll` is the dock's widget; the panel is its widget).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QObject, QSize, Qt
from PySide6.QtWidgets import QDockWidget, QFrame, QMainWindow, QScrollArea, QStyle, QWidget

from app.window_place import SMALL_SCREEN


class SetupScroll(QScrollArea):
    """The set-up panel in the set-up dock, scrolled up and down where it is taller than the
    dock (presenting at 1280x720 its weight shock lay below the window's edge), never sideways:
    at least as tall as the panel where a 1280x720 screen has that room beside the window's bars
    (it then never scrolls), never taller: the dock's minimum height never grows the window past
    such a screen."""

    def __init__(self, panel: QWidget):
        super().__init__()
        self.setObjectName("setupScroll")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setWidgetResizable(True)  # the panel as wide as the area (no wider than its least)
        self.setWidget(panel)

    def _room(self) -> int:
        """The height a 1280x720 screen leaves the area: less the window's menu and status bars
        and the dock's title bar (its font's height and margins, as Qt draws it)."""
        window, dock = self.window(), self.parentWidget()
        if not isinstance(window, QMainWindow) or not isinstance(dock, QDockWidget):
            return SMALL_SCREEN.height()
        margin = dock.style().pixelMetric(QStyle.PixelMetric.PM_DockWidgetTitleMargin, None, dock)
        return (SMALL_SCREEN.height() - window.menuBar().sizeHint().height()
                - window.statusBar().minimumSizeHint().height()
                - dock.fontMetrics().height() - 2 * margin)

    def _hint(self, panel: QSize) -> QSize:
        """The area's size for the panel's ``panel`` size: at most the room's height, and the
        scroll bar's width beside the panel where it is taller than that (shown, the bar takes
        its width from the area's, not the panel's)."""
        edge, room = 2 * self.frameWidth(), self._room()
        bar = self.verticalScrollBar().sizeHint().width() if panel.height() + edge > room else 0
        return QSize(panel.width() + edge + bar, min(panel.height() + edge, room))

    def sizeHint(self) -> QSize:
        return self._hint(self.widget().sizeHint())

    def minimumSizeHint(self) -> QSize:
        return self._hint(self.widget().minimumSizeHint())

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if watched is self.widget() and event.type() == QEvent.Type.LayoutRequest:
            self.updateGeometry()  # the panel's fonts or notes changed its size: the dock's too
        return super().eventFilter(watched, event)
