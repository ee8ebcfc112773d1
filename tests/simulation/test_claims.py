"""The star table: star rules, epochs to target, the cells built from measurements."""

import numpy as np
import pytest

from simulation import claims, claims_risk, presets, sweep
from simulation.config import LaneSpec, RunConfig
from simulation.cost import CostRow
from simulation.dropout_net import RunHistory, RunSpec
from simulation.health import State


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


def death_map(names, grid):
    """A hand-made 2 x 4 death map: ``grid[a]`` the end states of activation a's 8 cells."""
    spec = sweep.SweepSpec(bias=(-10.0, -1.0, 1.0, 10.0), factor=(1.0, 10.0))
    state = np.array([np.reshape(grid[a], (2, 4)) for a in names], dtype=np.int8)
    return sweep.SweepResult(spec, [LaneSpec(a) for a in names], state,
                             np.zeros(state.shape))


def test_build_table_from_given_measurements():
    names = claims.COLUMNS
    rows = [CostRow(a, 1e-3 * (1 + i), 1e-3 * (1 + i), 2e-3 * (1 + i), 1.0 + i, 1.0, 1.0, 3, None)
            for i, a in enumerate(names)]
    nets = {"d1": [[history(a, [50, 96] if a == "relu" else [96, 96], stuck=5 * (a == "relu"))
                    for a in names]]}
    outcomes = {"p1": dict.fromkeys(names, "alive") | {"relu": "dead", "elu": "saturated"},
                "p2": dict.fromkeys(names, "recovering") | {"relu": "dead"}}
    a, r, s, d, x = (int(v) for v in State)  # alive, recovering, saturated, dead, diverged
    grid = {"relu": [d] * 8, "leaky_relu": [a] * 4 + [r] * 4, "prelu": [x] * 6 + [a] * 2,
            "elu": [a] * 8, "selu": [s, d, x] + [a] * 5}
    table = claims.build_table(rows, nets, outcomes, epochs=2, death_map=death_map(names, grid))
    assert set(table) == set(claims.METRICS)
    assert all(set(cells) == set(names) for cells in table.values())
    assert [table["speed"][a].stars for a in names] == [5, 1, 1, 1, 1]
    assert table["convergence"]["relu"].value == 2 and table["convergence"]["elu"].value == 1
    assert table["convergence"]["relu"].stars == 1  # twice the best: 5 - round(4)
    risk = table["risk"]
    assert risk["relu"].value == 1.0 and risk["relu"].stars == 1
    assert risk["elu"].value == 0.5 and risk["elu"].stars == 3  # presets: 1 of 2
    assert risk["elu"].evidence["death_map_share"] == 0.0
    assert risk["leaky_relu"].value == 0.0 and risk["leaky_relu"].stars == 5  # recovering: kept
    assert risk["prelu"].value == 0.75 and risk["prelu"].stars == 2  # the map is the worst
    assert risk["selu"].evidence["death_map_share"] == 3 / 8 and risk["selu"].value == 3 / 8
    assert "2 of 2" in risk["relu"].how and "8 of 8 cells" in risk["relu"].how
    assert "death map" in risk["prelu"].how.lower() and "no shock sweep" not in risk["relu"].how
    assert "6 diverged" in risk["prelu"].how and "4 still recovering" in risk["leaky_relu"].how
    assert risk["relu"].evidence["network_share"] == 0.5  # 5 of 10 hidden units, one seed
    assert table["ease"]["relu"].stars is None and table["generalization"]["elu"].value == 96
    assert [table["risk"][a].seed for a in names] == list(claims.SEED_STARS["risk"])
    # in the app's words: the source documents are tutorials ("seed" is the random seed's)
    assert "the tutorial's own 1.0× = 5" in table["speed"]["relu"].how
    assert not any("seed's" in c.how for cells in table.values() for c in cells.values())


def test_presets_reproduce_the_single_neuron_outcomes():
    out = claims.preset_outcomes(("relu", "leaky_relu", "elu"))
    assert set(out) == set(claims.RISK_PRESETS) and "healthy" not in out
    assert all(o["relu"] == "dead" for o in out.values())
    assert out["bias-shock"]["elu"] == "saturated" and out["bias-shock"]["leaky_relu"] == "alive"


@pytest.fixture(scope="module")
def small_run():
    """A tiny run (two network seeds, a 4 x 4 death map), advanced one unit per call."""
    run = claims.ClaimsRun(epochs=2, n_train=64, repeats=1, seeds=2, grid=4)
    slices = 0
    while not run.advance(seconds=0.0):
        slices += 1
    return run, run.table(), slices


def test_a_small_claims_run_fills_every_cell(small_run):
    run, table, slices = small_run
    assert slices > 5 and run.stage == "done"
    for metric in ("speed", "convergence", "risk"):
        assert all(1 <= table[metric][a].stars <= 5 for a in claims.COLUMNS)
        assert all(table[metric][a].how for a in claims.COLUMNS)
    assert table["speed"]["relu"].value == pytest.approx(1.0)
    assert all(len(exps) == 2 for exps in run.networks.values())
    assert run.networks["xor"][1].seed == 1 and "2 seeds" in table["convergence"]["elu"].how


def test_the_risk_row_reads_a_death_map_run_with_the_same_settings(small_run):
    run, table, _ = small_run
    base = presets.get("healthy").config().to_dict()
    base["lanes"] = [{"activation": a} for a in claims.COLUMNS]
    spec = sweep.SweepSpec(bias=tuple(np.linspace(-10.0, 10.0, 4)),
                           factor=tuple(np.geomspace(1.0, 100.0, 4)))
    res = sweep.run(RunConfig.from_dict(base), spec)
    lost = np.isin(res.state, [State.DEAD, State.SATURATED, State.DIVERGED]).mean(axis=(1, 2))
    for li, a in enumerate(claims.COLUMNS):
        cell = table["risk"][a]
        stuck = [pid for pid, o in run.outcomes.items() if o[a] in ("dead", "saturated",
                                                                    "diverged")]
        per_seed = [np.mean([exps[k].histories[li].stuck[-1] / exps[k].hidden
                             for exps in run.networks.values()]) for k in range(2)]
        assert cell.evidence["death_map_share"] == lost[li]
        assert cell.evidence["preset_share"] == len(stuck) / len(run.outcomes)
        assert cell.evidence["network_share"] == pytest.approx(np.mean(per_seed))
        assert cell.evidence["network_share_min"] == pytest.approx(min(per_seed))
        assert cell.evidence["network_share_max"] == pytest.approx(max(per_seed))
        assert cell.value == max(lost[li], len(stuck) / len(run.outcomes),
                                 cell.evidence["network_share"])
        assert cell.stars == claims.share_stars(cell.value)
        assert "Death map" in cell.how and "4 × 4 = 16 shocks" in cell.how
        assert f"= {lost[li]:.1%}" in cell.how and "per seed" in cell.how
        assert "no shock sweep" not in cell.how and "death map yet" not in cell.how
    assert lost[0] > 0 and lost[1] == 0  # ReLU loses cells, Leaky ReLU none


@pytest.mark.parametrize("kwargs", [{"seeds": 0}, {"grid": 1}, {"grid": 1000},
                                    {"seeds": True}])
def test_bad_run_settings_are_refused(kwargs):
    with pytest.raises(ValueError):
        claims.ClaimsRun(**kwargs)


def test_the_death_map_grid():
    spec = claims_risk.death_map_spec(3)
    assert spec.bias == (-10.0, 0.0, 10.0) and spec.factor == pytest.approx((1.0, 10.0, 100.0))
    assert claims_risk.grid_text(spec).startswith("3 × 3 = 9 shocks (b −10…10")
