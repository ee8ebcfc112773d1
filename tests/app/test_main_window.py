"""The main window: controls and keys change the model; badges tell the story; nothing leaks."""

import subprocess
import sys

import pytest
from PySide6.QtCore import Qt

from app.controller import HISTORY_CAPACITY
from simulation import presets
from simulation.health import State
from tests.conftest import ROOT
from tests.helpers import open_window


@pytest.fixture
def window(qtbot):
    w = open_window(qtbot)
    yield w
    w.controller.pause()


def badges(w):
    return [card.badge.text() for card in w.cards.cards if card.isVisible()]


def test_opens_titled_with_the_preset_ready(window):
    assert window.windowTitle().startswith("Dying ReLU Lab")
    assert window.controller.sim.t == 0
    assert window.transport.description.text() == presets.get("bias-shock").description
    assert badges(window) == ["ALIVE"] * 5


def test_fits_a_1280x720_projector(window):
    hint = window.minimumSizeHint()
    assert hint.width() <= 1280 and hint.height() <= 720
    assert window.width() == 1280


def test_every_tab_fits_a_1280x720_projector(window, qtbot):
    """Tabs are built when first shown; none may widen the window past 1280 (the Population
    tab's status line did: 1,325 px with the app's font)."""
    w = window
    for i in range(w.tabs.count()):
        w.tabs.setCurrentIndex(i)
        qtbot.wait(20)
        view = getattr(w.tabs.currentWidget(), "view", None)
        if hasattr(view, "status"):  # the Population tab: its status line written
            qtbot.waitUntil(lambda v=view: v.status.text() != "", timeout=5000)
            qtbot.wait(20)
        assert w.minimumSizeHint().width() <= 1280, w.tabs.tabText(i)
        assert w.width() == 1280, w.tabs.tabText(i)


def test_keys_drive_the_loop(window, qtbot):
    qtbot.keyClick(window, Qt.Key.Key_Right)
    assert window.controller.sim.t == 1
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert window.controller.running
    qtbot.keyClick(window, Qt.Key.Key_Space)
    assert not window.controller.running
    qtbot.keyClick(window, Qt.Key.Key_B)
    assert (window.controller.sim.params.b == -10.0).all()
    qtbot.keyClick(window, Qt.Key.Key_L)
    assert window.controller.sim.events[-1]["kind"] == "lr_shock"
    qtbot.keyClick(window, Qt.Key.Key_R)
    assert window.controller.sim.t == 0 and window.controller.sim.events == []


def test_bias_shock_kills_relu_for_good_and_leaky_comes_back(window):
    sim = window.controller.sim
    sim.run(100)
    window.transport.bias_button.click()
    assert badges(window)[0] == "DEAD"
    for _ in range(29):  # the rest of the preset's 3,000 steps, drawn as it goes
        window.controller.sim.run(100)
        window._on_frame(window.controller.sim)
        assert badges(window)[0] == "DEAD"
    assert badges(window)[1] == "ALIVE"
    assert window.diagram.is_dead


def test_controls_change_the_model(window, qtbot):
    c = window.controller
    window.transport.lr_box.setValue(0.125)
    assert c.sim.lr == 0.125
    window.transport.speed_slider.setValue(1000)
    assert c.speed == 20_000
    window.transport.bias_value.setValue(-3.0)
    window.transport.bias_button.click()
    assert (c.sim.params.b == -3.0).all()
    window.transport.lr_amount.setValue(2.0)
    window.transport.lr_steps.setValue(4)
    window.transport.lr_button.click()
    assert c.sim.current_lr() == 0.25  # 0.125 x 2 for 4 steps
    window.setup.shock_w1.setValue(-1.5)
    window.setup.shock_w2.setValue(0.5)
    window.setup.weight_shock_requested.emit(-1.5, 0.5)
    assert (c.sim.params.w1 == -1.5).all() and (c.sim.params.w2 == 0.5).all()
    window.transport.step_button.click()
    assert c.sim.t == 1


def test_setup_applies_and_refuses_bad_values(window, monkeypatch):
    window.setup.seed.setValue(99)
    window.setup.lane_checks["gelu"].setChecked(True)
    window.setup.apply_button.click()
    sim = window.controller.sim
    assert sim.config.seed == 99
    assert [lane.activation for lane in sim.config.lanes][-1] == "gelu"
    assert len(badges(window)) == 6
    shown = []
    monkeypatch.setattr("app.main_window.QMessageBox.warning",
                        lambda *a: shown.append(a[2]))
    for check in window.setup.lane_checks.values():
        check.setChecked(False)
    window.setup.apply_button.click()
    assert shown and "lane" in shown[0]
    assert window.controller.sim is sim  # nothing changed


def test_presets_menu_loads_each_preset(window):
    for pid in presets.PRESETS:
        window.load_preset(pid)
        assert window.controller.config.to_dict() == presets.get(pid).config().to_dict()
        assert window.transport.preset_box.currentData() == pid


def test_lane_selection_follows_cards(window, qtbot):
    qtbot.mouseClick(window.cards.cards[1], Qt.MouseButton.LeftButton)
    assert window.diagram.lane == 1 and window.chain.lane == 1


def test_play_at_top_speed_keeps_history_bounded(window, qtbot):
    c = window.controller
    c.set_speed(20_000)
    c.sim.run(HISTORY_CAPACITY)
    c.play()
    start = c.sim.t
    qtbot.waitUntil(lambda: c.sim.t > start + 2000, timeout=10_000)
    c.pause()
    assert len(c.sim.history) == HISTORY_CAPACITY
    assert c.sim.history.window().base.nbytes == 2 * HISTORY_CAPACITY * 17 * 5 * 8


def test_step_through_matches_the_engine(window):
    sim = window.controller.sim
    sim.run(500)
    window._on_frame(sim)
    window.select_lane(1)
    for _ in range(6):
        window.chain.next_phase()
    snap = sim.current()
    text = window.chain.plain_text()
    assert "0.01" in text
    w1_before = snap.params.w1[1, 0]
    window.chain.next_phase()  # the update phase
    window.chain.next_phase()  # apply: one real step
    assert sim.t == 501
    assert sim.history.column("w1")[1, -1] == w1_before


@pytest.mark.parametrize(("asked", "size"), [("1920x1080", "1920x1080"),
                                             ("1280x720", "1280x720"),
                                             (None, "1920x1080")])  # shots: the design size
def test_screenshot_command(tmp_path, asked, size):
    out = tmp_path / "shot.png"
    proc = subprocess.run(
        [sys.executable, "main.py", "--scenario", "bias-shock", "--steps", "400",
         "--screenshot", str(out), *(["--size", asked] if asked else [])],
        cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 0, proc.stderr
    data = out.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    w, h = int.from_bytes(data[16:20], "big"), int.from_bytes(data[20:24], "big")
    assert f"{w}x{h}" == size


def test_screenshot_bad_path_is_refused(tmp_path):
    proc = subprocess.run(
        [sys.executable, "main.py", "--steps", "10", "--screenshot", str(tmp_path / "x.jpg")],
        cwd=ROOT, capture_output=True, text=True, timeout=60,
        env={**__import__("os").environ, "QT_QPA_PLATFORM": "offscreen"})
    assert proc.returncode == 2
    assert len(proc.stderr.strip().splitlines()) == 1 and "Traceback" not in proc.stderr
    assert list(tmp_path.iterdir()) == []


def test_relu_state_code_is_dead_in_history_after_shock(window):
    sim = window.controller.sim
    sim.run(400)  # the preset's shock is at 300
    assert sim.history.column("state")[0, -1] == State.DEAD


def test_lanes_menu_hides_and_shows_a_lane(window):
    actions = [a for a in window.lanes_menu.actions() if a.isCheckable()]
    assert [a.text() for a in actions] == ["ReLU", "Leaky ReLU", "PReLU", "ELU", "SELU"]
    actions[2].setChecked(False)
    assert not window.cards.cards[2].isVisible()
    assert not window.plots.lane_visible("prelu")
    actions[2].setChecked(True)
    assert window.cards.cards[2].isVisible() and window.plots.lane_visible("prelu")


def test_every_control_has_a_tooltip(window):
    from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QComboBox, QSlider

    controls = [w for cls in (QAbstractButton, QAbstractSpinBox, QComboBox, QSlider)
                for w in window.findChildren(cls)]
    controls += [w for cls in (QAbstractButton, QAbstractSpinBox, QComboBox)
                 for w in window.setup.findChildren(cls)]
    missing = {f"{type(w).__name__} {getattr(w, 'text', lambda: '')()!r}"
               for w in controls if not w.toolTip() and w.isVisibleTo(window)}
    assert not missing


def _cards_whole_and_unclipped(window, qtbot):
    qtbot.waitUntil(lambda: window.cards.cards[-1].height() > 0)
    scroll = window.cards.parentWidget().parentWidget()  # viewport -> QScrollArea
    assert not scroll.verticalScrollBar().isVisible()
    for card in window.cards.cards:
        top = card.mapTo(scroll, card.rect().topLeft()).y()
        assert 0 <= top and top + card.height() <= scroll.height()
        # header, plot (when shown) and recovery line do not overlap
        below = card.badge.geometry().bottom()
        if not card.bare:
            assert card.plot.geometry().top() > below
            below = card.plot.geometry().bottom()
        assert card.recovery.geometry().top() > below
        assert card.recovery.geometry().bottom() <= card.height()


@pytest.mark.parametrize("presenting", [False, True])
def test_cards_fit_1280x720_in_both_modes(window, qtbot, presenting):
    """Presentation mode's bigger fonts: the cards drop their plots before anything overlaps."""
    window.presentation.set_presentation(presenting, persist=False)
    try:
        window.controller.sim.run(3000)
        window.controller.frame.emit(window.controller.sim)
        _cards_whole_and_unclipped(window, qtbot)
        assert presenting == all(card.bare for card in window.cards.cards)
    finally:  # the application font is process-wide
        window.presentation.set_presentation(False, persist=False)


def test_fits_1280x720_with_every_lane_card_whole(window, qtbot):
    """The default five cards, the time plots and the rewind bar fit a 1280x720 screen: no card
    needs the scroll bar, and the time plots keep most of the width."""
    _cards_whole_and_unclipped(window, qtbot)
    cards, plots, right = window.columns.sizes()
    assert plots > cards and plots > right
    assert window.rewind.bar.isVisible()


def test_hidden_single_neuron_tab_is_not_redrawn(window):
    """Frames while another tab is shown draw nothing there; coming back catches up."""
    sim = window.controller.sim
    window.tabs.setCurrentIndex(1)
    before = window.plots._last_key
    window.controller.step_once()
    assert window.plots._last_key == before
    assert not window.rewind.bar.isVisible()  # it scrubs the single-neuron run only
    assert window.step_label.text() == f"step {sim.t:,}"
    window.tabs.setCurrentIndex(0)
    assert window.plots._last_key[0] == sim.history.total
    assert window.rewind.bar.isVisible()


def test_live_frames_alternate_and_a_pause_redraws_everything(window, qtbot, monkeypatch):
    """While playing, the time plots' refresh is begun with the other views' in one frame and
    painted in the next (each ~30 Hz); once paused every view shows the last step."""
    calls = []
    for view in window.views:  # (the time plots' refresh begins with begin_refresh)
        name = "begin_refresh" if view is window.plots else "refresh"
        monkeypatch.setattr(view, name, lambda sim, *_, v=view: calls.append(v))
    window.controller.play()
    window.controller.frame.emit(window.controller.sim)
    window.controller.frame.emit(window.controller.sim)
    assert calls.count(window.plots) == 1 and calls.count(window.cards) == 1
    calls.clear()
    window.controller.pause()
    assert set(calls) == set(window.views)
