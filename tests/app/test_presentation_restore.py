"""Leaving presentation mode gives back what it took: the set-up panel's width, the toolbar's
rows and the window's size (a 1280x720 screen: the status bar stays on it)."""

import pytest
from PySide6.QtWidgets import QApplication


@pytest.mark.parametrize("theme", [None, "dark"])
def test_leaving_presentation_restores_the_setup_panel_and_window(win, theme):
    win.setup_dock.show()
    QApplication.processEvents()
    size, dock, bar = win.size(), win.setup_dock.width(), win.transport.height()
    for _ in range(2):  # (a second round: nothing was left grown by the first)
        win.presentation.action.trigger()  # F5
        QApplication.processEvents()
        if theme:
            win.presentation.set_theme(theme, persist=False)
            QApplication.processEvents()
        win.presentation.action.trigger()  # F5 again
        QApplication.processEvents()
        assert win.setup_dock.isVisible()
        assert win.setup_dock.width() == dock
        assert win.transport.height() == bar  # the toolbar's rows as before
        assert win.size() == size
        assert win.height() <= win.screen().availableGeometry().height() or size.height() > \
            win.screen().availableGeometry().height()


def test_the_new_fonts_are_in_force_when_presentation_returns(win):
    """The application font reaches every widget before the sizes are fitted (Qt posts that
    change): the panel is shown again with the normal font, not the large one."""
    win.setup_dock.show()
    base = win.setup_dock.font().pointSizeF()
    win.presentation.set_presentation(True, persist=False)
    assert win.transport.font().pointSizeF() > base
    win.presentation.set_presentation(False, persist=False)
    assert win.setup_dock.font().pointSizeF() == base  # no event loop pass in between
    assert win.transport.font().pointSizeF() == base
