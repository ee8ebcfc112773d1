"""The look in force: light or dark colours, and the font and line scales of presentation mode.

Views read it whenever they create or restyle an item (a pen, a font, a card's colours), so a
change applies to what is drawn next; ``app.presentation`` restyles what already exists.
"""

from __future__ import annotations

from dataclasses import dataclass

from widgets import palette


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


LIGHT = Theme("light", window="#EFEFEF", base="#FFFFFF", text="#202020", muted="#5E5E5E",
              plot_bg="#FFFFFF", grid="#E2E2E2", card_bg="#FFFFFF", dead_bg="#CFCFCF",
              border="#CDCDCD", selected_border="#1A1A1A", dead_region=palette.DEAD_REGION,
              shock=palette.SHOCK_COLOR, label_fill=(255, 255, 255, 200), black_lane="#000000")
DARK = Theme("dark", window="#1F2124", base="#17181A", text="#ECECEC", muted="#B4B4B4",
             plot_bg="#17181A", grid="#34373B", card_bg="#26282B", dead_bg="#4A4A4A",
             border="#45484D", selected_border="#F0F0F0", dead_region="#FFFFFF1C",
             shock="#D8D8D8", label_fill=(23, 24, 26, 210), black_lane="#E8E8E8")
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
