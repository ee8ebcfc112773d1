"""The dropout tab's epoch plots: one epoch sits at one x in the loss and dead-unit plots stacked
in a column (same range, linked axes), before and after a run; the progress bar is hidden until a
run starts."""

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from app.application import configure_pyqtgraph
from tests import helpers
from widgets.dropout_view import DropoutView


@pytest.fixture
def view(qtbot):
    configure_pyqtgraph()
    return helpers.show(qtbot, DropoutView())


def x_of(plot, epoch):
    """Where ``epoch`` is drawn in the plot area (scene pixels)."""
    return plot.vb.mapViewToScene(QPointF(epoch, 0)).x()


def assert_epochs_line_up(v):
    QApplication.processEvents()
    assert v.loss_plot.viewRange()[0] == pytest.approx(v.dead_plot.viewRange()[0])
    assert v.acc_plot.viewRange()[0] == pytest.approx(v.dead_plot.viewRange()[0])
    for epoch in (0, 1, 5):
        assert x_of(v.loss_plot, epoch) == pytest.approx(x_of(v.dead_plot, epoch), abs=0.5)


def test_epochs_line_up_before_a_run(view):
    lo, hi = view.dead_plot.viewRange()[0]
    assert -1 < lo <= 0 and 30 <= hi < 32  # from epoch 0: the dead units before training
    assert_epochs_line_up(view)
    view.epochs.setValue(12)
    assert_epochs_line_up(view)


def test_epochs_line_up_after_a_run(view, qtbot):
    view.epochs.setValue(2)
    view.n_train.setValue(64)
    view.toggle()
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    assert_epochs_line_up(view)
    h = view.experiment.histories[0]
    loss, _, dead = view.curves[(h.spec.activation, h.spec.dropout > 0)]
    assert loss.getData()[0][0] == 1 and dead.getData()[0][0] == 0  # same epochs, same x


def test_progress_bar_hidden_until_a_run(view, qtbot):
    assert not view.progress.isVisibleTo(view)
    view.epochs.setValue(1)
    view.n_train.setValue(32)
    view.toggle()
    assert view.progress.isVisibleTo(view)
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    assert view.progress.isVisibleTo(view) and view.progress.value() == 100
