"""A 1280x720 projector: presentation mode at 2x, the guided tour, the set-up panel and the menus
leave the window at the screen's size with its columns readable; hiding the selected lane moves
the selection."""

import pytest
from PySide6.QtCore import QPoint, QRect, QSize
from PySide6.QtGui import QPalette
from PySide6.QtWidgets import QApplication, QMenu

from app import tour
from tests.helpers import play
from widgets import style

SCREEN = (1280, 720)


def _fits(win):
    QApplication.processEvents()
    hint = win.minimumSizeHint()
    assert hint.width() <= SCREEN[0] and hint.height() <= SCREEN[1], hint
    assert win.size().toTuple() == SCREEN


def _readable(win, qtbot):
    """Cards as wide as a name and badge, time plots with most of the width."""
    QApplication.processEvents()
    cards = win.fold_columns["cards"]
    if cards.isVisible():
        assert cards.width() >= win.cards.minimumSizeHint().width()
    assert win.plots.width() >= 500


def test_presentation_2x_keeps_the_window_at_the_screen_size(win):
    play(win, 3206)
    win.presentation.set_scale(2.0)
    win.presentation.set_presentation(True)
    _fits(win)
    for i in range(win.tabs.count()):  # every page, built at 2x (the population's is wide)
        win.tabs.setCurrentIndex(i)
        _fits(win)
    win.tabs.setCurrentIndex(0)
    win.presentation.set_scale(1.5)
    _fits(win)
    win.presentation.set_scale(2.0)
    win.presentation.set_presentation(False)
    _fits(win)
    assert win.fold_columns["right"].isVisible()
    assert win.transport.description.isVisible()


def test_presentation_menus_keep_the_normal_font(win):
    win.resize(1920, 1080)  # where 2x is applied (a 720-px window presents at 1.5x at most)
    base = QApplication.font().pointSizeF()
    win.presentation.set_scale(2.0)
    win.presentation.set_presentation(True)
    QApplication.processEvents()
    assert QApplication.font().pointSizeF() == pytest.approx(2 * base)
    menus = [win.menuBar(), *win.findChildren(QMenu)]
    for menu in menus:
        assert menu.font().pointSizeF() == pytest.approx(base), menu
    view = next(a.menu() for a in win.menuBar().actions() if a.text() == "&View")
    assert view.sizeHint().width() < 500
    win.presentation.set_presentation(False)
    QApplication.processEvents()
    for menu in menus:
        assert menu.font().pointSizeF() == pytest.approx(base)


def test_hiding_the_selected_lane_selects_the_first_shown(win):
    win.select_lane(0)
    actions = [a for a in win.lanes_menu.actions() if a.isCheckable()]
    actions[0].setChecked(False)  # ReLU, selected
    assert win.cards.selected() == 1
    assert win.diagram._lane == 1 and win.chain._lane == 1
    actions[1].setChecked(False)
    assert win.cards.selected() == 2 and win.diagram._lane == 2
    actions[3].setChecked(False)  # not the selected one: the selection stays
    assert win.cards.selected() == 2
    win.controller.reset()  # a new model: the hidden lanes stay hidden, none selected
    assert win.cards.selected() == 2 and win.chain._lane == 2


def _rect(win, widget):
    return QRect(widget.mapTo(win, QPoint(0, 0)), widget.size())


def test_tour_at_720_takes_the_place_of_the_right_column(win, qtbot, prefs):
    plots_width = win.plots.width()
    right = _rect(win, win.fold_columns["right"])
    tour.start(win)
    dock, panel = win.tour_dock, win.tour_dock.panel
    QApplication.processEvents()
    assert dock.isVisible() and not dock.isFloating() and not dock.isWindow()
    at = dock.geometry()
    assert at.right() == right.right() and not win.fold_columns["right"].isVisible()
    assert not at.intersects(_rect(win, win.plots))
    assert "small screen" in panel.text.text()
    assert win.plots.width() == plots_width and win.size().toTuple() == SCREEN
    _readable(win, qtbot)
    panel.next.click()  # stop 2: the dots on each f(z) curve
    QApplication.processEvents()
    assert all(card.plot.isVisible() for card in win.cards.cards)
    assert "small screen" not in panel.text.text()
    panel.next.click()
    panel.next.click()  # stop 4: the chain rule in place of the cards; the panel stays
    assert dock.geometry() == at and not win.fold_columns["cards"].isVisible()
    assert not at.intersects(_rect(win, win.fold_columns["right"]))
    panel.next.click()
    assert dock.geometry() == at and win.fold_columns["cards"].isVisible()
    dock.close()
    assert win.size().toTuple() == SCREEN


def test_tour_docks_beside_a_wide_window(win, prefs):
    win.resize(1920, 1080)
    tour.start(win)
    assert win.tour_dock.isVisible() and not win.tour_dock.isFloating()


def test_tour_asks_before_discarding_a_run(win, prefs, monkeypatch):
    asked = []
    monkeypatch.setattr(tour, "confirm", lambda w, text: asked.append(text) or False)
    play(win, 500)
    sim = win.controller.sim
    tour.start(win)
    assert len(asked) == 1 and "step 500" in asked[0]
    assert not win.tour_dock.isVisible()
    assert win.controller.sim is sim and sim.t == 500
    monkeypatch.setattr(tour, "confirm", lambda w, text: asked.append(text) or True)
    tour.start(win)
    assert len(asked) == 2 and win.tour_dock.isVisible() and win.controller.sim.t == 0
    panel = win.tour_dock.panel
    panel.next.click()
    panel.back.click()  # the tour's own run: no question
    assert len(asked) == 2 and panel.index == 0
    panel.next.click()
    play(win, 10)  # the person's own steps at a stop: asked again
    monkeypatch.setattr(tour, "confirm", lambda w, text: asked.append(text) or False)
    panel.back.click()
    assert len(asked) == 3 and panel.index == 1 and win.controller.sim.t == 300


def test_tour_last_stop_has_a_finish_button(win, prefs):
    tour.start(win)
    panel = win.tour_dock.panel
    assert not panel.finish.isVisible()
    for _ in range(len(tour.STOPS) - 1):
        panel.next.click()
    assert panel.finish.isVisible() and panel.finish.isEnabled() and panel.finish.toolTip()
    assert not panel.next.isVisible()
    t = win.controller.sim.t
    panel.finish.click()
    assert not win.tour_dock.isVisible() and win.controller.sim.t == t


def test_setup_dock_at_720_keeps_the_columns_readable(win, qtbot):
    win.setup_dock.show()
    QApplication.processEvents()
    assert not win.fold_columns["right"].isVisible()
    assert win.setup_dock.width() <= 340 and win.size().toTuple() == SCREEN
    _readable(win, qtbot)
    for card in win.cards.cards:
        assert card.name.width() >= card.name.sizeHint().width()
    win.setup_dock.hide()
    assert win.fold_columns["right"].isVisible()


def _light_pixels(widget):
    image = widget.grab().toImage()
    return sum(image.pixelColor(x, y).lightness() > 180
               for x in range(image.width()) for y in range(image.height()))


def test_setup_lane_names_readable_on_dark(win):
    win.setup_dock.show()
    win.presentation.set_presentation(True)  # the theme changed while presenting ...
    win.presentation.set_theme("dark")
    win.presentation.set_presentation(False)  # ... and presentation mode left
    win.setup_dock.show()
    QApplication.processEvents()
    checks = win.setup.lane_checks
    for name, check in checks.items():
        text = check.palette().color(QPalette.ColorRole.WindowText)
        assert style.contrast_ratio(text.name(), style.theme().window) >= 4.5, name
    assert _light_pixels(checks["silu"]) > 20  # its name is drawn light on the dark panel
    sizes = {check.fontInfo().pointSizeF() for check in checks.values()}
    assert len(sizes) == 1 and all(check.font().bold() for check in checks.values())
    assert checks["silu"].sizeHint().height() == checks["relu"].sizeHint().height()
    win.presentation.set_theme("light")


def test_a_short_window_presents_at_most_at_the_smallest_scale(win, prefs):
    """2x on a 1280x720 projector folded the loss plot to a few pixels: there the fonts stay
    1.5x (and the status bar says why); a taller window gets the 2x asked for."""
    from app import settings

    win.presentation.set_presentation(True, persist=False)
    win.presentation.set_scale(2.0)
    QApplication.processEvents()
    assert win.size() == QSize(1280, 720)
    assert style.scales()[0] == settings.SCALES[0]
    assert win.statusBar().currentMessage() == "Fonts 1.5× here: 2× needs 900 px"
    assert (win.presentation.scale_label(2.0)
            == "2× (needs a window at least 900 px tall; 1.5× on this one)")
    assert win.presentation.scale_label(1.5) == "1.5×"
    assert win.plots.plots["loss"].vb.height() >= 60
    win.resize(1920, 1080)
    QApplication.processEvents()
    win.presentation.set_scale(2.0)
    assert style.scales()[0] == 2.0
    assert win.presentation.scale_label(2.0) == "2×"
    win.presentation.set_presentation(False, persist=False)
    assert style.scales()[0] == 1.0
