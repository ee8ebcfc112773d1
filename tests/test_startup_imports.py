"""Start-up: what opening the window imports, and the command line it still parses.

The window's own options are parsed without building the headless subcommands' parsers (their
modules, the seeds' other claims, cost ~60 ms), and the menu icons' font is loaded directly
rather than through superqt's font registry (~0.1-0.17 s).
"""

import json
import os
import subprocess
import sys

import pytest

from app.cli import _parse, build_parser
from tests.helpers import ROOT, run_main

CLAIM_MODULES = ("app.claim_cli", "app.population_cli", "simulation.claims",
                 "simulation.claims_risk", "simulation.dropout_net", "simulation.mnist",
                 "simulation.sweep", "superqt", "fonticon_mdi7.mdi7")


def _imported_after(code: str) -> list[str]:
    """The CLAIM_MODULES imported once ``code`` has run in a fresh offscreen interpreter."""
    probe = (code + "\nimport json, sys\n"
             f"print(json.dumps(sorted(m for m in {CLAIM_MODULES!r} if m in sys.modules)))\n")
    res = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         encoding="utf-8", timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.splitlines()[-1])


def test_the_windows_options_parse_without_the_subcommands_modules():
    assert _imported_after(
        "from app.cli import _parse\n"
        "a = _parse(['--scenario', 'bias-shock', '--size', '800x600'])\n"
        "assert a.command is None and a.scenario == 'bias-shock' and a.size == (800, 600)"
    ) == []


def test_building_the_window_imports_neither_the_claims_nor_superqt():
    assert _imported_after(
        "from app.application import create_window, ensure_app\n"
        "app = ensure_app()\n"
        "w = create_window('bias-shock')\n"
        "w.show(); app.processEvents()\n"
        "from app.icons import _icon_family\n"
        "assert _icon_family() == 'Material Design Icons', _icon_family()\n"
        "w.close(); w.deleteLater(); app.processEvents()"
    ) == []


@pytest.mark.parametrize("argv, command", [
    (["--scenario", "bias-shock"], None),
    ([], None),
    (["simulate", "--scenario", "bias-shock", "--out", "x.json"], "simulate"),
    (["selfnorm", "--out", "x.json"], "selfnorm"),
    (["sweep", "--out", "x.json"], "sweep"),
    (["cost", "--size", "5000", "--out", "x.json"], "cost"),  # not the window's --size WxH
])
def test_each_command_line_reaches_its_command(argv, command):
    assert _parse(argv).command == command


def test_parsing_gives_what_the_full_parser_gives():
    argv = ["--scenario", "elu-fails", "--steps", "40", "--size", "1280x720"]
    assert vars(_parse(argv)) == vars(build_parser().parse_args(argv))


def test_help_still_lists_every_subcommand():
    res = run_main("--help")
    assert res.returncode == 0, res.stderr
    for name in ("scenarios", "simulate", "selfnorm", "dropout-net", "cost", "claims",
                 "population", "sweep"):
        assert name in res.stdout


@pytest.mark.parametrize("argv, said", [
    (["--bogus"], "unrecognized arguments: --bogus"),
    (["simulte"], "invalid choice: 'simulte'"),
    (["--size", "huge"], "--size"),
])
def test_a_bad_command_line_is_one_clear_line(argv, said):
    res = run_main(*argv)
    assert res.returncode == 2 and res.stdout == ""
    assert res.stderr.startswith("error: ") and said in res.stderr
    assert len(res.stderr.strip().splitlines()) == 1


def test_the_icons_code_points_are_the_fonts():
    from fonticon_mdi7 import MDI7

    from app.icons import CODEPOINTS, FONT_FILE

    for name, point in CODEPOINTS.items():
        assert str(getattr(MDI7, name.replace("-", "_"))) == f"mdi7.{chr(point)}", name
    assert MDI7.__font_file__.replace("\\", "/").endswith(FONT_FILE)


def test_every_icon_the_window_shows_is_in_the_table(qtbot, monkeypatch):
    """Each glyph the window and its menus ask for is looked up without the font's name table."""
    from PySide6.QtWidgets import QMenu

    from app import icons
    from app.application import create_window

    asked: list[str] = []
    char = icons._char
    monkeypatch.setattr(icons, "_char", lambda name: asked.append(name) or char(name))
    window = create_window("bias-shock")
    qtbot.addWidget(window)
    window.show()
    for menu in window.findChildren(QMenu):
        for action in menu.actions():
            action.icon().pixmap(16, 16)
    icons.app_icon()
    assert asked and set(asked) <= set(icons.CODEPOINTS), set(asked) - set(icons.CODEPOINTS)
