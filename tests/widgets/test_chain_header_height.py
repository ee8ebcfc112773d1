"""The step-through's header keeps its height while the run goes on: the state word and the step
number change, the lines stay (rw98_2.png: 'Leaky ReLU  RECOVERING' pushed 'step 509' onto a
second line, and everything below jumped 23 px when the state became ALIVE)."""

import pytest
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication

from tests.helpers import bias_shock_sim, shown_chain_panel
from widgets.chain_rule import ChainRulePanel

RELU, LEAKY = 0, 1


@pytest.mark.parametrize("scale", [1.0, 1.5])
@pytest.mark.parametrize("width", [300, 348, 446])  # (348, 446: the column at 1280, 1920 px)
def test_header_height_does_not_change_with_the_state_or_the_step(qtbot, width, scale):
    sim = bias_shock_sim(310)  # Leaky ReLU recovering after the shock at step 300
    panel = ChainRulePanel(sim)
    qtbot.addWidget(panel)
    panel.set_lane(LEAKY)
    if scale != 1.0:
        font = QFont(panel._title.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        panel._title.setFont(font)
    panel.resize(width, 600)
    panel.show()
    qtbot.waitExposed(panel)
    seen = {}  # (state, lane) -> (header lines, header height, top of the text view)
    for lane in (LEAKY, RELU):
        panel.set_lane(lane)
        for steps in (0, 200, 1200, 300, 8000):
            sim.run(steps)
            panel.refresh(sim)
            QApplication.processEvents()
            nb = panel._read()
            seen[(nb.state.name, lane, nb.step)] = (
                len(panel.header_lines()), panel._title.height(), panel._browser.y())
    states = {state for state, _, _ in seen}
    assert {"RECOVERING", "ALIVE", "DEAD"} <= states  # the words that change did change
    assert max(step for _, _, step in seen) > 10_000  # a step number two digits longer
    assert len(set(seen.values())) == 1, seen


def test_the_headers_hints_are_qlabels_and_a_new_step_lays_nothing_out(qtbot, monkeypatch):
    from PySide6.QtWidgets import QLabel

    from widgets.chain_header import Header

    sim = bias_shock_sim(310)
    panel = shown_chain_panel(qtbot, sim)
    title = panel._title
    laid_out = []
    own = QLabel.sizeHint
    monkeypatch.setattr(QLabel, "sizeHint", lambda w: laid_out.append(w) or own(w))
    for lane, steps, scale in ((LEAKY, 5, 1.0), (LEAKY, 700, 1.0), (RELU, 9000, 1.0),
                               (RELU, 1, 1.6), (LEAKY, 100_000, 1.6)):
        if scale != 1.0:
            font = QFont(title.font())
            font.setPointSizeF(11 * scale)
            title.setFont(font)
        panel.set_lane(lane)
        sim.run(steps)
        panel.refresh(sim)
        QApplication.processEvents()
        assert Header.sizeHint(title) == own(title), (lane, steps)  # QLabel's own
        assert Header.minimumSizeHint(title) == QLabel.minimumSizeHint(title)
        laid_out.clear()
        sim.run(17)  # a step number of the same digits: the hints are not worked out again
        panel.refresh(sim)
        QApplication.processEvents()
        assert title not in laid_out
        assert Header.sizeHint(title) == own(title)
