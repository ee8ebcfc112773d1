"""The star table's cost row says what it measures (numpy activation cost, not training speed)
and reuses a complete timing passed in, saying whose and when, instead of timing again."""

import pytest

from simulation import claims, cost


def test_the_cost_row_is_not_called_training_speed():
    label = claims.METRIC_LABELS["speed"]
    assert "Training speed" not in label and "numpy" in label and "cost" in label.lower()


@pytest.fixture(scope="module")
def timing():
    run = cost.CostRun(claims.COLUMNS, size=2000, repeats=2)
    run.advance()
    return run


def test_a_complete_timing_is_reused_and_named(timing):
    run = claims.ClaimsRun(epochs=2, n_train=64, repeats=1, seeds=1, grid=3, cost_run=timing,
                           cost_source="the cost tab's timing")
    assert run.cost is timing and run.cost_reused
    run.advance()
    table = run.table()
    rows = {r.activation: r for r in timing.rows()}
    when = cost.clock_text(timing.finished_at)
    for a in claims.COLUMNS:
        cell = table["speed"][a]
        assert cell.value == rows[a].ratio  # the same numbers as the timing given
        assert f"the cost tab's timing, taken at {when}, reused" in cell.how
        assert "not of training" in cell.how


def test_an_incomplete_or_partial_timing_is_not_reused():
    partial = cost.CostRun(("relu", "elu"), size=1000, repeats=1)
    partial.advance()
    unfinished = cost.CostRun(claims.COLUMNS, size=1000, repeats=1)
    for given in (partial, unfinished):
        run = claims.ClaimsRun(epochs=2, repeats=1, cost_run=given)
        assert run.cost is not given and not run.cost_reused


def test_an_own_timing_says_when_it_was_taken():
    run = claims.ClaimsRun(epochs=2, n_train=64, repeats=1, seeds=1, grid=3)
    run.advance()
    assert run.cost.finished_at is not None
    how = run.table()["speed"]["elu"].how
    assert f"its own timing for this table, taken at {cost.clock_text(run.cost.finished_at)}" in how


def test_shared_cost_keeps_only_complete_runs(timing):
    shared = cost.SharedCost()
    shared.keep(cost.CostRun(("relu",), size=100, repeats=1))  # not run: not kept
    assert shared.run is None and shared.covering(claims.COLUMNS) is None
    shared.keep(timing)
    assert shared.covering(claims.COLUMNS) is timing
    assert shared.covering(("relu", "gelu")) is None
