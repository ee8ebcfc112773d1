"""Rewind: the timeline shows step t exactly; continue-from-here branches deterministically."""

import numpy as np
from PySide6.QtCore import QPoint
from PySide6.QtWidgets import QToolTip

from app import rewind as rewind_mod
from simulation.replay import replay
from tests.helpers import play, same


def run_with_actions(w):
    play(w, 100)
    w.controller.set_lr(0.2)
    play(w, 100)
    w.controller.bias_shock(-3.0)
    play(w, 200)


def test_scrubbing_shows_exactly_the_history_of_step_t(win):
    run_with_actions(win)
    rows = np.asarray(win.controller.sim.history.window()).copy()
    live = win.controller.sim
    r = win.rewind
    for t in (350, 37, 200, 201, 399):
        shown = r.go_to(t)
        assert r.active and shown.t == t and win.controller.sim is live
        assert same(shown.history.window(), rows[:t])
        snap = shown.current()
        assert same(snap.params.b[:, 0], rows[t, 4]) and same(snap.fb.loss[:, 0], rows[t, 6])
        # every view shows the rewound simulation
        assert win.plots._sim is shown and win.cards._sim is shown
        assert win.step_label.text() == f"step {t:,}"
        assert r.bar.slider.value() == t and r.bar.slider.maximum() == 400
    assert live.t == 400 and not win.controller.running


def test_the_slider_scrubs_after_a_short_pause(win, qtbot):
    run_with_actions(win)
    win.rewind.bar.slider.setValue(120)
    qtbot.waitUntil(lambda: win.rewind.shown is not None and win.rewind.shown.t == 120)
    assert win.rewind.bar.continue_button.isEnabled()


def test_continue_from_here_branches_deterministically(win):
    run_with_actions(win)
    journal = list(win.controller.journal)
    win.rewind.go_to(150)
    win.rewind.continue_here()
    c = win.controller
    assert not win.rewind.active and c.sim.t == 150
    assert c.journal == [a for a in journal if a["step"] <= 150]
    c.bias_shock(-1.0)
    play(win, 120)
    expected = replay(c.config, [*journal[:1], {"step": 150, "kind": "bias_shock", "b": -1.0}],
                      270)
    assert same(c.sim.history.window(), expected.history.window())
    assert c.sim.lr == expected.lr == 0.2


def test_live_actions_leave_the_rewind(win, qtbot):
    run_with_actions(win)
    win.rewind.go_to(50)
    win.controller.step_once()
    assert not win.rewind.active and win.plots._sim is win.controller.sim
    assert win.controller.sim.t == 401 and win.rewind.bar.slider.value() == 401
    win.rewind.go_to(10)
    win.rewind.back_to_live()
    assert not win.rewind.active and win.step_label.text() == "step 401"
    win.rewind.go_to(10)
    win.controller.reset()
    assert not win.rewind.active and win.rewind.bar.slider.maximum() == 0


def test_step_back_key_and_too_long_runs(win, qtbot, monkeypatch):
    play(win, 30)
    win.rewind.step_by(-1)
    assert win.rewind.shown.t == 29
    win.rewind.step_by(-1)
    assert win.rewind.shown.t == 28
    win.rewind.back_to_live()
    monkeypatch.setattr(rewind_mod, "MAX_REWIND", 10)
    assert win.rewind.go_to(5) is None and not win.rewind.active
    assert "up to 10 steps" in win.statusBar().currentMessage()
    # (the status bar's room left of the rewind bar is short: the message fits it, and the
    # whole sentence shows over the slider)
    bar = win.statusBar()
    room = win.rewind.bar.mapTo(bar, QPoint(0, 0)).x()
    assert bar.fontMetrics().horizontalAdvance(bar.currentMessage()) < room
    assert QToolTip.isVisible() and "this run is at 30" in QToolTip.text()


def test_export_while_rewound_writes_the_step_shown(win, tmp_path):
    import json

    from app import export

    run_with_actions(win)
    win.rewind.go_to(80)
    sim, journal = export._shown_sim(win)
    export.export_record(sim, journal, tmp_path / "r.json")
    assert len(json.loads((tmp_path / "r.json").read_text())["lanes"][0]["steps"]["step"]) == 80
