"""The look in force: light or dark colours, and the font and line scales of presentation mode.

Views read it whenever they create or restyle an item (a pen, a font, a card's colours), so a
change applies to what is drawn next. A theme change is ``set_theme`` followed by a new
application palette (``app.presentation``); Qt then sends every widget ``QEvent.PaletteChange``,
and the views that draw their own colours repaint from ``theme()`` when they get it. Plots and
style sheets that were built with the other theme's colours are brought over by ``restyle``.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Any

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QLabel, QWidget

from simulation.health import State
from widgets import palette
from widgets.plot_zone import Level, Mark, Zone


@dataclass(frozen=True)
class Theme:
    """The colours of one theme (lane and state colours are shared: Okabe-Ito works on both)."""

    name: str
    window: str
    base: str
    text: str
    muted: str
    plot_bg: str
    grid: str
    card_bg: str
    dead_bg: str
    border: str
    selected_border: str
    dead_region: str  # shade of z <= 0
    shock: str
    label_fill: tuple[int, int, int, int]  # behind marker labels on the plots
    black_lane: str  # the lane drawn black on light (SiLU)
    # inks of the drawn panels (network diagram, step-through)
    raised_bg: str  # a box that stands out from the page (the loss L)
    dim_bg: str  # a greyed-out node (a dead neuron)
    off: str  # greyed out: beyond a dead neuron
    faint: str  # thin helper lines (the neuron's mini axes)
    stop: str  # the exact zero that stops the gradient
    move: str  # a parameter that moves
    grad: str  # the backward gradient
    highlight_bg: str  # the current step-through phase


LIGHT = Theme("light", window="#EFEFEF", base="#FFFFFF", text="#202020", muted="#5E5E5E",
              plot_bg="#FFFFFF", grid="#E2E2E2", card_bg="#FFFFFF", dead_bg="#CFCFCF",
              border="#CDCDCD", selected_border="#1A1A1A", dead_region=palette.DEAD_REGION,
              shock=palette.SHOCK_COLOR, label_fill=(255, 255, 255, 140), black_lane="#000000",
              raised_bg="#F4F4F4", dim_bg="#E6E6E6", off="#C4C4C4", faint="#9A9A9A",
              stop="#C62828", move="#1B7F3B", grad="#5E3C99", highlight_bg="#FFF1BF")
DARK = Theme("dark", window="#1F2124", base="#17181A", text="#ECECEC", muted="#B4B4B4",
             plot_bg="#17181A", grid="#34373B", card_bg="#26282B", dead_bg="#4A4A4A",
             border="#45484D", selected_border="#F0F0F0", dead_region="#FFFFFF1C",
             shock="#D8D8D8", label_fill=(23, 24, 26, 150), black_lane="#E8E8E8",
             raised_bg="#2D3034", dim_bg="#3A3C40", off="#54575C", faint="#6E7177",
             stop="#FF6B6B", move="#5CCB7A", grad="#B39DDB", highlight_bg="#45401F")
THEMES = {t.name: t for t in (LIGHT, DARK)}

_theme = LIGHT
_font_scale = 1.0
_line_scale = 1.0


def theme() -> Theme:
    return _theme


def set_theme(name: str) -> Theme:
    global _theme
    _theme = THEMES[name]
    return _theme


def scales() -> tuple[float, float]:
    """(font scale, line scale): 1.0 each, larger in presentation mode."""
    return _font_scale, _line_scale


def set_scales(font: float, line: float) -> None:
    global _font_scale, _line_scale
    _font_scale, _line_scale = float(font), float(line)


def pt(size: float) -> float:
    """A font size in points, scaled."""
    return size * _font_scale


def lw(width: float) -> float:
    """A line width, scaled."""
    return width * _line_scale


def lane_color(activation: str) -> str:
    """The lane colour in the current theme (black would vanish on dark)."""
    color = palette.lane_color(activation)
    return _theme.black_lane if color == "#000000" else color


def contrast_ratio(a: str, b: str) -> float:
    """The WCAG 2 contrast ratio of two opaque colours: 1 (same) to 21 (black on white)."""
    def luminance(color: str) -> float:
        c = QColor(color)
        lin = [v / 12.92 if v <= 0.03928 else ((v + 0.055) / 1.055) ** 2.4
               for v in (c.redF(), c.greenF(), c.blueF())]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    hi, lo = sorted((luminance(a), luminance(b)), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


@functools.lru_cache(maxsize=256)  # (the diagram asks at every paint: same inks, same answer)
def readable(color: str, background: str, ratio: float = 4.5) -> str:
    """``color`` darkened (on a light background) or lightened (on a dark one) just enough to
    reach ``ratio`` against ``background``; its hue is kept. ``#rrggbb``."""
    c, toward = QColor(color), QColor("#000000")
    if QColor(background).lightnessF() < 0.5:
        toward = QColor("#FFFFFF")
    out = c.name()
    for k in range(21):
        t = k / 20
        out = QColor.fromRgbF(c.redF() + (toward.redF() - c.redF()) * t,
                              c.greenF() + (toward.greenF() - c.greenF()) * t,
                              c.blueF() + (toward.blueF() - c.blueF()) * t).name()
        if contrast_ratio(out, background) >= ratio:
            break
    return out


def state_color(state: State) -> str:
    """The colour of a state written as text on the page of the current theme."""
    colors = palette.STATE_COLORS_ON_DARK if _theme is DARK else palette.STATE_COLORS
    return colors.get(state, _theme.text)


def pg_options(th: Theme | None = None) -> dict[str, str]:
    """pyqtgraph's default background and foreground for ``th`` (the current theme)."""
    th = th or _theme
    return {"background": "w", "foreground": "k"} if th is LIGHT else {
        "background": th.plot_bg, "foreground": th.text}


# --- restyling plots built with another theme ---------------------------------------------------
_ROLES = ("text", "muted", "plot_bg", "grid", "shock", "black_lane", "dead_region", "label_fill")


def _key(color: Any) -> str:
    return pg.mkColor(color).name(QColor.NameFormat.HexArgb)


def color_map(th: Theme | None = None) -> dict[str, QColor]:
    """Each colour of a role (text, grid, plot background, ...) in another theme -> the colour of
    that role in ``th`` (the current theme). Colours of no role (the lanes) are not in it."""
    th = th or _theme
    out: dict[str, QColor] = {}
    for other in THEMES.values():
        if other is not th:
            for role in _ROLES:
                out.setdefault(_key(getattr(other, role)), pg.mkColor(getattr(th, role)))
    return out


def _one(value: Any) -> bool:
    """A single pen, brush or colour (not a per-point list of them)."""
    if isinstance(value, tuple):
        return all(isinstance(v, (int, float)) for v in value)
    return value is not None and not isinstance(value, list)


def _pen(pen: Any, cmap: dict[str, QColor]) -> QPen | None:
    """``pen`` in the mapped colour; None if it needs no change."""
    if not _one(pen):
        return None
    pen = QPen(pg.mkPen(pen))
    new = cmap.get(_key(pen.color()))
    if new is None or pen.style() == Qt.PenStyle.NoPen:
        return None
    pen.setColor(new)
    return pen


def _brush(brush: Any, cmap: dict[str, QColor]) -> QBrush | None:
    if not _one(brush):
        return None
    brush = QBrush(pg.mkBrush(brush))
    new = cmap.get(_key(brush.color()))
    if new is None or brush.style() == Qt.BrushStyle.NoBrush:
        return None
    brush.setColor(new)
    return brush


def _restyle_axis(axis: pg.AxisItem, cmap: dict[str, QColor]) -> None:
    label = axis.labelStyle.get("color")
    for get, put in ((axis.pen, axis.setPen), (axis.tickPen, axis.setTickPen),
                     (axis.textPen, axis.setTextPen)):
        pen = _pen(get(), cmap)
        if pen is not None:
            put(pen)
    if label is not None:  # setPen and setTextPen overwrite the label's own colour
        new = cmap.get(_key(label))
        axis.labelStyle["color"] = new.name() if new is not None else label
        if axis.labelText or axis.labelUnits:
            axis.setLabel(axis.labelText, axis.labelUnits, axis.labelUnitPrefix,
                          unitPower=axis.unitPower, **axis.labelStyle)


def _restyle_item(item: Any, cmap: dict[str, QColor]) -> None:
    def swap(get: Any, put: Any, kind: Any = _pen) -> None:
        new = kind(get, cmap)
        if new is not None:
            put(new)

    if isinstance(item, pg.AxisItem):
        _restyle_axis(item, cmap)
    elif isinstance(item, pg.PlotDataItem):
        o = item.opts
        swap(o.get("pen"), item.setPen)
        swap(o.get("symbolPen"), item.setSymbolPen)
        swap(o.get("symbolBrush"), item.setSymbolBrush, _brush)
        swap(o.get("fillBrush"), item.setFillBrush, _brush)
    elif isinstance(item.parentItem(), pg.PlotDataItem):
        return  # its curve and symbols follow the PlotDataItem
    elif isinstance(item, pg.PlotCurveItem):
        swap(item.opts.get("pen"), item.setPen)
        swap(item.opts.get("brush"), item.setBrush, _brush)
    elif isinstance(item, pg.ScatterPlotItem):
        swap(item.opts.get("pen"), item.setPen)
        swap(item.opts.get("brush"), item.setBrush, _brush)
    elif isinstance(item, pg.BarGraphItem):
        swap(item.opts.get("pen"), lambda p: item.setOpts(pen=p))
        swap(item.opts.get("brush"), lambda b: item.setOpts(brush=b), _brush)
    elif isinstance(item, pg.InfiniteLine):
        swap(item.pen, item.setPen)
    elif isinstance(item, (Level, Mark)):
        swap(item.pen(), item.setPen)
    elif isinstance(item, Zone):
        swap(item.brush(), item.setBrush, _brush)
    elif isinstance(item, pg.TextItem):
        new = cmap.get(_key(item.color))
        if new is not None:
            item.setColor(new)
        swap(item.fill, lambda b: setattr(item, "fill", b), _brush)
        swap(item.border, lambda p: setattr(item, "border", p))
        item.update()
    elif isinstance(item, pg.LabelItem):
        color = item.opts.get("color")
        new = cmap.get(_key(color)) if color is not None else None
        if new is not None:
            item.setText(item.text, color=new.name(QColor.NameFormat.HexArgb))
        elif color is None:  # pyqtgraph's foreground, read now
            item.setText(item.text)
    elif isinstance(item, pg.LinearRegionItem):
        swap(item.brush, item.setBrush, _brush)
    elif isinstance(item, pg.FillBetweenItem):
        swap(item.brush(), item.setBrush, _brush)
    elif isinstance(item, pg.LegendItem):
        swap(item.opts.get("pen"), item.setPen)
        swap(item.opts.get("brush"), item.setBrush, _brush)
        new = cmap.get(_key(item.opts.get("labelTextColor") or "k"))
        if new is not None:
            item.setLabelTextColor(new)


_HEX = re.compile(r"#[0-9A-Fa-f]{6}\b")


def _swap_hex(text: str, cmap: dict[str, QColor]) -> str:
    def swap(m: re.Match) -> str:
        new = cmap.get(_key(m.group(0)))
        return m.group(0) if new is None else new.name().upper()

    return _HEX.sub(swap, text) if "#" in text else text


def _restyle_widget(widget: QWidget, cmap: dict[str, QColor]) -> None:
    """A style sheet's colours, and a label's rich-text colours."""
    sheet = widget.styleSheet()
    new = _swap_hex(sheet, cmap)
    if new != sheet:
        widget.setStyleSheet(new)
    if isinstance(widget, QLabel) and widget.textFormat() != Qt.TextFormat.PlainText:
        text = widget.text()
        if "<" in text:
            new = _swap_hex(text, cmap)
            if new != text:
                widget.setText(new)


def restyle(root: QWidget) -> None:
    """Bring ``root`` and every widget under it to the current theme: pyqtgraph backgrounds,
    axes, labels, texts, lines and fills, style sheets and labels' rich text drawn in another
    theme's role colours take this theme's (other colours, the lanes', are left alone). Cheap, and
    a no-op on what is already in the current theme."""
    cmap = color_map()
    for widget in (root, *root.findChildren(QWidget)):
        _restyle_widget(widget, cmap)
    views = root.findChildren(pg.GraphicsView)
    if isinstance(root, pg.GraphicsView):
        views.append(root)
    for view in views:
        new = cmap.get(_key(view.backgroundBrush().color()))
        if new is not None:
            view.setBackground(new)
        for item in view.scene().items():
            _restyle_item(item, cmap)
