"""The lr field shows the run's real learning rate: a session the field could not show (beyond
the model's base-rate range, or finer than its decimals) is refused; a typed number beyond the
range is limited and the status bar says so."""

import json

import pytest
from PySide6.QtCore import Qt

from app import session
from simulation.replay import LR_MAX


def _saved(win, tmp_path, lr=None, set_lr=None):
    path = tmp_path / "s.drlab"
    session.save_session(win, path)
    d = json.loads(path.read_text(encoding="utf-8"))
    if lr is not None:
        d["config"]["lr"] = lr
    if set_lr is not None:
        d["events"].append({"step": 0, "kind": "set_lr", "lr": set_lr})
    path.write_text(json.dumps(d), encoding="utf-8")
    return path


@pytest.mark.parametrize("lr", [500.0, 100.5, 0.0005])
def test_a_session_at_a_learning_rate_the_field_cannot_show_is_refused(win, messages,
                                                                       tmp_path, lr):
    path = _saved(win, tmp_path, lr=lr)
    assert not session.open_session(win, path)
    assert len(messages) == 1 and "learning rate" in messages[0][1]
    assert f"{LR_MAX:g}" in messages[0][1]
    assert win.controller.sim.lr == win.transport.lr_box.value() == 0.3


def test_a_set_lr_event_the_field_cannot_show_is_refused(win, messages, tmp_path):
    assert not session.open_session(win, _saved(win, tmp_path, set_lr=0.12345))
    assert len(messages) == 1 and "event 1" in messages[0][1]


@pytest.mark.parametrize("lr", [LR_MAX, 0.001, 42.125])
def test_a_session_opens_with_the_field_showing_its_learning_rate(win, messages, tmp_path, lr):
    assert session.open_session(win, _saved(win, tmp_path, lr=lr)), messages
    assert win.controller.sim.lr == win.transport.lr_box.value() == lr


def _type_lr(win, qtbot, text):
    """``text`` typed into the lr field and Return pressed; the field."""
    box = win.transport.lr_box
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)
    return box


def test_typing_beyond_the_maximum_is_said_in_the_status_bar(win, qtbot):
    box = _type_lr(win, qtbot, "99999")
    assert win.controller.sim.lr == box.value() == LR_MAX
    message = win.statusBar().currentMessage()
    assert "99999" in message and f"{LR_MAX:g}" in message


def test_the_out_of_range_lr_message_fits_left_of_the_rewind_bar(win, qtbot):
    """'Learning rate 150 is outside 0 to 100: lr set to 10…' ran under the rewind bar."""
    from app.own_data import message_room

    _type_lr(win, qtbot, "150")
    text = win.statusBar().currentMessage()
    assert "150" in text and "100" in text
    assert win.statusBar().fontMetrics().horizontalAdvance(text) <= message_room(win)
