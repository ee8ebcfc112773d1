"""The star table: star rules, epochs to target, the cells built from measurements."""

import pytest

from simulation import claims
from simulation.cost import CostRow
from simulation.dropout_net import RunHistory, RunSpec


def test_ratio_stars_follow_the_seeds_own_pairing():
    assert [claims.ratio_stars(r) for r in (1.0, 1.1, 1.25, 1.5, 1.75, 2.0, 9.0)] == [
        5, 5, 4, 3, 2, 1, 1]
    assert [claims.share_stars(p) for p in (0.0, 0.25, 0.5, 1.0)] == [5, 4, 3, 1]
    assert claims.stars_text(3) == "★★★☆☆" and claims.stars_text(None) == "—"


def history(act, accs, stuck=0):
    return RunHistory(RunSpec(act), 10, train_loss=[1.0] * len(accs), test_accuracy=list(accs),
                      dead=[stuck] * len(accs), stuck=[stuck] * len(accs))


def test_epochs_to_target():
    hs = [history("relu", [50, 96, 100]), history("elu", [50, 60, 70])]
    assert claims.epochs_to_target(hs) == {"relu": 2, "elu": None}  # target 95


def test_build_table_from_given_measurements():
    names = claims.COLUMNS
    rows = [CostRow(a, 1e-3 * (1 + i), 1e-3 * (1 + i), 2e-3 * (1 + i), 1.0 + i, 1.0, 1.0, 3, None)
            for i, a in enumerate(names)]
    nets = {"d1": [history(a, [50, 96] if a == "relu" else [96, 96], stuck=5 * (a == "relu"))
                   for a in names]}
    outcomes = {"p1": dict.fromkeys(names, "alive") | {"relu": "dead", "elu": "saturated"},
                "p2": dict.fromkeys(names, "recovering") | {"relu": "dead"}}
    table = claims.build_table(rows, nets, outcomes, epochs=2)
    assert set(table) == set(claims.METRICS)
    assert all(set(cells) == set(names) for cells in table.values())
    assert [table["speed"][a].stars for a in names] == [5, 1, 1, 1, 1]
    assert table["convergence"]["relu"].value == 2 and table["convergence"]["elu"].value == 1
    assert table["convergence"]["relu"].stars == 1  # twice the best: 5 - round(4)
    assert table["risk"]["relu"].value == 1.0 and table["risk"]["relu"].stars == 1
    assert table["risk"]["elu"].value == 0.5 and table["risk"]["elu"].stars == 3
    assert table["risk"]["leaky_relu"].stars == 5
    assert "2 presets" in table["risk"]["relu"].how or "2 of 2" in table["risk"]["relu"].how
    assert table["ease"]["relu"].stars is None and table["generalization"]["elu"].value == 96
    assert [table["risk"][a].seed for a in names] == list(claims.SEED_STARS["risk"])


def test_presets_reproduce_the_single_neuron_outcomes():
    out = claims.preset_outcomes(("relu", "leaky_relu", "elu"))
    assert set(out) == set(claims.RISK_PRESETS) and "healthy" not in out
    assert all(o["relu"] == "dead" for o in out.values())
    assert out["bias-shock"]["elu"] == "saturated" and out["bias-shock"]["leaky_relu"] == "alive"


def test_a_small_claims_run_fills_every_cell():
    run = claims.ClaimsRun(epochs=2, n_train=64, repeats=1)
    slices = 0
    while not run.advance(seconds=0.0):
        slices += 1
    assert slices > 5 and run.stage == "done"
    table = run.table()
    for metric in ("speed", "convergence", "risk"):
        assert all(1 <= table[metric][a].stars <= 5 for a in claims.COLUMNS)
        assert all(table[metric][a].how for a in claims.COLUMNS)
    assert table["speed"]["relu"].value == pytest.approx(1.0)
