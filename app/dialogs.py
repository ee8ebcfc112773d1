"""Every dialog the file features open, in one place (tests replace these functions)."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from PySide6.QtWidgets import QFileDialog, QMessageBox, QWidget

from app import settings

TITLE = "Dying ReLU Lab"


def _start(name: str = "") -> str:
    folder = settings.preferences().last_dir()
    return str(Path(folder) / name) if name else folder


def _remember(path: str) -> str | None:
    if not path:
        return None
    settings.preferences().set_last_dir(str(Path(path).parent))
    return path


@contextmanager
def paused(window: Any) -> Iterator[None]:
    """The run stands still while a file dialog is open (what is saved or exported is the step
    shown when the person asked, and the dialog's questions name a step that does not move);
    afterwards it plays again if it was playing and is still the same run (an opened session
    replaces it, and a new run starts paused)."""
    c = window.controller
    was_running, sim = c.running, c.sim
    c.pause()
    try:
        yield
    finally:
        if was_running and c.sim is sim:
            c.play()


def ask_open(parent: QWidget, caption: str, filters: str) -> str | None:
    """A file to open, or None if cancelled."""
    path, _ = QFileDialog.getOpenFileName(parent, caption, _start(), filters)
    return _remember(path)


def ask_save(parent: QWidget, caption: str, name: str, filters: str) -> str | None:
    """A file to write (the dialog asks before replacing one), or None if cancelled."""
    path, _ = QFileDialog.getSaveFileName(parent, caption, _start(name), filters)
    return _remember(path)


def ask_folder(parent: QWidget, caption: str) -> str | None:
    """A folder, or None if cancelled."""
    path = QFileDialog.getExistingDirectory(parent, caption, _start())
    if not path:
        return None
    settings.preferences().set_last_dir(path)
    return path


def error(parent: QWidget, text: str, detail: str = "") -> None:
    """A clear refusal: what was not done and why; nothing changed."""
    box = QMessageBox(QMessageBox.Icon.Warning, TITLE, text, QMessageBox.StandardButton.Ok, parent)
    if detail:
        box.setInformativeText(detail)
    box.exec()


def info(parent: QWidget, text: str) -> None:
    """A short confirmation."""
    QMessageBox.information(parent, TITLE, text)


def confirm(parent: QWidget, text: str, title: str = TITLE) -> bool:
    """Yes or Cancel (the default) before an action discards something, e.g. a run (a function
    looked up where it is used: the tests answer it there)."""
    buttons = QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.Cancel
    answer = QMessageBox.question(parent, title, text, buttons,
                                  QMessageBox.StandardButton.Cancel)
    return answer == QMessageBox.StandardButton.Yes
