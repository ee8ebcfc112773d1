"""Memory: resident size after 10,000, after 20,000 (the ring full) and after 1,000,000 steps.

The app's live set-up: the real main window (offscreen) and its ``LiveController``'s simulation
(a ring history of 20,000 rows), stepped as fast as it goes (``sim.run`` in chunks of 10,000) with
a frame drawn after every chunk, so caches of the views are exercised too. Resident size from
/proc/self/statm (psutil if present gives the same), and Python's own allocations (tracemalloc is
not used: it would slow the steps ten-fold). The ring's memory is allocated without being written
(``np.empty``): its pages become resident as rows are first written, all of them once it is full
(20,000 steps), so the growth that would show a leak is measured from there.
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


def rss_mib() -> float:
    with open("/proc/self/statm") as f:
        pages = int(f.read().split()[1])
    return pages * os.sysconf("SC_PAGE_SIZE") / 2**20


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
    return out


if __name__ == "__main__":
    area_main(measure)
