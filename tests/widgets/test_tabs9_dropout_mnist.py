"""Dropout with MNIST chosen and no usable file: Run says what to do (not "MNIST: . has no
train-images-idx3-ubyte[.gz]") and leaves no other dataset's results looking like MNIST's; the
key names the dataset its results belong to."""

import pytest

from app.application import configure_pyqtgraph
from tests import helpers
from widgets.dropout_view import MNIST, DropoutView


@pytest.fixture
def circle_run(qtbot):
    """A DropoutView shown after 2 epochs on the circle."""
    configure_pyqtgraph()
    v = helpers.show(qtbot, DropoutView())
    v.dataset.setCurrentIndex(v.dataset.findData("circle"))
    v.epochs.setValue(2)
    v.n_train.setValue(64)
    v.toggle()
    qtbot.waitUntil(lambda: not v.runner.running, timeout=30_000)
    assert v.progress.isVisible() and v.curves[("relu", False)][0].getData()[0] is not None
    return v


def assert_nothing_shown(v: DropoutView) -> None:
    assert v.experiment is None
    assert not v.progress.isVisible()
    assert v.legend.text() == ""
    fresh = DropoutView()  # the ranges of plots before any run
    try:
        for plot, first in zip(v._plots(), fresh._plots(), strict=True):
            assert plot.viewRange()[1] == pytest.approx(first.viewRange()[1])
    finally:
        fresh.deleteLater()
    for curves in v.curves.values():
        for c in curves:
            x = c.getData()[0]
            assert x is None or len(x) == 0


def test_mnist_without_a_file_says_what_to_choose_and_clears_the_circle(circle_run):
    v = circle_run
    v.dataset.setCurrentIndex(v.dataset.findData(MNIST))
    v.mnist_path.setText("  ")
    v.toggle()
    text = v.status.text()
    assert "Choose" in text and "train-images-idx3-ubyte" in text
    assert " . has no" not in text
    assert not v.runner.running
    assert_nothing_shown(v)


def test_an_unusable_mnist_path_says_why_and_clears_the_circle(circle_run, tmp_path):
    v = circle_run
    v.dataset.setCurrentIndex(v.dataset.findData(MNIST))
    v.mnist_path.setText(str(tmp_path))  # an empty folder
    v.toggle()
    assert "has no train-images-idx3-ubyte" in v.status.text()
    assert_nothing_shown(v)


def test_the_key_names_the_dataset_of_its_results(circle_run):
    assert circle_run.legend.text().startswith("circle: ")
