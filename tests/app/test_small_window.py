"""The window at its minimum size: every arrangement (all three columns, the set-up panel, the
tour beside the cards or the step-through, both panels) has its room, and the minimum fits a
1280x720 screen."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QAbstractButton, QAbstractSpinBox, QApplication, QComboBox, QLabel

from app import tour
from app.window_place import SMALL_SCREEN


def _cramped(win):
    """The shown texts and controls narrower than they need."""
    QApplication.processEvents()
    bad = []
    for label in win.findChildren(QLabel):
        if (not label.isVisible() or label.wordWrap() or not label.text()
                or label.textFormat() == Qt.TextFormat.RichText or "<" in label.text()):
            continue
        room = label.contentsRect().width()
        for line in label.text().split("\n"):
            if label.fontMetrics().horizontalAdvance(line) > room:
                bad.append((line, room))
    for kind in (QAbstractButton, QAbstractSpinBox, QComboBox):
        for w in win.findChildren(kind):
            if isinstance(w, QAbstractButton) and not w.text():
                continue  # (a dock's title-bar icons)
            if (w.isVisible() and w.width() < w.minimumSizeHint().width()
                    and not isinstance(w.parent(), (QAbstractSpinBox, QComboBox))):
                bad.append((getattr(w, "text", lambda: "")() or type(w).__name__, w.width()))
    return bad


def _smallest(win):
    win.resize(1, 1)  # (the window takes its minimum size)
    QApplication.processEvents()
    assert win.size() == win.minimumSize()


def _tour(win, stop):
    tour.start(win)
    win.tour_dock.panel.go(stop)
    QApplication.processEvents()


ARRANGEMENTS = {
    "columns": lambda win: None,
    "setup": lambda win: win.setup_dock.show(),
    "tour": lambda win: _tour(win, 0),
    "tour-math": lambda win: _tour(win, 3),  # stop 4: the step-through in place of the cards
    "setup-and-tour": lambda win: (win.setup_dock.show(), _tour(win, 3)),
}


@pytest.mark.parametrize("arrangement", ARRANGEMENTS)
@pytest.mark.parametrize("order", ["shrunk-after", "shrunk-before"])
def test_every_arrangement_has_its_room_at_the_minimum_size(win, prefs, arrangement, order):
    if order == "shrunk-before":
        _smallest(win)
        size = win.size()
    ARRANGEMENTS[arrangement](win)
    _smallest(win)
    if order == "shrunk-before":
        assert win.size() == size  # the window did not grow for the panel
    assert _cramped(win) == []
    assert win.plots.width() >= win.plots.minimumSizeHint().width()
    assert win.plots.width() >= 300
    right = win.fold_columns["right"]
    if right.isVisible():
        assert right.width() >= right.minimumSizeHint().width()
    cards = win.fold_columns["cards"]
    if cards.isVisible():
        assert cards.width() >= win.cards.minimumSizeHint().width()


def test_the_minimum_size_fits_a_1280x720_screen(win):
    QApplication.processEvents()
    least = win.minimumSize()
    assert least.width() <= SMALL_SCREEN.width() and least.height() <= SMALL_SCREEN.height()
    assert win.size().toTuple() == (1280, 720)
    assert least.width() > 900  # (the three columns' own minimums: not the layout's ~724)


def test_the_cards_come_back_when_the_tour_closes(win, prefs):
    _smallest(win)
    win.setup_dock.show()
    _tour(win, 0)
    assert not win.fold_columns["cards"].isVisible()  # both panels: the plots keep the room
    win.tour_dock.close()
    QApplication.processEvents()
    assert win.fold_columns["cards"].isVisible()
    assert _cramped(win) == []
