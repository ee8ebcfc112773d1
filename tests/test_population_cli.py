"""`main.py population` and `main.py sweep` (and `simulate --dropout`): JSON and CSV output, and
the same bad-input rules as `simulate` (status 2, one line on stderr, no file left)."""

import json

import numpy as np
import pytest

from simulation import presets, sweep
from simulation.engine import Simulation
from simulation.health import STATE_NAMES
from tests.helpers import assert_refused, rows_of, run_main


def test_population_json_and_csv_agree(tmp_path):
    args = ["population", "--scenario", "lr-shock", "--size", 60, "--steps", 40,
            "--lanes", "relu,elu", "--dropout", "0,0.5", "--seed", 3]
    for suffix in (".json", ".csv"):
        res = run_main(*args, "--out", tmp_path / f"p{suffix}")
        assert res.returncode == 0 and res.stderr == "", res.stderr
    doc = json.loads((tmp_path / "p.json").read_text(encoding="utf-8"))
    assert doc["format"] == "dying-relu-lab/population@1"
    assert doc["size"] == 60 and doc["init"] == "auto" and doc["config"]["seed"] == 3
    assert [lane["id"] for lane in doc["lanes"]] == ["relu", "elu", "relu+dropout0.5",
                                                     "elu+dropout0.5"]
    for lane in doc["lanes"]:
        per_step = np.array([lane["steps"][n] for n in STATE_NAMES])
        assert per_step.shape == (5, 40) and (per_step.sum(0) == 60).all()
        assert lane["counts"] == {n: int(per_step[k, -1]) for k, n in enumerate(STATE_NAMES)}
    rows = rows_of(tmp_path / "p.csv")
    assert len(rows) == 4 * 40
    relu = [r for r in rows if r["lane"] == "relu"]
    assert [int(r["dead"]) for r in relu] == doc["lanes"][0]["steps"]["dead"]
    assert float(relu[-1]["dead_fraction"]) == doc["lanes"][0]["counts"]["dead"] / 60


def test_population_random_shocks_and_init(tmp_path):
    out = tmp_path / "p.json"
    res = run_main("population", "--scenario", "mild-bias-shock", "--size", 30, "--steps", 320,
                   "--random-shocks", "--init", "lecun", "--lanes", "relu", "--out", out)
    assert res.returncode == 0, res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["random_shocks"] and doc["config"]["init"] == "lecun"
    assert doc["events"] == [{"step": 300, "kind": "bias_shock", "b": -2.0}]


def test_sweep_cells_equal_simulate_runs(tmp_path):
    out = tmp_path / "m.json"
    res = run_main("sweep", "--bias", "-3,0.5", "--factor", "1:50:3", "--shock-step", 20,
                   "--steps", 150, "--lanes", "relu,leaky_relu,selu", "--out", out)
    assert res.returncode == 0 and res.stderr == "", res.stderr
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["format"] == "dying-relu-lab/sweep@1" and doc["cells"] == 6
    grid = doc["grid"]
    assert grid["bias"] == [-3.0, 0.5] and len(grid["factor"]) == 3
    spec = sweep.SweepSpec(bias=tuple(grid["bias"]), factor=tuple(grid["factor"]),
                           shock_step=20, lr_steps=2, steps=150)
    base = presets.get("healthy").config()
    d = base.to_dict()
    d["lanes"] = [{"activation": a} for a in ("relu", "leaky_relu", "selu")]
    for i in range(3):
        for j in range(2):
            cfg = sweep.cell_config(type(base).from_dict(d), spec, i, j)
            sim = Simulation(cfg)
            sim.run(cfg.steps)
            for li, lane in enumerate(doc["lanes"]):
                assert lane["state"][i][j] == STATE_NAMES[int(sim.history.last()[-1, li])]
                assert lane["recovery_steps"][i][j] == sim.recoveries[li].steps
    res = run_main("sweep", "--bias", "-3,0.5", "--factor", "1:50:3", "--shock-step", 20,
                   "--steps", 150, "--lanes", "relu,leaky_relu,selu", "--out", tmp_path / "m.csv")
    rows = rows_of(tmp_path / "m.csv")
    assert len(rows) == 3 * 6
    assert rows[0]["state"] == doc["lanes"][0]["state"][0][0]


def test_simulate_with_dropout_records_masks(tmp_path):
    out = tmp_path / "r.json"
    res = run_main("simulate", "--scenario", "lr-shock", "--steps", 20, "--dropout", 0.5,
                   "--lanes", "relu,elu", "--out", out)
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert all(lane["dropout"] == 0.5 for lane in rec["lanes"])
    masks = rec["lanes"][0]["steps"]["dropout_mask"]
    assert len(masks) == 20 and len(masks[0]) == rec["config"]["data"]["n"]
    assert set(np.ravel(masks)) == {0, 1}


BAD = {
    "scenario": ["population", "--scenario", "nope"],
    "size": ["population", "--scenario", "healthy", "--size", "0"],
    "size too large": ["population", "--scenario", "healthy", "--size", "100001"],
    "rate": ["population", "--scenario", "healthy", "--dropout", "0,1.5"],
    "rate text": ["population", "--scenario", "healthy", "--dropout", "half"],
    "rate twice": ["population", "--scenario", "healthy", "--dropout", "0.5,0.5"],
    "lane": ["population", "--scenario", "healthy", "--lanes", "tanh"],
    "init": ["population", "--scenario", "healthy", "--init", "xavier"],
    "sweep scenario": ["sweep", "--scenario", "nope"],
    "bias text": ["sweep", "--bias", "a:b:c"],
    "bias nan": ["sweep", "--bias", "nan,1"],
    "factor negative": ["sweep", "--factor", "-1:10:4"],
    "factor too large": ["sweep", "--factor", "1,2e6"],
    "grid too large": ["sweep", "--bias", "-1:1:1001"],
    "shock after end": ["sweep", "--shock-step", "500", "--steps", "400"],
    "shock negative": ["sweep", "--shock-step", "-1"],
    "simulate dropout": ["simulate", "--scenario", "healthy", "--dropout", "1.0"],
    "simulate dropout nan": ["simulate", "--scenario", "healthy", "--dropout", "nan"],
}


@pytest.mark.parametrize("args", list(BAD.values()), ids=list(BAD))
def test_bad_input_is_one_line_and_no_file(tmp_path, args):
    assert_refused(tmp_path, *args, "--out", tmp_path / "out.json")


@pytest.mark.parametrize("command", [["population", "--scenario", "healthy"], ["sweep"]])
@pytest.mark.parametrize("out", ["x.txt", "missing/x.json"])
def test_bad_out_paths(tmp_path, command, out):
    assert_refused(tmp_path, *command, "--out", tmp_path / out)
