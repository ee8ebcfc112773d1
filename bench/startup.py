"""Start-up: process start to the first frame of the main window drawn (offscreen, 1920x1080).

Each run is a fresh ``python bench/startup_probe.py`` (what ``main.py --scenario bias-shock``
does, plus an event filter that exits right after the first frame is painted); the wall time is
measured by this process from spawning the child to its exit, so it includes the interpreter's
own start, every import, building the window and the first paint. The first run (cold file
cache) is reported apart; the figure is the median of the others. For comparison, the time of
``main.py --scenario bias-shock --screenshot FILE`` (which also renders a PNG and tears down).

The app's bytecode is written first, as ``make run`` and an install write it: with
PYTHONDONTWRITEBYTECODE set (this machine's environment), Python never writes it itself and
each start compiled the app's ~100 modules again (~0.2-0.3 s more, session 19).
"""

from __future__ import annotations

import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import time
from typing import Any

from bench.common import ROOT, area_main


def timed(cmd: list[str]) -> tuple[float, str]:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    t0 = time.perf_counter()
    p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
    dt = time.perf_counter() - t0
    if p.returncode != 0:
        raise RuntimeError(f"{cmd} failed ({p.returncode}): {p.stderr[-2000:]}")
    return dt, p.stdout


def measure(args) -> dict[str, Any]:
    runs = 4 if args.quick else 11
    for folder in ("app", "widgets", "simulation"):
        compileall.compile_dir(str(ROOT / folder), quiet=1)
    compileall.compile_file(str(ROOT / "main.py"), quiet=1)
    probe = [sys.executable, str(ROOT / "bench" / "startup_probe.py")]
    walls, inner = [], []
    for _ in range(runs):
        dt, out = timed(probe)
        walls.append(dt)
        inner.append(float(out.split("first_frame_s=")[1].split()[0]))
    with tempfile.TemporaryDirectory() as d:
        shot = [sys.executable, "main.py", "--scenario", "bias-shock", "--screenshot",
                os.path.join(d, "x.png")]
        shots = [timed(shot)[0] for _ in range(3 if args.quick else 5)]
    bare, _ = timed([sys.executable, "-c", "pass"])
    return {"first_frame_s": statistics.median(walls[1:]), "first_run_s": walls[0],
            "runs_s": walls, "in_process_to_first_frame_s": statistics.median(inner[1:]),
            "screenshot_command_s": statistics.median(shots), "bare_interpreter_s": bare,
            "app_bytecode": "written before timing"}


if __name__ == "__main__":
    area_main(measure)
