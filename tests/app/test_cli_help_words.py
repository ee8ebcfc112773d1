"""The command line's help names the source documents as the app does ("Tutorial 000/002"):
"seed" there means the random seed only, and every --seed says what it seeds."""

from __future__ import annotations

import argparse
import re

from app.cli import build_parser


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    action = next(a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_subcommand_summaries_name_the_tutorials_not_seeds():
    text = build_parser().format_help()
    assert not re.search(r"seed 00\d", text, re.IGNORECASE), text
    assert "Tutorial 002's network" in text
    assert "Tutorial 000's star table" in text


def test_every_seed_option_says_what_it_seeds():
    for name, sub in _subparsers(build_parser()).items():
        for action in sub._actions:
            if "--seed" in action.option_strings:
                assert action.help and "random seed" in action.help, name
