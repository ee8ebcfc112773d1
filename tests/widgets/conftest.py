"""Fixtures shared by the widget tests."""

import pytest

from tests.helpers import bias_shock_sim


@pytest.fixture
def sim():
    """The bias-shock preset run 1000 steps (the chain-rule panel's and the diagram's model)."""
    return bias_shock_sim()
