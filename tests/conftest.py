"""Test set-up: headless Qt before any QApplication exists; leftover timers fail the test."""

import gc
import os
import sys
import tempfile
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
# preferences (theme, presentation mode) go to a throw-away file, never the user's own
os.environ.setdefault("DYING_RELU_LAB_SETTINGS",
                      os.path.join(tempfile.mkdtemp(prefix="drl-settings-"), "settings.ini"))
# the live loop steps in the window's process, as tests of it expect (tests of the second
# process that steps at high speeds ask for it)
os.environ.setdefault("DYING_RELU_LAB_STEPPER", "inline")
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

import pytest  # noqa: E402

from app.pyqtgraph_import import import_pyqtgraph  # noqa: E402

import_pyqtgraph()  # as the app does, before any test module imports pyqtgraph


@pytest.fixture(autouse=True)
def _no_leftover_timers(request):
    """After a Qt test, no QTimer owned by the app may still be running."""
    yield
    if "qtbot" not in request.fixturenames:
        return
    from PySide6.QtCore import QEvent, QTimer
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        return
    for w in QApplication.topLevelWidgets():
        w.close()
        w.deleteLater()
    app.processEvents()
    # outside an event loop, processEvents() never runs deferred deletes: without this every
    # window of the session stayed alive (~40 MB each, 2.5 GB by the end of the suite)
    app.sendPostedEvents(None, QEvent.Type.DeferredDelete)
    # free Python wrappers of deleted Qt objects now, not while the next test's plots paint
    gc.collect()
    running = [t.objectName() or repr(t) for t in app.findChildren(QTimer) if t.isActive()]
    for w in QApplication.topLevelWidgets():
        running += [t.objectName() or repr(t) for t in w.findChildren(QTimer) if t.isActive()]
    assert not running, f"timers left running: {running}"


@pytest.fixture(scope="session")
def qapp(qapp):
    """pytest-qt's QApplication, set up as the app sets up its own (font of at least 10.5 pt,
    pyqtgraph's options): layout tests see the sizes a user sees."""
    from app.application import ensure_app

    ensure_app()
    return qapp
