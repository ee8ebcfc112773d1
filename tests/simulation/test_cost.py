"""The activation cost table: every activation timed, ratios to ReLU, the seed's numbers beside."""

import pytest

from simulation import cost
from simulation.activations import ACTIVATIONS


def test_cost_table_has_every_activation():
    rows = cost.measure(size=20_000, repeats=3)
    assert [r.activation for r in rows] == list(ACTIVATIONS)
    by = {r.activation: r for r in rows}
    assert by["relu"].ratio == 1.0 and by["relu"].forward_ratio == 1.0
    for r in rows:
        assert r.forward_s > 0 and r.backward_s > 0 and r.repeats == 3
        assert r.total_s == pytest.approx(r.forward_s + r.backward_s)
        assert r.ratio == pytest.approx(r.total_s / by["relu"].total_s)
    assert {a: r.seed_ratio for a, r in by.items() if r.seed_ratio is not None} == {
        "relu": 1.0, "leaky_relu": 1.1, "elu": 1.5}


def test_relu_is_always_the_baseline_and_steps_are_counted():
    run = cost.CostRun(("elu",), size=1000, repeats=2)
    assert run.names == ("relu", "elu")
    steps = 0
    while not run.done:
        assert run.progress == pytest.approx(steps / 6)
        run.step()
        steps += 1
    assert steps == 6  # (1 warm-up + 2 repeats) x 2 activations
    assert len(run.times["elu"][0]) == 2  # the warm-up is not kept
    assert [r.activation for r in run.rows()] == ["relu", "elu"]


def test_partial_rows_use_the_repeats_done():
    run = cost.CostRun(("relu", "selu"), size=1000, repeats=4)
    for _ in range(4):  # warm-ups, then one repeat of each
        run.step()
    assert [r.repeats for r in run.rows()] == [1, 1]


@pytest.mark.parametrize("kwargs", [{"size": 0}, {"repeats": 0}, {"names": ("tanh",)},
                                    {"size": True}])
def test_bad_input_is_refused(kwargs):
    with pytest.raises(ValueError):
        cost.CostRun(**kwargs)
