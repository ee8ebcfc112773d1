"""Colours and images of the death maps: a cell's state or recovery time as an RGBA pixel and
the colour key under the maps (the lr-factor axis, :class:`FactorAxis`, is in
:mod:`widgets.death_map_axis`; re-exported here).
"""

from __future__ import annotations

import math

import numpy as np
import pyqtgraph as pg

from simulation.health import State
from widgets.death_map_axis import FactorAxis
from widgets.palette import STATE_COLORS

__all__ = ["NEVER_COLOR", "RECOVERY_MAP", "UNTOUCHED_COLOR", "FactorAxis", "css_rgb",
           "legend_text", "recovery_image", "state_image"]

NEVER_COLOR = "#858585"  # not alive again by the end (grey, as dead; not in the colour map):
# 3.7:1 against white ("never knocked out") and the light plot, 4.8:1 on the dark plot
UNTOUCHED_COLOR = "#FFFFFF"  # never stopped being alive
RECOVERY_MAP = pg.colormap.get("viridis")


def state_image(states: np.ndarray) -> np.ndarray:
    """(F, B) states -> (B, F, 4) RGBA bytes (x = bias, y = factor)."""
    lut = np.array([pg.mkColor(STATE_COLORS[s]).getRgb() for s in State], dtype=np.ubyte)
    return lut[states].transpose(1, 0, 2)


def recovery_image(rec: np.ndarray, top: float) -> np.ndarray:
    """(F, B) recovery steps -> (B, F, 4) RGBA: log colour scale 1..top, NaN dark, 0 white."""
    with np.errstate(all="ignore"):
        scaled = np.clip(np.log10(np.maximum(rec, 1.0)) / math.log10(max(top, 10.0)), 0.0, 1.0)
    rgba = RECOVERY_MAP.map(np.nan_to_num(scaled).ravel(), mode="byte").reshape(*rec.shape, 4)
    rgba[rec == 0] = pg.mkColor(UNTOUCHED_COLOR).getRgb()
    rgba[np.isnan(rec)] = pg.mkColor(NEVER_COLOR).getRgb()
    return rgba.transpose(1, 0, 2)


def css_rgb(color: str) -> str:
    """``color`` as ``rgb(r, g, b)``: the swatches are the maps' own colours in every theme, and
    :func:`widgets.style.restyle` swaps theme role colours written in hex (white, the light
    theme's plot background, became the dark one's: the "never knocked out" swatch vanished)."""
    r, g, b, _ = pg.mkColor(color).getRgb()
    return f"rgb({r}, {g}, {b})"


def legend_text(top: float) -> str:
    """The key under the maps, as HTML: the state colours and the recovery colour scale
    up to ``top`` steps. A swatch is joined to its label by non-breaking spaces (the label's own
    spaces too), so a line may break between entries, never inside one."""
    def entry(color: str, label: str) -> str:
        return (f"<span style='color:{css_rgb(color)}; background:{css_rgb(color)}'>██</span>"
                "&nbsp;" + label.replace(" ", "&nbsp;"))
    states = " ".join(entry(STATE_COLORS[s], s.label) for s in State)
    stops = [1, 10, 100, 1000, 10_000]
    stops = [v for v in stops if v <= top] or [1]
    span = math.log10(max(top, 10.0))
    ramp = " ".join(entry(RECOVERY_MAP.map(math.log10(v) / span, mode="qcolor").name(), f"{v:,}")
                    for v in stops)
    return (f"x: bias shock b, y: lr shock factor. <b>Top: state at the end</b> {states}"
            f" &nbsp; <b>Bottom: steps until alive again</b> "
            f"{entry(UNTOUCHED_COLOR, 'never knocked out')} {ramp} "
            f"{entry(NEVER_COLOR, 'not by the end')}")
