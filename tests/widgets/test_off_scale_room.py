"""A log plot's off-scale labels, stacked from its lowest decade up (or its top decade down),
stay within the plot: as many rows as fit between that decade and the plot's far edge.

In a 1280x720 window (time plots ~620x540, the gradient plot ~95 px tall) three lanes below the
gradient plot's scale after a second bias shock got three rows stacked up from its lowest
decade, and the top one ("↓ ELU: |∂L/∂b| 1.91e-17 (+1 lane more)") was cut in half by the
plot's top edge: the rows were counted from the whole plot's height and the room among the
curves, not from the height above that decade."""

from __future__ import annotations

import pytest

from simulation import presets
from simulation.engine import Simulation


def shocked_twice() -> Simulation:
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=20_000)
    sim.run(55_000)
    sim.bias_shock(-10.0)
    sim.run(27_390)
    return sim


@pytest.mark.parametrize("size", [(620, 540), (620, 480), (1100, 800)])
def test_off_scale_labels_stay_inside_their_plot(make, qtbot, size):
    sim = shocked_twice()
    w = make(sim, size=size)
    qtbot.wait(10)
    w.refresh(sim)
    seen = 0
    for lane in w.lanes:
        for (plot, _edge), label in lane.off.items():
            if not label.isVisible():
                continue
            box = w.plots[plot].vb.sceneBoundingRect()
            margin = label.textItem.document().documentMargin()
            rect = label.sceneBoundingRect().adjusted(0, margin, 0, -margin)  # the text's own
            assert box.top() - 0.5 <= rect.top() and rect.bottom() <= box.bottom() + 0.5, (
                plot, label.toPlainText(), size, rect, box)
            seen += plot == "grad"
    assert seen >= 1  # (the gradient plot has labels: the case this is about)
