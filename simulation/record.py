"""The run record (format ``dying-relu-lab/run@1``) as JSON or tidy CSV, written atomically."""

from __future__ import annotations

import csv
import io
import json
import math
import os
import re
import stat
import tempfile
from pathlib import Path
from typing import Any

import numpy as np

try:
    import fcntl
except ImportError:  # not POSIX: a file another process holds open cannot be deleted there anyway
    fcntl = None  # type: ignore[assignment]

from simulation.engine import Simulation
from simulation.health import STATE_NAMES
from simulation.history import COLUMNS

FORMAT = "dying-relu-lab/run@1"
RECORD_COLUMNS = ("step", "lr", "w1", "w2", "b", "alpha", "loss", "grad_w1", "grad_w2", "grad_b",
                  "grad_alpha", "z_min", "z_max", "z_mean", "a_mean", "active_fraction", "state")
_INT_COLUMNS = {"step"}


def _value(col: str, v: float) -> Any:
    if col == "state":
        return STATE_NAMES[int(v)]
    if col in _INT_COLUMNS:
        return int(v)
    return None if math.isnan(v) else (float(v) if math.isfinite(v) else str(v))


def run_record(sim: Simulation) -> dict[str, Any]:
    """The whole run as a JSON-able dict (needs a growing history)."""
    hist = sim.history.window()  # (T, C, L)
    lanes = []
    for i, spec in enumerate(sim.config.lanes):
        steps: dict[str, list[Any]] = {}
        for col in RECORD_COLUMNS:
            values = hist[:, COLUMNS.index(col), i].tolist()
            steps[col] = [_value(col, v) for v in values]
        if sim.batches is not None and sim.config.batch_size is not None:
            steps["batch"] = list(sim.batches)
        if sim.masks is not None and spec.dropout > 0:  # 1 = kept, 0 = dropped, per sample
            steps["dropout_mask"] = [m[i].astype(int).tolist() for m in sim.masks]
        final = STATE_NAMES[int(sim.history.last()[COLUMNS.index("state"), i])]
        rec = sim.recoveries[i]
        lanes.append({"id": spec.id, "activation": spec.activation,
                      "activation_params": dict(spec.params), "dropout": spec.dropout,
                      "steps": steps,
                      "summary": {"final_state": final,
                                  "recovery": rec.to_dict() if rec else None,
                                  "divergence": (dict(sim.divergence[i])
                                                 if sim.divergence[i] else None)}})
    return {
        "format": FORMAT,
        "config": sim.config.to_dict(),
        "dataset": {"x": sim.data.x.tolist(), "y": sim.data.y.tolist()},
        "events": list(sim.events),
        "lanes": lanes,
    }


def to_json(record: dict[str, Any]) -> str:
    """Deterministic JSON text (same run, same bytes)."""
    return json.dumps(record, indent=1, allow_nan=False) + "\n"


def to_csv(record: dict[str, Any]) -> str:
    """Tidy CSV: one row per lane per step, a ``lane`` column first."""
    out = io.StringIO()
    extra = [c for c in ("batch", "dropout_mask")
             if any(c in lane["steps"] for lane in record["lanes"])]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(["lane", *RECORD_COLUMNS, *extra])
    for lane in record["lanes"]:
        steps = lane["steps"]
        for t in range(len(steps["step"])):
            values = (steps[c][t] for c in RECORD_COLUMNS)
            row = [lane["id"], *("" if v is None else v for v in values)]
            for c in extra:  # space-separated sample indices / kept (1) or dropped (0)
                row.append(" ".join(map(str, steps[c][t])) if c in steps else "")
            writer.writerow(row)
    return out.getvalue()


_TEMP_SUFFIX = ".tmp"
_TEMP_RANDOM = re.compile(r"[a-z0-9_]{8}")  # the random part of a name from tempfile.mkstemp


def _temp_prefix(target: Path) -> str:
    return f".{target.name}."


def remove_stale_temps(target: Path) -> list[str]:
    """Delete the temporary files that writers of ``target`` killed mid-write left beside it
    (``.NAME.XXXXXXXX.tmp``, as :func:`write_bytes_atomic` names them), the names deleted.

    Only regular files of exactly that pattern go, and only those no live writer holds (each
    writer keeps an exclusive lock on its temporary file while it writes). Nothing is raised:
    a file that cannot be checked or deleted stays.
    """
    prefix = _temp_prefix(target)
    folder = target.parent
    try:
        names = [n for n in os.listdir(folder) if n.startswith(prefix)
                 and n.endswith(_TEMP_SUFFIX)
                 and _TEMP_RANDOM.fullmatch(n[len(prefix):-len(_TEMP_SUFFIX)])]
    except OSError:
        return []
    removed = []
    for name in names:
        path = folder / name
        try:
            fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
        except OSError:  # gone meanwhile, a link, or not ours to read
            continue
        try:
            if fcntl is not None:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)  # OSError while a writer lives
            if stat.S_ISREG(os.fstat(fd).st_mode):
                os.unlink(path)
                removed.append(name)
        except OSError:
            pass
        finally:
            os.close(fd)
    return removed


def write_bytes_atomic(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to a temporary file beside ``path``, then rename it into place.

    A crash leaves either the old file or the new one, never half of either, and a failure
    leaves no temporary file behind. A temporary file that a killed writer of the same target
    left is deleted first (:func:`remove_stale_temps`).
    """
    target = Path(path)
    remove_stale_temps(target)
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(target), suffix=_TEMP_SUFFIX, dir=target.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            if fcntl is not None:
                fcntl.flock(f.fileno(), fcntl.LOCK_EX)  # ours while we write: not stale
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o666 & ~mask)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_atomic(path: str | os.PathLike[str], text: str) -> None:
    """:func:`write_bytes_atomic` of UTF-8 text, written as given (no newline translation)."""
    write_bytes_atomic(path, text.encode("utf-8"))


def save(sim: Simulation, path: str | os.PathLike[str]) -> None:
    """Write the run record as JSON or CSV, chosen by the suffix of ``path``."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".json", ".csv"):
        raise ValueError(f"output must end in .json or .csv, got {str(path)!r}")
    record = run_record(sim)
    write_atomic(path, to_json(record) if suffix == ".json" else to_csv(record))


def as_arrays(record: dict[str, Any], lane: int) -> dict[str, np.ndarray]:
    """A lane's numeric columns as float arrays (None -> NaN), for recomputation and tests."""
    steps = record["lanes"][lane]["steps"]
    return {c: np.array([np.nan if v is None else v for v in steps[c]], dtype=float)
            for c in RECORD_COLUMNS if c != "state"}
