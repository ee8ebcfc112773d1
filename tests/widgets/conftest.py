"""Fixtures shared by the widget tests."""

import pytest

from simulation.engine import Simulation
from tests.helpers import bias_shock_sim
from widgets.time_plots import TimePlots


@pytest.fixture
def sim():
    """The bias-shock preset run 1000 steps (the chain-rule panel's and the diagram's model)."""
    return bias_shock_sim()


@pytest.fixture
def make(qtbot):
    """``make(sim)``: the time plots of ``sim``, shown at 1100x800 (or ``size``), drawn once."""
    def _make(sim: Simulation, simplify: bool = True,
              size: tuple[int, int] = (1100, 800)) -> TimePlots:
        w = TimePlots(sim)
        w.simplify = simplify
        qtbot.addWidget(w)
        w.resize(*size)
        w.show()
        qtbot.waitExposed(w)
        w.refresh(sim)
        return w
    return _make
