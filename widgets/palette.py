"""Colours: one per lane (Okabe-Ito, colour-blind safe) and one per health state."""

from __future__ import annotations

from simulation.health import State

# Okabe & Ito (2008), "Color Universal Design"; yellow swapped for black (unreadable on white).
LANE_COLORS: dict[str, str] = {
    "relu": "#D55E00",  # vermillion
    "leaky_relu": "#0072B2",  # blue
    "prelu": "#009E73",  # bluish green
    "elu": "#E69F00",  # orange
    "selu": "#CC79A7",  # reddish purple
    "gelu": "#56B4E9",  # sky blue
    "silu": "#000000",  # black
}

STATE_COLORS: dict[State, str] = {
    State.ALIVE: "#1B7F3B",
    State.RECOVERING: "#0072B2",
    State.SATURATED: "#9A5B00",  # white on it: 5.4:1 (WCAG AA)
    State.DEAD: "#555555",
    State.DIVERGED: "#A0006E",
}

# the same states as text on a dark page: lighter, so they read against it
STATE_COLORS_ON_DARK: dict[State, str] = {
    State.ALIVE: "#4CC26E",
    State.RECOVERING: "#56B4E9",
    State.SATURATED: "#E6A23C",
    State.DEAD: "#A8A8A8",
    State.DIVERGED: "#E77BC3",
}

# a state badge (background, text) on the dark theme where the light one would not stand out:
# a grey DEAD badge vanished on the dark theme's grey dead card
BADGE_ON_DARK: dict[State, tuple[str, str]] = {State.DEAD: ("#D4D4D4", "#141414")}

DEAD_REGION = "#00000018"  # shade of z <= 0 on curves
SHOCK_COLOR = "#444444"
ZERO_COLOR = "#888888"


def lane_color(activation: str) -> str:
    """The lane colour of an activation (grey for an unknown one)."""
    return LANE_COLORS.get(activation, "#777777")
