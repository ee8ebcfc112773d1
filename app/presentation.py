"""Presentation mode (F5) and the light and dark themes; both persist between runs.

Presentation mode scales every font (1.5x by default, up to 2x), thickens the lines and hides
the advanced controls (set-up dock, lr-shock details, gradient picker, rate readout, the
step-through's sample picker); the network diagram then takes at most 40 % of the right column
and the step-through the rest. Neither it
nor a theme change touches the simulation: the views are restyled and redrawn from the model
they already show.

A theme change sets ``widgets.style``'s theme and pyqtgraph's defaults, then the application
palette: Qt sends every widget of every window (tabs added at any time included) a palette change,
and each view that draws its own colours repaints from the theme when it gets one (the network
diagram, the step-through, the tab pages). The lane cards and time plots are restyled in place,
with their fonts, by :mod:`app.restyle`.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QFont, QKeySequence
from PySide6.QtWidgets import QApplication, QLabel, QMenu, QWidget

from app import icons, settings
from app.present_fit import DESCRIPTION_LINES as DESCRIPTION_LINES
from app.present_fit import SHORT, PresentationFit
from app.restyle import (  # make_palette: tests import it from here too
    make_palette,
    restyle_cards,
    restyle_items,
    restyle_plots,
    scale_widget_fonts,
)
from widgets import style

LINE_SCALE = 1.6  # presentation lines: 2 px curves become ~3 px


class Presentation(QObject, PresentationFit):
    """The View menu's presentation mode and theme, applied to one main window."""

    def __init__(self, window: Any, prefs: settings.Preferences):
        super().__init__(window)
        self.window = window
        self.prefs = prefs
        self.on = False
        self.scale = prefs.font_scale()
        self._base_font: QFont | None = None
        self._dock_was_visible = False
        self._dock_width = 0  # the set-up panel's width before presenting
        self.advanced: list[QWidget] = [
            window.transport.lr_mode, window.transport.lr_amount, window.transport.lr_steps,
            window.plots.grad_combo, window.rate_label,
            *[lb for lb in window.plots.findChildren(QLabel) if lb.text() == "gradient shown:"],
            # the step-through's sample picker: its row is the room phase 7 needs at 2x (the
            # diagram above says which sample is followed)
            *window.chain.sample_picker()]
        self._sizes: list[int] | None = None
        self._right_sizes: list[int] | None = None  # the diagram / step-through split
        self._line = 1.0  # the line scale the existing items were drawn with
        window.controller.model_changed.connect(lambda _sim: self._restyle_new())
        self._refitting = False
        self._fit_width = -1  # the columns' width the presentation split was fitted for
        self._split_height = -1  # the right column's height its split was fitted for
        window.installEventFilter(self)  # a resize across SHORT changes the scale in force
        window.columns.resized.connect(self._columns_resized)
        # the description refitted when its width or its text changes (the bar's LayoutRequest)
        window.transport.installEventFilter(self)
        window.transport.description.installEventFilter(self)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """(On the window.) Presenting, a window resized across SHORT px of height gets the
        font scale in force there: 1.5x at most on a short one, the chosen one on a tall one
        (also when the window first takes its size, after the saved presentation was applied).
        (On the transport bar and the description: the description's font refitted.)"""
        if watched is not self.window:
            kind = event.type()
            if ((kind == QEvent.Type.LayoutRequest and watched is self.window.transport)
                    or (kind == QEvent.Type.Resize
                        and watched is self.window.transport.description)):
                self._fit_description()
            return False
        if (event.type() == QEvent.Type.Resize and self.on and not self._refitting
                and self.font_scale() != style.scales()[0]):
            self._refitting = True
            try:
                self.apply()
                self._fit_columns()
            finally:
                self._refitting = False
        return False

    # --- intents ------------------------------------------------------------------------------
    def set_presentation(self, on: bool, persist: bool = True) -> None:
        on = bool(on)
        if on == self.on:
            return
        self.on = on
        w = self.window
        size = w.size()
        if on:
            self._dock_was_visible = w.setup_dock.isVisible()
            self._dock_width = w.setup_dock.width()
            w.setup_dock.hide()
        for widget in self.advanced:
            widget.setVisible(not on)
        self._show_numbers()
        # the output plot a = f(z) repeats what the cards show: its height goes to the others
        self.window.plots.plots["a"].setVisible(not on)
        self.window.plots.a_key.setVisible(not on)
        self.apply()
        if not on and self._dock_was_visible:
            self._show_dock()
        self._fit_columns()
        self.window.keep_size(size)
        if persist:
            self.prefs.set_presentation(on)
        self.action.setChecked(on)

    def _show_dock(self) -> None:
        """Leaving presentation: the set-up panel back at the width it had. Shown only now, with
        the normal fonts back: shown at the large ones, it took their width and the toolbar
        beside it wrapped onto more rows, which grew the window past a 1280x720 screen."""
        dock = self.window.setup_dock
        dock.show()
        if not dock.isFloating() and self._dock_width > 0:
            self.window.resizeDocks([dock], [self._dock_width], Qt.Orientation.Horizontal)

    def toggle(self) -> None:
        self.set_presentation(not self.on)

    def set_scale(self, scale: float) -> None:
        self.prefs.set_font_scale(scale)
        self.scale = scale
        if self.on:
            size = self.window.size()
            self.apply()
            self._fit_columns()
            self.window.keep_size(size)
            if self.font_scale() < scale:  # (short: the rewind bar leaves ~30 characters)
                self.window.statusBar().showMessage(
                    f"Fonts {self.font_scale():g}× here: {scale:g}× needs {SHORT} px", 8000)

    def scale_label(self, scale: float) -> str:
        """The font-size menu's entry for ``scale``: what it gives on this window."""
        if self.window.height() < SHORT and scale > settings.SCALES[0]:
            return (f"{scale:g}× (needs a window at least {SHORT} px tall; "
                    f"{settings.SCALES[0]:g}× on this one)")
        return f"{scale:g}×"

    def font_scale(self) -> float:
        """The presentation font scale in force: the chosen one, but at most the smallest
        offered on a window under SHORT px tall (a 1280x720 projector), where larger fonts
        left the time plots no height (the loss plot folded to a few pixels at 2x)."""
        if self.window.height() < SHORT:
            return min(self.scale, settings.SCALES[0])
        return self.scale

    def _show_numbers(self) -> None:
        """The cards' columns of numbers are detail: hidden while presenting (the badge, the
        curve and its dots tell the story), so the curve gets the room."""
        for card in self.window.cards._pool:
            card.numbers.setVisible(not self.on)

    def set_theme(self, name: str, persist: bool = True) -> None:
        pg.setConfigOptions(**style.pg_options(style.set_theme(name)))
        if persist:
            self.prefs.set_theme(name)
        for action in self.theme_actions.actions():
            action.setChecked(action.data() == name)
        self.apply()

    # --- applying -------------------------------------------------------------------------------
    def apply(self) -> None:
        """Fonts, lines and colours of everything shown, from the current settings."""
        app = QApplication.instance()
        font_scale = self.font_scale() if self.on else 1.0
        style.set_scales(font_scale, LINE_SCALE if self.on else 1.0)
        if self._base_font is None:
            self._base_font = QFont(app.font())
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * font_scale)
        app.setFont(font)
        app.setPalette(make_palette(style.theme()))  # -> every view's PaletteChange
        style.restyle(self.window)  # what was built in the other theme (docks, dialogs)
        scale_widget_fonts(self.window, font_scale)  # (first: it notes the fonts' base sizes)
        # the new application font delivered now, not on the next event loop pass (Qt posts
        # it): the sizes fitted next (columns, set-up panel, window) are those of the new fonts
        QApplication.sendPostedEvents(None, QEvent.Type.ApplicationFontChange)
        self._keep_menu_fonts()
        self._fit_description()
        restyle_plots(self.window.plots)
        restyle_cards(self.window.cards)
        self._redraw()

    def _keep_menu_fonts(self) -> None:
        """Menus keep the normal font: presentation enlarges the content, and a 2x menu would
        not fit a 1280x720 screen."""
        w = self.window
        # a style sheet: an explicitly set font was reset to the application's on the next
        # event loop pass (a font set in a style sheet is kept)
        sheet = f"font-size: {self._base_font.pointSizeF():g}pt;"
        for menu in (w.menuBar(), *w.findChildren(QMenu)):
            if menu.styleSheet() != sheet:
                menu.setStyleSheet(sheet)

    def _restyle_new(self) -> None:
        """After a new model: cards made for new lanes get the current fonts."""
        if self.on:
            scale_widget_fonts(self.window, style.scales()[0])
            self._show_numbers()

    def _shown(self) -> Any:
        rewind = getattr(self.window, "rewind", None)
        if rewind is not None and rewind.active and rewind.shown is not None:
            return rewind.shown
        return self.window.controller.sim

    def _redraw(self) -> None:
        """Restyle the items the views already have (pens, fonts, colours) and redraw them."""
        line = style.scales()[1]
        ratio = line / self._line
        self._line = line
        restyle_items(self.window, ratio)
        plots = self.window.plots
        sim = self._shown()
        plots._redraw()
        for view in self.window.views:
            view.refresh(sim)


def install(window: Any) -> Presentation:
    """The View menu's presentation and theme entries; the stored preferences applied."""
    prefs = settings.preferences()
    icons.install_style(QApplication.instance())  # controls and dock buttons at 3:1 on both
    pres = Presentation(window, prefs)
    window.presentation = pres
    view_menu = next(a.menu() for a in window.menuBar().actions() if a.text() == "&View")
    view_menu.addSeparator()
    pres.action = QAction("Presentation mode", window)
    pres.action.setCheckable(True)
    pres.action.setShortcut(QKeySequence("F5"))
    pres.action.setToolTip("Large fonts, thick lines, advanced controls hidden (F5)")
    pres.action.triggered.connect(pres.set_presentation)
    window.addAction(pres.action)
    view_menu.addAction(pres.action)
    sizes = view_menu.addMenu("Presentation font size")
    group = QActionGroup(window)
    for scale in settings.SCALES:
        action = sizes.addAction(f"{scale:g}×")
        action.setCheckable(True)
        action.setChecked(scale == pres.scale)
        action.triggered.connect(lambda _=False, s=scale: pres.set_scale(s))
        group.addAction(action)
    sizes.aboutToShow.connect(lambda: [a.setText(pres.scale_label(s)) for a, s in zip(
        group.actions(), settings.SCALES, strict=True)])
    themes = view_menu.addMenu("Theme")
    pres.theme_actions = QActionGroup(window)
    for name in settings.THEMES:
        action = themes.addAction(name.capitalize())
        action.setData(name)
        action.setCheckable(True)
        action.triggered.connect(lambda _=False, n=name: pres.set_theme(n))
        pres.theme_actions.addAction(action)
    theme = prefs.theme()
    if theme != "light" or style.theme().name != "light":
        pres.set_theme(theme, persist=False)
    else:
        pres.theme_actions.actions()[0].setChecked(True)
    if prefs.presentation():
        pres.set_presentation(True, persist=False)
    return pres
