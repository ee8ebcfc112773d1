"""The transport bar's minimum width is its narrowest arrangement (shocks on their own row,
icon-only buttons), whatever the arrangement it shows; it rearranges when its fonts change."""

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QVBoxLayout, QWidget

from widgets.transport_bar import TransportBar


def _in_window(qtbot, width):
    window = QWidget()
    qtbot.addWidget(window)
    bar = TransportBar({"healthy": "a preset"})
    QVBoxLayout(window).addWidget(bar)
    window.resize(width, 150)
    window.show()
    qtbot.waitExposed(window)
    return window, bar


def test_minimum_width_is_the_narrowest_arrangement(qtbot):
    window, bar = _in_window(qtbot, 1900)
    assert not bar.shocks_wrapped and not bar.compact
    hint = bar.minimumSizeHint().width()
    assert hint < bar._one_row_width()
    window.resize(hint + 20, 200)  # wrapped
    qtbot.waitUntil(lambda: bar.shocks_wrapped)
    assert bar.minimumSizeHint().width() == hint
    assert window.minimumSizeHint().width() <= hint + 40


def test_a_larger_font_compacts_the_bar_without_a_resize(qtbot):
    window, bar = _in_window(qtbot, 700)
    window.setFixedWidth(700)  # a window that cannot grow (a 1280-px screen, the set-up panel)
    assert bar.shocks_wrapped and not bar.compact
    assert bar.play_button.text() == "Play" and bar.speed_label.text() == "240 steps/s"
    for w in (bar.lr_mode, bar.lr_amount, bar.lr_steps):  # as presentation mode does
        w.hide()
    font = QFont(bar.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    bar.setFont(font)  # as presentation mode does (the application font)
    qtbot.waitUntil(lambda: bar.compact)
    assert bar.play_button.text() == "" and bar.speed_label.text() == "240/s"
    assert bar.minimumSizeHint().width() <= window.width()
    bar.set_running(True)
    assert bar.play_button.text() == "" and bar.play_button.accessibleName() == "Pause"
    bar.setFont(QFont(window.font()))
    for w in (bar.lr_mode, bar.lr_amount, bar.lr_steps):
        w.show()
    qtbot.waitUntil(lambda: not bar.compact)
    assert bar.play_button.text() == "Pause"
