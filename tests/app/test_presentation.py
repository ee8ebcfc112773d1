"""Presentation mode and themes: bigger fonts, thicker lines, advanced controls hidden, the run
untouched; preferences persist."""

import numpy as np
from PySide6.QtWidgets import QApplication

from app import settings
from widgets import style


def play(w, steps):
    w.controller.sim.run(steps)
    w.controller.frame.emit(w.controller.sim)


def test_f5_presents_without_touching_the_run(win, qtbot):
    play(win, 350)
    sim, t = win.controller.sim, win.controller.sim.t
    rows = win.controller.sim.history.window().copy()
    app_pt = QApplication.font().pointSizeF()
    badge_pt = win.cards.cards[0].badge.font().pointSizeF()
    tick_pt = win.plots.plots["loss"].getAxis("left").style["tickFont"].pointSizeF()
    pen_w = win.plots.lanes[0].loss.opts["pen"].widthF()
    win.setup_dock.show()
    win.presentation.action.trigger()  # F5
    assert win.presentation.on
    assert QApplication.font().pointSizeF() >= 1.5 * app_pt - 0.01
    assert win.cards.cards[0].badge.font().pointSizeF() >= 1.5 * badge_pt - 0.01
    assert (win.plots.plots["loss"].getAxis("left").style["tickFont"].pointSizeF()
            >= 1.5 * tick_pt - 0.01)
    assert win.plots.lanes[0].loss.opts["pen"].widthF() > pen_w
    assert not win.setup_dock.isVisible()
    for w in (win.transport.lr_amount, win.plots.grad_combo, win.cards.cards[0].numbers):
        assert not w.isVisible()
    assert win.controller.sim is sim and sim.t == t
    assert np.array_equal(win.controller.sim.history.window(), rows, equal_nan=True)
    # a shock during the talk: its marker label is large too
    win.controller.bias_shock(-10.0)
    label = win.plots.markers[-1].labels["loss"]
    assert label.textItem.font().pointSizeF() >= 1.5 * 11 - 0.01
    win.presentation.action.trigger()
    assert not win.presentation.on
    assert abs(QApplication.font().pointSizeF() - app_pt) < 0.01
    assert win.setup_dock.isVisible() and win.transport.lr_amount.isVisible()
    assert win.cards.cards[0].badge.font().pointSizeF() == badge_pt


def test_bigger_font_scales(win):
    app_pt = QApplication.font().pointSizeF()
    win.presentation.set_scale(2.0)
    win.presentation.set_presentation(True)
    assert abs(QApplication.font().pointSizeF() - 2 * app_pt) < 0.01


def test_dark_theme_colours_every_view(win):
    play(win, 50)
    sim = win.controller.sim
    win.presentation.set_theme("dark")
    assert style.theme() is style.DARK
    pal = QApplication.palette()
    assert pal.window().color().lightness() < 80 and pal.text().color().lightness() > 180
    assert win.plots.view.backgroundBrush().color().lightness() < 60
    assert "#26282B" in win.cards.cards[1].styleSheet()
    assert win.controller.sim is sim
    win.presentation.set_theme("light")
    assert QApplication.palette().window().color().lightness() > 200


def test_preferences_persist_and_are_restored(win, qtbot, prefs):
    from app.application import create_window

    win.presentation.set_theme("dark")
    win.presentation.set_presentation(True)
    prefs.sync()
    assert prefs.theme() == "dark" and prefs.presentation()
    win.presentation.set_presentation(False, persist=False)
    win.presentation.set_theme("light", persist=False)
    other = create_window("bias-shock")
    qtbot.addWidget(other)
    assert other.presentation.on and style.theme() is style.DARK
    other.presentation.set_presentation(False, persist=False)
    other.presentation.set_theme("light", persist=False)


def test_bad_stored_preferences_fall_back(prefs):
    prefs.store.setValue("view/theme", "neon")
    prefs.store.setValue("view/font_scale", "huge")
    prefs.store.setValue("view/presentation", "maybe")
    assert prefs.theme() == "light" and prefs.font_scale() == settings.SCALES[0]
    assert not prefs.presentation()
