"""The step-through showing a rewound step (a simulation other than its model): phase 7 never
offers to apply it, since the step the app would run is the live one (lr98_apply.png)."""

import pytest

from tests.helpers import bias_shock_sim, shown_chain_panel
from widgets.chain_phases import N_PHASES
from widgets.chain_rule import ChainRulePanel

LEAKY = 1


@pytest.fixture
def rewound(qtbot):
    """A panel whose model is at step 3,000, shown step 509 of the same run (as the rewind
    does: ``refresh`` with another simulation)."""
    live = bias_shock_sim(3000)
    past = bias_shock_sim(509)
    panel = shown_chain_panel(qtbot, live)
    panel.set_lane(LEAKY)
    panel.refresh(past)
    return panel, live, past


def test_live_phase_7_applies(qtbot):
    panel = ChainRulePanel(bias_shock_sim(509))
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_phase(N_PHASES)
    assert not panel.rewound
    assert panel._next.text() == "Apply step ▶" and panel._next.isEnabled()
    with qtbot.waitSignal(panel.request_step, timeout=1000):
        panel._next.click()


def test_rewound_phase_7_does_not_apply_the_live_step(qtbot, rewound):
    panel, live, _past = rewound
    assert panel.rewound and panel.lane == LEAKY and "step 509" in panel.text()
    for _ in range(N_PHASES - 1):
        panel.next_phase()
    assert panel.phase == N_PHASES
    assert not panel._next.isEnabled()  # it says what it is, not "Apply step"
    assert panel._next.text() == "Step 509 is rewound"
    assert "rewound" in panel._next.toolTip() and "Continue from here" in panel._next.toolTip()
    text = panel.plain_text().replace("\u00a0", " ")
    assert "This is rewound step 509: it is not applied here." in text
    assert "Continue from here" in text
    stepped = []
    panel.request_step.connect(lambda: stepped.append("step"))
    panel.continue_requested.connect(stepped.append)
    panel.next_phase()  # (a key, the tour: the button's action without the button)
    assert stepped == [] and panel.phase == N_PHASES
    panel.refresh(live)  # back to live: Apply again, from phase 1
    assert not panel.rewound and panel.phase == 1 and panel.lane == LEAKY
    panel.set_phase(N_PHASES)
    assert panel._next.text() == "Apply step ▶" and panel._next.isEnabled()
    assert "rewound" not in panel.plain_text()


def test_rewound_phase_7_continues_from_the_step_shown_where_offered(qtbot, rewound):
    panel, _live, _past = rewound
    panel.offer_continue(True)
    panel.set_phase(N_PHASES)
    assert panel._next.text() == "Continue here ▶" and panel._next.isEnabled()
    assert "dropped" in panel._next.toolTip()
    assert "“Continue here” makes it the live run" in panel.plain_text().replace(
        "\u00a0", " ")
    stepped = []
    panel.request_step.connect(lambda: stepped.append("step"))
    with qtbot.waitSignal(panel.continue_requested, timeout=1000) as blocker:
        panel._next.click()
    assert blocker.args == [509] and stepped == []
    assert panel.phase == 1
