"""Presenting (1.5x fonts) in a 1280x720 window, the claim tabs are not cramped: the dropout
tab's plots show their y-axis labels whole (they were cut: "training loss (lo"), the Run button
of the self-normalization, dropout and death-map tabs is in view without scrolling (it was below
the fold), and the death map's summary under the maps is whole, not scrolled. Also at 1920x1080.
"""

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

from app import settings
from simulation import sweep
from simulation.dropout_net import DropoutExperiment, RunSpec
from tests.helpers import open_tab, open_window, settle, window_case
from widgets.dropout_view import DropoutView

SIZES = [(1280, 720), (1920, 1080)]


@pytest.fixture
def win(qtbot, tmp_path):
    """The main window (throw-away preferences), presenting ended and its font change delivered
    while it is alive (as tests/app's ``win``)."""
    settings.use(settings.Preferences(QSettings(str(tmp_path / "prefs.ini"),
                                                QSettings.Format.IniFormat)))
    w = open_window(qtbot)
    yield w
    w.controller.pause()
    w.presentation.set_presentation(False, persist=False)
    QApplication.processEvents()
    w.statusBar().clearMessage()
    settings.use(None)


def presenting(win, qtbot, size, title):
    window_case(win, qtbot, size, scale=1.5)
    view = open_tab(win, title)
    settle(qtbot, 4)
    return view


def label_whole(plot) -> bool:
    """The plot's y label is shown whole: on its axis within the axis's height, or as the
    plot's title."""
    axis = plot.getAxis("left")
    if axis.label.isVisible():
        return axis.label.boundingRect().width() <= axis.height()
    return plot.titleLabel.isVisible() and axis.labelText in plot.titleLabel.text


@pytest.mark.parametrize("size", SIZES)
def test_dropout_plots_keep_their_y_labels_whole(win, qtbot, size):
    view: DropoutView = presenting(win, qtbot, size, "Dropout network")
    specs = [RunSpec(a, r) for r in (0.0, 0.5) for a in ("relu", "leaky_relu", "elu")]
    view.start(DropoutExperiment(view.split(), specs, 2, 0))  # the key's six rows
    qtbot.waitUntil(lambda: not view.runner.running, timeout=60_000)
    settle(qtbot, 4)
    assert view.legend.text()
    for plot in (view.loss_plot, view.acc_plot, view.dead_plot, view.data_plot):
        assert label_whole(plot), (size, plot.getAxis("left").labelText)
        assert plot.vb.height() >= 60, size  # the plots keep a usable height


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("title", ["Self-normalization", "Dropout network", "Death map"])
def test_run_button_is_in_view_without_scrolling(win, qtbot, size, title):
    view = presenting(win, qtbot, size, title)
    button = view.run_button
    assert button.isVisible()
    assert button.visibleRegion().boundingRect() == button.rect(), (title, size)


def small_sweep(view):
    spec = sweep.SweepSpec(bias=tuple(np.linspace(-10, 10, 6).tolist()),
                           factor=tuple(np.geomspace(1, 100, 6).tolist()),
                           shock_step=20, lr_steps=2, steps=120)
    return sweep.Sweep(view.base_config(), spec)


@pytest.mark.parametrize("size", SIZES)
def test_death_map_summary_is_whole(win, qtbot, size):
    view = presenting(win, qtbot, size, "Death map")
    view.start(small_sweep(view))
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    settle(qtbot, 4)
    text = view.column.text
    assert view.framework.text() and text.isVisible()
    assert text.verticalScrollBar().maximum() == 0, size
    assert text.horizontalScrollBar().maximum() == 0, size
    for pair in view.maps:  # the maps keep a usable height
        assert pair[0].vb.height() >= 75 and pair[2].vb.height() >= 75, size


@pytest.mark.parametrize("start", [11.0, 12.0, 13.0, 14.5, 16.5])
def test_the_font_search_finds_the_largest_size_that_fits_from_any_start(start):
    from widgets import style
    from widgets.capped_label import largest_size

    old = style.scales()
    style.set_scales(1.5, 1.0)  # presenting: 11 pt up to 16.5 pt
    try:
        assert largest_size(lambda s: s <= 13.0, start, 11.0) == 13.0
        assert largest_size(lambda s: True, start, 11.0) == 16.5
        assert largest_size(lambda s: False, start, 11.0) == 11.0
    finally:
        style.set_scales(*old)


def test_ending_presentation_puts_the_y_labels_back_and_the_normal_fonts(win, qtbot):
    view: DropoutView = presenting(win, qtbot, (1280, 720), "Dropout network")
    specs = [RunSpec(a, r) for r in (0.0, 0.5) for a in ("relu", "leaky_relu", "elu")]
    view.start(DropoutExperiment(view.split(), specs, 2, 0))
    qtbot.waitUntil(lambda: not view.runner.running, timeout=60_000)
    settle(qtbot, 4)
    assert not view.dead_plot.getAxis("left").label.isVisible()  # (presenting: its title)
    win.presentation.set_presentation(False, persist=False)
    win.setup_dock.setVisible(False)
    settle(qtbot, 6)
    for plot in (view.loss_plot, view.acc_plot, view.dead_plot):
        assert plot.getAxis("left").label.isVisible() and not plot.titleLabel.isVisible()
    assert view.legend.font().pointSizeF() == 11
