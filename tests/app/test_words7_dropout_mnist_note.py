"""The Dropout network tab says in full what the MNIST field takes, at 1280x720 and 1920x1080,
presenting or not: its placeholder was cut to "mnist.npz o…" (a placeholder cannot wrap), and
presenting's fonts cut the controls' column at its right edge."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import QApplication, QTabWidget

from app import settings
from widgets import dropout_view
from widgets.dropout_view import DropoutView


def settle(win) -> None:
    for _ in range(4):
        QApplication.processEvents()
    win.layout().activate()
    QApplication.processEvents()


def dropout_tab(win) -> DropoutView:
    tabs = win.findChild(QTabWidget)
    index = next(i for i in range(tabs.count()) if tabs.tabText(i).startswith("Dropout"))
    tabs.setCurrentIndex(index)
    settle(win)
    view = win.findChild(DropoutView)
    assert view is not None and view.isVisible()
    return view


def assert_placeholder_fits(view: DropoutView, where) -> None:
    field = view.mnist_path
    room = field.contentsRect().width() - 8  # the line edit's own text margins
    text = field.placeholderText()
    assert not text or field.fontMetrics().horizontalAdvance(text) <= room, (where, text)


def assert_readable(view: DropoutView, where) -> None:
    assert_placeholder_fits(view, where)
    field = view.mnist_path
    note = view.mnist_note
    assert note.isVisible() and note.wordWrap() and note.text() == dropout_view.MNIST_NOTE
    assert "mnist.npz" in note.text() and "IDX" in note.text()
    assert note.heightForWidth(note.width()) <= note.height(), where  # every line shown
    viewport = view.panel.viewport()
    right = note.mapTo(viewport, note.rect().topRight()).x()
    assert right < viewport.width(), (where, right, viewport.width())  # not cut on the right
    edge = field.mapTo(viewport, field.rect().topRight()).x()
    assert edge < viewport.width(), (where, field, edge, viewport.width())
    # the Run button is pinned under the scrolling panel (it stays in view): whole in the tab
    run = view.run_button
    button = QRect(run.mapTo(view, QPoint(0, 0)), run.size())
    assert view.run_button.isVisible() and view.rect().contains(button), (where, button)


def presenting(win, check) -> None:
    """``check(where)`` at every presentation scale, and after presenting."""
    for scale in settings.SCALES:  # the win fixture ends presentation mode
        win.presentation.set_scale(scale)
        win.presentation.set_presentation(True, persist=False)
        settle(win)
        check(scale)
    win.presentation.set_presentation(False, persist=False)
    settle(win)
    check("after")


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_no_placeholder_is_cut(win, size):
    win.resize(*size)
    settle(win)
    view = dropout_tab(win)
    assert_placeholder_fits(view, (size, 1.0))
    presenting(win, lambda scale: assert_placeholder_fits(view, (size, scale)))


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_the_mnist_note_reads_in_full(win, size):
    win.resize(*size)
    settle(win)
    view = dropout_tab(win)
    assert_readable(view, (size, 1.0))
    assert view.panel.width() == dropout_view.PANEL_WIDTH
    presenting(win, lambda scale: assert_readable(view, (size, scale)))
    assert view.panel.width() == dropout_view.PANEL_WIDTH  # back to its own width
