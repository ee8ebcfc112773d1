"""The capacity plot shows every lane where lanes lose the same share: after b = -10, ELU and SELU
(saturated) and ReLU + dropout (dead) were all at 100 % under ReLU's line, shown only by the table.
Lines of equal value are drawn side by side, a line's width apart, centred on their value, and the
plot says so (and by how much)."""

import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPointF

from app.application import configure_pyqtgraph
from app.controller import LiveController
from app.population_tabs import PopulationFollower
from simulation import presets
from tests import helpers
from widgets.population_plots import dodge
from widgets.population_texts import lane_label
from widgets.population_view import PopulationView


def test_dodge_puts_equal_values_side_by_side_and_leaves_the_others():
    ys = np.array([[100.0, 29.0], [0.0, 0.0], [0.0, 0.0], [100.0, 0.0], [100.0, 60.0],
                   [100.0, 35.0]])
    out, group = dodge(ys, tol=1.0, step=2.0)
    assert group == 4  # 4 lanes at 100 % (column 0)
    # column 0: lanes 0, 3, 4, 5 at 100 in lane order from the top, centred on 100; 1, 2 at 0
    assert out[[0, 3, 4, 5], 0].tolist() == [103.0, 101.0, 99.0, 97.0]
    assert out[[1, 2], 0].tolist() == [1.0, -1.0]
    # column 1: 0 % thrice (lanes 1, 2, 3); the rest alone, exact
    assert out[[1, 2, 3], 1].tolist() == [2.0, 0.0, -2.0]
    assert out[[0, 4, 5], 1].tolist() == [29.0, 60.0, 35.0]
    # nearly equal (within tol): the higher value on top, centred on the pair's mean
    near, _ = dodge(np.array([[50.0], [50.5]]), tol=1.0, step=2.0)
    assert near[:, 0].tolist() == [49.25, 51.25]
    # nothing within tol: unchanged
    apart = np.array([[0.0, 10.0], [5.0, 20.0]])
    same, group = dodge(apart, tol=1.0, step=2.0)
    assert group == 1 and np.array_equal(same, apart)


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("bias-shock").config())
    yield c
    c.pause()


def _px(view, x, y):
    """Device y (px) of the capacity plot's point (x, y)."""
    return view.capacity.vb.mapViewToDevice(QPointF(x, y)).y()


@pytest.mark.parametrize("size", [(1280, 640), (1920, 1000)])
def test_lanes_lost_alike_are_all_visible_after_a_bias_shock(controller, qtbot, size):
    configure_pyqtgraph()
    v = helpers.show(qtbot, PopulationView(controller, PopulationFollower(size=100)), size)
    controller.sim.run(40)
    assert v.follower.sync(controller.sim, controller.journal)
    controller.bias_shock(-10.0)
    controller.sim.run(20)
    assert v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    pop = v.follower.pop
    names = [lane_label(lane) for lane in pop.lanes]
    xs, true = v.capacity_values
    lost = {n: true[i, -1] for i, n in enumerate(names)}
    at_100 = [n for n in names if lost[n] == 100.0]
    assert {"ReLU", "ELU", "SELU", "ReLU + dropout 0.5"} <= set(at_100)  # as the table says
    width = v.curves[0].opts["pen"].widthF()
    drawn = {}
    for i, n in enumerate(names):
        x, y = v.curves[i].getData()
        assert np.array_equal(x, xs)
        drawn[n] = _px(v, x[-1], y[-1])
    # every lane at 100 % its own line: a line's width from the next one, none hidden
    rows = sorted(drawn[n] for n in at_100)
    assert all(b - a >= width - 0.01 for a, b in itertools.pairwise(rows))
    # in the table's order from the top, the bundle centred on 100 %, none off by more than
    # the label says
    order = sorted(at_100, key=names.index)
    assert [drawn[n] for n in order] == sorted(drawn[n] for n in order)
    centre = _px(v, xs[-1], 100.0)
    assert np.mean([drawn[n] for n in at_100]) == pytest.approx(centre, abs=0.01)
    off = (len(at_100) - 1) / 2 * width
    assert max(abs(drawn[n] - centre) for n in at_100) == pytest.approx(off, abs=0.01)
    label = v.capacity.getAxis("bottom").labelText
    assert label.startswith("steps run") and "side by side" in label
    assert f"±{off:.0f} px" in label
    # the whole bundle inside the plot, a bundle at 0 % too
    top = v.capacity.vb.mapViewToDevice(QPointF(xs[-1], v.capacity.vb.viewRange()[1][1])).y()
    bottom = v.capacity.vb.mapViewToDevice(QPointF(xs[-1], v.capacity.vb.viewRange()[1][0])).y()
    assert min(drawn.values()) - width / 2 >= top
    half = ((len(names) - 1) / 2 + 0.5) * width
    assert _px(v, xs[-1], 0.0) + half <= bottom + 0.01
    # a lane alone at its value is drawn at it, exactly
    for i, n in enumerate(names):
        if sum(abs(lost[n] - lost[m]) < 5 for m in names) == 1:
            assert v.curves[i].getData()[1][-1] == lost[n]

