"""shown_key: an exact key of what a view shows (all but the step), and the views that keep
what they drew while it holds: the step-through's page for a dead lane."""

from __future__ import annotations

import dataclasses
import math

from PySide6.QtWidgets import QApplication

from simulation.health import State
from tests.helpers import bias_shock_sim, shown_chain_panel
from widgets import chain_text
from widgets.shown_key import shown_key


@dataclasses.dataclass
class Shown:
    step: int
    state: State
    label: str
    z: float
    batch: int | None
    params: dict[str, float]


def test_equal_exactly_when_all_but_the_step_is():
    a = Shown(1, State.DEAD, "ReLU", math.nan, None, {"w": 0.5})
    assert shown_key(a) == shown_key(dataclasses.replace(a, step=99))  # NaN equals itself
    for change in ({"z": 0.0}, {"state": State.ALIVE}, {"label": "ELU"}, {"batch": 8},
                   {"params": {"w": 0.5000001}}):
        assert shown_key(a) != shown_key(dataclasses.replace(a, **change)), change
    zero = dataclasses.replace(a, z=0.0)
    assert shown_key(zero) != shown_key(dataclasses.replace(a, z=-0.0))  # as repr tells them
    assert shown_key(a, skip=()) != shown_key(dataclasses.replace(a, step=2), skip=())


def test_a_dead_lanes_steps_rewrite_no_page_but_the_header(qtbot, monkeypatch):
    sim = bias_shock_sim(400)  # past the shock: ReLU (lane 0) is dead
    panel = shown_chain_panel(qtbot, sim)
    panel.set_lane(0)
    for _ in range(2):  # (the panel's layout settles: the page's height moves once)
        sim.run(17)
        panel.refresh(sim)
        QApplication.processEvents()
    written = []
    page = chain_text.phase_html
    monkeypatch.setattr(chain_text, "phase_html", lambda *a: written.append(a[1]) or page(*a))
    for _ in range(3):
        sim.run(17)
        panel.refresh(sim)
        QApplication.processEvents()
        assert written == []
        assert f"step {sim.t:,}" in panel._title_plain
    panel.next_phase()  # phase 2: written
    assert written == [2]
    panel.set_lane(1)  # Leaky ReLU, alive: written at every step
    sim.run(1)
    panel.refresh(sim)
    sim.run(1)
    panel.refresh(sim)
    assert written[1:] == [1, 1, 1]
