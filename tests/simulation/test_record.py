"""The run record: JSON fields, CSV agreement, byte-for-byte determinism, atomic writes."""

import csv
import io
import json
import math
import os
import stat

import numpy as np
import pytest

from simulation import presets, record
from simulation.config import DataSpec, LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation
from simulation.health import STATE_NAMES

ISSUE_COLUMNS = ("step", "lr", "w1", "w2", "b", "alpha", "loss", "grad_w1", "grad_w2", "grad_b",
                 "grad_alpha", "z_min", "z_max", "active_fraction", "state")
FLOAT_COLUMNS = [c for c in ISSUE_COLUMNS if c not in ("step", "state", "alpha", "grad_alpha")]


def simulate(cfg, record_batches=True):
    sim = Simulation(cfg, record_batches=record_batches)
    sim.run(cfg.steps)
    return sim


def batched_config(seed=3):
    """Random init, mini-batches and every kind of shock."""
    return RunConfig(seed=seed, steps=120, init="random", batch_size=12,
                     data=DataSpec(n=40, noise=0.1),
                     shocks=[ShockSpec(30, "bias_shock", {"b": -4.0}),
                             ShockSpec(50, "lr_shock", {"factor": 2.0, "steps": 5}),
                             ShockSpec(70, "weight_shock", {"w1": 0.2, "w2": -0.3})])


CONFIGS = {
    "bias-shock": lambda: presets.get("bias-shock").config(steps=400),
    "seed-arithmetic": lambda: presets.get("seed-arithmetic").config(),  # PReLU diverges here
    "batched": batched_config,
}


@pytest.fixture(params=list(CONFIGS), scope="module")
def sim(request):
    return simulate(CONFIGS[request.param]())


def test_json_format_fields(sim):
    """format, config, dataset, events, and each lane's id, activation, params and columns."""
    rec = json.loads(record.to_json(record.run_record(sim)))
    assert rec["format"] == "dying-relu-lab/run@1"
    assert rec["config"] == json.loads(json.dumps(sim.config.to_dict()))
    assert rec["dataset"]["x"] == sim.data.x.tolist() and rec["dataset"]["y"] == sim.data.y.tolist()
    assert rec["events"] == sim.events
    assert [lane["id"] for lane in rec["lanes"]] == [lane.id for lane in sim.config.lanes]
    n = sim.config.steps
    for lane, spec in zip(rec["lanes"], sim.config.lanes, strict=True):
        assert lane["activation"] == spec.activation
        assert lane["activation_params"] == spec.params
        steps = lane["steps"]
        for c in ISSUE_COLUMNS:
            assert len(steps[c]) == n, c
        assert steps["step"] == list(range(n))
        assert all(s in STATE_NAMES for s in steps["state"])
        for c in FLOAT_COLUMNS:  # numbers, or "inf"/"-inf" text, or null for NaN
            assert all(v is None or isinstance(v, float) or v in ("inf", "-inf")
                       for v in steps[c]), c
        prelu = spec.activation == "prelu"
        for c in ("alpha", "grad_alpha"):
            if prelu:
                assert all(isinstance(v, float) or v in ("inf", "-inf") for v in steps[c]), c
            else:
                assert all(v is None for v in steps[c]), c


def test_prelu_alpha_starts_at_its_init(sim):
    rec = record.run_record(sim)
    for lane in rec["lanes"]:
        if lane["activation"] == "prelu":
            assert lane["steps"]["alpha"][0] == lane["activation_params"]["alpha_init"]


def test_batches_are_in_the_record():
    sim = simulate(batched_config())
    rec = record.run_record(sim)
    for lane in rec["lanes"]:
        assert lane["steps"]["batch"] == sim.batches
        # 40 samples in batches of 12: 12, 12, 12 and a last batch of 4 per epoch
        assert [len(b) for b in lane["steps"]["batch"][:8]] == [12, 12, 12, 4] * 2


def csv_value(text, like):
    """A CSV cell parsed to the type of the JSON value it should equal."""
    if like is None:
        return None if text == "" else text
    if isinstance(like, bool) or isinstance(like, str):
        return text
    if isinstance(like, int):
        return int(text)
    return float(text)


def test_json_and_csv_agree_value_for_value(sim):
    rec = json.loads(record.to_json(record.run_record(sim)))
    rows = list(csv.DictReader(io.StringIO(record.to_csv(rec))))
    n = sim.config.steps
    assert len(rows) == n * len(rec["lanes"])
    batched = "batch" in rec["lanes"][0]["steps"]
    header = ["lane", *record.RECORD_COLUMNS, *(["batch"] if batched else [])]
    assert list(rows[0]) == header
    for i, lane in enumerate(rec["lanes"]):
        steps = lane["steps"]
        for t in range(n):
            row = rows[i * n + t]
            assert row["lane"] == lane["id"]
            for c in record.RECORD_COLUMNS:
                got = csv_value(row[c], steps[c][t])
                assert got == steps[c][t], (lane["id"], t, c, row[c], steps[c][t])
            if batched:
                assert [int(v) for v in row["batch"].split()] == steps["batch"][t]


def test_csv_floats_round_trip_exactly():
    """Every float in the CSV is the float in the history, bit for bit."""
    sim = simulate(CONFIGS["bias-shock"]())
    rows = list(csv.DictReader(io.StringIO(record.to_csv(record.run_record(sim)))))
    loss = sim.history.column("loss")
    n = sim.config.steps
    for i in range(len(sim.config.lanes)):
        assert [float(r["loss"]) for r in rows[i * n : (i + 1) * n]] == loss[i].tolist()


@pytest.mark.parametrize("name", list(CONFIGS))
def test_same_seed_same_bytes(name):
    """Two runs of the same config: identical JSON and CSV text."""
    a, b = (record.run_record(simulate(CONFIGS[name]())) for _ in range(2))
    assert record.to_json(a) == record.to_json(b)
    assert record.to_csv(a) == record.to_csv(b)


def test_different_seed_different_bytes():
    a = record.run_record(simulate(batched_config(seed=3)))
    b = record.run_record(simulate(batched_config(seed=4)))
    assert record.to_json(a) != record.to_json(b)


@pytest.mark.parametrize("name", list(CONFIGS))
def test_config_in_the_record_rebuilds_the_run(name):
    """RunConfig.from_dict(record['config']) -> a simulation with an identical record."""
    first = record.to_json(record.run_record(simulate(CONFIGS[name]())))
    cfg = RunConfig.from_dict(json.loads(first)["config"])
    assert record.to_json(record.run_record(simulate(cfg))) == first


@pytest.mark.parametrize("suffix", [".json", ".csv"])
def test_save_writes_the_format_of_its_suffix(tmp_path, suffix):
    sim = simulate(CONFIGS["bias-shock"]())
    out = tmp_path / f"run{suffix}"
    record.save(sim, out)
    text = out.read_text(encoding="utf-8")
    rec = record.run_record(sim)
    assert text == (record.to_json(rec) if suffix == ".json" else record.to_csv(rec))
    assert os.listdir(tmp_path) == [out.name]


def test_save_rejects_other_suffixes(tmp_path):
    with pytest.raises(ValueError, match=r"\.json or \.csv"):
        record.save(simulate(CONFIGS["seed-arithmetic"]()), tmp_path / "run.txt")
    assert os.listdir(tmp_path) == []


def test_json_has_no_nan_or_infinity_literals():
    """The diverged PReLU lane of seed-arithmetic still gives strict JSON."""
    text = record.to_json(record.run_record(simulate(CONFIGS["seed-arithmetic"]())))
    assert "NaN" not in text and "Infinity" not in text
    rec = json.loads(text, parse_constant=lambda c: pytest.fail(f"non-standard JSON {c}"))
    states = rec["lanes"][2]["steps"]["state"]
    assert states[-1] == "diverged"


# --- write_atomic ---------------------------------------------------------------------------------
def test_write_atomic_writes_and_leaves_no_temp_file(tmp_path):
    target = tmp_path / "out.json"
    record.write_atomic(target, "new text\n")
    record.write_atomic(target, "newer text\n")
    assert target.read_text() == "newer text\n"
    assert os.listdir(tmp_path) == ["out.json"]


def test_written_file_has_normal_permissions(tmp_path):
    """0666 minus the umask (0644 with umask 022), not mkstemp's 0600."""
    old = os.umask(0o022)
    try:
        record.write_atomic(tmp_path / "out.csv", "a,b\n")
    finally:
        os.umask(old)
    assert stat.S_IMODE((tmp_path / "out.csv").stat().st_mode) == 0o644


class _BoomError(OSError):
    pass


def _half_writer(real_fdopen):
    """os.fdopen whose file writes half the text, then fails (a full disk, a crash)."""

    class HalfFile:
        def __init__(self, f):
            self.f = f

        def write(self, text):
            self.f.write(text[: len(text) // 2])
            self.f.flush()
            raise _BoomError("disk full")

        def __getattr__(self, name):
            return getattr(self.f, name)

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.f.close()
            return False

    return lambda *a, **kw: HalfFile(real_fdopen(*a, **kw))


@pytest.mark.parametrize("where", ["write", "fsync", "replace"])
def test_failed_write_keeps_the_old_file_and_no_temp_file(tmp_path, monkeypatch, where):
    """An exception mid-write: the old file is intact, no half file, no temp file left."""
    target = tmp_path / "out.json"
    target.write_text("old complete text\n")
    if where == "write":
        monkeypatch.setattr(os, "fdopen", _half_writer(os.fdopen))
    else:
        def boom(*a, **kw):
            raise _BoomError(where)
        monkeypatch.setattr(os, where, boom)
    with pytest.raises(_BoomError):
        record.write_atomic(target, "new text " * 1000)
    monkeypatch.undo()
    assert target.read_text() == "old complete text\n"
    assert os.listdir(tmp_path) == ["out.json"]


def test_interrupted_first_write_leaves_nothing(tmp_path, monkeypatch):
    """No old file: an interrupted write leaves no file at all (KeyboardInterrupt too)."""
    def interrupt(*a, **kw):
        raise KeyboardInterrupt

    monkeypatch.setattr(os, "replace", interrupt)
    with pytest.raises(KeyboardInterrupt):
        record.write_atomic(tmp_path / "out.csv", "x\n")
    monkeypatch.undo()
    assert os.listdir(tmp_path) == []


def test_a_stale_temp_file_goes_and_nothing_else(tmp_path):
    """A temporary file a killed writer left (``.NAME.XXXXXXXX.tmp``) is deleted by the next
    write of the same target; files of any other name, and a live writer's temp, stay."""
    import fcntl

    target = tmp_path / "out.json"
    stale = tmp_path / ".out.json.k3x_9a0q.tmp"
    stale.write_text("half of a killed write")
    others = [".out.json.tmp", ".out.json.k3x9a.tmp", ".out.json.K3X9A0QZ.tmp",
              ".out.json.k3x9a0qz.tmp.bak", "out.json.k3x9a0qz.tmp", ".out.jsonl.k3x9a0qz.tmp",
              ".other.json.k3x9a0qz.tmp", ".out.csv.k3x9a0qz.tmp"]
    for name in others:
        (tmp_path / name).write_text("not ours")
    (tmp_path / ".out.json.dir00000.tmp").mkdir()  # the pattern, but a folder
    (tmp_path / ".out.json.link0000.tmp").symlink_to(tmp_path / "elsewhere")
    live = tmp_path / ".out.json.live0000.tmp"
    live.write_text("a write in progress")
    with open(live, "rb") as held:  # another writer of the same target, still writing
        fcntl.flock(held.fileno(), fcntl.LOCK_EX)
        record.write_atomic(target, "new text\n")
    assert target.read_text() == "new text\n"
    assert not stale.exists()
    assert sorted(os.listdir(tmp_path)) == sorted([
        "out.json", *others, ".out.json.dir00000.tmp", ".out.json.link0000.tmp",
        ".out.json.live0000.tmp"])
    assert live.read_text() == "a write in progress"  # its lock is gone now: the next write
    record.write_atomic(target, "newer text\n")  # takes it
    assert not live.exists() and (tmp_path / ".out.json.k3x9a0qz.tmp.bak").exists()


def test_as_arrays_gives_nan_for_null_and_floats_otherwise():
    rec = record.run_record(simulate(CONFIGS["seed-arithmetic"]()))
    relu = record.as_arrays(rec, 0)
    assert np.isnan(relu["alpha"]).all() and relu["w1"][1] == -4.5
    prelu = record.as_arrays(rec, 2)
    assert math.isinf(prelu["loss"][-1])


def test_lane_ids_and_params_in_the_record():
    lanes = [LaneSpec("leaky_relu", {"negative_slope": 0.2}, id="leaky-0.2"), LaneSpec("gelu")]
    rec = record.run_record(simulate(RunConfig(steps=5, lanes=lanes)))
    assert [(lane["id"], lane["activation"], lane["activation_params"]) for lane in rec["lanes"]] \
        == [("leaky-0.2", "leaky_relu", {"negative_slope": 0.2}), ("gelu", "gelu", {})]
