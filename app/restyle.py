"""Restyling the views in place for the current theme and scales (``widgets.style``).

The Qt palette of a theme, widget fonts scaled from the size they were built with, and the time
plots', shock markers' and lane cards' pens, fonts and colours. Items are changed in place, never
rebuilt: removing pyqtgraph items while the app runs is what PySide6 handles worst (a deleted
item's wrapper can be painted later). Used by :mod:`app.presentation`.
"""

from __future__ import annotations

from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QFont, QFontMetrics, QPalette, QPen, QTextLayout, QTextOption
from PySide6.QtWidgets import QApplication, QWidget

from widgets import style
from widgets.plot_items import FONT_PT, _font
from widgets.shock_markers import label_font
from widgets.time_layout import AXIS_WIDTH, KEY_WIDTH

TICK_PT, LABEL_PT, KEY_PT, CARD_TICK_PT = 11, 12, 11, 7.5  # the views' base sizes
KEY_MAX_SCALE = 1.4  # the line-style keys' fonts grow at most this much when presenting
OWN_FONT = "drlOwnFont"  # a widget whose font is fitted elsewhere: scale_widget_fonts leaves it


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


def scale_widget_fonts(root: QWidget, scale: float) -> None:
    """Widgets that set their own font get it scaled from the size they were built with."""
    for w in [root, *root.findChildren(QWidget)]:
        if not w.testAttribute(Qt.WidgetAttribute.WA_SetFont) or w.property(OWN_FONT):
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


def fitted_font(text: str, width: int, large: QFont, least_pt: float, lines: int) -> QFont:
    """The largest font from ``large`` down to ``least_pt`` (0.5 pt steps) in which ``text``,
    wrapped at ``width`` px, is no taller than ``lines`` lines of ``large``; else ``least_pt``
    (the text then takes the lines it needs: it is never cut)."""
    room = QFontMetrics(large).lineSpacing() * lines
    font = QFont(large)
    size = large.pointSizeF()
    while size > least_pt:
        font.setPointSizeF(size)
        if _wrapped_lines(text, font, width) * QFontMetrics(font).lineSpacing() <= room:
            return font
        size -= 0.5
    font.setPointSizeF(least_pt)
    return font


def _wrapped_lines(text: str, font: QFont, width: int) -> int:
    """How many lines ``text`` takes in ``font`` wrapped at ``width`` px (as a label wraps)."""
    layout = QTextLayout(text, font)
    option = QTextOption()
    option.setWrapMode(QTextOption.WrapMode.WordWrap)
    layout.setTextOption(option)
    layout.beginLayout()
    lines = 0
    while (line := layout.createLine()).isValid():
        line.setLineWidth(max(width, 1))
        lines += 1
    layout.endLayout()
    return max(lines, 1)


def restyle_items(window: Any, ratio: float) -> None:
    """The pens (line widths times ``ratio``), fonts and colours of the items the time plots,
    shock markers and lane cards already have; each card's text is redrawn on its next show."""
    from simulation.health import State

    plots, th = window.plots, style.theme()
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
            label.setFont(label_font())
            label.setColor(th.shock)  # (its halo takes the theme's background when painted)
            marker.lines[name].setPen(pg.mkPen(th.shock, width=style.lw(2),
                                               style=Qt.PenStyle.DashLine))
    for lane in plots.lanes:  # the off-scale labels (shown anew, they take the look themselves)
        for label in lane.off.values():
            label.setFont(_font(FONT_PT, bold=True))  # (its box and halo: the theme's, painted)
            label.setColor(lane.color)
    plots._off_shown = dict.fromkeys(plots._off_shown)  # re-worded to fit on the next frame
    for card in window.cards._pool:
        card._apply_style(card.state if card.state is not None else State.ALIVE)
        card._snap = None  # redraw its text with the new fonts


def restyle_plots(plots: Any) -> None:
    """The time plots' background, axes, keys, shaded region and labels, from the theme."""
    th = style.theme()
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
        # the keys grow less than the rest (KEY_MAX_SCALE): four entries must fit a short plot
        key.set_label_style(th.text, KEY_PT * min(fs, KEY_MAX_SCALE))
        for sample, _label in key.items:
            pen = sample.item.opts.get("pen")
            if sample.item.opts.get("fillLevel") is not None:  # the band's sample
                band = QColor(th.text)
                band.setAlpha(70)
                sample.item.setBrush(pg.mkBrush(band))
                sample.item.opts["fillBrush"] = pg.mkBrush(band)
            elif pen is not None:
                styled = QPen(pg.mkPen(pen))  # its dash pattern (in pen widths) kept
                styled.setColor(QColor(th.text))
                styled.setWidthF(style.lw(2))
                sample.item.setPen(styled)
    plots.z_negative.setBrush(pg.mkBrush(th.dead_region))
    plots.z_negative.update()
    plots.rail_label.setColor(th.text)
    plots.rail_label.fill = pg.mkBrush(*th.label_fill)
    label_font = QFont()
    label_font.setPointSizeF(TICK_PT * fs)
    plots.z_label.setFont(label_font)
    plots.z_label.setColor(th.muted)  # (#888 was 3.5:1 on white, less on the dark shade)
    label_font.setBold(True)
    plots.rail_label.setFont(label_font)
    plots.legend_label.setStyleSheet(f"color: {th.text};")


def restyle_cards(cards: Any) -> None:
    """The lane cards' f(z) axes and labels, from the theme and font scale."""
    th, fs = style.theme(), style.scales()[0]
    for card in cards._pool:
        axis = card.plot.getPlotItem().getAxis("bottom")
        tick = QFont()
        tick.setPointSizeF(CARD_TICK_PT * fs)
        axis.setStyle(tickFont=tick)
        axis.setHeight(int(tick.pointSizeF() * 1.6) + 4)
        axis.setTextPen(pg.mkPen(th.muted))
        card.off_chart.setStyleSheet(f"color: {th.muted}; background: transparent;")
        card.axis_line.setPen(pg.mkPen(th.grid if th is style.DARK else "#C4C4C4",
                                       width=style.lw(1)))
