"""Lines of equal values in the self-normalization and dropout tabs: each lane stays visible (the
one beneath drawn wider), the key says which coincide, and the values plotted are unchanged."""

import numpy as np
import pytest

from app.application import configure_pyqtgraph
from simulation import datasets2d
from simulation.dropout_net import DropoutExperiment, RunSpec
from tests import helpers
from widgets.dropout_view import DropoutView
from widgets.overlap_lines import LINE_W, under_widths
from widgets.selfnorm_view import SelfNormView


@pytest.fixture
def show(qtbot):
    configure_pyqtgraph()
    return lambda view: helpers.show(qtbot, view)


def finish(qtbot, view):
    qtbot.waitUntil(lambda: not view.runner.running, timeout=60_000)


def width(curve):
    return curve.opts["pen"].widthF()


def test_a_line_covered_by_a_later_one_is_drawn_wider_beneath_it():
    same = np.array([1.0, 2.0, 3.0])
    other = np.array([9.0, 8.0, 7.0])
    widths, pairs = under_widths([same, same + 0.01, other], span=10.0)
    assert widths[0] > widths[1] == widths[2] == LINE_W
    assert pairs == {(0, 1)}
    widths, _ = under_widths([same, same, same], span=10.0)  # a stack: each wider than above
    assert widths[0] > widths[1] > widths[2] == LINE_W


def test_selfnorm_relu_shows_beneath_leaky_relu_and_the_key_says_so(show, qtbot):
    v = show(SelfNormView())
    v.depth.setValue(10)
    v.width.setValue(32)
    v.samples.setValue(100)
    for name, box in v.checks.boxes.items():
        box.setChecked(name in ("relu", "leaky_relu"))
    v.toggle()
    finish(qtbot, v)
    for k in (0, 1):  # mean and variance
        relu, leaky = v.curves["relu"][k], v.curves["leaky_relu"][k]
        assert width(relu) > width(leaky) == LINE_W
    assert "drawn wider" in v.legend.text()
    assert "ReLU ≈ Leaky ReLU" in v.legend.toolTip()
    s = {st.activation: st for st in v.run.stats}["relu"]
    np.testing.assert_array_equal(v.curves["relu"][0].getData()[1], s.mean)  # values unchanged


def test_dropout_relu_shows_beneath_leaky_relu_on_the_circle(show, qtbot):
    v = show(DropoutView())
    split = datasets2d.make("circle", 200, 200, 0)
    v.start(DropoutExperiment(split, [RunSpec("relu"), RunSpec("leaky_relu")], epochs=6))
    finish(qtbot, v)
    relu, leaky = v.curves[("relu", False)][0], v.curves[("leaky_relu", False)][0]
    np.testing.assert_allclose(*(c.getData()[1] for c in (relu, leaky)), atol=0.02)  # as reported
    assert width(relu) > width(leaky) == LINE_W
    assert "drawn wider" in v.legend.text()
    assert "ReLU ━ ≈ Leaky ReLU ━" in v.legend.toolTip()
    h = {x.spec.activation: x for x in v.experiment.histories}["relu"]
    np.testing.assert_allclose(10 ** relu.getData()[1], h.train_loss)  # (log axis) unchanged
