"""The preset line and the title tell whether the run on screen is still the preset's."""

from pathlib import Path

from app import own_data, preset_note
from simulation import presets
from tests.helpers import open_window


def test_the_preset_run_shows_the_preset_description(qtbot):
    w = open_window(qtbot)
    assert w.transport.description.text() == presets.get("bias-shock").description
    assert w.windowTitle() == "Dying ReLU Lab — bias-shock"


def test_own_data_says_the_preset_note_does_not_describe_the_run(qtbot, tmp_path: Path):
    w = open_window(qtbot)
    csv = tmp_path / "mine.csv"
    csv.write_text("x1,x2,y\n0.1,0.2,0.5\n0.9,0.4,0.1\n0.3,0.8,0.7\n")
    assert own_data.load(w, csv, normalize=False)
    text = w.transport.description.text()
    assert text.startswith("Changed from bias-shock (data)")
    assert "ReLU dies for good" not in text
    assert w.windowTitle() == "Dying ReLU Lab — bias-shock, changed (data)"
    w.load_preset("bias-shock")  # back to the preset: its description again
    assert w.transport.description.text() == presets.get("bias-shock").description
    assert w.windowTitle() == "Dying ReLU Lab — bias-shock"


def test_a_changed_seed_and_lanes_are_named(qtbot):
    w = open_window(qtbot)
    w.apply_overrides({"seed": 8})
    assert "(seed)" in w.transport.description.text()
    cfg = presets.get("bias-shock").config()
    d = cfg.to_dict()
    d["seed"], d["lanes"] = 9, d["lanes"][:2]
    assert preset_note.changed_fields("bias-shock", type(cfg).from_dict(d)) == ["seed", "lanes"]


def test_another_preset_is_described_as_itself(qtbot):
    w = open_window(qtbot)
    w.load_preset("mild-bias-shock")
    assert w.transport.description.text() == presets.get("mild-bias-shock").description
