"""A writer killed (SIGKILL) in the middle of a save never corrupts the previous file.

A child process saves two large versions of a file in turn, as fast as it can, through the
project's atomic writers (the run record's ``simulation.record.write_atomic``, and
``app.files.write_text_atomic`` / ``write_bytes_atomic`` behind sessions and exports); the test
kills it at a random moment, then checks that the file is exactly one of the two complete
versions and reads back (a session opens, a record parses). Most kills land inside a save: the
temporary file it was writing is left beside the target, which is the proof.
"""

import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from app import session
from simulation import presets
from simulation.engine import Simulation
from simulation.record import run_record, to_csv, to_json, write_atomic
from tests.conftest import ROOT

KILLS = 4  # per writer in the default run (make soak: SLOW_KILLS)
SLOW_KILLS = 60

CHILD = r"""
import sys
from pathlib import Path
kind, target, a, b = sys.argv[1:5]
versions = [Path(a).read_bytes(), Path(b).read_bytes()]
if kind == "record":
    from simulation.record import write_atomic
    write = lambda data: write_atomic(target, data.decode("utf-8"))
elif kind == "naive":  # not atomic: only to see this test catch a torn file
    write = lambda data: Path(target).write_bytes(data)
elif kind == "text":
    from app.files import write_text_atomic
    write = lambda data: write_text_atomic(target, data.decode("utf-8"))
else:
    from app.files import write_bytes_atomic
    write = lambda data: write_bytes_atomic(target, data)
write(versions[0])
print("ready", flush=True)
i = 1
while True:
    write(versions[i % 2])
    i += 1
"""


def session_text(events: int, lr: float) -> str:
    """A valid session with ``events`` learning-rate changes (the largest part of a session)."""
    actions = [{"step": k, "kind": "set_lr", "lr": lr} for k in range(events)]
    return session.Session(presets.get("bias-shock").config(), "bias-shock", actions,
                           events).dumps()


def record_text(seed: int, csv: bool = False) -> str:
    cfg = presets.get("bias-shock").config(steps=1500, seed=seed)
    sim = Simulation(cfg)
    sim.run(cfg.steps)
    record = run_record(sim)
    return to_csv(record) if csv else to_json(record)


@pytest.fixture(scope="module")
def versions():
    png = bytes(range(256)) * 40_000  # ~10 MB of bytes standing for an exported image
    return {
        "record": (record_text(1), record_text(2)),
        "record-csv": (record_text(3, csv=True), record_text(4, csv=True)),
        "text": (session_text(session.MAX_EVENTS, 0.1), session_text(9_000, 0.2)),
        "bytes": (png, png[::-1]),
    }


def kill_writer(tmp_path, kind, a, b, suffix, rng):
    """Start a writer of versions a and b, kill it at a random moment; the target's bytes and
    whether a temporary file was left (the kill hit a save)."""
    folder = Path(tempfile.mkdtemp(prefix=f"{kind}-", dir=tmp_path))  # (a random name by six
    # digits met an earlier one: two of hundreds of kills drew the same, a 1-in-20 flake)
    target = folder / f"saved{suffix}"
    pa, pb = folder.parent / f"{folder.name}.a", folder.parent / f"{folder.name}.b"
    for p, v in ((pa, a), (pb, b)):
        p.write_bytes(v if isinstance(v, bytes) else v.encode("utf-8"))
    mode = "record" if kind.startswith("record") else kind
    child = subprocess.Popen([sys.executable, "-c", CHILD, mode, str(target), str(pa), str(pb)],
                             cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    try:
        assert child.stdout.readline().strip() == b"ready", child.stderr.read()
        time.sleep(rng.uniform(0.0, 0.25))
    finally:
        child.send_signal(signal.SIGKILL)
        child.wait(timeout=30)
        child.stdout.close()
        child.stderr.close()
    assert child.returncode == -signal.SIGKILL
    leftovers = [p.name for p in folder.iterdir() if p != target]
    assert all(n.startswith(f".{target.name}.") and n.endswith(".tmp") for n in leftovers)
    return target.read_bytes(), bool(leftovers), target


def run_kills(tmp_path, versions, kinds, kills):
    rng = random.Random(os.getpid())
    hits = 0
    for kind in kinds:
        a, b = versions[kind]
        raw = [v if isinstance(v, bytes) else v.encode("utf-8") for v in (a, b)]
        suffix = {"record": ".json", "record-csv": ".csv", "text": ".drlab",
                  "bytes": ".png"}[kind]
        for _ in range(kills):
            data, hit, target = kill_writer(tmp_path, kind, a, b, suffix, rng)
            hits += hit
            assert data in raw, f"{kind}: the file is neither the old nor the new version " \
                                f"({len(data):,} bytes)"
            if kind == "record":
                assert json.loads(data)["format"] == "dying-relu-lab/run@1"
            elif kind == "text":
                assert session.read_session(target).step in (session.MAX_EVENTS, 9_000)
    return hits


def test_a_killed_writer_leaves_the_old_or_the_new_file(tmp_path, versions):
    kinds = ["record", "record-csv", "text", "bytes"]
    hits = run_kills(tmp_path, versions, kinds, KILLS)
    print(f"{hits} of {len(kinds) * KILLS} kills landed inside a save")
    assert hits >= len(kinds) * KILLS // 4, f"only {hits} kills landed inside a save"


def test_the_next_write_removes_a_killed_writers_temp_file(tmp_path, versions):
    """A kill inside a save leaves its hidden, full-size temporary file beside the target; the
    next successful save of that target deletes it (and leaves the new version)."""
    a, b = versions["record"]
    rng = random.Random(os.getpid() + 1)
    for _ in range(40):
        _, hit, target = kill_writer(tmp_path, "record", a, b, ".json", rng)
        if hit:
            break
    assert hit, "no kill in 40 landed inside a save"
    write_atomic(target, b)
    assert os.listdir(target.parent) == [target.name]
    assert target.read_text(encoding="utf-8") == b


@pytest.mark.slow
def test_many_killed_writers(tmp_path, versions):
    kinds = ["record", "record-csv", "text", "bytes"]
    hits = run_kills(tmp_path, versions, kinds, SLOW_KILLS)
    assert hits >= len(kinds) * SLOW_KILLS // 4


def test_the_check_catches_a_writer_that_is_not_atomic(tmp_path):
    """The control: a plain write_bytes killed the same way leaves torn files, which the check
    above would refuse (so passing it means something)."""
    a, b = b"A" * 20_000_000, b"B" * 20_000_000
    rng = random.Random(7)
    torn = sum(kill_writer(tmp_path, "naive", a, b, ".bin", rng)[0] not in (a, b)
               for _ in range(4))
    assert torn >= 1
