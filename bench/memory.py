"""Memory: resident size after 10,000, after 20,000 (the ring full) and after 1,000,000 steps.

The app's live set-up: the real main window (offscreen) and its ``LiveController``'s simulation
(a ring history of 20,000 rows), stepped as fast as it goes (``sim.run`` in chunks of 10,000) with
a frame drawn after every chunk, so caches of the views are exercised too. Resident size from
/proc/self/statm (psutil if present gives the same), and Python's own allocations (tracemalloc is
not used: it would slow the steps ten-fold). The ring's memory is allocated without being written
(``np.empty``): its pages become resident as rows are first written, all of them once it is full
(20,000 steps), so the growth that would show a leak is measured from there.

Then the same as the app does it at top speed (session 21 on): a new window playing at 20,000
steps a second on its real timer, stepped by its second process (``simulation.stepper_process``),
each process's resident size read when the ring is full and at the end (``live``).
"""

from __future__ import annotations

import gc
import os
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from bench.common import area_main, shown_window
from bench.drawing import SIZE

CHUNK = 10_000
RING = 20_000  # app.controller.HISTORY_CAPACITY (not imported: keep the steps' count explicit)


def rss_mib(pid: int | str = "self") -> float:
    with open(f"/proc/{pid}/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


def live(app: Any, total: int) -> dict[str, Any]:
    """Both processes' resident sizes while the window plays at top speed up to ``total`` steps:
    at the ring full (20,000) and at the end."""
    from PySide6.QtCore import QTimer

    from app.application import create_window

    window = create_window("bias-shock")
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    c = window.controller
    samples: dict[str, dict[str, float | None]] = {}

    def sample(name: str) -> None:
        gc.collect()
        proc = None if c.stepper is None else c.stepper._proc
        samples[name] = {"step": c.sim.t, "window_mib": rss_mib(),
                         "stepper_mib": None if proc is None else rss_mib(proc.pid)}

    def poll() -> None:
        if "ring_full" not in samples and c.sim.t >= RING:
            sample("ring_full")
        elif c.sim.t >= total or time.perf_counter() - t0 > 900:
            timer.stop()
            sample("end")
            app.quit()  # (Qt 6 closes the window: its stepping process ends)

    timer = QTimer()
    timer.timeout.connect(poll)
    timer.start(50)
    c.set_speed(20_000)
    t0 = time.perf_counter()
    c.play()
    app.exec()
    c.pause()
    dt = time.perf_counter() - t0
    full, end = samples.get("ring_full"), samples["end"]
    out: dict[str, Any] = {"steps": end["step"], "seconds": dt, "samples": samples,
                           "stepping": "second process" if end["stepper_mib"] else
                           "window's process"}
    if full:
        out["window_growth_mib"] = end["window_mib"] - full["window_mib"]
        if full["stepper_mib"] is not None and end["stepper_mib"] is not None:
            out["stepper_growth_mib"] = end["stepper_mib"] - full["stepper_mib"]
        out["growth_mib"] = out["window_growth_mib"] + out.get("stepper_growth_mib", 0.0)
    window.close()
    return out


def measure(args) -> dict[str, Any]:
    from app.application import ensure_app

    total = 100_000 if args.quick else 1_000_000
    app = ensure_app()
    window, sim = shown_window(app, SIZE)
    samples: list[tuple[int, float]] = [(0, rss_mib())]
    t0 = time.perf_counter()
    while sim.t < total:
        sim.run(CHUNK)
        window._on_frame(sim)
        app.processEvents()
        if sim.t in (CHUNK, RING, total) or sim.t % (total // 10) == 0:
            gc.collect()
            samples.append((sim.t, rss_mib()))
    dt = time.perf_counter() - t0
    at = dict(samples)
    out = {"steps": total, "rss_mib_at_start": samples[0][1], "rss_mib_after_10k": at[CHUNK],
           "rss_mib_after_ring_full": at[RING], "rss_mib_after_total": at[total],
           "growth_mib": at[total] - at[RING], "growth_from_10k_mib": at[total] - at[CHUNK],
           "samples": samples, "seconds": dt, "steps_per_s": total / dt,
           "history_rows_kept": len(sim.history)}
    window.close()
    window.deleteLater()
    app.processEvents()
    out["live"] = live(app, total)
    return out


if __name__ == "__main__":
    area_main(measure)
