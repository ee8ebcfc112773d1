"""Sessions: save -> open gives the identical run; every bad file is refused and changes nothing."""

import json
import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QMimeData, QPointF, Qt, QUrl
from PySide6.QtGui import QDropEvent

from app import dialogs, session
from app.files import FileError
from simulation import presets
from simulation.config import ConfigError
from tests.helpers import play, same


def prepare(w):
    """A run with every kind of live action in it."""
    c = w.controller
    play(w, 120)
    w.transport.lr_box.setValue(0.2)
    play(w, 30)
    c.bias_shock(-4.0)
    c.lr_shock(factor=3.0, steps=2)
    play(w, 80)
    c.weight_shock(0.5, -0.5)
    play(w, 20)
    c.set_speed(960)
    w.plots.set_grad_mode("all")
    w.select_lane(2)
    w.set_lane_visible("elu", False)
    for a in w.lanes_menu.actions():
        if a.text() == "ELU":
            a.setChecked(False)


def snapshot(w):
    sim = w.controller.sim
    return (sim.t, np.asarray(sim.history.window()).copy(), sim.params.w1.copy(),
            sim.params.alpha.copy(), list(sim.events), sim.lr)


def test_round_trip_gives_the_identical_run(win, qtbot, tmp_path):
    prepare(win)
    path = tmp_path / "demo.drlab"
    session.save_session(win, path)
    before = snapshot(win)
    text = path.read_text()
    assert json.loads(text)["format"] == session.FORMAT

    from app.application import create_window
    other = create_window("healthy")
    qtbot.addWidget(other)
    assert session.open_session(other, path)
    after = snapshot(other)
    assert after[0] == before[0] == 250
    assert same(after[1], before[1]) and same(after[2], before[2]) and same(after[3], before[3])
    assert after[4] == before[4] and after[5] == before[5]
    assert other.preset_id == "bias-shock" and other.controller.speed == 960
    assert other.plots.grad_mode == "all" and other.cards.selected() == 2
    assert not other.plots.lane_visible("elu")
    # the same session saves to the same bytes, and goes on the same way
    again = tmp_path / "again.drlab"
    session.save_session(other, again)
    assert again.read_text() == text
    play(win, 300)
    play(other, 300)
    assert same(win.controller.sim.history.window(), other.controller.sim.history.window())
    other.controller.pause()


def test_settings_only_starts_at_step_zero_with_the_live_lr(win, tmp_path):
    prepare(win)
    path = tmp_path / "setup.drlab"
    session.save_session(win, path, with_run=False)
    d = json.loads(path.read_text())
    assert d["step"] == 0 and d["events"] == [] and d["config"]["lr"] == 0.2
    play(win, 10)
    assert session.open_session(win, path)
    assert win.controller.sim.t == 0 and win.controller.sim.lr == 0.2


def good(**changes):
    d = session.Session(presets.get("bias-shock").config(), "bias-shock",
                        [{"step": 5, "kind": "bias_shock", "b": -10.0}], 10).to_dict()
    d.update(changes)
    return d


def nested(depth):
    v = 0
    for _ in range(depth):
        v = [v]
    return v


BAD = {
    "malformed JSON": "{\"format\": ",
    "truncated": json.dumps(good())[:-40],
    "empty": "",
    "whitespace": "   \n",
    "not an object": "[1, 2, 3]",
    "no format": json.dumps({k: v for k, v in good().items() if k != "format"}),
    "newer version": json.dumps(good(format="dying-relu-lab/session@2")),
    "a run record": json.dumps(good(format="dying-relu-lab/run@1")),
    "another program": json.dumps(good(format="something/else@1")),
    "unknown preset": json.dumps(good(preset="no-such")),
    "no config": json.dumps({k: v for k, v in good().items() if k != "config"}),
    "config not an object": json.dumps(good(config=[1])),
    "lr out of range": json.dumps(good(config={**good()["config"], "lr": 1e9})),
    "seed of wrong type": json.dumps(good(config={**good()["config"], "seed": "seven"})),
    "negative seed": json.dumps(good(config={**good()["config"], "seed": -1})),
    "unknown lane": json.dumps(good(config={**good()["config"], "lanes": [{"activation": "x"}]})),
    "no lanes": json.dumps(good(config={**good()["config"], "lanes": []})),
    "lanes of wrong type": json.dumps(good(config={**good()["config"], "lanes": [1, 2]})),
    "data of wrong shape": json.dumps(good(config={**good()["config"], "data": {
        "x": [[1, 2, 3]], "y": [1]}})),
    "init of wrong type": json.dumps(good(config={**good()["config"], "init": [1, 2]})),
    "unknown config key": json.dumps(good(config={**good()["config"], "evil": 1})),
    "step too large": json.dumps(good(step=10**9)),
    "step of wrong type": json.dumps(good(step="10")),
    "event after the step": json.dumps(good(events=[{"step": 11, "kind": "bias_shock",
                                                      "b": 1}])),
    "unknown event kind": json.dumps(good(events=[{"step": 1, "kind": "explode"}])),
    "event not an object": json.dumps(good(events=["bias_shock"])),
    "events not a list": json.dumps(good(events={"a": 1})),
    "too many events": json.dumps(good(events=[{"step": 1, "kind": "set_lr", "lr": 0.1}]
                                       * (session.MAX_EVENTS + 1))),
    "speed out of range": json.dumps(good(speed=1e9)),
    "speed of wrong type": json.dumps(good(speed=True)),
    "view lane out of range": json.dumps(good(view={"lane": 99})),
    "view hidden unknown": json.dumps(good(view={"hidden": ["nope"]})),
    "deep nesting": json.dumps(good(extra=nested(50))),
    "very deep nesting": "[" * 100_000 + "]" * 100_000,
    "huge integer": json.dumps(good(config={**good()["config"], "seed": 10**400})),
    "integer too long to parse": "{\"format\": " + "9" * 5000 + "}",
    "huge float": json.dumps(good()).replace("\"lr\": 0.3", "\"lr\": 1e999"),
    "NaN": json.dumps(good()).replace("\"lr\": 0.3", "\"lr\": NaN"),
    "Infinity": json.dumps(good()).replace("\"lr\": 0.3", "\"lr\": Infinity"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_files_are_refused_and_change_nothing(win, messages, tmp_path, name):
    play(win, 40)
    win.controller.bias_shock(-2.0)
    before, sim = snapshot(win), win.controller.sim
    path = tmp_path / "bad.drlab"
    path.write_text(BAD[name], encoding="utf-8")
    assert not session.open_session(win, path)
    assert len(messages) == 1 and messages[0][0] == "error"
    assert "unchanged" in messages[0][1] and "Traceback" not in messages[0][1]
    assert win.controller.sim is sim
    after = snapshot(win)
    assert after[0] == before[0] and same(after[1], before[1]) and after[4] == before[4]


def test_too_large_binary_and_missing_files_are_refused(win, messages, tmp_path):
    big = tmp_path / "big.drlab"
    big.write_bytes(b" " * (session.MAX_BYTES + 1))
    binary = tmp_path / "bin.drlab"
    binary.write_bytes(b"\xff\xfe\x00\x01" * 100)
    for path in (big, binary, tmp_path / "missing.drlab", tmp_path):
        assert not session.open_session(win, path)
    assert [m[0] for m in messages] == ["error"] * 4
    assert "MB" in messages[0][1] and "UTF-8" in messages[1][1]


@pytest.mark.parametrize("name", ["huge integer", "newer version", "deep nesting", "NaN"])
def test_messages_say_what_is_wrong(tmp_path, name):
    path = tmp_path / "bad.drlab"
    path.write_text(BAD[name])
    with pytest.raises(FileError) as e:
        session.read_session(path)
    text = str(e.value)
    assert text.startswith("bad.drlab") and len(text) < 300
    assert {"huge integer": "too large", "newer version": "newer version",
            "deep nesting": "nests deeper", "NaN": "NaN"}[name] in text


def test_save_is_atomic_and_a_failed_save_keeps_the_old_file(win, messages, tmp_path,
                                                             monkeypatch):
    path = tmp_path / "s.drlab"
    path.write_text("old")

    def boom(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", boom)
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(path))
    assert not session.save_dialog(win)
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["s.drlab"]
    assert "no space left" in messages[0][1]
    monkeypatch.undo()


def test_save_dialog_writes_and_adds_the_suffix(win, messages, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / "talk"))
    assert session.save_dialog(win)
    assert (tmp_path / "talk.drlab").is_file() and not messages
    assert sorted(p.name for p in tmp_path.iterdir()) == ["talk.drlab"]
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: None)
    assert not session.save_dialog(win)  # cancelled: nothing happens


def test_save_into_a_missing_folder_is_refused(win, messages, monkeypatch, tmp_path):
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / "no" / "x.drlab"))
    assert not session.save_dialog(win)
    assert "not saved" in messages[0][1]


def test_open_dialog_and_drop(win, messages, tmp_path, monkeypatch):
    play(win, 30)
    path = tmp_path / "d.drlab"
    session.save_session(win, path)
    win.controller.reset()
    monkeypatch.setattr(dialogs, "ask_open", lambda *a: str(path))
    assert session.open_dialog(win) and win.controller.sim.t == 30
    win.controller.reset()
    mime = QMimeData()
    mime.setUrls([QUrl.fromLocalFile(str(path))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    assert win.drop_filter.eventFilter(win, drop)
    assert win.controller.sim.t == 30 and not messages
    bad = tmp_path / "bad.drlab"
    bad.write_text("nope")
    mime.setUrls([QUrl.fromLocalFile(str(bad))])
    drop = QDropEvent(QPointF(50, 50), Qt.DropAction.CopyAction, mime,
                      Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier)
    win.drop_filter.eventFilter(win, drop)
    assert win.controller.sim.t == 30 and messages[0][0] == "error"


def test_file_menu_lists_the_workshop_entries(win):
    first = win.menuBar().actions()[0]
    assert first.text() == "&File"
    texts = [a.text() for a in first.menu().actions()]
    assert any(t.startswith("Open session") for t in texts)
    assert any(t.startswith("Load own data") for t in texts)
    assert any(t == "Export" for t in texts)


def test_the_command_line_opens_a_session(tmp_path, qtbot, prefs):
    from app.application import create_window, ensure_app
    from app.cli import build_parser
    from app.workshop import open_at_start

    ensure_app()
    w = create_window("bias-shock")
    qtbot.addWidget(w)
    w.controller.sim.run(12)
    path = tmp_path / "c.drlab"
    session.save_session(w, path)
    args = build_parser().parse_args(["--open", str(path)])
    other = create_window("healthy")
    qtbot.addWidget(other)
    open_at_start(other, args.open)
    assert other.controller.sim.t == 12
    with pytest.raises(FileError):
        open_at_start(other, str(Path(tmp_path) / "missing.drlab"))


# --- the shock buttons' settings ------------------------------------------------------------------
PREPARED = {"bias_b": -3.0, "lr_mode": "value", "lr_amount": 0.05, "lr_steps": 7,
            "weight_w1": 1.5, "weight_w2": -0.25}


def prepare_shocks(w, settings=PREPARED):
    session.show_shock_settings(w, settings)


def shown_shocks(w):
    return session.shock_settings(w)


def test_shock_settings_round_trip_and_fire_as_prepared(win, qtbot, tmp_path):
    prepare_shocks(win)
    assert shown_shocks(win) == PREPARED
    path = tmp_path / "talk.drlab"
    session.save_session(win, path, with_run=False)
    assert json.loads(path.read_text())["shock_settings"] == PREPARED

    from app.application import create_window
    other = create_window("healthy")
    qtbot.addWidget(other)
    assert shown_shocks(other) == session.default_shock_settings()  # a fresh window: -10 ...
    assert session.open_session(other, path)
    assert shown_shocks(other) == PREPARED
    assert other.transport.lr_mode.currentText() == "=" and other.transport.lr_steps.value() == 7
    other.transport.bias_button.click()  # B at the venue: the b prepared at home
    assert np.all(other.controller.sim.params.b == -3.0)
    other.controller.pause()


def test_a_session_saved_before_shock_settings_opens_with_the_defaults(win, tmp_path):
    play(win, 20)
    path = tmp_path / "old.drlab"
    session.save_session(win, path)
    d = json.loads(path.read_text())
    del d["shock_settings"]  # as saved by the previous version
    path.write_text(json.dumps(d))
    prepare_shocks(win)
    assert session.open_session(win, path)
    assert win.controller.sim.t == 20
    assert shown_shocks(win) == session.default_shock_settings()
    partial = {**d, "shock_settings": {"bias_b": -5.0}}  # the others: defaults
    path.write_text(json.dumps(partial))
    assert session.open_session(win, path)
    assert shown_shocks(win) == {**session.default_shock_settings(), "bias_b": -5.0}


BAD_SHOCKS = {
    "not an object": [1, 2],
    "unknown setting": {"bias": -3.0},
    "bias out of range": {"bias_b": -1e9},
    "bias as text": {"bias_b": "-3"},
    "bias a bool": {"bias_b": True},
    "bias null": {"bias_b": None},
    "bias with too many decimals": {"bias_b": -3.25},
    "lr mode unknown": {"lr_mode": "times"},
    "lr mode a list": {"lr_mode": ["factor"]},
    "lr amount negative": {"lr_amount": -1.0},
    "lr steps zero": {"lr_steps": 0},
    "lr steps fractional": {"lr_steps": 2.5},
    "lr steps huge": {"lr_steps": 10**9},
    "weight out of range": {"weight_w2": 5000.0},
}


@pytest.mark.parametrize("name", list(BAD_SHOCKS))
def test_bad_shock_settings_are_refused_and_change_nothing(win, messages, tmp_path, name):
    play(win, 30)
    prepare_shocks(win)
    before, sim = snapshot(win), win.controller.sim
    d = session.current_session(win).to_dict()
    d["shock_settings"] = BAD_SHOCKS[name]
    path = tmp_path / "bad.drlab"
    path.write_text(json.dumps(d))
    assert not session.open_session(win, path)
    assert len(messages) == 1 and messages[0][0] == "error"
    assert "unchanged" in messages[0][1] and "shock_settings" in messages[0][1]
    assert win.controller.sim is sim and snapshot(win)[0] == before[0]
    assert shown_shocks(win) == PREPARED


@pytest.mark.parametrize("value", [float("nan"), float("inf"), 10**400, -0.0001])
def test_shock_numbers_no_file_can_hold_are_refused_too(value):
    d = good()
    d["shock_settings"] = {"weight_w1": value}
    with pytest.raises(ConfigError, match=r"shock_settings\.weight_w1"):
        session.session_from_dict(d)


def test_shock_setting_limits_are_the_widgets(qtbot):
    from widgets.setup_panel import SetupPanel
    from widgets.transport_bar import TransportBar

    bar = TransportBar({"bias-shock": ""})
    setup = SetupPanel(presets.get("bias-shock").config())
    qtbot.addWidget(bar)
    qtbot.addWidget(setup)
    boxes = {"bias_b": bar.bias_value, "lr_amount": bar.lr_amount,
             "weight_w1": setup.shock_w1, "weight_w2": setup.shock_w2}
    for key, (default, lo, hi, decimals) in session.SHOCK_NUMBERS.items():
        box = boxes[key]
        assert (box.value(), box.minimum(), box.maximum(), box.decimals()) == (
            default, lo, hi, decimals), key
    assert (bar.lr_steps.value(), bar.lr_steps.minimum(), bar.lr_steps.maximum()) == \
        session.LR_STEPS
    assert [bar.lr_mode.itemText(i) for i in range(bar.lr_mode.count())] == \
        list(session.LR_MODES.values())
    assert bar.lr_mode.currentText() == session.LR_MODES["factor"]
