"""Instructions a frame costs, counted by valgrind's callgrind: a figure that does not move with the
host's speed (frame times here moved 2x between runs of the same code on a shared host).

The same frames as the drawing area's (``create_window("bias-shock")`` at 1920x1080, offscreen,
10,000 steps of history, 17 steps between frames), every view every frame ("whole") and as while
playing ("live": views take turns); and live frames at top speed with the ring full ("sliding":
20,000 rows, 333 steps between frames, the history sliding every frame), each in its own
process under ``valgrind --tool=callgrind``: instrumented from just before the frames (the
set-up runs uninstrumented, ~10x faster), and counted only inside ``functools.reduce``, which
each frame is called through (the steps between frames are not counted). Python's hash seed is
fixed so that runs of the same code count the same (seen within 0.1%).

Skipped where valgrind is not installed (``apt-get install valgrind``).
"""

from __future__ import annotations

import argparse
import functools
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from bench.common import ROOT, area_main, shown_window

SIZE = (1920, 1080)
HISTORY = 10_000
STEPS_BETWEEN = 17
MODES = ("whole", "live", "sliding")
# "sliding": live frames at top speed with the ring full (20,000 rows), 333 steps between
# frames, as the window plays at 20,000 steps/s: its history slides every frame
SLIDING = (20_000, 333)


def frames_child(mode: str, n: int) -> None:
    """The frames to count (run under callgrind by :func:`measure`)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from app.application import ensure_app

    live = mode in ("live", "sliding")
    history, between = SLIDING if mode == "sliding" else (HISTORY, STEPS_BETWEEN)
    app = ensure_app()
    window, sim = shown_window(app, SIZE, history)
    for _ in range(5):  # warm-up
        sim.run(between)
        window.draw(sim, live)
        app.processEvents()
    # instrument from here on (callgrind_control waits until valgrind has taken the command)
    subprocess.run(["callgrind_control", "--instr=on", str(os.getpid())], check=True,
                   capture_output=True)

    def frame(_acc: Any, _i: int) -> None:
        window.draw(sim, live)
        app.processEvents()

    for _ in range(n):
        sim.run(between)
        functools.reduce(frame, range(1), None)  # (counted: callgrind's toggle function)
    window.close()


def _count(out_file: Path) -> int | None:
    """The total instructions counted in a callgrind output file."""
    m = re.search(r"^(?:summary|totals):\s*(\d+)", out_file.read_text(errors="replace"), re.M)
    return int(m.group(1)) if m else None


def measure(args: argparse.Namespace) -> dict[str, Any]:
    if args.frames_child:
        mode, n = args.frames_child.split(":")
        frames_child(mode, int(n))
        return {}
    if shutil.which("valgrind") is None or shutil.which("callgrind_control") is None:
        return {"skipped": "valgrind is not installed"}
    n = 20 if args.quick else 40
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", PYTHONHASHSEED="0")
    out: dict[str, Any] = {"frames": n, "history_rows": HISTORY,
                           "steps_between_frames": STEPS_BETWEEN, "size": list(SIZE),
                           "sliding_rows_and_steps_between": list(SLIDING)}
    with tempfile.TemporaryDirectory() as d:
        procs = {}
        for mode in MODES:  # (both at once: counts do not depend on the time taken)
            cg = Path(d) / f"{mode}.cg"
            cmd = ["valgrind", "--tool=callgrind", "--instr-atstart=no", "--collect-atstart=no",
                   "--toggle-collect=functools_reduce", f"--callgrind-out-file={cg}",
                   sys.executable, "-m", "bench.instructions", "--frames-child", f"{mode}:{n}",
                   "--out", os.devnull]
            procs[mode] = (cg, subprocess.Popen(cmd, cwd=ROOT, env=env, text=True,
                                                stdout=subprocess.DEVNULL,
                                                stderr=subprocess.PIPE))
        for mode, (cg, p) in procs.items():
            _, err = p.communicate()
            total = _count(cg) if p.returncode == 0 and cg.exists() else None
            if total is None:
                out[mode] = {"error": f"exit status {p.returncode}", "stderr": err[-2000:]}
            else:
                out[mode] = {"instructions": total, "per_frame_m": round(total / n / 1e6, 2)}
    return out


def _extra(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--frames-child", help=argparse.SUPPRESS)


if __name__ == "__main__":
    area_main(measure, _extra)
