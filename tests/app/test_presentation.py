"""Presentation mode and themes: bigger fonts, thicker lines, advanced controls hidden, the run
untouched; preferences persist."""

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from app import settings
from tests.helpers import play
from widgets import style


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
    win.resize(1920, 1080)  # (a window under 900 px tall presents at 1.5x at most)
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


# --- the theme reaches every view, live, both ways ----------------------------------------------
def lightness(color) -> int:
    return QColor(color).lightness()


def plot_colours(widget):
    """(backgrounds, axis text colours) of the pyqtgraph views under ``widget``."""
    views = widget.findChildren(pg.GraphicsView)
    if isinstance(widget, pg.GraphicsView):
        views.append(widget)
    backgrounds = {v.backgroundBrush().color().name() for v in views}
    texts = {item.textPen().color().name() for v in views for item in v.scene().items()
             if isinstance(item, pg.AxisItem) and item.isVisible()}
    return backgrounds, texts


def assert_page(th, widget):
    backgrounds, texts = plot_colours(widget)
    assert backgrounds == {QColor(th.plot_bg).name()}
    assert texts == {QColor(th.text).name()}


def corner_and_text(diagram, th) -> tuple[int, int]:
    """The lightness of the diagram's corner, and how many pixels are in the theme's text ink."""
    image = diagram.grab().toImage()
    corner = image.pixelColor(2, image.height() // 2).lightness()
    ink = QColor(th.text)
    n = sum(1 for x in range(0, image.width(), 2) for y in range(0, image.height(), 2)
            if abs(image.pixelColor(x, y).lightness() - ink.lightness()) < 12
            and image.pixelColor(x, y).saturation() < 30)
    return corner, n


def test_diagram_and_step_through_follow_the_theme_live(win, monkeypatch):
    play(win, 400)
    diagram, chain = win.diagram, win.chain
    repaints = []
    monkeypatch.setattr(diagram, "update", lambda *a: repaints.append(a))
    light_corner, _ = corner_and_text(diagram, style.LIGHT)
    assert light_corner > 240
    assert style.LIGHT.highlight_bg in chain.html()

    win.presentation.set_theme("dark")
    QApplication.processEvents()  # Qt delivers the palette change from the event loop
    assert repaints, "the diagram did not repaint on the theme change"
    corner, ink = corner_and_text(diagram, style.DARK)
    assert corner < 40 and ink > 50  # a dark page, light text on it
    browser = chain._browser
    assert lightness(browser.palette().base().color()) < 40
    assert lightness(browser.palette().text().color()) > 200
    assert lightness(chain._title.palette().windowText().color()) > 200
    html = chain.html()
    assert style.DARK.highlight_bg in html and style.LIGHT.highlight_bg not in html
    assert style.DARK.highlight_bg.lower() in browser.toHtml().lower()  # rendered, not only built

    win.presentation.set_theme("light")
    QApplication.processEvents()
    corner, ink = corner_and_text(diagram, style.LIGHT)
    assert corner > 240 and ink > 50
    assert lightness(browser.palette().base().color()) > 240
    assert lightness(browser.palette().text().color()) < 60
    assert style.LIGHT.highlight_bg.lower() in browser.toHtml().lower()


def test_tabs_follow_the_theme_whenever_they_were_added(win):
    from app.claim_tabs import LazyTab
    from widgets.cost_view import CostView

    tabs = {win.tabs.tabText(i): win.tabs.widget(i) for i in range(win.tabs.count())}
    built = tabs["Self-normalization"]
    built.build()  # built in the light theme
    assert_page(style.LIGHT, built.view)
    silu = built.view.checks.boxes["silu"]  # drawn black on light
    assert "#000000" in silu.styleSheet()

    win.presentation.set_theme("dark")
    QApplication.processEvents()
    assert_page(style.DARK, built.view)
    later = LazyTab(lambda: CostView())
    win.add_tab(later, "Added later", "a tab added after the switch")
    plain = LazyTab(lambda: pg.PlotWidget())  # pyqtgraph's defaults: the theme's too
    win.add_tab(plain, "Plain plot", "defaults")
    for page in (later, plain):
        page.build()
        assert_page(style.DARK, page.view)
    assert lightness(later.view.palette().window().color()) < 60
    assert style.DARK.black_lane in silu.styleSheet()  # and light on dark

    win.presentation.set_theme("light")
    QApplication.processEvents()
    for page in (built, later, plain):
        assert_page(style.LIGHT, page.view)
    assert lightness(later.view.palette().window().color()) > 200
    assert "#000000" in silu.styleSheet()


def test_a_dialog_opened_before_the_switch_follows_too(win):
    from PySide6.QtWidgets import QLabel

    from app.help import show_help

    def axis_lightness(widget) -> set[bool]:
        return {lightness(c) > 180 for c in plot_colours(widget)[1]}

    dialog = show_help(win)
    try:
        notes = [lb for lb in dialog.findChildren(QLabel) if style.LIGHT.muted in lb.text()]
        assert notes  # the help's notes, written in the light theme's muted grey
        win.presentation.set_theme("dark")
        QApplication.processEvents()
        assert plot_colours(dialog)[0] == {QColor(style.DARK.plot_bg).name()}
        assert axis_lightness(dialog) == {True}  # pyqtgraph's default black: light on dark
        assert all(style.DARK.muted in lb.text() and style.LIGHT.muted not in lb.text()
                   for lb in notes)
        win.presentation.set_theme("light")
        QApplication.processEvents()
        assert plot_colours(dialog)[0] == {QColor(style.LIGHT.plot_bg).name()}
        assert axis_lightness(dialog) == {False}
        assert all(style.LIGHT.muted in lb.text() for lb in notes)
    finally:
        dialog.close()


def test_the_font_size_menu_says_what_a_short_window_needs(win):
    """'1.75× (on a window 900 px tall; 1.5× here)' read as if 900 px were this window."""
    assert win.height() < 900
    label = win.presentation.scale_label(1.75)
    assert label == "1.75× (needs a window at least 900 px tall; 1.5× on this one)"
    assert win.presentation.scale_label(1.5) == "1.5×"


def test_a_resize_across_900_px_gives_the_scale_in_force_there(win, qtbot, prefs):
    """Presenting at 2x: a 1280x720 window is held at 1.5x; made 1920x1080 it gets the 2x
    chosen, and back at 720 px 1.5x again (the fonts followed only the next menu choice)."""
    win.presentation.set_presentation(True, persist=False)
    win.presentation.set_scale(2.0)
    QApplication.processEvents()
    assert style.scales()[0] == settings.SCALES[0]
    win.resize(1920, 1080)
    QApplication.processEvents()
    assert style.scales()[0] == 2.0
    assert QApplication.font().pointSizeF() == win.presentation._base_font.pointSizeF() * 2.0
    win.resize(1280, 720)
    QApplication.processEvents()
    assert style.scales()[0] == settings.SCALES[0]


def test_opened_presenting_at_2x_on_a_tall_window_gets_2x(win, qtbot, prefs):
    """The saved presentation is applied before the window takes its size: the 2x chosen must
    be in force once the window is 1920x1080 (it stayed at 1.5x)."""
    from app.application import create_window

    win.presentation.set_presentation(True)
    win.presentation.set_scale(2.0)
    prefs.sync()
    win.presentation.set_presentation(False, persist=False)
    other = create_window("bias-shock")
    qtbot.addWidget(other)
    other.resize(1920, 1080)
    other.show()
    QApplication.processEvents()
    assert other.presentation.on and style.scales()[0] == 2.0
    other.presentation.set_presentation(False, persist=False)


def test_the_z_label_is_readable_on_its_shade_in_both_themes(win):
    """'z <= 0' was #888888 in both themes: 3.5:1 on white, faint on the dark theme's shade."""
    from PySide6.QtGui import QColor

    def over(shade: str, bg: str) -> str:  # the region's translucent shade on the plot
        s, b = pg.mkColor(shade), QColor(bg)  # (pyqtgraph's #RRGGBBAA, not Qt's #AARRGGBB)
        a = s.alphaF()
        mix = [a * getattr(s, c)() + (1 - a) * getattr(b, c)() for c in ("red", "green", "blue")]
        return QColor(*(round(v) for v in mix)).name()

    for name in ("dark", "light"):
        win.presentation.set_theme(name)
        th = style.theme()
        ink = win.plots.z_label.textItem.defaultTextColor().name()
        assert style.contrast_ratio(ink, over(th.dead_region, th.plot_bg)) >= 4.5, name
