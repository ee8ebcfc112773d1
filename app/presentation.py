"""Presentation mode (F5) and the light and dark themes; both persist between runs.

Presentation mode scales every font (1.5x by default, up to 2x), thickens the lines and hides
the advanced controls (set-up dock, lr-shock details, gradient picker, rate readout). Neither it
nor a theme change touches the simulation: the views are restyled and redrawn from the model
they already show.

A theme change sets ``widgets.style``'s theme and pyqtgraph's defaults, then the application
palette: Qt sends every widget of every window (tabs added at any time included) a palette change,
and each view that draws its own colours repaints from the theme when it gets one (the network
diagram, the step-through, the tab pages). The lane cards and time plots are restyled here, with
their fonts.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import QObject, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QFont, QKeySequence, QPalette
from PySide6.QtWidgets import QApplication, QLabel, QSplitter, QWidget

from app import settings
from widgets import style

LINE_SCALE = 1.6  # presentation lines: 2 px curves become ~3 px
TICK_PT, LABEL_PT, KEY_PT, CARD_TICK_PT = 11, 12, 11, 7.5  # the views' base sizes
AXIS_WIDTH = 84
KEY_WIDTH = 104


def make_palette(theme: style.Theme) -> QPalette:
    """A Qt palette for ``theme`` (Fusion style draws it faithfully on every platform)."""
    if theme is style.LIGHT:
        return QApplication.style().standardPalette()
    p = QPalette()
    roles = QPalette.ColorRole
    for role, color in ((roles.Window, theme.window), (roles.WindowText, theme.text),
                        (roles.Base, theme.base), (roles.AlternateBase, theme.card_bg),
                        (roles.Text, theme.text), (roles.Button, "#2D3034"),
                        (roles.ButtonText, theme.text), (roles.ToolTipBase, "#2D3034"),
                        (roles.ToolTipText, theme.text), (roles.Highlight, "#3D7CC9"),
                        (roles.HighlightedText, "#FFFFFF"), (roles.Link, "#7FB2F0"),
                        (roles.PlaceholderText, theme.muted), (roles.BrightText, "#FF6B6B")):
        p.setColor(role, QColor(color))
    disabled = QPalette.ColorGroup.Disabled
    for role in (roles.WindowText, roles.Text, roles.ButtonText):
        p.setColor(disabled, role, QColor("#7A7D82"))
    return p


def _scale_widget_fonts(root: QWidget, scale: float) -> None:
    """Widgets that set their own font get it scaled from the size they were built with."""
    for w in [root, *root.findChildren(QWidget)]:
        if not w.testAttribute(Qt.WidgetAttribute.WA_SetFont):
            continue
        font = QFont(w.font())
        base = w.property("drlBasePt")
        if base is None:
            base = font.pointSizeF() if font.pointSizeF() > 0 else -float(font.pixelSize())
            w.setProperty("drlBasePt", base)
        base = float(base)
        if base > 0:
            font.setPointSizeF(base * scale)
        else:
            font.setPixelSize(max(1, round(-base * scale)))
        if font != w.font():
            w.setFont(font)


class Presentation(QObject):
    """The View menu's presentation mode and theme, applied to one main window."""

    def __init__(self, window: Any, prefs: settings.Preferences):
        super().__init__(window)
        self.window = window
        self.prefs = prefs
        self.on = False
        self.scale = prefs.font_scale()
        self._base_font: QFont | None = None
        self._dock_was_visible = False
        self.advanced: list[QWidget] = [
            window.transport.lr_mode, window.transport.lr_amount, window.transport.lr_steps,
            window.plots.grad_combo, window.rate_label,
            *[lb for lb in window.plots.findChildren(QLabel) if lb.text() == "gradient shown:"]]
        self._sizes: list[int] | None = None
        self._line = 1.0  # the line scale the existing items were drawn with
        window.controller.model_changed.connect(lambda _sim: self._restyle_new())

    # --- intents ------------------------------------------------------------------------------
    def set_presentation(self, on: bool, persist: bool = True) -> None:
        on = bool(on)
        if on == self.on:
            return
        self.on = on
        w = self.window
        if on:
            self._dock_was_visible = w.setup_dock.isVisible()
            w.setup_dock.hide()
        elif self._dock_was_visible:
            w.setup_dock.show()
        for widget in self.advanced:
            widget.setVisible(not on)
        self._show_numbers()
        # the output plot a = f(z) repeats what the cards show: its height goes to the others
        self.window.plots.plots["a"].setVisible(not on)
        self.window.plots.a_key.setVisible(not on)
        self.apply()
        self._fit_columns()
        if persist:
            self.prefs.set_presentation(on)
        self.action.setChecked(on)

    def toggle(self) -> None:
        self.set_presentation(not self.on)

    def set_scale(self, scale: float) -> None:
        self.prefs.set_font_scale(scale)
        self.scale = scale
        if self.on:
            self.apply()
            self._fit_columns()

    def _show_numbers(self) -> None:
        """The cards' columns of numbers are detail: hidden while presenting (the badge, the
        curve and its dots tell the story), so the curve gets the room."""
        for card in self.window.cards._pool:
            card.numbers.setVisible(not self.on)

    def fit_columns(self) -> None:
        """Refit the columns (a dock opened or closed beside them)."""
        if self.on:
            self.window.layout().activate()
            self._sizes, saved = None, self._sizes
            self._fit_columns()
            self._sizes = saved

    def _fit_columns(self) -> None:
        """Presenting: the cards column just wide enough for name and badge, the plots the
        most room; back to the previous widths afterwards."""
        split = self.window.tabs.widget(0)
        if not isinstance(split, QSplitter) or split.count() != 3:
            return
        if not self.on:
            if self._sizes is not None:
                split.setSizes(self._sizes)
                self._sizes = None
            return
        if self._sizes is None:
            self._sizes = split.sizes()
        total = sum(split.sizes()) or self.window.width()
        card = self.window.cards._pool[0]
        cards = (card.name.fontMetrics().horizontalAdvance("Leaky ReLU")
                 + card.badge.sizeHint().width() + 60)
        # narrow screens (a 1280x720 projector): the plots need the room more than the
        # step-through column; it is collapsed, and can be dragged back out
        right = int(total * 0.24) if total >= 1500 else 0
        split.setSizes([cards, max(total - cards - right, 200), right])

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
        font_scale = self.scale if self.on else 1.0
        style.set_scales(font_scale, LINE_SCALE if self.on else 1.0)
        if self._base_font is None:
            self._base_font = QFont(app.font())
        font = QFont(self._base_font)
        font.setPointSizeF(self._base_font.pointSizeF() * font_scale)
        app.setFont(font)
        app.setPalette(make_palette(style.theme()))  # -> every view's PaletteChange
        style.restyle(self.window)  # what was built in the other theme (docks, dialogs)
        _scale_widget_fonts(self.window, font_scale)
        self._restyle_plots()
        self._restyle_cards()
        self._redraw()

    def _restyle_new(self) -> None:
        """After a new model: cards made for new lanes get the current fonts."""
        if self.on:
            _scale_widget_fonts(self.window, style.scales()[0])
            self._show_numbers()

    def _shown(self) -> Any:
        rewind = getattr(self.window, "rewind", None)
        if rewind is not None and rewind.active and rewind.shown is not None:
            return rewind.shown
        return self.window.controller.sim

    def _redraw(self) -> None:
        """Restyle the items the views already have (pens, fonts, colours) and redraw them.

        Items are changed in place, never rebuilt: removing pyqtgraph items while the app runs
        is what PySide6 handles worst (a deleted item's wrapper can be painted later).
        """
        from PySide6.QtGui import QPen

        from simulation.health import State
        from widgets import time_plots

        plots, th = self.window.plots, style.theme()
        line = style.scales()[1]
        ratio = line / self._line
        self._line = line
        if ratio != 1.0:
            for lane in plots.lanes:
                for _plot, item in lane.placed():
                    if isinstance(item, pg.PlotCurveItem):
                        pen = QPen(item.opts["pen"])
                        pen.setWidthF(pen.widthF() * ratio)
                        item.setPen(pen)
        plots._apply_grad_styles()
        plots._update_legend()
        for marker in plots.markers:
            for name, label in marker.labels.items():
                label.setFont(time_plots._font(time_plots.FONT_PT, bold=True))
                label.setColor(th.shock)
                label.fill = pg.mkBrush(*th.label_fill)
                marker.lines[name].setPen(pg.mkPen(th.shock, width=style.lw(2),
                                                   style=Qt.PenStyle.DashLine))
        for card in self.window.cards._pool:
            card._apply_style(card.state if card.state is not None else State.ALIVE)
            card._snap = None  # redraw its text with the new fonts
        sim = self._shown()
        plots._redraw()
        for view in self.window.views:
            view.refresh(sim)

    def _restyle_plots(self) -> None:
        plots, th = self.window.plots, style.theme()
        fs = style.scales()[0]
        plots.view.setBackground(th.plot_bg)
        tick = QFont()
        tick.setPointSizeF(TICK_PT * fs)
        label_style = {"font-size": f"{LABEL_PT * fs:g}pt", "color": th.text}
        for p in plots.plots.values():
            for name in ("left", "bottom"):
                axis = p.getAxis(name)
                axis.setTickPen(pg.mkPen(th.grid))
                axis.setTextPen(th.text)
                axis.setPen(pg.mkPen(th.muted))
                axis.setTickFont(tick)
                if axis.labelText:
                    axis.setLabel(axis.labelText, **label_style)
            p.getAxis("left").setWidth(int(AXIS_WIDTH * max(1.0, fs * 0.9)))
        plots.view.ci.layout.setColumnFixedWidth(1, KEY_WIDTH * max(1.0, fs * 0.9))
        for key in (plots.params_key, plots.grad_key, plots.z_key, plots.a_key):
            for sample, label in key.items:
                label.setText(label.text, color=th.text, size=f"{KEY_PT * fs:g}pt")
                pen = sample.item.opts.get("pen")
                if sample.item.opts.get("fillLevel") is not None:  # the band's sample
                    band = QColor(th.text)
                    band.setAlpha(70)
                    sample.item.setBrush(pg.mkBrush(band))
                    sample.item.opts["fillBrush"] = pg.mkBrush(band)
                elif pen is not None:
                    styled = pg.mkPen(th.text, width=style.lw(2), style=pg.mkPen(pen).style())
                    sample.item.setPen(styled)
        plots.z_negative.setBrush(pg.mkBrush(th.dead_region))
        plots.z_negative.update()
        plots.rail_label.setColor(th.text)
        plots.rail_label.fill = pg.mkBrush(*th.label_fill)
        label_font = QFont()
        label_font.setPointSizeF(TICK_PT * fs)
        plots.z_label.setFont(label_font)
        label_font.setBold(True)
        plots.rail_label.setFont(label_font)
        plots.legend_label.setStyleSheet(f"color: {th.text};")

    def _restyle_cards(self) -> None:
        th, fs = style.theme(), style.scales()[0]
        for card in self.window.cards._pool:
            axis = card.plot.getPlotItem().getAxis("bottom")
            tick = QFont()
            tick.setPointSizeF(CARD_TICK_PT * fs)
            axis.setStyle(tickFont=tick)
            axis.setHeight(int(tick.pointSizeF() * 1.6) + 4)
            axis.setTextPen(pg.mkPen(th.muted))
            card.off_chart.setStyleSheet(f"color: {th.muted}; background: transparent;")
            card.axis_line.setPen(pg.mkPen(th.grid if th is style.DARK else "#C4C4C4",
                                           width=style.lw(1)))


def install(window: Any) -> Presentation:
    """The View menu's presentation and theme entries; the stored preferences applied."""
    prefs = settings.preferences()
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
