"""``python -m bench.run [--json FILE] [--quick] [--only AREA,...]``: the whole benchmark suite.

Runs each area in a fresh process (engine, drawing, instructions, live, startup, memory), prints
the machine and one table, and with ``--json FILE`` writes the same figures (and every detail)
as JSON. The targets of issue #6 are reported as met or missed; nothing is asserted (exit status
0 unless an area crashed).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench.common import ROOT, host_probe, machine
from bench.instructions import MODES

AREAS = ("engine", "drawing", "instructions", "live", "startup", "memory")


def cpu_times() -> tuple[float, float]:
    """(busy, total) CPU seconds of the whole machine so far, from /proc/stat."""
    try:
        with open("/proc/stat") as f:
            v = [int(x) for x in f.readline().split()[1:]]
    except OSError:
        return 0.0, 0.0
    hz = os.sysconf("SC_CLK_TCK")
    idle = v[3] + v[4]
    return (sum(v) - idle) / hz, sum(v) / hz


def wait_idle(max_wait: float, below: float = 0.15) -> float:
    """Wait (at most ``max_wait`` s) until other processes use less than ``below`` cores for a
    second: the figures are this machine's only when nothing else runs. The seconds waited."""
    t0 = time.perf_counter()
    cores = os.cpu_count() or 1
    while time.perf_counter() - t0 < max_wait:
        busy0, total0 = cpu_times()
        time.sleep(1.0)
        busy1, total1 = cpu_times()
        if total1 <= total0 or (busy1 - busy0) / (total1 - total0) * cores < below:
            break
    return time.perf_counter() - t0


def run_area(area: str, quick: bool) -> dict[str, Any]:
    """One area in a fresh process; also how busy the machine was meanwhile, and how much of
    that was this area (the rest: other processes, which slow the figures down)."""
    busy0, total0 = cpu_times()
    own0 = resource.getrusage(resource.RUSAGE_CHILDREN)
    with tempfile.TemporaryDirectory() as d:
        out = Path(d) / f"{area}.json"
        cmd = [sys.executable, "-m", f"bench.{area}", "--out", str(out)]
        if quick:
            cmd.append("--quick")
        env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, check=False)
        if p.returncode != 0 or not out.exists():
            return {"error": f"exit status {p.returncode}", "stderr": p.stderr[-4000:]}
        result = json.loads(out.read_text())
    wall = time.perf_counter() - t0
    busy1, total1 = cpu_times()
    own1 = resource.getrusage(resource.RUSAGE_CHILDREN)
    own = (own1.ru_utime - own0.ru_utime) + (own1.ru_stime - own0.ru_stime)
    cores = os.cpu_count() or 1
    result["wall_s"] = round(wall, 1)
    if total1 > total0:
        result["machine_busy_cores"] = round((busy1 - busy0) / (total1 - total0) * cores, 2)
        result["other_processes_cores"] = round(
            max(0.0, (busy1 - busy0) - own) / (total1 - total0) * cores, 2)
    return result


def fmt(v: float | None, unit: str = "", digits: int = 0) -> str:
    if v is None:
        return "n/a"
    return f"{v:,.{digits}f}{unit}"


def targets(r: dict[str, Any]) -> list[dict[str, Any]]:
    """Issue #6's targets: (what, measured, target, met)."""
    t: list[dict[str, Any]] = []

    def add(name: str, value: float | None, target: str, met: bool | None) -> None:
        t.append({"target": name, "value": value, "goal": target, "met": met})

    eng = r.get("engine", {}).get("sizes", {})
    if "lane" in eng:
        v = eng["lane"].get("ratio_engine_vs_torch")
        add("engine vs PyTorch, 5 lanes x 64 samples", v, ">= 15x", None if v is None else v >= 15)
    if "population" in eng:
        p = eng["population"]
        v = p.get("ratio_engine_vs_torch")
        add("engine vs PyTorch, 5 x 10,000 neurons", v, ">= 1.5x", None if v is None else v >= 1.5)
        s = p["engine"]["median"]
        add("engine steps/s, 5 x 10,000 neurons", s, ">= 60", s >= 60)
    d = r.get("drawing", {})
    if "app" in d:
        add("frame p95, full history, 1920x1080", d["app"]["p95_ms"], "<= 8 ms",
            d["app"]["p95_ms"] <= 8)
        add("drawing vs matplotlib (median frame)", d["ratio_median"], ">= 10x",
            d["ratio_median"] >= 10)
    lv = r.get("live", {})
    if "steps_per_s" in lv:
        ok = lv["steps_per_s"] >= 10_000 and lv["frames_per_s"] >= 59
        add("steps/s while drawing at 60 frames/s", lv["steps_per_s"],
            ">= 10,000 at 60 fps", ok)
    st = r.get("startup", {})
    if "first_frame_s" in st:
        add("start-up to first frame", st["first_frame_s"], "<= 1.5 s", st["first_frame_s"] <= 1.5)
    m = r.get("memory", {})
    if "growth_mib" in m:
        start = "20,000 (ring full)" if "rss_mib_after_ring_full" in m else "10,000"
        add(f"memory growth {start} -> {m['steps']:,} steps", m["growth_mib"], "<= 10 MB",
            m["growth_mib"] <= 10)
    lm = m.get("live", {})
    if "growth_mib" in lm:
        add(f"memory growth playing at top speed, both processes, 20,000 -> {lm['steps']:,}",
            lm["growth_mib"], "<= 10 MB", lm["growth_mib"] <= 10)
    sw = r.get("engine", {}).get("sweep", {})
    if "median_s" in sw:
        # issue 4 asks for "seconds" and a report of how many: a figure, not a target
        add("death map 40 x 40 x 5 activations, seconds (issue 4: reported)", sw["median_s"],
            "", None)
    return t


def table(r: dict[str, Any]) -> str:
    """The results as a Markdown table (readable as plain text too)."""
    rows = [("area", "measure", "Dying ReLU Lab", "alternative", "ratio")]
    eng = r.get("engine", {}).get("sizes", {})
    for key, label in (("lane", "5 lanes x 64 samples"), ("population", "5 x 10,000 neurons x 64")):
        if key not in eng:
            continue
        e = eng[key]
        best = e.get("torch_best")
        tb = e[best]["median"] if best else None
        how = ", 1 thread" if best and best.endswith("_1thread") else ""
        rows.append(("engine", f"steps/s, {label}", fmt(e["engine"]["median"]),
                     f"PyTorch {fmt(tb)}{how}" if tb else "n/a",
                     fmt(e.get("ratio_engine_vs_torch"), "x", 1)))
        rows.append(("", "  bare numpy step (reference)", fmt(e["numpy_bare"]["median"]),
                     f"PyTorch {fmt(tb)}" if tb else "n/a",
                     fmt(e.get("ratio_numpy_bare_vs_torch"), "x", 1)))
    ex = r.get("engine", {}).get("exponentials", {})
    if "numpy_exp" in ex:  # what bounds the population on a CPU without AVX-512
        rows.append(("", "  float64 exp / expm1 a value, 1 thread",
                     f"numpy {ex['numpy_exp']:.1f} / {ex['numpy_expm1']:.1f} ns",
                     f"PyTorch {ex['torch_exp']:.1f} / {ex['torch_expm1']:.1f} ns"
                     if "torch_exp" in ex else "n/a", ""))
    sw = r.get("engine", {}).get("sweep", {})
    if "median_s" in sw:
        rows.append(("engine", f"death map {sw['grid']}, {sw['lanes']} activations",
                     f"{sw['median_s']:.2f} s", "", ""))
    d = r.get("drawing", {})
    if "app" in d:
        a, m = d["app"], d["matplotlib"]
        rows.append(("drawing", "frame median / p95, 5 x 10,000 points",
                     f"{a['median_ms']:.1f} / {a['p95_ms']:.1f} ms",
                     f"matplotlib {m['median_ms']:.0f} / {m['p95_ms']:.0f} ms",
                     fmt(d["ratio_median"], "x", 1)))
        if "app_live" in d:  # as while playing: turns of data and of the plots' painting
            lf = d["app_live"]
            rows.append(("", "  live frames (views take turns)",
                         f"{lf['median_ms']:.1f} / {lf['p95_ms']:.1f} ms", "", ""))
        f = d["app_ring_full_top_speed"]
        rows.append(("", "  ring full (20,000), 333 steps/frame",
                     f"{f['median_ms']:.1f} / {f['p95_ms']:.1f} ms", "", ""))
    ins = r.get("instructions", {})
    if "per_frame_m" in ins.get("whole", {}) and "per_frame_m" in ins.get("live", {}):
        cases = [c for c in MODES if "per_frame_m" in ins.get(c, {})]
        rows.append(("", f"  instructions a frame, {' / '.join(cases)} (callgrind)",
                     " / ".join(f"{ins[c]['per_frame_m']:.1f}" for c in cases) + " M", "", ""))
    elif "skipped" in ins:
        rows.append(("", "  instructions a frame (callgrind)", f"skipped: {ins['skipped']}",
                     "", ""))
    lv = r.get("live", {})
    if "steps_per_s" in lv:
        runs = lv.get("runs", [])
        spread = (f" (runs {fmt(min(x['steps_per_s'] for x in runs))}-"
                  f"{fmt(max(x['steps_per_s'] for x in runs))})" if len(runs) > 1 else "")
        rows.append(("live", f"steps/s while drawing (speed 20,000){', median' if spread else ''}",
                     f"{fmt(lv['steps_per_s'])} at {lv['frames_per_s']:.0f} fps{spread}", "", ""))
        if "stepper_process_cores" in lv:
            rss = lv.get("stepper_process_rss_mib")
            rows.append(("", "  stepped in / cores: window, stepper / stepper RSS",
                         f"{lv['stepping']} / {lv['window_process_cores']:.2f}, "
                         f"{lv['stepper_process_cores']:.2f} / {fmt(rss, ' MiB')}", "", ""))
    st = r.get("startup", {})
    if "first_frame_s" in st:
        rows.append(("start-up", "process start to first frame", f"{st['first_frame_s']:.2f} s",
                     "", ""))
    m = r.get("memory", {})
    if "growth_mib" in m and "rss_mib_after_ring_full" in m:
        rows.append(("memory", f"RSS after 10,000 / 20,000 (ring full) / {m['steps']:,} steps",
                     f"{m['rss_mib_after_10k']:.0f} / {m['rss_mib_after_ring_full']:.0f} / "
                     f"{m['rss_mib_after_total']:.0f} MiB (+{m['growth_mib']:.1f})", "", ""))
    elif "growth_mib" in m:
        rows.append(("memory", f"RSS after 10,000 / {m['steps']:,} steps",
                     f"{m['rss_mib_after_10k']:.0f} / {m['rss_mib_after_total']:.0f} MiB "
                     f"(+{m['growth_mib']:.1f})", "", ""))
    lm = m.get("live", {})
    if "growth_mib" in lm:
        full, end = lm["samples"]["ring_full"], lm["samples"]["end"]
        both = " / ".join(f"{fmt(full[k], digits=0)} -> {fmt(end[k], ' MiB')}"
                          for k in ("window_mib", "stepper_mib"))
        rows.append(("", f"  playing at top speed, to {lm['steps']:,}: window / stepper RSS",
                     f"{both} (+{lm['growth_mib']:.1f})", "", ""))
    widths = [max(len(str(row[i])) for row in rows) for i in range(5)]
    lines = ["| " + " | ".join(str(c).ljust(w) for c, w in zip(row, widths, strict=True)) + " |"
             for row in rows]
    lines.insert(1, "|" + "|".join("-" * (w + 2) for w in widths) + "|")
    others = {a: v["other_processes_cores"] for a, v in r.items()
              if isinstance(v, dict) and "other_processes_cores" in v}
    if others:
        lines.append("")
        lines.append(f"cores used by other processes meanwhile (of {os.cpu_count() or 1}): "
                     + ", ".join(f"{a} {v:.2f}" for a, v in others.items()))
    host = r.get("host")
    if host:
        lines.append("host speed (a fixed piece of pure Python, median / p95; lower is faster): "
                     + ", ".join(f"{host[k]['median_ms']:.1f} / {host[k]['p95_ms']:.1f} ms {k} "
                                 "the drawing area" for k in ("before", "after") if k in host))
    return "\n".join(lines)


def target_lines(ts: list[dict[str, Any]]) -> str:
    out = []
    for t in ts:
        v = t["value"]
        if t["met"] is None and v is not None:  # a figure asked for, without a target
            out.append(f"- {t['target']}: {fmt(v, '', 2)}")
            continue
        mark = {True: "met", False: "MISSED", None: "n/a"}[t["met"]]
        out.append(f"- {t['target']}: {fmt(v, '', 2) if v is not None else 'n/a'} "
                   f"(target {t['goal']}): {mark}")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__)
    parser.add_argument("--json", metavar="FILE", help="also write every figure as JSON")
    parser.add_argument("--quick", action="store_true",
                        help="fewer repeats; memory to 100,000 steps instead of 1,000,000")
    parser.add_argument("--only", help=f"comma-separated areas ({', '.join(AREAS)})")
    parser.add_argument("--wait-idle", type=float, default=120.0, metavar="SECONDS",
                        help="before each area, wait up to this long for the machine to be "
                             "idle (default 120; 0: do not wait)")
    args = parser.parse_args(argv)
    areas = AREAS if not args.only else tuple(a.strip() for a in args.only.split(","))
    unknown = set(areas) - set(AREAS)
    if unknown:
        parser.error(f"unknown area(s): {', '.join(sorted(unknown))}")
    info = machine()
    print("machine: " + ", ".join(f"{k} {v}" for k, v in info.items()), flush=True)
    results: dict[str, Any] = {}
    for area in areas:
        waited = wait_idle(args.wait_idle) if args.wait_idle > 0 else 0.0
        print(f"running {area} ..." + (f" (waited {waited:.0f} s for an idle machine)"
                                        if waited >= 2 else ""), flush=True)
        if area == "drawing":  # (the frame times move with the host's speed)
            probe = {"before": host_probe()}
        results[area] = run_area(area, args.quick)
        if area == "drawing":
            probe["after"] = host_probe()
            results["host"] = probe
        if "error" in results[area]:
            print(f"  {area} failed: {results[area]['error']}\n{results[area]['stderr']}",
                  file=sys.stderr)
    ts = targets(results)
    print()
    print(table(results))
    print()
    print(target_lines(ts))
    if args.json:
        doc = {"machine": info, "quick": args.quick, "results": results, "targets": ts,
               "load_average_at_end": machine()["load_average_at_start"]}
        Path(args.json).write_text(json.dumps(doc, indent=2))
        print(f"\nwrote {args.json}")
    return 1 if any("error" in v for v in results.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
