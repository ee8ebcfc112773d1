"""The activation-cost tab and the star table show one timing: the cost tab keeps its finished
run in the window's shared timing and the star table's Measure reuses it; the row is labelled
as the numpy activation cost it is, and the cost tab says when it measured."""

import pytest

from app.application import configure_pyqtgraph
from simulation import claims, cost
from tests import helpers
from widgets.claims_view import COST_TAB_SOURCE, ClaimsView
from widgets.cost_view import CostView


@pytest.fixture
def show(qtbot):
    configure_pyqtgraph()
    return lambda view: helpers.show(qtbot, view)


def test_star_table_measure_reuses_the_cost_tabs_timing(show, qtbot, monkeypatch):
    shared = cost.SharedCost()
    c = show(CostView(shared))
    c.start(cost.CostRun(size=2000, repeats=1))
    qtbot.waitUntil(lambda: not c.runner.running, timeout=20_000)
    assert shared.run is c.run
    assert c.progress.text() == f"measured at {cost.clock_text(c.run.finished_at)}"
    v = show(ClaimsView(shared))
    started = []
    monkeypatch.setattr(v, "start", started.append)
    v.toggle()
    (run,) = started
    assert run.cost is c.run and run.cost_reused and run.cost_source == COST_TAB_SOURCE


def test_the_row_header_says_numpy_activation_cost(show):
    v = show(ClaimsView())
    row = claims.METRICS.index("speed")
    header = v.table.verticalHeaderItem(row).text()
    assert header.replace("\n", " ") == "Activation cost (numpy)"
    v.table.setCurrentCell(row, 1)
    assert "Activation cost (numpy), Leaky ReLU" in v.detail.text()


def test_the_window_shares_one_timing_between_the_two_tabs(qtbot):
    w = helpers.open_window(qtbot)
    titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
    cost_view = w.tabs.widget(titles.index("Activation cost")).view
    star_view = w.tabs.widget(titles.index("Star table")).view
    assert isinstance(cost_view.shared, cost.SharedCost) and star_view.shared is cost_view.shared
