"""Headless ``population`` and ``sweep``: a population's states per step, and the death map.

Both write JSON or tidy CSV (by the suffix of ``--out``), atomically; bad input exits with status
2 and one line on stderr, leaving no file, like ``simulate``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
import re
import time
from typing import Any

import numpy as np

from app.cli import UsageError, _cut, _positive_int, _seed, check_output, parse_lanes
from simulation import presets, sweep
from simulation.config import INIT_SCHEMES, MAX_DROPOUT, ConfigError, LaneSpec, RunConfig
from simulation.health import STATE_NAMES
from simulation.population import MAX_SIZE, Population, population_config
from simulation.record import write_atomic

COMMANDS = ("population", "sweep")
POPULATION_FORMAT = "dying-relu-lab/population@1"
SWEEP_FORMAT = "dying-relu-lab/sweep@1"
MAX_GRID = 1000  # values per axis


def _int(text: str) -> int:
    try:
        return int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be an integer, got {_cut(text)}") from None


def add_subcommands(sub: Any) -> None:
    """Register ``population`` and ``sweep`` on the ``main.py`` subparsers."""
    p = sub.add_parser("population", help="K neurons per activation: how many die, step by step")
    p.add_argument("--scenario", required=True, help="preset id (its data, lr, shocks)")
    p.add_argument("--size", type=_positive_int, default=1000,
                   help=f"neurons per activation, 1..{MAX_SIZE:,} (default 1,000)")
    p.add_argument("--steps", type=_positive_int, help="number of steps (default: the preset's)")
    p.add_argument("--seed", type=_seed, help="random seed (data, starts, dropout, shock sizes)")
    p.add_argument("--lanes", help="comma-separated activations (default: the preset's)")
    p.add_argument("--init", default="auto", choices=INIT_SCHEMES[1:],
                   help="initial weights: auto (He; LeCun normal for SELU), he, lecun")
    p.add_argument("--dropout", default="0",
                   help="dropout rates, e.g. 0,0.5: every lane once per rate (default 0)")
    p.add_argument("--random-shocks", action="store_true",
                   help="each neuron gets a random share u in [0, 1) of a bias or weight shock")
    p.add_argument("--out", required=True, help="output file, .json or .csv")

    p = sub.add_parser("sweep", help="the death map: survival and recovery over a grid of shocks")
    # let `--bias -10:10:40` through as a value (argparse takes only plain numbers for negative
    # values; `--bias=-10:10:40` works whatever the Python version)
    p._negative_number_matcher = re.compile(r"^-(\d|\.\d)[\d.,:eE+-]*$")
    p.add_argument("--scenario", default="healthy",
                   help="preset whose data, start, lr and lanes are used (its shocks are not)")
    p.add_argument("--lanes", help="comma-separated activations (default: the preset's)")
    p.add_argument("--seed", type=_seed, help="random seed (data, a random start)")
    p.add_argument("--bias", default="-10:10:40",
                   help="bias shock values: LO:HI:N evenly spaced, or a list (default -10:10:40)")
    p.add_argument("--factor", default="1:100:40",
                   help="lr shock factors: LO:HI:N geometrically spaced, or a list "
                        "(default 1:100:40)")
    p.add_argument("--shock-step", type=_int, default=sweep.SweepSpec.shock_step,
                   help=f"step of both shocks (default {sweep.SweepSpec.shock_step})")
    p.add_argument("--lr-steps", type=_positive_int, default=sweep.SweepSpec.lr_steps,
                   help=f"steps the lr shock lasts (default {sweep.SweepSpec.lr_steps})")
    p.add_argument("--steps", type=_positive_int, default=sweep.SweepSpec.steps,
                   help=f"steps of each run (default {sweep.SweepSpec.steps:,})")
    p.add_argument("--out", required=True, help="output file, .json or .csv")


def run(args: argparse.Namespace) -> int:
    """Run the subcommand ``args.command``; UsageError on bad input."""
    out = check_output(args.out)
    try:
        text = _population(args, out.suffix.lower()) if args.command == "population" \
            else _sweep(args, out.suffix.lower())
    except ConfigError as e:
        raise UsageError(str(e)) from None
    try:
        write_atomic(out, text)
    except OSError as e:
        raise UsageError(f"--out: cannot write {args.out!r}: {e.strerror or e}") from None
    return 0


# --- population ---------------------------------------------------------------------------------
def parse_rates(text: str) -> list[float]:
    """``0,0.5`` -> [0.0, 0.5]; UsageError on anything else."""
    try:
        rates = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(f"--dropout: must be rates like 0,0.5, got {_cut(text)}") from None
    if not rates or any(not (0 <= r <= MAX_DROPOUT) for r in rates):
        raise UsageError(f"--dropout: rates must be in [0, {MAX_DROPOUT:g}], got {_cut(text)}")
    if len(set(rates)) != len(rates):
        raise UsageError(f"--dropout: a rate is listed twice in {_cut(text)}")
    return rates


def population_lanes(lanes: list[LaneSpec], rates: list[float]) -> list[LaneSpec]:
    """Every lane once per dropout rate: ``relu``, ``relu+dropout0.5``, ..."""
    return [LaneSpec(lane.activation, dict(lane.params),
                     lane.id + (f"+dropout{r:g}" if r else ""), dropout=r)
            for r in rates for lane in lanes]


def _population(args: argparse.Namespace, suffix: str) -> str:
    if args.size > MAX_SIZE:
        raise UsageError(f"--size: at most {MAX_SIZE:,}, got {args.size}")
    rates = parse_rates(args.dropout)
    cfg = presets.get(args.scenario).config(steps=args.steps, seed=args.seed)
    lanes = parse_lanes(args.lanes) if args.lanes is not None else cfg.lanes
    d = cfg.to_dict()
    d["lanes"] = [vars(lane) for lane in population_lanes(lanes, rates)]
    cfg = population_config(RunConfig.from_dict(d), args.init)
    pop = Population(cfg, args.size, random_shocks=args.random_shocks)
    start = time.perf_counter()
    pop.run(cfg.steps)
    seconds = time.perf_counter() - start
    counts = pop.counts()  # (T, L, 5)
    if suffix == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["lane", "activation", "dropout", "step", *STATE_NAMES, "dead_fraction",
                    "capacity_lost"])
        for i, lane in enumerate(pop.lanes):
            for t, row in enumerate(counts[:, i].tolist()):
                w.writerow([lane.id, lane.activation, lane.dropout, t, *row,
                            row[3] / pop.size, (row[2] + row[3]) / pop.size])
        return buf.getvalue()
    lanes_out = []
    for i, (lane, summary) in enumerate(zip(pop.lanes, pop.summary(), strict=True)):
        lanes_out.append({**summary, "activation_params": dict(lane.params),
                          "steps": {name: counts[:, i, k].tolist()
                                    for k, name in enumerate(STATE_NAMES)}})
    record = {"format": POPULATION_FORMAT, "config": cfg.to_dict(), "size": pop.size,
              "init": args.init, "random_shocks": bool(args.random_shocks),
              "events": list(pop.events), "seconds": round(seconds, 3), "lanes": lanes_out}
    return json.dumps(record, indent=1, allow_nan=False) + "\n"


# --- sweep --------------------------------------------------------------------------------------
def parse_axis(name: str, text: str, geometric: bool) -> tuple[float, ...]:
    """``LO:HI:N`` (evenly or geometrically spaced) or ``a,b,c``; UsageError otherwise."""
    try:
        if ":" in text:
            lo, hi, n = text.split(":")
            count = int(n)
            if not 1 <= count <= MAX_GRID:
                raise UsageError(f"--{name}: N must be 1..{MAX_GRID}, got {_cut(text)}")
            a, b = float(lo), float(hi)
            if not (math.isfinite(a) and math.isfinite(b)):
                raise ValueError
            if geometric:
                if a <= 0 or b <= 0:
                    raise UsageError(f"--{name}: a geometric range needs LO, HI > 0, "
                                     f"got {_cut(text)}")
                values = np.geomspace(a, b, count)
            else:
                values = np.linspace(a, b, count)
            return tuple(float(v) for v in values)
        values = tuple(float(v) for v in text.split(","))
    except ValueError:
        raise UsageError(f"--{name}: must be LO:HI:N or a comma-separated list, "
                         f"got {_cut(text)}") from None
    if not 1 <= len(values) <= MAX_GRID:
        raise UsageError(f"--{name}: 1..{MAX_GRID} values, got {len(values)}")
    return values


def _sweep(args: argparse.Namespace, suffix: str) -> str:
    cfg = presets.get(args.scenario).config(seed=args.seed)
    if args.lanes is not None:
        d = cfg.to_dict()
        d["lanes"] = [vars(lane) for lane in parse_lanes(args.lanes)]
        cfg = RunConfig.from_dict(d)
    spec = sweep.SweepSpec(bias=parse_axis("bias", args.bias, False),
                           factor=parse_axis("factor", args.factor, True),
                           shock_step=args.shock_step, lr_steps=args.lr_steps, steps=args.steps)
    res = sweep.run(cfg, spec)
    if suffix == ".csv":
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(["lane", "activation", "bias", "factor", "state", "recovery_steps"])
        for li, lane in enumerate(res.lanes):
            for i, f in enumerate(spec.factor):
                for j, b in enumerate(spec.bias):
                    rec = res.recovery[li, i, j]
                    w.writerow([lane.id, lane.activation, b, f,
                                STATE_NAMES[res.state[li, i, j]],
                                "" if math.isnan(rec) else int(rec)])
        return buf.getvalue()
    lanes_out = []
    for li, lane in enumerate(res.lanes):
        rec = res.recovery[li]
        lanes_out.append({
            "id": lane.id, "activation": lane.activation,
            "activation_params": dict(lane.params),
            "state": [[STATE_NAMES[s] for s in row] for row in res.state[li].tolist()],
            "recovery_steps": [[None if math.isnan(v) else int(v) for v in row]
                               for row in rec.tolist()],
            "summary": {"survival": float(res.survival()[li]),
                        "by_state": {n: int((res.state[li] == k).sum())
                                     for k, n in enumerate(STATE_NAMES)},
                        # over the cells knocked out that came back
                        "median_recovery_steps": sweep.nan_median(rec[rec > 0])
                        if (rec > 0).any() else None,
                        "never_knocked_out": int((rec == 0).sum()),
                        "never_recovered": int(np.isnan(rec).sum())}})
    record = {"format": SWEEP_FORMAT, "config": cfg.to_dict(),
              "grid": {"bias": list(spec.bias), "factor": list(spec.factor),
                       "shock_step": spec.shock_step, "lr_steps": spec.lr_steps,
                       "steps": spec.steps, "rows": "factor", "columns": "bias"},
              "cells": len(spec.bias) * len(spec.factor), "seconds": round(res.seconds, 3),
              "lanes": lanes_out}
    return json.dumps(record, indent=1, allow_nan=False) + "\n"
