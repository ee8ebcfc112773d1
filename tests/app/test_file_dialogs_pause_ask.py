"""The file dialogs and the running run: saving or exporting pauses the run while the dialog is
open (the file holds the step shown when asked) and plays on afterwards if it was playing;
opening a session asks before it replaces a run with steps, as choosing a preset does; a
session's learning rate out of range is refused naming the app's range (0 to 100)."""

import json

import pytest

from app import dialogs, export, session
from app.session_file import session_from_dict
from simulation import presets
from simulation.config import ConfigError
from simulation.replay import LR_MAX
from tests.helpers import play


def _dialog(win, qtbot, answer, seen):
    """A fake file dialog: records whether the run stood still while it was open (events are
    delivered meanwhile, as a real dialog's loop does), then answers ``answer``."""
    def ask(*args):
        c = win.controller
        t = c.sim.t
        qtbot.wait(60)  # the run's timer would fire here if it were running
        seen.append((c.running, t, c.sim.t))
        return answer
    return ask


@pytest.mark.parametrize("with_run", [True, False])
def test_save_pauses_while_the_dialog_is_open_and_plays_on(win, qtbot, messages, tmp_path,
                                                           monkeypatch, with_run):
    c = win.controller
    play(win, 40)
    c.play()
    t0 = c.sim.t
    seen = []
    path = tmp_path / "s.drlab"
    monkeypatch.setattr(dialogs, "ask_save", _dialog(win, qtbot, str(path), seen))
    assert session.save_dialog(win, with_run)
    assert seen == [(False, t0, t0)]  # paused, the step did not move
    d = json.loads(path.read_text(encoding="utf-8"))
    assert d["step"] == (t0 if with_run else 0)
    assert c.running  # it was playing: it plays on
    c.pause()


def test_save_of_a_paused_run_leaves_it_paused(win, qtbot, messages, tmp_path, monkeypatch):
    play(win, 40)
    seen = []
    monkeypatch.setattr(dialogs, "ask_save", _dialog(win, qtbot, None, seen))
    assert not session.save_dialog(win)  # cancelled
    assert seen == [(False, 40, 40)] and not win.controller.running


@pytest.mark.parametrize("job", ["plot", "record", "window", "all"])
def test_exports_pause_while_the_dialog_is_open_and_play_on(win, qtbot, messages, tmp_path,
                                                            monkeypatch, job):
    c = win.controller
    play(win, 40)
    c.play()
    t0 = c.sim.t
    seen = []
    target = {"plot": "p.png", "record": "r.json", "window": "w.png", "all": ""}[job]
    fake = _dialog(win, qtbot, str(tmp_path / target), seen)
    monkeypatch.setattr(dialogs, "ask_folder" if job == "all" else "ask_save", fake)
    dialog = {"plot": lambda: export.plot_dialog(win, "loss"),
              "record": lambda: export.record_dialog(win),
              "window": lambda: export.window_dialog(win),
              "all": lambda: export.all_plots_dialog(win)}[job]
    assert dialog(), messages
    assert seen == [(False, t0, t0)]
    if job == "record":
        d = json.loads((tmp_path / "r.json").read_text(encoding="utf-8"))
        assert len(d["lanes"][0]["steps"]["step"]) == t0
        assert f"({t0:,} steps)" in win.statusBar().currentMessage()
    assert c.running
    c.pause()


@pytest.fixture
def asked(monkeypatch):
    """The questions asked (dialogs.confirm); ``asked.answer`` is the person's answer."""
    class Asked:
        def __init__(self):
            self.texts, self.answer = [], False

        def confirm(self, parent, text, title=dialogs.TITLE):
            self.texts.append(text)
            return self.answer

    a = Asked()
    monkeypatch.setattr(dialogs, "confirm", a.confirm)
    return a


def _saved(win, tmp_path, steps=30):
    play(win, steps)
    path = tmp_path / "s1.drlab"
    session.save_session(win, path)
    return path


def test_open_asks_before_it_replaces_a_run_and_cancel_keeps_it(win, messages, tmp_path,
                                                               monkeypatch, asked):
    c = win.controller
    path = _saved(win, tmp_path)
    play(win, 70)
    c.bias_shock(-3.0)
    c.play()
    sim, t, journal = c.sim, c.sim.t, list(c.journal)
    monkeypatch.setattr(dialogs, "ask_open", lambda *a: str(path))
    assert not session.open_dialog(win)
    assert len(asked.texts) == 1
    assert "s1.drlab" in asked.texts[0] and f"step {t:,}" in asked.texts[0]
    assert c.sim is sim and c.sim.t == t and c.journal == journal  # unchanged
    assert c.running  # it was playing: it plays on
    assert not messages

    asked.answer = True
    assert session.open_dialog(win)
    assert len(asked.texts) == 2
    assert c.sim.t == 30 and not c.journal and not c.running  # the session, standing still
    assert "Opened s1.drlab" in win.statusBar().currentMessage()


def test_open_does_not_ask_when_there_is_nothing_to_lose(win, messages, tmp_path,
                                                         monkeypatch, asked):
    path = _saved(win, tmp_path)
    win.controller.reset()  # step 0, no live actions
    monkeypatch.setattr(dialogs, "ask_open", lambda *a: str(path))
    assert session.open_dialog(win)
    assert asked.texts == [] and win.controller.sim.t == 30


def test_open_of_a_refused_file_does_not_ask(win, messages, tmp_path, monkeypatch, asked):
    play(win, 30)
    bad = tmp_path / "bad.drlab"
    bad.write_text("nope", encoding="utf-8")
    monkeypatch.setattr(dialogs, "ask_open", lambda *a: str(bad))
    assert not session.open_dialog(win)
    assert asked.texts == [] and len(messages) == 1 and "unchanged" in messages[0][1]
    assert win.controller.sim.t == 30


@pytest.mark.parametrize("lr", [1e9, 1000, 2e6, -1, 10**400])
def test_a_learning_rate_out_of_range_names_the_apps_range(lr):
    d = session.Session(presets.get("bias-shock").config(), "bias-shock").to_dict()
    d["config"]["lr"] = lr
    with pytest.raises(ConfigError) as e:
        session_from_dict(d)
    text = str(e.value)
    assert f"from 0 to {LR_MAX:g}" in text and "1e+06" not in text


def test_a_dropped_session_asks_before_it_replaces_a_run(win, messages, tmp_path, asked):
    from app import workshop

    c = win.controller
    path = _saved(win, tmp_path)
    play(win, 70)
    t = c.sim.t
    assert not workshop.open_any(win, path)  # Cancel: the run stays
    assert len(asked.texts) == 1 and c.sim.t == t
    asked.answer = True
    assert workshop.open_any(win, path)
    assert c.sim.t == 30
