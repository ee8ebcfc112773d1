"""Helpers shared by the benchmark areas: machine facts, timing, the area protocol."""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from collections.abc import Callable
from importlib import metadata
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))


def cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def cpu_detail() -> str | None:
    """Family/model, vector extensions and caches, where /proc/cpuinfo and lscpu tell them."""
    info: dict[str, str] = {}
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if ":" in line:
                k, v = (s.strip() for s in line.split(":", 1))
                info.setdefault(k, v)
    except OSError:
        return None
    flags = set(info.get("flags", "").split())
    simd = "AVX-512" if "avx512f" in flags else "AVX2" if "avx2" in flags else "SSE"
    caches = []
    for level in ("index2", "index3"):
        base = Path(f"/sys/devices/system/cpu/cpu0/cache/{level}")
        try:
            caches.append(f"L{(base / 'level').read_text().strip()} "
                          f"{(base / 'size').read_text().strip()}")
        except OSError:
            pass
    return (f"family {info.get('cpu family', '?')} model {info.get('model', '?')}, {simd}"
            + (", " + ", ".join(caches) if caches else ""))


def ram_gib() -> float | None:
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                return round(int(line.split()[1]) / 2**20, 1)
    except OSError:
        pass
    return None


def version(dist: str) -> str | None:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return None


def load_average() -> list[float] | None:
    try:
        return [round(v, 2) for v in os.getloadavg()]
    except OSError:
        return None


def machine() -> dict[str, Any]:
    """What the figures were measured on."""
    return {
        "cpu": cpu_model(),
        "cpu_detail": cpu_detail(),
        "cores": os.cpu_count(),
        "ram_gib": ram_gib(),
        "os": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "numpy": version("numpy"),
        "PySide6": version("PySide6-Essentials") or version("PySide6"),
        "pyqtgraph": version("pyqtgraph"),
        "torch": version("torch"),
        "matplotlib": version("matplotlib"),
        "load_average_at_start": load_average(),
    }


def rate(fn: Callable[[], Any], per_call: int, min_time: float) -> float:
    """Calls of ``fn`` (each doing ``per_call`` units) per second, over at least ``min_time`` s."""
    calls = 0
    t0 = time.perf_counter()
    while True:
        fn()
        calls += 1
        dt = time.perf_counter() - t0
        if dt >= min_time:
            return calls * per_call / dt


def calls_for(fn: Callable[[int], Any], target_s: float, start: int = 1) -> int:
    """How many units ``fn(n)`` should do so that one call takes about ``target_s``."""
    n = start
    while True:
        t0 = time.perf_counter()
        fn(n)
        dt = time.perf_counter() - t0
        if dt >= target_s / 4 or n >= 1 << 24:
            return max(1, round(n * target_s / max(dt, 1e-9)))
        n *= 4


def summary(values: list[float]) -> dict[str, float]:
    return {"median": statistics.median(values), "best": max(values), "worst": min(values),
            "repeats": len(values)}


def percentile(values: list[float], q: float) -> float:
    """The ``q``-th percentile (0..100), linear between closest ranks."""
    s = sorted(values)
    if not s:
        return float("nan")
    pos = (len(s) - 1) * q / 100.0
    lo = int(pos)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (s[hi] - s[lo]) * (pos - lo)


HOST_WORK = 200_000  # the host probe's loop: ~8 ms of pure Python on this machine, quiet


def host_probe(repeats: int = 150) -> dict[str, float]:
    """How fast the host runs a fixed piece of pure Python now (a sum of squares, the same work
    every run): its median and 95th percentile over ``repeats``, in ms. The same code's frame
    times move with it (a shared host: other guests' load does not show as this machine's
    busy cores), so a run reports it before and after the drawing area."""
    times = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        total = 0
        for i in range(HOST_WORK):
            total += i * i
        times.append((time.perf_counter() - t0) * 1e3)
    return {"median_ms": round(percentile(times, 50), 2), "p95_ms": round(percentile(times, 95), 2),
            "repeats": repeats}


def shown_window(app: Any, size: tuple[int, int], history: int = 0) -> tuple[Any, Any]:
    """The app's main window on the bias-shock preset, shown at ``size``, with ``history`` steps
    run and drawn (none: as it opens); (window, its simulation)."""
    from app.application import create_window

    window = create_window("bias-shock")
    window.resize(*size)
    window.show()
    app.processEvents()
    sim = window.controller.sim
    if history:
        sim.run(history)
        window._on_frame(sim)
        app.processEvents()
    return window, sim


def area_main(run: Callable[[argparse.Namespace], dict[str, Any]],
              extra: Callable[[argparse.ArgumentParser], None] | None = None) -> None:
    """``python -m bench.<area> [--quick] [--out FILE]``: run one area, write its JSON."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--quick", action="store_true", help="fewer repeats and steps")
    parser.add_argument("--out", help="write the results as JSON here (default: stdout)")
    if extra is not None:
        extra(parser)
    args = parser.parse_args()
    result = run(args)
    text = json.dumps(result, indent=2)
    if args.out:
        Path(args.out).write_text(text)
    else:
        print(text)
