"""Where the main window opens: asked size, last closed geometry, or the design size fitted."""

import pytest
from PySide6.QtCore import QRect, QSize, Qt

from app import window_columns, window_place
from app.window_place import DESIGN_SIZE, fit_size, place, remember_on_close
from tests.helpers import open_window


@pytest.mark.parametrize(("area", "expected"), [
    (QRect(0, 0, 1280, 720), QSize(1280, 720)),  # the projector
    (QRect(0, 0, 1366, 728), QSize(1366, 728)),  # a laptop with a task bar
    (QRect(0, 0, 3840, 2100), QSize(1920, 1080)),  # a big screen: the design size
    (QRect(0, 0, 2560, 1000), QSize(1920, 1000)),  # one side cut only
])
def test_fit_size_cuts_each_side_to_the_screen(area, expected):
    assert fit_size(area) == expected


@pytest.fixture
def window(qtbot, prefs, monkeypatch):
    # The offscreen screen is 800x800, smaller than the window's minimum (1010x661, see
    # test_small_window): here the minimum is capped lower, so that placing and restoring are
    # tested with sizes this screen holds.
    monkeypatch.setattr(window_columns, "SMALL_SCREEN", QSize(700, 500))
    w = open_window(qtbot)
    w.hide()
    w.setWindowState(Qt.WindowState.WindowNoState)
    yield w
    w.controller.pause()


def test_a_size_asked_for_is_used_as_given(window, prefs):
    assert place(window, (1000, 700), prefs) == "asked"
    assert window.size() == QSize(1000, 700)


def test_first_open_fits_the_screen(window, prefs, monkeypatch):
    area = QRect(0, 0, 1280, 720)
    monkeypatch.setattr(window_place, "_available", lambda w: area)
    assert prefs.window_geometry() is None
    assert place(window, None, prefs) == "fitted"
    assert window.size() == QSize(1280, 720)
    assert window.windowState() & Qt.WindowState.WindowMaximized  # the frame fits too


def test_first_open_on_a_big_screen_is_the_design_size_centred(window, prefs, monkeypatch):
    area = QRect(0, 0, 2560, 1440)
    monkeypatch.setattr(window_place, "_available", lambda w: area)
    assert place(window, None, prefs) == "fitted"
    assert window.size() == DESIGN_SIZE
    assert window.pos().x() == (2560 - 1920) // 2 and window.pos().y() == (1440 - 1080) // 2
    assert not window.windowState() & Qt.WindowState.WindowMaximized


def test_closing_stores_the_geometry_and_the_next_window_opens_with_it(qtbot, window, prefs):
    place(window, (760, 600), prefs)  # (the offscreen screen is 800 px wide)
    remember_on_close(window, prefs)
    window.show()
    qtbot.waitExposed(window)
    window.close()
    assert prefs.window_geometry() is not None
    again = open_window(qtbot)
    again.hide()
    again.setWindowState(Qt.WindowState.WindowNoState)
    assert place(again, None, prefs) == "restored"
    assert again.size() == QSize(760, 600)


def test_a_window_not_placed_here_stores_nothing(qtbot, window, prefs):
    window.show()
    qtbot.waitExposed(window)
    window.close()
    assert prefs.window_geometry() is None


@pytest.mark.parametrize("stored", [b"garbage", b"\x01\xd9\xd0\xcb" + b"\x00" * 3])
def test_a_broken_stored_geometry_falls_back_to_fitting(window, prefs, stored, monkeypatch):
    monkeypatch.setattr(window_place, "_available", lambda w: QRect(0, 0, 1280, 720))
    prefs.set_window_geometry(stored)
    assert place(window, None, prefs) == "fitted"
    assert window.size() == QSize(1280, 720)


def test_a_stored_geometry_too_big_for_this_screen_is_refitted(qtbot, window, prefs, monkeypatch):
    place(window, (760, 600), prefs)
    remember_on_close(window, prefs)
    window.show()
    qtbot.waitExposed(window)
    window.close()  # closed on a bigger screen ...
    monkeypatch.setattr(window_place, "_available", lambda w: QRect(0, 0, 740, 560))
    again = open_window(qtbot)  # ... opened on the projector
    again.hide()
    again.setWindowState(Qt.WindowState.WindowNoState)
    assert place(again, None, prefs) == "fitted"
    assert again.size() == QSize(740, 560)
