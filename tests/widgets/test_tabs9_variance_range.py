"""Self-normalization with GELU and SiLU under He init: their variance collapses (10⁻¹⁴), and the
variance axis no longer follows it down, which flattened SELU, ReLU and Leaky ReLU into one line
at 1; the collapsed lanes are labelled at the bottom edge with their last value, and the key says
why they collapse."""

import numpy as np
import pytest

from app.application import configure_pyqtgraph
from tests import helpers
from widgets.selfnorm_view import VAR_FLOOR, SelfNormView


@pytest.fixture
def view(qtbot):
    configure_pyqtgraph()
    v = helpers.show(qtbot, SelfNormView())
    v.depth.setValue(40)
    v.width.setValue(32)
    v.samples.setValue(100)
    return v


def run(qtbot, v, names):
    for name, box in v.checks.boxes.items():
        box.setChecked(name in names)
    v.toggle()
    qtbot.waitUntil(lambda: not v.runner.running, timeout=60_000)
    return {s.activation: s for s in v.run.stats}


def test_collapsed_gelu_and_silu_leave_the_axis_to_the_lanes_near_one(qtbot, view):
    stats = run(qtbot, view, ("selu", "relu", "gelu", "silu"))
    assert stats["silu"].var[-1] < 1e-6  # collapsed, as reported
    bottom = view.var_plot.viewRange()[1][0]
    assert bottom > VAR_FLOOR - 1  # log10: not down at 10⁻¹⁴
    label = view.off_scale.toPlainText()
    assert "GELU" in label and "SiLU" in label
    assert f"{stats['silu'].var[-1]:.2g}" in label  # the model's number, not hidden
    assert "collapses" in view.legend.text()
    data = view.curves["silu"][1].getData()[1]  # the curve itself unchanged (log10 of var)
    np.testing.assert_allclose(10 ** data, np.maximum(stats["silu"].var, 1e-300))


def test_without_a_collapse_the_axis_follows_the_data_and_nothing_is_labelled(qtbot, view):
    run(qtbot, view, ("selu", "relu"))
    assert view.off_scale.toPlainText() == ""
    assert "collapses" not in view.legend.text()
    assert view.var_plot.getViewBox().autoRangeEnabled()[1]
