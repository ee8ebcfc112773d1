"""Choosing a preset (Presets menu or picker): its shock values on the shock fields, a question
before a run with steps is discarded (Cancel changes nothing), the menu marks the run's preset."""

import pytest

from app import window_presets
from tests.helpers import play


@pytest.fixture
def asked(monkeypatch):
    """The questions asked; ``asked.answer`` is what the person answers."""
    seen: list[str] = []

    def confirm(window, text):
        seen.append(text)
        return confirm.answer

    confirm.answer = False
    monkeypatch.setattr(window_presets, "confirm", confirm)
    return type("Asked", (), {"texts": seen, "set": staticmethod(
        lambda answer: setattr(confirm, "answer", answer))})


def _menu_action(win, pid):
    return win.preset_actions[pid]


def _checked(win):
    return [pid for pid, a in win.preset_actions.items() if a.isChecked()]


def _state(win):
    c, t = win.controller, win.transport
    return (c.sim.t, len(c.journal), win.preset_id, win.windowTitle(),
            t.preset_box.currentData(), t.bias_value.value(), _checked(win), c.running)


def test_choosing_a_preset_sets_the_shock_fields_to_its_values(win, asked):
    t = win.transport
    t.bias_value.setValue(-130.0)
    t.lr_amount.setValue(7.0)
    _menu_action(win, "bias-shock").trigger()  # at step 0: no question
    assert asked.texts == []
    assert t.bias_value.value() == -10.0  # the preset's note says b = -10
    _menu_action(win, "mild-bias-shock").trigger()
    assert t.bias_value.value() == -2.0
    _menu_action(win, "lr-shock").trigger()
    assert (t.lr_mode.currentText(), t.lr_amount.value(), t.lr_steps.value()) == ("×", 3.0, 2)
    _menu_action(win, "healthy").trigger()  # no shocks: the defaults
    assert (t.bias_value.value(), t.lr_amount.value()) == (-10.0, 3.0)


def test_a_run_with_steps_is_not_discarded_without_asking(win, asked):
    play(win, 1334)
    win.transport.bias_value.setValue(-130.0)
    before = _state(win)
    _menu_action(win, "healthy").trigger()  # Cancel
    assert len(asked.texts) == 1 and "1,334" in asked.texts[0]
    assert "healthy" in asked.texts[0] and "Save session" in asked.texts[0]
    assert _state(win) == before
    box = win.transport.preset_box  # the picker: back on the run's preset after Cancel
    box.setCurrentIndex(box.findData("lr-shock"))
    box.activated.emit(box.currentIndex())
    assert len(asked.texts) == 2 and _state(win) == before
    asked.set(True)  # Yes: the preset starts
    _menu_action(win, "healthy").trigger()
    c = win.controller
    assert (c.sim.t, win.preset_id, box.currentData(), _checked(win)) == (
        0, "healthy", "healthy", ["healthy"])


def test_a_live_action_at_step_0_counts_as_a_run(win, asked):
    win.controller.bias_shock(-3.0)
    _menu_action(win, "healthy").trigger()
    assert len(asked.texts) == 1 and win.preset_id == "bias-shock"
    assert len(win.controller.journal) == 1


def test_cancel_while_running_goes_on_running(win, asked):
    play(win, 10)
    win.controller.play()
    _menu_action(win, "healthy").trigger()
    assert win.controller.running and win.preset_id == "bias-shock"
    win.controller.pause()


def test_presets_menu_marks_the_runs_preset(win, asked):
    group = win.preset_group
    assert all(a.isCheckable() and a.actionGroup() is group for a in win.preset_actions.values())
    assert group.isExclusive()
    assert _checked(win) == ["bias-shock"]
    _menu_action(win, "mild-bias-shock").trigger()
    assert _checked(win) == ["mild-bias-shock"]
    win.apply_overrides({"seed": 8})  # the run's settings differ: no preset is this run
    assert _checked(win) == [] and "changed" in win.windowTitle()
    asked.set(True)
    _menu_action(win, "mild-bias-shock").trigger()  # (at step 0 after the restart: no question)
    assert _checked(win) == ["mild-bias-shock"] and asked.texts == []
