"""Review 9, the Death-map tab: the five maps equally wide (areas compare fairly), maps of an
old b range marked stale until Run, the intro in a GUI user's words, and the two light recovery
swatches ("never knocked out", "not by the end") told apart."""

import numpy as np
import pytest

from simulation import sweep
from tests import helpers
from widgets import style
from widgets.death_map_images import NEVER_COLOR, UNTOUCHED_COLOR, legend_text
from widgets.death_map_view import DeathMapView


def small_sweep(view, lo=-10.0, hi=10.0):
    spec = sweep.SweepSpec(bias=tuple(np.linspace(lo, hi, 6).tolist()),
                           factor=tuple(np.geomspace(1, 100, 6).tolist()),
                           shock_step=20, lr_steps=2, steps=120)
    return sweep.Sweep(view.base_config(), spec)


def swept(qtbot, size):
    view = helpers.show(qtbot, DeathMapView(), size)
    view.start(small_sweep(view))
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    helpers.settle(qtbot, 4)
    return view


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_maps_are_equally_wide(qtbot, size):
    view = swept(qtbot, size)
    widths = [pair[k].vb.sceneBoundingRect().width() for pair in view.maps for k in (0, 2)]
    assert len(widths) == 10
    assert max(widths) - min(widths) <= 1, widths


def run_controls(qtbot, view):
    """Run the sweep the controls ask for (a small one) to its end."""
    view.start(sweep.Sweep(view.base_config(), view.spec()))
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)


def test_maps_of_another_b_range_are_marked_stale_until_run(qtbot):
    view = helpers.show(qtbot, DeathMapView())
    view.grid.setCurrentIndex(0)  # 20 x 20
    view.shock_step.setValue(20)
    view.after.setValue(100)
    assert not view.stale.isVisibleTo(view)  # no maps yet
    run_controls(qtbot, view)
    assert "press Run" not in view.stale.text() and not view.stale.isVisibleTo(view)
    view.b_lo.setValue(-3.0)
    assert view.stale.isVisibleTo(view)
    text = view.stale.text()
    assert "−10" in text and "−3" in text and "press Run" in text
    view.b_lo.setValue(-10.0)  # back to the maps' range: not stale
    assert not view.stale.isVisibleTo(view)
    view.f_hi.setValue(50.0)  # the lr range too
    assert view.stale.isVisibleTo(view) and "×50" in view.stale.text()
    view.b_lo.setValue(-3.0)
    run_controls(qtbot, view)  # the maps for the new ranges: not stale
    assert not view.stale.isVisibleTo(view)
    view.grid.setCurrentIndex(1)  # another grid, the same ranges
    assert view.stale.isVisibleTo(view) and "press Run" in view.stale.text()


def test_the_intro_speaks_to_a_gui_user(qtbot):
    view = helpers.show(qtbot, DeathMapView())
    intro = view.intro.text()
    assert "main.py" not in intro and "simulate" not in intro
    assert "Single neuron tab" in intro


def relative(color, against):
    return style.contrast_ratio(color, against)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_never_knocked_out_and_not_by_the_end_are_told_apart(theme):
    bg = style.LIGHT.plot_bg if theme == "light" else style.DARK.plot_bg
    assert relative(UNTOUCHED_COLOR, NEVER_COLOR) >= 1.5
    assert max(relative(UNTOUCHED_COLOR, bg), relative(NEVER_COLOR, bg)) >= 3
    assert "never&nbsp;knocked&nbsp;out" in legend_text(2000)


def test_the_framework_and_the_advisor_name_the_tutorial(qtbot):
    from PySide6.QtWidgets import QLabel

    from widgets.help_panel import Advisor

    view = swept(qtbot, (1280, 720))
    text = view.framework.text()
    assert "The tutorial's decision framework" in text and "tutorial: if …" in text
    assert "seed" not in text.lower()
    advisor = helpers.show(qtbot, Advisor())
    shown = " ".join(label.text() for label in advisor.findChildren(QLabel))
    assert "The tutorial's decision framework" in shown and "seed's" not in shown
