"""A frame of the time plots marks the stretches where curves, rails and z bands changed in one
scene update per plot and stretch: what the plots show after each frame (partial repaints) is
what they show repainted whole, through a shock, a lane hidden and shown again, and all three
gradients shown; and a frame repaints a strip, not the plots."""

from __future__ import annotations

import numpy as np
from PySide6.QtWidgets import QApplication

from tests.helpers import backing_store, bias_shock_sim, paint_regions


def settle() -> None:
    for _ in range(3):
        QApplication.processEvents()


def test_partial_repaints_show_what_a_whole_repaint_shows(make):
    sim = bias_shock_sim(1000)
    w = make(sim, size=(1280, 720))
    settle()
    viewport = w.view.viewport()
    regions = paint_regions(viewport)
    checked = 0
    for frame in range(32):
        if frame == 5:
            sim.bias_shock(-8.0)
        elif frame == 12:
            w.set_lane_visible(w.lanes[1].id, False)
        elif frame == 19:
            w.set_grad_mode("all")
        elif frame == 26:
            w.set_lane_visible(w.lanes[1].id, True)
        sim.run(23 if frame % 6 else 300)
        w.refresh(sim)
        settle()
        if frame % 4 == 3:
            shot = backing_store(w)
            viewport.repaint()
            assert np.array_equal(backing_store(w), shot), f"frame {frame}"
            checked += 1
    assert checked == 8
    sim.run(9000)  # (a long run: a few steps more keep the x range)
    w.refresh(sim)
    settle()
    regions.clear()
    sim.run(3)  # a quiet frame: a strip at the curves' ends
    w.refresh(sim)
    settle()
    area = sum(r.width() * r.height() for rects in regions for r in rects)
    assert 0 < area < 0.1 * viewport.width() * viewport.height()
