"""Bad numbers in the live app: the controller refuses them with a ConfigError and changes
nothing; the window says so in the status bar (or a warning dialog for the set-up panel) and
changes nothing; no spin box can be talked into NaN, an infinity or a value out of its range."""

import math

import numpy as np
import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractSpinBox

from app.controller import LiveController
from simulation import presets
from simulation.config import ConfigError

NAN, INF = math.nan, math.inf
CONTROLLER_CALLS = {
    "bias_shock(nan)": lambda c: c.bias_shock(NAN),
    "bias_shock(inf)": lambda c: c.bias_shock(INF),
    "bias_shock(-inf)": lambda c: c.bias_shock(-INF),
    "bias_shock('-10')": lambda c: c.bias_shock("-10"),
    "bias_shock(None)": lambda c: c.bias_shock(None),
    "bias_shock(2e6)": lambda c: c.bias_shock(2e6),
    "lr_shock(value=inf)": lambda c: c.lr_shock(value=INF),
    "lr_shock(value=nan)": lambda c: c.lr_shock(value=NAN),
    "lr_shock(value=-1)": lambda c: c.lr_shock(value=-1.0),
    "lr_shock(value=1e7)": lambda c: c.lr_shock(value=1e7),
    "lr_shock(factor=nan)": lambda c: c.lr_shock(factor=NAN),
    "lr_shock(factor=inf)": lambda c: c.lr_shock(factor=INF),
    "lr_shock(factor='3')": lambda c: c.lr_shock(factor="3"),
    "lr_shock(factor and value)": lambda c: c.lr_shock(factor=2.0, value=1.0),
    "lr_shock(neither)": lambda c: c.lr_shock(),
    "lr_shock(steps=0)": lambda c: c.lr_shock(factor=2.0, steps=0),
    "lr_shock(steps=nan)": lambda c: c.lr_shock(factor=2.0, steps=NAN),
    "lr_shock(steps=2.5)": lambda c: c.lr_shock(factor=2.0, steps=2.5),
    "weight_shock(inf, 0)": lambda c: c.weight_shock(INF, 0.0),
    "weight_shock(0, nan)": lambda c: c.weight_shock(0.0, NAN),
    "weight_shock(-inf, -inf)": lambda c: c.weight_shock(-INF, -INF),
    "weight_shock('a', 0)": lambda c: c.weight_shock("a", 0.0),
    "weight_shock(1e7, 0)": lambda c: c.weight_shock(1e7, 0.0),
    "set_lr(-1)": lambda c: c.set_lr(-1.0),
    "set_lr(nan)": lambda c: c.set_lr(NAN),
    "set_lr(inf)": lambda c: c.set_lr(INF),
    "set_lr('0.1')": lambda c: c.set_lr("0.1"),
    "set_lr(None)": lambda c: c.set_lr(None),
    "set_lr(101), above what a session replays": lambda c: c.set_lr(101.0),
    "set_speed(nan)": lambda c: c.set_speed(NAN),
    "set_speed(inf)": lambda c: c.set_speed(INF),
    "set_speed('fast')": lambda c: c.set_speed("fast"),
    "set_speed(None)": lambda c: c.set_speed(None),
}


def state(c):
    sim = c.sim
    return (sim.t, [getattr(sim.params, n).copy() for n in ("w1", "w2", "b", "alpha")],
            sim.lr, sim.current_lr(), list(sim.events), list(c.journal), c.speed)


def assert_same(a, b):
    assert a[0] == b[0] and a[2:] == b[2:]
    for x, y in zip(a[1], b[1], strict=True):
        np.testing.assert_array_equal(x, y)


@pytest.fixture
def controller(qtbot):
    c = LiveController(presets.get("bias-shock").config())
    c.sim.run(50)
    c.bias_shock(-2.0)
    yield c
    c.pause()


@pytest.mark.parametrize("name", list(CONTROLLER_CALLS))
def test_the_controller_refuses_bad_values_and_changes_nothing(controller, name):
    frames = []
    controller.frame.connect(frames.append)
    before = state(controller)
    with pytest.raises(ConfigError) as e:
        CONTROLLER_CALLS[name](controller)
    assert 0 < len(str(e.value)) < 200
    assert_same(state(controller), before)
    assert frames == []
    controller.sim.run(3)  # and the run goes on
    assert controller.sim.t == before[0] + 3
    assert np.isfinite(controller.speed) and 1 <= controller.speed <= 20_000


WINDOW_SIGNALS = {  # the intents the window's controls emit, with values no control should send
    "bias shock nan": lambda w: w.transport.bias_shock_requested.emit(NAN),
    "bias shock inf": lambda w: w.transport.bias_shock_requested.emit(INF),
    "lr nan": lambda w: w.transport.lr_changed.emit(NAN),
    "lr -1": lambda w: w.transport.lr_changed.emit(-1.0),
    "lr 1e9": lambda w: w.transport.lr_changed.emit(1e9),
    "speed nan": lambda w: w.transport.speed_changed.emit(NAN),
    "lr shock value inf": lambda w: w.transport.lr_shock_requested.emit(None, INF, 2),
    "lr shock factor nan": lambda w: w.transport.lr_shock_requested.emit(NAN, None, 2),
    "lr shock 0 steps": lambda w: w.transport.lr_shock_requested.emit(3.0, None, 0),
    "weight shock inf": lambda w: w.setup.weight_shock_requested.emit(INF, 0.0),
    "weight shock nan": lambda w: w.setup.weight_shock_requested.emit(0.0, NAN),
}


def test_the_window_says_no_in_the_status_bar_and_changes_nothing(win):
    """(one window for every case: a window takes a second to build)"""
    c = win.controller
    c.sim.run(40)
    for name, emit in WINDOW_SIGNALS.items():
        win.statusBar().clearMessage()
        before = state(c)
        emit(win)
        message = win.statusBar().currentMessage()
        assert message.startswith("Not applied: ") and len(message) < 200, (name, message)
        assert_same(state(c), before)
        assert win.transport.lr_box.value() == pytest.approx(c.sim.lr)  # the box tells the truth
        c.sim.run(2)


TYPED = ["nan", "inf", "-inf", "1e400", "-1e400", "abc", "1e9", "-1e9", "", "0x10", "1,5"]


def test_no_spin_box_takes_a_non_finite_or_out_of_range_value(win, qtbot):
    """Type each bad text into every spin box of the window (every tab): the box keeps a finite
    value within its range, and the model never sees anything it refuses."""
    boxes = win.findChildren(QAbstractSpinBox)
    assert len(boxes) >= 10
    typed = 0
    for box in boxes:
        if not box.isEnabled() or box.isReadOnly():
            continue
        for text in TYPED:
            box.selectAll()
            qtbot.keyClicks(box, text)
            qtbot.keyClick(box, Qt.Key.Key_Return)
            typed += 1
            value = box.value()
            assert math.isfinite(value), (box.toolTip(), text)
            assert box.minimum() <= value <= box.maximum(), (box.toolTip(), text, value)
    assert typed >= 10 * len(TYPED)
    assert not win.statusBar().currentMessage().startswith("Not applied")
    c = win.controller
    assert math.isfinite(c.sim.lr) and 0 <= c.sim.lr <= 100
    assert math.isfinite(c.speed)
    c.sim.run(20)


SETUP_OVERRIDES = {
    "seed nan": {"seed": NAN}, "seed -1": {"seed": -1}, "seed text": {"seed": "7"},
    "samples 0": {"data": {"n": 0}}, "samples inf": {"data": {"n": INF}},
    "noise nan": {"data": {"noise": NAN}}, "noise -1": {"data": {"noise": -1.0}},
    "initial w1 inf": {"init": {"w1": INF, "w2": 0.1, "b": 0.0}},
    "initial b nan": {"init": {"w1": 0.1, "w2": 0.1, "b": NAN}},
    "initial b 1e7": {"init": {"w1": 0.1, "w2": 0.1, "b": 1e7}},
    "init unknown": {"init": "zeros"}, "init a number": {"init": 3},
    "no lanes": {"lanes": []}, "unknown lane": {"lanes": [{"activation": "tanhh"}]},
}


def test_setup_apply_warns_and_changes_nothing(win, monkeypatch):
    shown = []
    monkeypatch.setattr("app.main_window.QMessageBox.warning", lambda *a: shown.append(a[2]))
    c = win.controller
    c.sim.run(25)
    for name, overrides in SETUP_OVERRIDES.items():
        shown.clear()
        sim, before = c.sim, state(c)
        win.apply_overrides(dict(overrides))
        assert len(shown) == 1 and shown[0].startswith("These settings were not applied:"), name
        assert c.sim is sim, name
        assert_same(state(c), before)
        assert win.setup.seed.value() == c.config.seed  # the form shows the run's settings
