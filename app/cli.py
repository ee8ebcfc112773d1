"""The headless command line: list scenarios, simulate one and write its run record."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import NoReturn

from simulation import activations, presets
from simulation.config import ConfigError, LaneSpec, RunConfig

EXIT_BAD_INPUT = 2


class UsageError(Exception):
    """Bad input on the command line: one line for stderr, exit status 2."""


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:  # one clear line, no usage dump
        raise UsageError(f"{self.prog}: {message}")


def _cut(text: str) -> str:
    """An argument as a message shows it: quoted, at most 40 characters."""
    return repr(text) if len(text) <= 40 else repr(text[:37]) + "..."


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {_cut(text)}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be a positive integer, got {_cut(text)}")
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"must be an integer 0..2**32-1, got {_cut(text)}") from None
    if not 0 <= value < 2**32:
        raise argparse.ArgumentTypeError(f"must be an integer 0..2**32-1, got {_cut(text)}")
    return value


def _size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(f"must look like 1280x720, got {_cut(text)}") from None
    if not (320 <= w <= 10_000 and 240 <= h <= 10_000):
        raise argparse.ArgumentTypeError(
            f"must be between 320x240 and 10000x10000, got {_cut(text)}")
    return w, h


def build_parser(subcommands: bool = True) -> argparse.ArgumentParser:
    """The parser for ``main.py`` (GUI options at top level, headless subcommands; without
    ``subcommands``, the GUI options alone, which import nothing of the seeds' other claims)."""
    parser = _Parser(prog="main.py", description="Dying ReLU Lab: watch a neuron die, live.")
    parser.add_argument("--scenario", default=presets.DEFAULT_PRESET,
                        help="preset to open the window with (see `main.py scenarios`)")
    parser.add_argument("--steps", type=_positive_int, help="with --screenshot: steps to run first")
    parser.add_argument("--screenshot", metavar="FILE.png",
                        help="run --steps steps in the real window, save it as PNG, exit")
    parser.add_argument("--size", type=_size, default=None, metavar="WxH",
                        help="window size, e.g. 1280x720 (default: as last closed, else "
                             "1920x1080 cut to fit the screen; screenshots 1920x1080)")
    parser.add_argument("--open", metavar="FILE",
                        help="open a session (.drlab) or own data (.csv) in the window")
    if not subcommands:
        return parser
    sub = parser.add_subparsers(dest="command", parser_class=_Parser)
    sub.add_parser("scenarios", help="list the presets, one a line: id and description")
    sim = sub.add_parser("simulate", help="run a preset headless and write its run record")
    sim.add_argument("--scenario", required=True, help="preset id")
    sim.add_argument("--steps", type=_positive_int, help="number of steps (default: the preset's)")
    sim.add_argument("--seed", type=_seed, help="random seed (data, weights, batch order)")
    sim.add_argument("--lanes", help="comma-separated activations, e.g. relu,leaky_relu,elu")
    sim.add_argument("--dropout", type=float, default=0.0,
                     help="dropout rate on every lane's output while training (default 0)")
    sim.add_argument("--out", required=True, help="output file, .json or .csv")
    from app import claim_cli  # selfnorm, dropout-net, cost, claims

    claim_cli.add_subcommands(sub)
    from app import population_cli  # population, sweep

    population_cli.add_subcommands(sub)
    return parser


def parse_activations(text: str, option: str) -> tuple[str, ...]:
    """``relu,elu`` -> the activation names; UsageError (naming ``option``) on an empty list, an
    unknown or a repeated name."""
    names = tuple(n.strip() for n in text.split(",") if n.strip())
    if not names:
        raise UsageError(f"{option}: give at least one activation")
    for name in names:
        if name not in activations.ACTIVATIONS:
            raise UsageError(f"{option}: unknown activation {name!r} "
                             f"(known: {', '.join(activations.ACTIVATIONS)})")
    if len(set(names)) != len(names):
        raise UsageError(f"{option}: an activation is listed twice in {text!r}")
    return names


def parse_lanes(text: str) -> list[LaneSpec]:
    """``relu,elu`` -> lane specs; UsageError on an unknown or repeated name."""
    return [LaneSpec(n) for n in parse_activations(text, "--lanes")]


def check_output(path: str, suffixes: tuple[str, ...] = (".json", ".csv")) -> Path:
    """The output path, if its suffix is known and its folder exists and is writable."""
    out = Path(path)
    if out.suffix.lower() not in suffixes:
        raise UsageError(f"--out: must end in {' or '.join(suffixes)}, got {path!r}")
    parent = out.parent if str(out.parent) else Path(".")
    if not parent.is_dir():
        raise UsageError(f"--out: folder {str(parent)!r} does not exist")
    if out.is_dir():
        raise UsageError(f"--out: {path!r} is a folder")
    import os
    if not os.access(parent, os.W_OK):
        raise UsageError(f"--out: cannot write to folder {str(parent)!r}")
    return out


def cmd_scenarios() -> int:
    for p in presets.PRESETS.values():
        print(f"{p.id}\t{p.description}")
    return 0


def cmd_simulate(args: argparse.Namespace) -> int:
    from simulation.engine import Simulation
    from simulation.record import save

    out = check_output(args.out)
    try:
        cfg = presets.get(args.scenario).config(steps=args.steps, seed=args.seed)
        if args.lanes is not None or args.dropout:
            d = cfg.to_dict()
            if args.lanes is not None:
                d["lanes"] = [vars(lane) for lane in parse_lanes(args.lanes)]
            d["lanes"] = [{**lane, "dropout": args.dropout} for lane in d["lanes"]]
            cfg = RunConfig.from_dict(d)
    except ConfigError as e:
        raise UsageError(str(e)) from None
    sim = Simulation(cfg, record_batches=True)
    sim.run(cfg.steps)
    try:
        save(sim, out)
    except OSError as e:
        raise UsageError(f"--out: cannot write {args.out!r}: {e.strerror or e}") from None
    return 0


def _parse(argv: list[str]) -> argparse.Namespace:
    """``argv`` parsed; the window's options alone are parsed without building the subcommands'
    parsers, whose modules (claims, sweeps, MNIST...) cost ~60 ms of the window's start-up."""
    if not {"-h", "--help"} & set(argv):
        try:  # (a subcommand's option can look like the window's: `cost --size 5000`)
            args, rest = build_parser(subcommands=False).parse_known_args(argv)
        except UsageError:
            rest = argv
        if not rest:
            args.command = None
            return args
    return build_parser().parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    """Entry point for the headless commands; returns the exit status."""
    argv = sys.argv[1:] if argv is None else argv
    try:
        args = _parse(argv)
        if args.command is None:
            from app.application import run_gui

            return run_gui(args)
        if args.command == "scenarios":
            return cmd_scenarios()
        if args.command == "simulate":
            return cmd_simulate(args)
        from app import claim_cli

        if args.command in claim_cli.COMMANDS:
            return claim_cli.run(args)
        from app import population_cli

        return population_cli.run(args)
    except UsageError as e:
        print(f"error: {e}", file=sys.stderr)
        return EXIT_BAD_INPUT
