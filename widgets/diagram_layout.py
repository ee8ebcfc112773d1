"""The layout of the network diagram: a fixed 420 x 300 logical canvas with its node positions,
fonts and inks, the widths of forward edges (by |w|) and backward arrows (by log10 |gradient|),
and the numbers one frame paints."""

from __future__ import annotations

import math
from dataclasses import dataclass

from PySide6.QtCore import QPointF, QRectF

from simulation.health import State
from widgets import style

BASE_W, BASE_H = 420.0, 300.0  # the logical canvas; scaled uniformly to the widget
MIN_W, MIN_H = 300, 215  # the widget's least size (px), at font scale 1

POS_COLOR = "#0072B2"  # w > 0 (Okabe-Ito blue, in both themes)
NEG_COLOR = "#D55E00"  # w < 0 (Okabe-Ito vermillion)
GRAD_COLOR = style.LIGHT.grad  # the backward gradient (the theme's ``grad``)
STOP_COLOR = style.LIGHT.stop  # the exact zero that stops the gradient (the theme's ``stop``)

FONT_PX = 15  # ~11 pt at 96 dpi, at the 420 x 300 base size
TITLE_PX = 18
MAX_FONT_SCALE = 1.5  # presentation font scales beyond this leave the diagram's text at 1.5x
PRESENT_SHARE = 0.4  # presenting: the diagram takes at most this share of its column's height
HEADER_H = 34.0  # the header's text is at most this tall (larger fonts: clear of w1's label)

W_MIN, W_MAX, W_PER_UNIT = 1.0, 8.0, 4.0  # forward edge width = 4 px per unit |w|, clamped
G_MIN, G_MAX = 1.0, 6.0  # gradient width: 1 px at |g| = 1e-7 up to 6 px at |g| >= 1 (log scale)
G_LOW_DECADE, G_DECADES = -7.0, 7.0

IN_X = 40.0
IN_Y = (70.0, 150.0, 230.0)  # x1, x2, bias
IN_R = 17.0
NEURON = QPointF(232.0, 150.0)
NEURON_R = 38.0
A_NODE = QPointF(322.0, 150.0)
A_R = 16.0
LOSS_RECT = QRectF(364.0, 133.0, 44.0, 34.0)
TRUNK_Y = 150.0 + 27.0  # the backward trunk runs under a, from L to the neuron
ARROW_T = (0.72, 0.40)  # gradient arrows run back along their edge between these fractions
CURVE_Z = 2.5  # the mini plot inside the neuron spans z in [-2.5, 2.5]
CURVE_PX = 27.0  # half-width of that plot, px
CURVE_SCALE = 10.0  # px per unit of f(z)


def weight_width(w: float) -> float:
    """Forward edge width for weight ``w``: proportional to |w|, clamped to [1, 10] px."""
    if not math.isfinite(w):
        return W_MAX
    return float(min(max(W_PER_UNIT * abs(w), W_MIN), W_MAX))


def gradient_width(g: float) -> float:
    """Backward arrow width for gradient ``g``: log scale, 1 px at 1e-7 to 6 px at 1; 0 if 0."""
    if g == 0.0 or not math.isfinite(g):
        return 0.0
    t = (math.log10(abs(g)) - G_LOW_DECADE) / G_DECADES
    return float(min(max(G_MIN + t * (G_MAX - G_MIN), G_MIN), G_MAX))


@dataclass
class _View:
    """The numbers one frame paints (read from the engine in ``refresh``)."""

    step: int
    label: str
    activation: str
    state: State
    sample: int
    auto_sample: bool
    x1: float
    x2: float
    y: float
    z: float
    a: float
    loss: float
    w1: float
    w2: float
    b: float
    alpha: float
    grad_w1: float
    grad_w2: float
    grad_b: float
    error_signal: float  # sum over samples of |dL/da|: what flows back from L
