"""Shock labels on the Population tab's capacity plot do not pile up: two shocks close together
(the bias-shock preset's at 300 and a b = -10 at 365) get labels that do not overlap."""

import pytest
from PySide6.QtCore import QRectF

from app.application import configure_pyqtgraph
from app.controller import LiveController
from app.population_tabs import PopulationFollower
from simulation import presets
from tests import helpers
from widgets.population_view import PopulationView


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("bias-shock").config())
    yield c
    c.pause()


def test_close_shocks_have_separate_labels(controller, qtbot):
    configure_pyqtgraph()
    v = helpers.show(qtbot, PopulationView(controller, PopulationFollower(size=50)), (1280, 640))
    controller.sim.run(365)
    controller.bias_shock(-10.0)
    controller.sim.run(310)
    v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    qtbot.wait(50)  # the view's new x range reaches the labels
    labels = [label for _, label in v.markers]
    assert len(labels) == 2 and all(label.isVisible() for label in labels)
    boxes = [QRectF(label.sceneBoundingRect()) for label in labels]
    assert not boxes[0].intersects(boxes[1])
    plot = v.capacity.vb.sceneBoundingRect()
    assert all(plot.contains(box) for box in boxes)
