"""The headless command line (`main.py scenarios`, `main.py simulate`) and engine isolation."""

import csv
import io
import json
import os
import subprocess
import sys

import pytest

from simulation import presets
from simulation.activations import DEFAULT_LANES
from tests.helpers import ROOT, assert_refused, assert_rejected, read_only_folder, run_main


def test_scenarios_lists_every_preset_with_its_description():
    res = run_main("scenarios")
    assert res.returncode == 0 and res.stderr == ""
    listed = dict(line.split("\t", 1) for line in res.stdout.splitlines())
    assert listed == {p.id: p.description for p in presets.PRESETS.values()}


@pytest.fixture(scope="module")
def written(tmp_path_factory):
    """bias-shock for 500 steps, written once as JSON and once as CSV."""
    folder = tmp_path_factory.mktemp("out")
    results = {}
    for suffix in (".json", ".csv"):
        out = folder / f"run{suffix}"
        results[suffix] = (run_main("simulate", "--scenario", "bias-shock", "--steps", 500,
                                    "--out", out), out)
    return folder, results


def test_simulate_writes_valid_json(written):
    _, results = written
    res, out = results[".json"]
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert rec["format"] == "dying-relu-lab/run@1"
    assert rec["config"]["steps"] == 500
    assert rec["events"] == [{"step": 300, "kind": "bias_shock", "b": -10.0}]
    assert [lane["id"] for lane in rec["lanes"]] == list(DEFAULT_LANES)
    assert all(len(lane["steps"]["step"]) == 500 for lane in rec["lanes"])
    assert rec["lanes"][0]["steps"]["state"][-1] == "dead"


def test_simulate_writes_valid_csv(written):
    _, results = written
    res, out = results[".csv"]
    assert res.returncode == 0, res.stderr
    rows = list(csv.DictReader(io.StringIO(out.read_text(encoding="utf-8"))))
    assert len(rows) == 500 * len(DEFAULT_LANES)
    assert [r["lane"] for r in rows[::500]] == list(DEFAULT_LANES)
    assert rows[300]["b"] == "-10.0"
    assert rows[499]["state"] == "dead"


def test_simulate_leaves_only_its_output(written):
    folder, _ = written
    assert sorted(os.listdir(folder)) == ["run.csv", "run.json"]


def test_json_and_csv_from_the_cli_describe_the_same_run(written):
    _, results = written
    rec = json.loads(results[".json"][1].read_text(encoding="utf-8"))
    rows = list(csv.DictReader(io.StringIO(results[".csv"][1].read_text(encoding="utf-8"))))
    assert [float(r["loss"]) for r in rows[:500]] == rec["lanes"][0]["steps"]["loss"]


def test_lanes_restricts_the_lanes(tmp_path):
    out = tmp_path / "two.json"
    res = run_main("simulate", "--scenario", "healthy", "--steps", 20, "--lanes", "relu,elu",
                   "--out", out)
    assert res.returncode == 0, res.stderr
    rec = json.loads(out.read_text(encoding="utf-8"))
    assert [lane["id"] for lane in rec["lanes"]] == ["relu", "elu"]
    assert [lane["activation"] for lane in rec["lanes"]] == ["relu", "elu"]
    assert rec["config"]["shocks"] == []  # the healthy preset, not the default one


def test_seed_changes_the_data(tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    for out, seed in ((a, 1), (b, 2)):
        assert run_main("simulate", "--scenario", "healthy", "--steps", 3, "--seed", seed,
                        "--out", out).returncode == 0
    ra, rb = (json.loads(p.read_text(encoding="utf-8")) for p in (a, b))
    assert ra["config"]["seed"] == 1 and rb["config"]["seed"] == 2
    assert ra["dataset"] != rb["dataset"]


BAD_INPUT = {
    "unknown scenario": ["--scenario", "nope"],
    "unknown lane": ["--scenario", "bias-shock", "--lanes", "relu,tanhh"],
    "repeated lane": ["--scenario", "bias-shock", "--lanes", "relu,elu,relu"],
    "empty lanes": ["--scenario", "bias-shock", "--lanes", ","],
    "steps 0": ["--scenario", "bias-shock", "--steps", "0"],
    "steps -5": ["--scenario", "bias-shock", "--steps", "-5"],
    "steps abc": ["--scenario", "bias-shock", "--steps", "abc"],
    "steps 1.5": ["--scenario", "bias-shock", "--steps", "1.5"],
    "seed -1": ["--scenario", "bias-shock", "--seed", "-1"],
    "seed x": ["--scenario", "bias-shock", "--seed", "x"],
    "seed 2**32": ["--scenario", "bias-shock", "--seed", str(2**32)],
    "no scenario": [],
}


@pytest.mark.parametrize("args", list(BAD_INPUT.values()), ids=list(BAD_INPUT))
def test_bad_input_exits_2_with_one_line_and_no_file(tmp_path, args):
    assert_refused(tmp_path, "simulate", *args, "--out", tmp_path / "out.json")


@pytest.mark.parametrize("name", ["out.txt", "out", "out.json.bak"])
def test_out_with_a_bad_suffix(tmp_path, name):
    assert_refused(tmp_path, "simulate", "--scenario", "healthy", "--steps", 5,
                   "--out", tmp_path / name)


def test_out_into_a_missing_folder(tmp_path):
    assert_refused(tmp_path, "simulate", "--scenario", "healthy", "--steps", 5,
                   "--out", tmp_path / "missing" / "out.json")


def test_out_into_a_read_only_folder(tmp_path):
    with read_only_folder(tmp_path) as folder:
        assert_refused(folder, "simulate", "--scenario", "healthy", "--steps", 5,
                       "--out", folder / "out.json")


def test_out_that_is_an_existing_folder(tmp_path):
    folder = tmp_path / "taken.json"
    folder.mkdir()
    res = run_main("simulate", "--scenario", "healthy", "--steps", 5, "--out", folder)
    assert_rejected(res)
    assert os.listdir(tmp_path) == ["taken.json"]
    assert os.listdir(folder) == []


def test_simulation_imports_no_gui():
    """Importing every simulation module pulls in no Qt, pyqtgraph, app or widgets module."""
    modules = sorted(f"simulation.{p.stem}" for p in (ROOT / "simulation").glob("*.py")
                     if p.stem != "__init__")
    assert "simulation.engine" in modules
    code = (
        "import importlib, json, sys\n"
        f"for m in {modules!r}:\n"
        "    importlib.import_module(m)\n"
        "bad = ('PySide6', 'shiboken6', 'pyqtgraph', 'qtpy', 'app', 'widgets', 'superqt')\n"
        "print(json.dumps(sorted(m for m in sys.modules if m.split('.')[0] in bad)))\n"
    )
    res = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True,
                         encoding="utf-8", timeout=120)
    assert res.returncode == 0, res.stderr
    assert json.loads(res.stdout) == []
