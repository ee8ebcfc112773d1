"""The network diagram shows one sample, but its L is the mean over every sample: the footer says
so at every font scale (the reviewer read "L = 0.2712" beside sample 38, whose (a - y)² is
0.7117), and the footer's texts stay on the canvas, clear of each other and of every label."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QRectF

from app import settings
from simulation import presets
from simulation.config import RunConfig
from simulation.engine import Simulation
from tests import helpers
from tests.helpers import bias_shock_sim, show
from widgets import style
from widgets.chain_numbers import fmt
from widgets.diagram_layout import BASE_H, BASE_W
from widgets.network_diagram import NetworkDiagram


def big_sim() -> Simulation:
    """5,000 samples and a huge loss: the longest footer texts."""
    d = presets.get("bias-shock").config().to_dict()
    d["data"]["n"] = 5000
    d["init"] = {"w1": 0.1, "w2": 1000.0, "b": 1000.0}
    sim = Simulation(RunConfig.from_dict(d))
    sim.run(3)
    return sim


def texts_at(diagram, scale: float) -> list[tuple[str, QRectF]]:
    try:
        style.set_scales(scale, 1.0)
        diagram._fonts.clear()
        return helpers.painted_texts(diagram)
    finally:
        style.set_scales(1.0, 1.0)
        diagram._fonts.clear()


@pytest.mark.parametrize("scale", [1.0, *settings.SCALES])
@pytest.mark.parametrize("which", ["preset", "big"])
@pytest.mark.parametrize("sample", [None, 38])
def test_the_loss_says_it_is_the_mean_over_every_sample(qtbot, scale, which, sample):
    sim = bias_shock_sim(700) if which == "preset" else big_sim()
    diagram = show(qtbot, NetworkDiagram(sim), (460, 330))
    diagram.set_sample(sample)
    texts = texts_at(diagram, scale)
    loss = float(sim.current().fb.loss[diagram.lane, 0])
    shown = [(t, r) for t, r in texts if t.endswith(f"= {fmt(loss)}") and "L" in t]
    assert len(shown) == 1, texts
    text, rect = shown[0]
    assert "mean" in text, text  # never a bare "L = ...", read as this sample's loss
    assert text.startswith(("L (mean", "mean L")), text
    canvas = QRectF(0, 0, BASE_W, BASE_H)
    for t, r in texts:
        assert canvas.contains(r), (scale, t, r)
    for t, r in texts:
        if t != text:
            assert not r.intersects(rect), (scale, t, text)
    if scale == 1.0:  # room for the whole wording, and which sample it is
        assert text.startswith(f"L (mean of {sim.data.n:,} samples)"), text
        assert any(t.startswith(f"sample {diagram.sample}") for t, _ in texts), texts
