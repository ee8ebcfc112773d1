"""Headless subcommands for the seeds' other claims: ``selfnorm``, ``dropout-net``, ``cost`` and
``claims``. Each writes JSON or tidy CSV (by the suffix of ``--out``), atomically; bad input exits
with status 2 and one line on stderr, leaving no file, like ``simulate``.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import math
from dataclasses import asdict
from typing import Any

from app.cli import UsageError, _positive_int, _seed, check_output, parse_activations
from simulation import activations, claims, claims_risk, cost, datasets2d, mnist, selfnorm
from simulation.dropout_net import SEED_ACTIVATIONS, SEED_DROPOUT, DropoutExperiment, RunSpec
from simulation.record import write_atomic

COMMANDS = ("selfnorm", "dropout-net", "cost", "claims")
MAX_EPOCHS, MAX_SAMPLES, MAX_SIZE = 10_000, 100_000, 10_000_000
MAX_REPEATS = 1_000  # --repeats: seeds of dropout-net, timing repeats of cost and claims
MAX_SEEDS = 100  # --seeds of claims
EVIDENCE = ("death_map_share", "preset_share", "network_share", "network_share_min",
            "network_share_max")  # the risk cells' parts, a column each


def add_subcommands(sub: Any) -> None:
    """Register the four subcommands on the ``main.py`` subparsers."""
    p = sub.add_parser("selfnorm", help="mean, variance and dead units per layer of a deep net")
    p.add_argument("--depth", type=_positive_int, default=50, help="layers, 1..100 (default 50)")
    p.add_argument("--width", type=_positive_int, default=256, help="units, 1..512 (default 256)")
    p.add_argument("--samples", type=_positive_int, default=1000, help="inputs, 1..4096")
    p.add_argument("--init", default="recommended", choices=selfnorm.INIT_CHOICES)
    p.add_argument("--activations", default=",".join(selfnorm.DEFAULT_ACTIVATIONS))
    p.add_argument("--seed", type=_seed, default=0, help="random seed (inputs, weights)")
    p.add_argument("--out", required=True, help="output file, .json or .csv")

    p = sub.add_parser("dropout-net", help="Tutorial 002's network with and without dropout")
    p.add_argument("--dataset", default="circle", choices=(*datasets2d.DATASETS, "mnist"))
    p.add_argument("--mnist", metavar="PATH", help="with --dataset mnist: mnist.npz or IDX folder")
    p.add_argument("--epochs", type=_positive_int, default=30)
    p.add_argument("--n-train", type=_positive_int, default=1000, help="training samples")
    p.add_argument("--n-test", type=_positive_int, help="test samples (default: --n-train)")
    p.add_argument("--activations", default=",".join(SEED_ACTIVATIONS))
    p.add_argument("--dropout", default=f"0,{SEED_DROPOUT:g}", help="rates, e.g. 0,0.5")
    p.add_argument("--seed", type=_seed, default=0,
                   help="random seed (data, weights, dropout masks)")
    p.add_argument("--repeats", type=_positive_int, default=1,
                   help="run seeds seed, seed+1, ... (default 1)")
    p.add_argument("--out", required=True, help="output file, .json or .csv")

    p = sub.add_parser("cost", help="time forward and backward of each activation")
    p.add_argument("--size", type=_positive_int, default=cost.DEFAULT_SIZE, help="values")
    p.add_argument("--repeats", type=_positive_int, default=9)
    p.add_argument("--activations", default=",".join(activations.ACTIVATIONS))
    p.add_argument("--out", required=True, help="output file, .json or .csv")

    p = sub.add_parser("claims", help="Tutorial 000's star table, rebuilt from measurements")
    p.add_argument("--epochs", type=_positive_int, default=30, help="per dataset (default 30)")
    p.add_argument("--n-train", type=_positive_int, default=1000)
    p.add_argument("--repeats", type=_positive_int, default=9, help="timing repeats")
    p.add_argument("--seed", type=_seed, default=0,
                   help="random seed of the first network (data, weights, batches)")
    p.add_argument("--seeds", type=_positive_int, default=3,
                   help="network seeds seed, seed+1, ... (default 3)")
    p.add_argument("--grid", type=_positive_int, default=claims_risk.DEATH_MAP_GRID,
                   help=f"death map N x N shocks, {claims_risk.MIN_GRID}..{claims_risk.MAX_GRID} "
                        f"(default {claims_risk.DEATH_MAP_GRID})")
    p.add_argument("--out", required=True, help="output file, .json or .csv")


def _rates(text: str) -> list[float]:
    try:
        rates = [float(v) for v in text.split(",") if v.strip()]
    except ValueError:
        raise UsageError(f"--dropout: must be rates like 0,0.5, got {text!r}") from None
    if not rates or any(not 0.0 <= r < 1.0 for r in rates) or len(set(rates)) != len(rates):
        raise UsageError(f"--dropout: give distinct rates in [0, 1), got {text!r}")
    return rates


def _in_range(option: str, value: int, hi: int) -> int:
    if value > hi:
        raise UsageError(f"{option}: must be at most {hi}, got {value}")
    return value


def _clean(v: Any) -> Any:
    if isinstance(v, float) and not math.isfinite(v):
        return None
    return v


def _write(out: Any, fmt: str, config: dict[str, Any], key: str,
           rows: list[dict[str, Any]]) -> None:
    rows = [{k: _clean(v) for k, v in r.items()} for r in rows]
    if out.suffix.lower() == ".json":
        doc = {"format": f"dying-relu-lab/{fmt}@1", "config": config, key: rows}
        text = json.dumps(doc, indent=1, allow_nan=False, ensure_ascii=False) + "\n"
    else:
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows({k: "" if v is None else v for k, v in r.items()} for r in rows)
        text = buf.getvalue()
    try:
        write_atomic(out, text)
    except OSError as e:
        raise UsageError(f"--out: cannot write {str(out)!r}: {e.strerror or e}") from None


def cmd_selfnorm(args: argparse.Namespace) -> int:
    out = check_output(args.out)
    cfg = selfnorm.SelfNormConfig(
        depth=_in_range("--depth", args.depth, selfnorm.MAX_DEPTH),
        width=_in_range("--width", args.width, selfnorm.MAX_WIDTH),
        samples=_in_range("--samples", args.samples, selfnorm.MAX_SAMPLES), init=args.init,
        activations=parse_activations(args.activations, "--activations"), seed=args.seed)
    run = selfnorm.SelfNormRun(cfg)
    stats = run.run()
    reference = run.reference()
    rows = []
    for s in stats:
        mf_mean, mf_var = reference[s.activation]
        for layer in range(cfg.depth + 1):
            rows.append({"activation": s.activation, "init": s.init, "layer": layer,
                         "mean": s.mean[layer], "var": s.var[layer],
                         "dead_fraction": s.dead_fraction[layer],
                         "mean_field_mean": float(mf_mean[layer]),
                         "mean_field_var": float(mf_var[layer])})
    config = {**asdict(cfg), "activations": list(cfg.activations)}
    _write(out, "selfnorm", config, "layers", rows)
    return 0


def cmd_dropout_net(args: argparse.Namespace) -> int:
    out = check_output(args.out)
    names, rates = parse_activations(args.activations, "--activations"), _rates(args.dropout)
    _in_range("--epochs", args.epochs, MAX_EPOCHS)
    _in_range("--n-train", args.n_train, MAX_SAMPLES)
    n_test = _in_range("--n-test", args.n_test or args.n_train, MAX_SAMPLES)
    _in_range("--repeats", args.repeats, MAX_REPEATS)
    if args.dataset == "mnist" and not args.mnist:
        raise UsageError("--dataset mnist needs --mnist PATH (a local file; nothing is downloaded)")
    if args.mnist and args.dataset != "mnist":
        raise UsageError("--mnist is only read with --dataset mnist")
    rows: list[dict[str, Any]] = []
    for seed in range(args.seed, args.seed + args.repeats):
        if args.dataset == "mnist":
            try:
                split = mnist.load(args.mnist, n_train=args.n_train, n_test=n_test)
            except (mnist.MnistError, OSError) as e:
                raise UsageError(f"--mnist: {e}") from None
        else:
            split = datasets2d.make(args.dataset, args.n_train, n_test, seed)
        specs = [RunSpec(a, r) for r in rates for a in names]
        exp = DropoutExperiment(split, specs, args.epochs, seed)
        for h in exp.run():
            base = {"seed": seed, "run": h.spec.id, "activation": h.spec.activation,
                    "dropout": h.spec.dropout, "hidden": h.hidden}
            rows.append({**base, "epoch": 0, "train_loss": None, "test_accuracy": None,
                         "dead": h.initial_dead, "stuck": h.initial_stuck})
            for e in range(len(h.train_loss)):
                rows.append({**base, "epoch": e + 1, "train_loss": h.train_loss[e],
                             "test_accuracy": h.test_accuracy[e], "dead": h.dead[e],
                             "stuck": h.stuck[e]})
    config = {"dataset": args.dataset, "epochs": args.epochs, "n_train": args.n_train,
              "n_test": n_test, "activations": list(names), "dropout": rates,
              "seeds": list(range(args.seed, args.seed + args.repeats)), "hidden": exp.hidden,
              "optimizer": "adam", "lr": exp.lr, "batch_size": exp.batch_size}
    _write(out, "dropout-net", config, "epochs", rows)
    return 0


def cmd_cost(args: argparse.Namespace) -> int:
    out = check_output(args.out)
    names = parse_activations(args.activations, "--activations")
    _in_range("--size", args.size, MAX_SIZE)
    _in_range("--repeats", args.repeats, MAX_REPEATS)
    rows = [asdict(r) for r in cost.measure(names, size=args.size, repeats=args.repeats)]
    config = {"size": args.size, "repeats": args.repeats, "activations": list(names),
              "timer": "time.perf_counter", "statistic": "median", "baseline": cost.BASELINE}
    _write(out, "cost", config, "rows", rows)
    return 0


def cmd_claims(args: argparse.Namespace) -> int:
    out = check_output(args.out)
    _in_range("--epochs", args.epochs, MAX_EPOCHS)
    _in_range("--n-train", args.n_train, MAX_SAMPLES)
    _in_range("--repeats", args.repeats, MAX_REPEATS)
    _in_range("--seeds", args.seeds, MAX_SEEDS)
    _in_range("--grid", args.grid, claims_risk.MAX_GRID)
    if args.grid < claims_risk.MIN_GRID:
        raise UsageError(f"--grid: must be at least {claims_risk.MIN_GRID}, got {args.grid}")
    run = claims.ClaimsRun(epochs=args.epochs, n_train=args.n_train, repeats=args.repeats,
                           seed=args.seed, seeds=args.seeds, grid=args.grid)
    run.advance()
    rows = [{"metric": m, "activation": a, "seed_stars": c.seed, "stars": c.stars,
             "value": c.value, "short": c.short, "how": c.how,
             **{k: c.evidence.get(k) for k in EVIDENCE}}
            for m, cells in run.table().items() for a, c in cells.items()]
    spec = run.death_map_spec
    config = {"epochs": args.epochs, "n_train": args.n_train, "repeats": args.repeats,
              "seed": args.seed, "seeds": list(range(args.seed, args.seed + args.seeds)),
              "death_map": {"base": claims_risk.DEATH_MAP_BASE, "grid": args.grid,
                            "bias": list(spec.bias), "factor": list(spec.factor),
                            "shock_step": spec.shock_step, "lr_steps": spec.lr_steps,
                            "steps": spec.steps,
                            "lost_states": [s.label for s in claims_risk.LOST_STATES]},
              "risk": "max(death_map_share, preset_share, network_share)"}
    _write(out, "claims", config, "cells", rows)
    return 0


def run(args: argparse.Namespace) -> int:
    """Run the subcommand ``args.command``; the exit status."""
    return {"selfnorm": cmd_selfnorm, "dropout-net": cmd_dropout_net, "cost": cmd_cost,
            "claims": cmd_claims}[args.command](args)
