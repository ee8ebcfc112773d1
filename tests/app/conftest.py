"""Fixtures for the workshop features: a window with throw-away preferences, silent dialogs."""

import pytest
from PySide6.QtCore import QSettings

from app import dialogs, settings
from tests.helpers import open_window


@pytest.fixture
def prefs(tmp_path):
    """Preferences in a temporary INI file; the default look is restored afterwards."""
    p = settings.Preferences(QSettings(str(tmp_path / "prefs.ini"), QSettings.Format.IniFormat))
    settings.use(p)
    yield p
    settings.use(None)


@pytest.fixture
def messages(monkeypatch):
    """Dialogs never block: errors and infos are collected instead."""
    seen: list[tuple[str, str]] = []
    monkeypatch.setattr(dialogs, "error", lambda parent, text, detail="": seen.append(
        ("error", f"{text} {detail}")))
    monkeypatch.setattr(dialogs, "info", lambda parent, text: seen.append(("info", text)))
    return seen


@pytest.fixture
def win(qtbot, prefs, messages):
    """The main window on the bias-shock preset, shown at 1280x720."""
    from PySide6.QtWidgets import QApplication

    from widgets import style

    w = open_window(qtbot)
    yield w
    w.controller.pause()
    if w.presentation.on:
        w.presentation.set_presentation(False, persist=False)
    if style.theme() is not style.LIGHT:
        w.presentation.set_theme("light", persist=False)
    QApplication.processEvents()  # deliver the font and palette changes while w is alive


@pytest.fixture(autouse=True)
def _clear_status_messages():
    """A timed status-bar message runs a QTimer: stop them before the leftover-timer check."""
    yield
    from PySide6.QtWidgets import QApplication, QMainWindow

    if QApplication.instance() is None:
        return
    for w in QApplication.topLevelWidgets():
        if isinstance(w, QMainWindow):
            w.statusBar().clearMessage()
