"""The network diagram's dead neuron at the presentation scales: "DEAD" inside the neuron's
circle (it spilled over the incoming weight lines at 1.5x and 2x) and the z label clear of its
outline (it sat on the rim)."""

import math

import pytest
from PySide6.QtCore import QRectF

from app import settings
from tests import helpers
from tests.helpers import bias_shock_sim, show
from widgets import style
from widgets.diagram_layout import NEURON, NEURON_R
from widgets.network_diagram import NetworkDiagram

OUTLINE = 3.5  # the neuron's outline width (px on the canvas)


def drawn(diagram) -> dict[str, QRectF]:
    """The texts the diagram paints, with their rectangles on the canvas."""
    return dict(helpers.painted_texts(diagram))


def corners(rect: QRectF):
    return (rect.topLeft(), rect.topRight(), rect.bottomLeft(), rect.bottomRight())


@pytest.mark.parametrize("scale", [1.0, *settings.SCALES])
def test_dead_word_inside_and_z_label_clear_of_the_neuron(qtbot, scale):
    diagram = show(qtbot, NetworkDiagram(bias_shock_sim(1000)), (460, 330))
    assert diagram.is_dead
    try:
        style.set_scales(scale, 1.0)
        diagram._fonts.clear()
        texts = drawn(diagram)
    finally:
        style.set_scales(1.0, 1.0)
        diagram._fonts.clear()
    inner = NEURON_R - OUTLINE / 2
    dead = texts["DEAD"].adjusted(-3, -1, 3, 1)  # with its halo
    for c in corners(dead):
        assert math.hypot(c.x() - NEURON.x(), c.y() - NEURON.y()) <= inner, (scale, dead)
    z = next(r for t, r in texts.items() if t.startswith("z = ")).adjusted(-3, -1, 3, 1)
    # the nearest point of the label's rectangle is outside the outline
    nx = min(max(NEURON.x(), z.left()), z.right())
    ny = min(max(NEURON.y(), z.top()), z.bottom())
    assert math.hypot(nx - NEURON.x(), ny - NEURON.y()) > NEURON_R + OUTLINE / 2, (scale, z)
