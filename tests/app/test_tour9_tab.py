"""The guided tour is about the Single neuron tab: started (or moved on) with another tab open, it
shows that tab; while another tab is open, the panel says so."""

import pytest
from PySide6.QtWidgets import QApplication

from app import tour


def _tab(win, title):
    return next(i for i in range(win.tabs.count()) if win.tabs.tabText(i) == title)


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_starting_the_tour_on_another_tab_shows_the_single_neuron_tab(win, prefs, size):
    win.resize(*size)
    QApplication.processEvents()
    tour.start(win)  # where the panel lies with the Single neuron tab open
    QApplication.processEvents()
    at = win.tour_dock.geometry()
    win.tour_dock.close()
    QApplication.processEvents()
    win.tabs.setCurrentIndex(_tab(win, "Death map"))
    QApplication.processEvents()
    tour.start(win)
    QApplication.processEvents()
    assert win.tabs.currentWidget() is win.columns
    assert win.cards.isVisible()
    assert win.tour_dock.geometry() == at  # at the columns' end, not floating over a map
    assert not win.tour_dock.panel.away.isVisible()


def test_switching_tabs_during_the_tour_is_told_and_next_brings_the_tab_back(win, prefs):
    tour.start(win)
    panel = win.tour_dock.panel
    QApplication.processEvents()
    win.tabs.setCurrentIndex(_tab(win, "Death map"))
    QApplication.processEvents()
    assert panel.away.isVisible()
    assert "Single neuron" in panel.away.text()
    panel.next.click()
    QApplication.processEvents()
    assert panel.index == 1
    assert win.tabs.currentWidget() is win.columns
    assert not panel.away.isVisible()
    win.tabs.setCurrentIndex(_tab(win, "Population"))
    QApplication.processEvents()
    panel.away.linkActivated.emit("single")  # the note's link shows the tab again
    QApplication.processEvents()
    assert win.tabs.currentWidget() is win.columns
    panel.back.click()
    assert panel.index == 0 and win.tabs.currentWidget() is win.columns
