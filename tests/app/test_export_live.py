"""Exporting a plot leaves the live time plots exactly as they were: the same layout (the key
column on the right, the plots inside the view), and the step axis follows the newest step."""

import pytest
from PySide6.QtWidgets import QApplication

from app import export
from tests.helpers import play


def _layout(plots):
    """Where every plot and key sits in the time plots' view."""
    items = [*plots.plots.values(), plots.params_key, plots.z_key, plots.a_key]
    return [item.geometry().getRect() for item in items]


@pytest.mark.parametrize("fmt", ["png", "svg"])
def test_export_leaves_the_live_plots_as_they_were(win, tmp_path, fmt):
    play(win, 600)
    QApplication.processEvents()
    plots = win.plots
    before = _layout(plots)
    export.export_plot(plots, "loss", tmp_path / f"loss.{fmt}")
    QApplication.processEvents()
    assert _layout(plots) == before
    view = plots.view
    assert view.ci.geometry() == view.range  # the plots fit the view, not the figure
    play(win, 1400)
    QApplication.processEvents()
    t = win.controller.sim.t
    vb = plots.plots["params"].vb
    assert vb.viewRange()[0][1] >= t - 1  # the step axis reaches the newest step ...
    assert vb.sceneBoundingRect().right() <= view.width()  # ... inside the view, not past it
    for key in (plots.params_key, plots.z_key, plots.a_key):
        assert key.isVisible()
        assert key.sceneBoundingRect().left() < view.width()  # the key column is on screen
    assert not plots.plots["loss"].titleLabel.isVisible()
    assert plots.plots["loss"].minimumWidth() == plots.plots["z"].minimumWidth()
