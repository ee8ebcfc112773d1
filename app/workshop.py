"""Everything a workshop needs, installed on the main window in one call: the File menu
(sessions, own data, export), drag and drop, rewind, presentation mode and themes, help, icons."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from PySide6.QtCore import QEvent, QObject
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QAbstractScrollArea, QGraphicsView, QMenu

from app import export, help, icons, own_data, presentation, rewind, session
from app.files import FileError


def open_any(window: Any, path: str | Path) -> bool:
    """Open a dropped or named file: a CSV becomes own data, anything else is read as a session
    (which refuses, clearly, what is not one)."""
    if Path(path).suffix.lower() in (".csv", ".tsv", ".txt"):
        return own_data.load(window, path)
    return session.open_session(window, path, ask=True)


class _DropFilter(QObject):
    """Accepts one dropped local file anywhere on the window and opens it."""

    def __init__(self, window: Any):
        super().__init__(window)
        self.window = window

    @staticmethod
    def _path(event: Any) -> str | None:
        mime = event.mimeData()
        if mime is None or not mime.hasUrls():
            return None
        urls = [u for u in mime.urls() if u.isLocalFile()]
        return urls[0].toLocalFile() if len(urls) == 1 else None

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind in (QEvent.Type.DragEnter, QEvent.Type.DragMove):
            if self._path(event) is not None:
                event.acceptProposedAction()
                return True
        elif kind == QEvent.Type.Drop:
            path = self._path(event)
            if path is not None:
                event.acceptProposedAction()
                open_any(self.window, path)
                return True
        return False


def install_drops(window: Any) -> None:
    """Drop a session (.drlab / .json) or a CSV anywhere on the window to open it."""
    window.setAcceptDrops(True)
    for view in window.findChildren(QAbstractScrollArea):
        if isinstance(view, QGraphicsView):  # plots would swallow the drop
            view.setAcceptDrops(False)
            view.viewport().setAcceptDrops(False)
    window.drop_filter = _DropFilter(window)
    window.installEventFilter(window.drop_filter)


def _add(menu: QMenu, window: Any, text: str, slot: Any, key: str = "",
         icon: str = "") -> QAction:
    action = QAction(text, window)
    if key:
        action.setShortcut(QKeySequence(key))
        window.addAction(action)
    if icon:
        action.setIcon(icons.icon(icon))
    action.triggered.connect(lambda _=False: slot())
    menu.addAction(action)
    return action


def install_file_menu(window: Any) -> QMenu:
    """File: open / save sessions, own data, export, quit (inserted as the first menu)."""
    bar = window.menuBar()
    menu = QMenu("&File", window)
    bar.insertMenu(bar.actions()[0] if bar.actions() else None, menu)
    _add(menu, window, "Open session…", lambda: session.open_dialog(window), "Ctrl+O",
         "folder-open-outline")
    _add(menu, window, "Save session (with the run so far)…",
         lambda: session.save_dialog(window, True), "Ctrl+S", "content-save-outline")
    _add(menu, window, "Save session settings only (starts at step 0)…",
         lambda: session.save_dialog(window, False), "Ctrl+Shift+S", "content-save-cog-outline")
    menu.addSeparator()
    _add(menu, window, "Load own data (CSV: x1, x2, y)…", lambda: own_data.load_dialog(window),
         "Ctrl+D", "table-arrow-down")
    menu.addSeparator()
    exp = menu.addMenu(icons.icon("export-variant"), "Export")
    for name in window.plots.plots:
        _add(exp, window, f"Plot “{export.TITLES.get(name, name)}” (PNG or SVG)…",
             lambda n=name: export.plot_dialog(window, n))
    _add(exp, window, "Every plot, PNG and SVG, into a folder…",
         lambda: export.all_plots_dialog(window), "Ctrl+E", "image-multiple-outline")
    exp.addSeparator()
    _add(exp, window, "Run record (JSON or CSV)…", lambda: export.record_dialog(window),
         icon="file-table-outline")
    _add(exp, window, "The whole window (PNG)…", lambda: export.window_dialog(window),
         icon="monitor-screenshot")
    menu.addSeparator()
    _add(menu, window, "Quit", window.close, "Ctrl+Q", "exit-to-app")
    window.file_menu = menu
    return menu


def install(window: Any) -> None:
    """Install every workshop feature on ``window`` (a MainWindow)."""
    window.setWindowIcon(icons.app_icon())
    install_file_menu(window)
    rewind.install(window)
    presentation.install(window)
    help.install(window)
    install_drops(window)


def open_at_start(window: Any, path: str) -> None:
    """``--open FILE`` on the command line: like a drop, after the window is shown."""
    if not Path(path).exists():
        raise FileError(f"{path}: no such file")
    open_any(window, path)
