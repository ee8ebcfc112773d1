"""The transport bar turns clicks into intents and echoes state without emitting."""

import pytest
from PySide6.QtCore import Qt

from simulation import presets
from widgets.transport_bar import TransportBar, slider_from_speed, speed_from_slider


@pytest.fixture
def bar(qtbot):
    b = TransportBar({p.id: p.description for p in presets.PRESETS.values()})
    qtbot.addWidget(b)
    return b


def test_speed_mapping_spans_1_to_20000():
    assert speed_from_slider(0) == 1
    assert speed_from_slider(1000) == 20_000
    for speed in (1, 10, 240, 5000, 20_000):
        assert abs(speed_from_slider(slider_from_speed(speed)) - speed) / speed < 0.02


def test_buttons_emit_intents(bar, qtbot):
    with qtbot.waitSignal(bar.play_toggled):
        qtbot.mouseClick(bar.play_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.step_requested):
        qtbot.mouseClick(bar.step_button, Qt.MouseButton.LeftButton)
    with qtbot.waitSignal(bar.reset_requested):
        qtbot.mouseClick(bar.reset_button, Qt.MouseButton.LeftButton)


def test_bias_shock_carries_its_value(bar, qtbot):
    bar.bias_value.setValue(-4.5)
    with qtbot.waitSignal(bar.bias_shock_requested) as sig:
        bar.bias_button.click()
    assert sig.args == [-4.5]


def test_lr_shock_factor_or_value(bar, qtbot):
    bar.lr_amount.setValue(5.0)
    bar.lr_steps.setValue(7)
    with qtbot.waitSignal(bar.lr_shock_requested) as sig:
        bar.lr_button.click()
    assert sig.args == [5.0, None, 7]
    bar.lr_mode.setCurrentText("=")
    with qtbot.waitSignal(bar.lr_shock_requested) as sig:
        bar.lr_button.click()
    assert sig.args == [None, 5.0, 7]


def test_speed_slider_emits_and_echo_does_not(bar, qtbot):
    with qtbot.waitSignal(bar.speed_changed) as sig:
        bar.speed_slider.setValue(1000)
    assert sig.args == [20_000.0]
    with qtbot.assertNotEmitted(bar.speed_changed):
        bar.set_speed(240)
    assert bar.speed_label.text() == "240 steps/s"


def test_preset_choice_shows_description(bar, qtbot):
    bar.set_preset("lr-shock")
    assert bar.description.text() == presets.get("lr-shock").description
    with qtbot.waitSignal(bar.preset_chosen) as sig:
        bar.preset_box.activated.emit(bar.preset_box.findData("healthy"))
    assert sig.args == ["healthy"]


def test_every_control_has_a_tooltip(bar):
    for w in (bar.play_button, bar.step_button, bar.reset_button, bar.speed_slider, bar.lr_box,
              bar.bias_button, bar.bias_value, bar.lr_button, bar.lr_mode, bar.lr_amount,
              bar.lr_steps, bar.preset_box):
        assert w.toolTip(), w


def test_shocks_take_a_row_of_their_own_on_a_narrow_window(qtbot):
    """Narrower than one row needs (a 200% screen): the shock controls wrap to a second row,
    every control stays visible, and they come back when there is room."""
    from PySide6.QtWidgets import QVBoxLayout, QWidget

    window = QWidget()  # in a window, as in the app
    qtbot.addWidget(window)
    bar = TransportBar({"healthy": "a preset"})
    QVBoxLayout(window).addWidget(bar)
    window.resize(1900, 80)
    window.show()
    qtbot.waitExposed(window)
    assert not bar.shocks_wrapped
    assert window.minimumSizeHint().width() < 900
    window.resize(900, 120)
    controls = (bar.play_button, bar.bias_button, bar.lr_button, bar.lr_steps, bar.lr_box)

    def laid_out() -> bool:  # the layout settles over a few events
        below = bar.bias_button.mapTo(bar, bar.bias_button.rect().topLeft()).y()
        return bar.shocks_wrapped and below > bar.play_button.geometry().bottom() and all(
            w.isVisible() and w.geometry().right() <= w.parentWidget().width()
            and w.width() >= w.minimumSizeHint().width() for w in controls)  # not squeezed

    qtbot.waitUntil(laid_out)
    window.resize(1900, 80)
    qtbot.waitUntil(lambda: not bar.shocks_wrapped)
