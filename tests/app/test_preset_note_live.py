"""A learning rate typed while the run goes on makes it no longer the preset's run: the preset line,
the title and the Presets menu say so; shocks pressed live (the demonstration) do not; Reset or
the preset chosen again bring the preset's note back."""

from app import preset_note, window_presets
from simulation import presets
from tests.helpers import play

NOTE = presets.get("bias-shock").description


def _checked(w):
    return [pid for pid, action in w.preset_actions.items() if action.isChecked()]


def _type_lr(w, value):
    w.transport.lr_box.setValue(value)  # what typing and Enter emit (lr_changed)


def test_a_live_learning_rate_is_named_and_unchecks_the_preset(win):
    c = win.controller
    play(win, 560)
    assert win.transport.description.text() == NOTE and _checked(win) == ["bias-shock"]
    _type_lr(win, 0.0)
    text = win.transport.description.text()
    assert text.startswith("Changed from bias-shock (learning rate at step 560):")
    assert "crawls back" not in text
    assert win.windowTitle() == "Dying ReLU Lab — bias-shock, changed (learning rate at step 560)"
    assert _checked(win) == []
    play(win, 100)  # later frames keep saying it
    assert win.transport.description.text() == text and _checked(win) == []
    c.reset()  # the preset's run again
    assert win.transport.description.text() == NOTE and _checked(win) == ["bias-shock"]
    assert win.windowTitle() == "Dying ReLU Lab — bias-shock"


def test_choosing_the_preset_again_brings_its_note_back(win, monkeypatch):
    play(win, 50)
    _type_lr(win, 2.0)
    assert _checked(win) == []
    monkeypatch.setattr(window_presets, "confirm", lambda *a: False)  # Cancel: still changed
    assert not win.choose_preset("bias-shock")
    assert win.transport.description.text().startswith("Changed from bias-shock (learning rate")
    assert _checked(win) == []
    monkeypatch.setattr(window_presets, "confirm", lambda *a: True)
    assert win.choose_preset("bias-shock")
    assert win.transport.description.text() == NOTE and _checked(win) == ["bias-shock"]


def test_shocks_pressed_live_are_the_demonstration_not_a_change(win):
    c = win.controller
    play(win, 400)  # past the preset's planned bias shock at step 300
    c.bias_shock(-10.0)
    c.lr_shock(factor=3.0, steps=2)
    c.weight_shock(-2.0, -2.0)
    play(win, 10)
    assert len(c.journal) == 3
    assert win.transport.description.text() == NOTE and _checked(win) == ["bias-shock"]


def test_only_a_learning_rate_that_differs_counts():
    config = presets.get("bias-shock").config()
    same = [{"step": 5, "kind": "set_lr", "lr": config.lr}]
    assert preset_note.changed_fields("bias-shock", config, same) == []
    there_and_back = [{"step": 5, "kind": "set_lr", "lr": 0.0},
                      {"step": 1200, "kind": "set_lr", "lr": config.lr}]
    assert preset_note.changed_fields("bias-shock", config, there_and_back) == [
        "learning rate at steps 5 and 1,200"]
    three = [*there_and_back, {"step": 1500, "kind": "set_lr", "lr": 0.5}]
    assert preset_note.live_changes(config, three) == ["learning rate at steps 5, 1,200 and 1,500"]
