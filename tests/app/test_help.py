"""Help: formulas and derivatives beside the curves, the seed's advisor, the guided tour."""

import pytest

from app import help as help_mod
from app import tour
from simulation import activations
from widgets.help_panel import advise


@pytest.mark.parametrize(("problem", "priority", "deep", "expected"), [
    (False, "speed", False, "relu"), (True, "speed", False, "leaky_relu"),
    (True, "accuracy", True, "selu"), (True, "accuracy", False, "elu"),
    (True, "research", False, "prelu")])
def test_the_seeds_decision_framework(problem, priority, deep, expected):
    assert advise(problem, priority, deep)[0] == expected


def test_unknown_priority():
    with pytest.raises(ValueError):
        advise(True, "vibes")


def test_every_activation_shows_its_formula_and_derivative(win):
    dialog = help_mod.show_help(win, 0)
    rows = dialog.panel.activations.rows
    assert [r.name for r in rows] == list(activations.ACTIVATIONS)
    for row in rows:
        act = activations.get(row.name)
        text = row.text.text()
        assert act.label in text
        assert f"f(z) = {act.formula}".replace("&", "&amp;") in text or act.formula in text
        assert "f′(z)" in text and len(row.plot.getPlotItem().listDataItems()) == 2
    dialog.close()


def test_the_advisor_selects_the_lane(win):
    dialog = help_mod.show_help(win, 1)
    adv = dialog.panel.advisor
    adv.set_answers(True, "accuracy", False)
    assert adv.choice == "elu" and "ELU" in adv.answer.text()
    assert adv.deep[0].isEnabled()
    adv.show_button.click()
    assert win.cards.selected() == 3
    adv.set_answers(True, "speed", False)
    assert not adv.deep[0].isEnabled()
    assert not help_mod.show_lane(win, "gelu")  # not in this run: said in the status bar
    assert "no GELU lane" in win.statusBar().currentMessage()
    adv.set_answers(True, "research", False)  # the display name, not the id 'prelu'
    adv.show_button.click()
    assert win.statusBar().currentMessage() == "Selected the PReLU lane"
    dialog.close()


def test_gelu_derivative_is_written_out_and_matches_the_code(win):
    """'f′(z) = see formula' broke the promise of a derivative: it is written out, for the
    variant simulation.activations implements (tanh approximation), and agrees with gelu_grad."""
    dialog = help_mod.show_help(win, 0)
    try:
        _check_gelu(dialog)
    finally:
        dialog.close()


def _check_gelu(dialog):
    import numpy as np

    row = next(r for r in dialog.panel.activations.rows if r.name == "gelu")
    text = row.text.text()
    assert "see formula" not in text
    assert "f′(z) = ½(1 + tanh u) + ½z(1 − tanh²u)·√(2/π)(1 + 0.134145z²)" in text
    assert "u = √(2/π)(z + 0.044715z³)" in text
    z = np.linspace(-6, 6, 241)  # the formula as written, against the code
    u = np.sqrt(2 / np.pi) * (z + 0.044715 * z**3)
    written = 0.5 * (1 + np.tanh(u)) + 0.5 * z * (1 - np.tanh(u) ** 2) * np.sqrt(2 / np.pi) * (
        1 + 0.134145 * z**2)
    np.testing.assert_allclose(written, activations.gelu_grad(z), atol=1e-12)
    for r in dialog.panel.activations.rows:
        assert "see formula" not in r.text.text()


def test_the_tour_tells_the_truth_at_every_stop(win, prefs):
    def badges():
        return [c.badge.text() for c in win.cards.cards]

    tour.start(win)
    panel = win.tour_dock.panel
    assert win.tour_dock.isVisible() and panel.index == 0 and win.controller.sim.t == 0
    expected = {1: ["ALIVE"] * 5, 2: ["DEAD"], 4: ["DEAD", "ALIVE"],
                5: ["DEAD", "ALIVE", "RECOVERING", "SATURATED", "SATURATED"]}
    for i in range(1, len(tour.STOPS)):
        panel.next.click()
        stop = tour.STOPS[i]
        assert panel.index == i and win.controller.sim.t == stop.step
        assert win.cards.selected() == stop.lane
        if i in expected:
            assert badges()[:len(expected[i])] == expected[i]
        if "chain-rule panel shows the zero" in stop.text:  # it does, when the stop opens
            assert win.chain.phase == stop.phase == 6
            text = win.chain.plain_text()
            assert "∂a/∂z" in text and "= 0" in text
    assert not panel.next.isEnabled() and prefs.seen_tour()
    assert "1,381 steps" in win.cards.cards[1].recovery.text()
    panel.back.click()
    panel.back.click()
    assert panel.index == len(tour.STOPS) - 3
    for _ in range(10):
        panel.back.click()
    assert panel.index == 0 and win.controller.sim.t == 0
