"""Live throughput: simulation steps per second achieved by the real window at top speed.

The real main window (1920x1080, offscreen) with ``LiveController`` playing at its top speed,
20,000 steps per second, on its real timer (a 16 ms PreciseTimer), as ``make run`` starts it:
the steps are run by the second process the window starts at high speeds (session 21 on; see
``simulation.stepper_process``), each tick absorbing the chunks that came and asking for the
steps owed; before that, or when that process is not there, within the controller's stepping
budget in the window's own process. Every tick emits one frame, which the views redraw (in turns:
every view's data, then the time plots' painting) and Qt paints. Counted after a one-second
warm-up: steps (``sim.t``), frames (``frame`` signals) and paint events of the time plots; the
CPU time of each process (cores); the stepping process's resident size at the end; also the
controller's own ``stats`` readout (status bar).

Three such runs (one with ``--quick``), each in a new window: the figures are their medians (steps
per second and frames per second each), and every run is in ``runs``. One run of 8 s on this
machine can be 1.5x off another minutes later.
"""

from __future__ import annotations

import os
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import area_main
from bench.drawing import SIZE, PaintCounter
from bench.memory import rss_mib

SPEED = 20_000
WARMUP_S = 1.0
RUNS = 3


def _stepper_cpu(c) -> float:
    """CPU seconds of the controller's stepping process so far (0 without one)."""
    stepper = getattr(c, "stepper", None)
    proc = None if stepper is None else stepper._proc
    if proc is None:
        return 0.0
    try:
        with open(f"/proc/{proc.pid}/stat") as f:
            fields = f.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def one_run(app, duration: float) -> dict[str, Any]:
    """Play a new window at top speed for ``duration`` seconds after the warm-up; its figures."""
    from PySide6.QtCore import QTimer

    from app.application import create_window

    window = create_window("bias-shock")
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    c = window.controller
    frames = [0]
    c.frame.connect(lambda _sim: frames.__setitem__(0, frames[0] + 1))
    readouts: list[tuple[float, float]] = []
    c.stats.connect(lambda sps, fps: readouts.append((sps, fps)))
    painted = PaintCounter([window.plots.view.viewport()])
    marks: dict[str, tuple[float, int, int, int, float, float]] = {}

    stepper = getattr(c, "stepper", None)
    seen: dict[str, Any] = {}

    def mark(name: str) -> None:
        marks[name] = (time.perf_counter(), c.sim.t, frames[0], painted.count,
                       time.process_time(), _stepper_cpu(c))
        if name == "end" and stepper is not None and stepper._proc is not None:
            # (before the quit: Qt 6 closes the window, which ends the stepping process)
            seen["stepping"] = "second process" if stepper.ready else "window's process"
            seen["stepper_process_rss_mib"] = rss_mib(stepper._proc.pid)

    c.set_speed(SPEED)
    c.play()
    QTimer.singleShot(int(WARMUP_S * 1000), lambda: mark("start"))
    QTimer.singleShot(int((WARMUP_S + duration) * 1000), lambda: (mark("end"), app.quit()))
    app.exec()
    shown, last = window.rate_label.text(), readouts[-3:]  # (pausing clears the readout)
    c.pause()
    (t0, s0, f0, p0, c0, k0), (t1, s1, f1, p1, c1, k1) = marks["start"], marks["end"]
    dt = t1 - t0
    out = {"speed_setting": SPEED, "seconds": dt, "steps_per_s": (s1 - s0) / dt,
           "frames_per_s": (f1 - f0) / dt, "plot_paints_per_s": (p1 - p0) / dt,
           "steps_total": c.sim.t, "status_bar_readouts": last, "status_bar_text": shown,
           "window_process_cores": (c1 - c0) / dt}
    if seen:
        out.update(seen)
        out["stepper_process_cores"] = (k1 - k0) / dt
    else:
        out["stepping"] = "window's process"
        budget = getattr(c, "budget", None)
        if budget is not None:  # (the stepping budget of that process)
            out["drawing_estimate_ms"] = [round(d * 1e3, 2) for d in budget._drawing]
    window.close()
    window.deleteLater()
    app.processEvents()
    return out


def measure(args) -> dict[str, Any]:
    from app.application import ensure_app
    from bench.common import percentile

    app = ensure_app()
    runs = [one_run(app, 3.0 if args.quick else 8.0) for _ in range(1 if args.quick else RUNS)]
    out = dict(runs[len(runs) // 2])  # a run's details; the rates below are medians of all
    out["steps_per_s"] = percentile([r["steps_per_s"] for r in runs], 50)
    out["frames_per_s"] = percentile([r["frames_per_s"] for r in runs], 50)
    out["runs"] = [{k: r.get(k) for k in ("steps_per_s", "frames_per_s", "plot_paints_per_s",
                                           "stepping", "window_process_cores",
                                           "stepper_process_cores")} for r in runs]
    return out


if __name__ == "__main__":
    area_main(measure)
