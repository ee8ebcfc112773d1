"""A status-bar readout paints its own background: a new step count repaints the label alone,
not the status bar and the row of readouts under it, and the bar looks the same as before."""

from PySide6.QtGui import QImage
from PySide6.QtWidgets import QApplication, QHBoxLayout, QMainWindow, QWidget

from tests.helpers import count_paints, show
from widgets.readout import Readout


def settle():
    for _ in range(3):
        QApplication.processEvents()


def status_window(qtbot):
    """A window whose status bar holds a row of readouts, as the main window's does."""
    window = QMainWindow()
    window.setCentralWidget(QWidget())
    row = QWidget()
    layout = QHBoxLayout(row)
    layout.setContentsMargins(0, 0, 0, 0)
    step, seed = Readout("step 1,000"), Readout("seed 0")
    layout.addWidget(step)
    layout.addWidget(seed)
    layout.addStretch(1)
    window.statusBar().addWidget(row)
    show(qtbot, window, (600, 200))
    settle()
    return window, row, step


def test_a_new_step_count_repaints_the_readout_alone(qtbot):
    window, row, step = status_window(qtbot)
    bar = window.statusBar()
    paints = count_paints(bar, row, step)
    for n in range(1_017, 1_017 * 6, 1_017):
        step.setText(f"step {n:,}")
        settle()
    assert paints[step] >= 5  # every new count is painted
    assert (paints[bar], paints[row]) == (0, 0)
    assert step.text() == "step 5,085"


def _grab(widget) -> QImage:
    return widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)


def test_the_status_bar_looks_the_same_as_with_a_see_through_readout(qtbot):
    window, _, step = status_window(qtbot)
    assert step.autoFillBackground()
    opaque = _grab(window.statusBar())
    step.setAutoFillBackground(False)  # as before: the bar painted under the label
    settle()
    assert _grab(window.statusBar()) == opaque
