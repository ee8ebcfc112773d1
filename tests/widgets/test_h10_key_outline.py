"""The colour keys' swatches have a thin outline of at least 3:1 against the window in both
themes: the death map's white "never knocked out" swatch (and the population strip's light
"z ≤ 0" one) vanished into the light window; the death map's darkest recovery swatch into the
dark one."""

import pytest
from PySide6.QtGui import QColor, QPalette

from app.controller import LiveController
from app.population_tabs import PopulationFollower
from simulation import presets
from simulation.population import SILENT
from tests.helpers import settle, show
from widgets import style
from widgets.death_map_images import RECOVERY_MAP, UNTOUCHED_COLOR
from widgets.death_map_view import DeathMapView
from widgets.population_texts import CODE_COLORS
from widgets.population_view import PopulationView


@pytest.fixture
def theme():
    """``theme(name)``: the theme in force for the test (the light one again afterwards)."""
    old = style.theme().name
    yield lambda name: style.set_theme(name)
    style.set_theme(old)


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("bias-shock").config())
    yield c
    c.pause()


def largest_patch(points: set) -> list:
    """The largest 4-connected patch of ``points``."""
    best: list = []
    left = set(points)
    while left:
        todo, patch = [left.pop()], []
        while todo:
            x, y = todo.pop()
            patch.append((x, y))
            for q in ((x + 1, y), (x - 1, y), (x, y + 1), (x, y - 1)):
                if q in left:
                    left.remove(q)
                    todo.append(q)
        best = max(best, patch, key=len)
    return best


def ring_contrast(label, color: str, window: str) -> float:
    """The share of the pixels just around the swatch of ``color`` in ``label`` (drawn on
    ``window``) that stand at least 3:1 against the window."""
    pal = label.palette()
    pal.setColor(QPalette.ColorRole.Window, QColor(window))
    label.setPalette(pal)
    label.setAutoFillBackground(True)
    img = label.grab().toImage()
    want = QColor(color).rgb()
    pts = largest_patch({(x, y) for y in range(img.height()) for x in range(img.width())
                         if img.pixel(x, y) == want})  # (not a text's anti-aliased edge)
    assert len(pts) > 20, "the swatch is drawn"
    x0, x1 = min(p[0] for p in pts) - 1, max(p[0] for p in pts) + 1
    y0, y1 = min(p[1] for p in pts) - 1, max(p[1] for p in pts) + 1
    ring = [(x, y0) for x in range(x0, x1 + 1)] + [(x, y1) for x in range(x0, x1 + 1)]
    ring += [(x0, y) for y in range(y0 + 1, y1)] + [(x1, y) for y in range(y0 + 1, y1)]
    good = sum(style.contrast_ratio(QColor(img.pixel(x, y)).name(), window) >= 3.0
               for x, y in ring)
    return good / len(ring)


CASES = [("light", UNTOUCHED_COLOR), ("dark", RECOVERY_MAP.map(0.0, mode="qcolor").name()),
         ("dark", UNTOUCHED_COLOR)]


@pytest.mark.parametrize(("name", "color"), CASES)
def test_death_map_swatches_are_outlined(qtbot, theme, name, color):
    th = theme(name)
    view = show(qtbot, DeathMapView(None), (1280, 720))
    settle(qtbot)
    assert ring_contrast(view.legend, color, th.window) >= 0.95


@pytest.mark.parametrize("name", ["light", "dark"])
def test_population_strip_key_swatches_are_outlined(qtbot, theme, controller, name):
    th = theme(name)
    view = show(qtbot, PopulationView(controller, PopulationFollower(size=100)), (1280, 900))
    settle(qtbot)
    assert ring_contrast(view.strip_key, CODE_COLORS[SILENT], th.window) >= 0.95
