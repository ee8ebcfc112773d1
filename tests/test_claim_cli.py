"""The claim subcommands (`selfnorm`, `dropout-net`, `cost`, `claims`): JSON and CSV output,
and the same bad-input rules as `simulate` (status 2, one line on stderr, no file left)."""

import functools
import json

import numpy as np
import pytest

from simulation import claims, presets, sweep
from simulation.activations import ACTIVATIONS
from simulation.config import RunConfig
from simulation.health import State
from tests.helpers import assert_refused, rows_of, run_main


def test_selfnorm_json_and_csv_agree(tmp_path):
    args = ["selfnorm", "--depth", 3, "--width", 24, "--samples", 40, "--seed", 2]
    for suffix in (".json", ".csv"):
        res = run_main(*args, "--out", tmp_path / f"s{suffix}")
        assert res.returncode == 0 and res.stderr == "", res.stderr
    doc = json.loads((tmp_path / "s.json").read_text(encoding="utf-8"))
    assert doc["format"] == "dying-relu-lab/selfnorm@1"
    assert doc["config"]["depth"] == 3 and doc["config"]["activations"][0] == "selu"
    layers = doc["layers"]
    assert len(layers) == 4 * 4  # layers 0..3 of four activations
    assert layers[0]["layer"] == 0 and abs(layers[0]["mean"]) < 1e-12
    assert layers[0]["var"] == pytest.approx(1.0)
    rows = rows_of(tmp_path / "s.csv")
    assert [float(r["var"]) for r in rows] == [r["var"] for r in layers]
    assert {r["init"] for r in rows if r["activation"] == "selu"} == {"lecun"}


def test_dropout_net_writes_every_run_and_epoch(tmp_path):
    out = tmp_path / "d.csv"
    res = run_main("dropout-net", "--dataset", "spiral", "--epochs", 2, "--n-train", 64,
                   "--repeats", 2, "--out", out)
    assert res.returncode == 0, res.stderr
    rows = rows_of(out)
    assert len(rows) == 2 * 6 * 3  # seeds x runs x (epoch 0 + 2 epochs)
    assert {r["seed"] for r in rows} == {"0", "1"}
    assert {r["run"] for r in rows} == {"relu", "leaky_relu", "elu", "relu+dropout0.5",
                                        "leaky_relu+dropout0.5", "elu+dropout0.5"}
    first = rows[0]
    assert first["epoch"] == "0" and first["train_loss"] == "" and first["dead"].isdigit()
    assert 0 <= float(rows[2]["test_accuracy"]) <= 100


def test_dropout_net_json_reads_a_local_mnist(tmp_path):
    rng = np.random.default_rng(0)
    np.savez(tmp_path / "mnist.npz", x_train=rng.integers(0, 256, (40, 28, 28), dtype=np.uint8),
             y_train=rng.integers(0, 10, 40), x_test=rng.integers(0, 256, (10, 28, 28),
                                                                 dtype=np.uint8),
             y_test=np.arange(10))
    out = tmp_path / "m.json"
    res = run_main("dropout-net", "--dataset", "mnist", "--mnist", tmp_path / "mnist.npz",
                   "--epochs", 1, "--activations", "relu", "--dropout", "0.5", "--out", out)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["config"]["dataset"] == "mnist" and len(doc["epochs"]) == 2


def test_cost_has_a_row_for_every_activation(tmp_path):
    out = tmp_path / "c.json"
    res = run_main("cost", "--size", 5000, "--repeats", 2, "--out", out)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert [r["activation"] for r in doc["rows"]] == list(ACTIVATIONS)
    assert doc["rows"][0]["ratio"] == 1.0 and doc["config"]["size"] == 5000


@functools.cache
def lost_shares(grid):
    """Straight from a sweep: per star-table column, the share of a grid x grid death map's cells
    (healthy preset) that end dead, saturated or diverged."""
    base = presets.get("healthy").config().to_dict()
    base["lanes"] = [{"activation": a} for a in claims.COLUMNS]
    spec = sweep.SweepSpec(bias=tuple(np.linspace(-10.0, 10.0, grid)),
                           factor=tuple(np.geomspace(1.0, 100.0, grid)))
    res = sweep.run(RunConfig.from_dict(base), spec)
    lost = np.isin(res.state, [State.DEAD, State.SATURATED, State.DIVERGED]).mean(axis=(1, 2))
    return dict(zip(claims.COLUMNS, lost.tolist(), strict=True))


def test_claims_writes_the_whole_table(tmp_path):
    out = tmp_path / "t.csv"
    res = run_main("claims", "--epochs", 2, "--n-train", 64, "--repeats", 1, "--seeds", 2,
                   "--grid", 3, "--out", out)
    assert res.returncode == 0, res.stderr
    rows = rows_of(out)
    assert len(rows) == 5 * 5
    speed = [r for r in rows if r["metric"] == "speed"]
    assert all(r["stars"] in "12345" and r["how"] for r in speed)
    assert {r["stars"] for r in rows if r["metric"] == "ease"} == {""}
    assert {r["death_map_share"] for r in speed} == {""}
    risk = {r["activation"]: r for r in rows if r["metric"] == "risk"}
    for a, share in lost_shares(3).items():
        r = risk[a]
        assert float(r["death_map_share"]) == pytest.approx(share)
        parts = [float(r[k]) for k in ("death_map_share", "preset_share", "network_share")]
        assert float(r["value"]) == pytest.approx(max(parts))
        assert float(r["network_share_min"]) <= float(r["network_share"])
        assert "Death map" in r["how"] and "3 × 3 = 9 shocks" in r["how"]
        assert "per seed" in r["how"] and r["short"].startswith("map ")


def test_claims_json_records_the_death_map_settings(tmp_path):
    out = tmp_path / "t.json"
    res = run_main("claims", "--epochs", 1, "--n-train", 32, "--repeats", 1, "--seeds", 1,
                   "--grid", 2, "--seed", 5, "--out", out)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "dying-relu-lab/claims@1" and doc["config"]["seeds"] == [5]
    dm = doc["config"]["death_map"]
    assert dm["base"] == "healthy" and dm["bias"] == [-10.0, 10.0]
    assert dm["factor"] == pytest.approx([1.0, 100.0])
    assert dm["lost_states"] == ["dead", "saturated", "diverged"]
    risk = {c["activation"]: c for c in doc["cells"] if c["metric"] == "risk"}
    for c in risk.values():  # the numbers themselves: test_claims_writes_the_whole_table
        parts = [c["death_map_share"], c["preset_share"], c["network_share"]]
        assert all(0.0 <= p <= 1.0 for p in parts) and c["value"] == max(parts)
        assert c["network_share_min"] == c["network_share_max"] == c["network_share"]
    assert "one seed" in risk["relu"]["how"] and "2 × 2 = 4 shocks" in risk["relu"]["how"]


BAD = {
    "depth 0": ["selfnorm", "--depth", "0"],
    "depth 101": ["selfnorm", "--depth", "101"],
    "width 513": ["selfnorm", "--width", "513"],
    "init": ["selfnorm", "--init", "xavier"],
    "activation": ["selfnorm", "--activations", "relu,tanh"],
    "twice": ["cost", "--activations", "relu,relu"],
    "size": ["cost", "--size", "-5"],
    "dropout 1": ["dropout-net", "--dropout", "0,1"],
    "dropout text": ["dropout-net", "--dropout", "half"],
    "dataset": ["dropout-net", "--dataset", "moons"],
    "mnist without path": ["dropout-net", "--dataset", "mnist"],
    "mnist missing": ["dropout-net", "--dataset", "mnist", "--mnist", "/nonexistent/m.npz"],
    "path without mnist": ["dropout-net", "--mnist", "m.npz"],
    "epochs": ["claims", "--epochs", "0"],
    "too many epochs": ["dropout-net", "--epochs", "10001"],
    "too many samples": ["claims", "--n-train", "100001"],
    "no seeds": ["claims", "--seeds", "0"],
    "too many seeds": ["claims", "--seeds", "101"],
    "grid of one": ["claims", "--grid", "1"],
    "grid too fine": ["claims", "--grid", "201"],
    "too many values": ["cost", "--size", "10000001"],
}


@pytest.mark.parametrize("args", list(BAD.values()), ids=list(BAD))
def test_bad_input_is_one_line_and_no_file(tmp_path, args):
    assert_refused(tmp_path, *args, "--out", tmp_path / "out.json")


@pytest.mark.parametrize("out", ["x.txt", "missing/x.json"])
def test_bad_out_paths(tmp_path, out):
    assert_refused(tmp_path, "cost", "--size", 10, "--out", tmp_path / out)
