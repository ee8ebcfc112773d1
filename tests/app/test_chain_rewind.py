"""The step-through in the window while a step is rewound (lr98_apply.png: walking the update of
rewound step 509 and pressing "Apply step ▶" applied live step 10,700 instead)."""

from PySide6.QtWidgets import QApplication

from tests.helpers import play
from widgets.chain_phases import N_PHASES

LEAKY = 1


def walk_rewound_update(win, t):
    win.rewind.go_to(t)
    win.select_lane(LEAKY)
    chain = win.chain
    for _ in range(N_PHASES - 1):
        chain._next.click()
    QApplication.processEvents()
    assert chain.phase == N_PHASES and chain.rewound and "step 509" in chain.text()
    return chain


def test_the_button_never_applies_another_step_than_the_one_shown(win):
    play(win, 3000)
    c = win.controller
    live = c.sim
    win.chain.offer_continue(False)  # (a window that cannot branch: the button says so)
    chain = walk_rewound_update(win, 509)
    assert not chain._next.isEnabled()  # it says what it is, not "Apply step"
    assert chain._next.text() == "Step 509 is rewound"
    assert "rewound" in chain._next.toolTip()
    assert "This is rewound step 509: it is not applied here." in chain.plain_text()
    chain._next.click()
    chain.next_phase()
    QApplication.processEvents()
    assert c.sim is live and live.t == 3000  # nothing was stepped
    assert win.rewind.active and win.rewind.shown.t == 509 and chain.phase == N_PHASES
    win.rewind.back_to_live()
    QApplication.processEvents()
    assert not chain.rewound and chain.phase == 1
    chain.set_phase(N_PHASES)
    assert chain._next.text() == "Apply step ▶" and chain._next.isEnabled()


def test_continue_from_the_step_shown_applies_exactly_that_update(win):
    play(win, 3000)
    assert win.chain.continue_offered  # (app.rewind wires it)
    chain = walk_rewound_update(win, 509)
    nb = chain._read()
    expected = (nb.w1 - nb.lr * nb.grad_w1, nb.w2 - nb.lr * nb.grad_w2, nb.b - nb.lr * nb.grad_b)
    assert chain._next.text() == "Continue here ▶" and chain._next.isEnabled()
    label = chain._phase_label  # beside the button, not crushed to "/" (1280x720)
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    chain._next.click()
    QApplication.processEvents()
    c = win.controller
    assert not win.rewind.active and c.sim.t == 510  # the branch, one step on: the update shown
    p = c.sim.params
    assert (p.w1[LEAKY, 0], p.w2[LEAKY, 0], p.b[LEAKY, 0]) == expected
    assert not chain.rewound and chain.phase == 1 and "step 510" in chain.text()
    # the lane walked through stays selected (the branch selected ReLU again)
    assert win.cards.selected() == LEAKY and chain.lane == LEAKY
    assert win.diagram.lane == LEAKY
