"""Start-up: what opening the window imports, and the command line it still parses.

The window's own options are parsed without building the headless subcommands' parsers (their
modules, the seeds' other claims, cost ~60 ms), the menu icons' font is loaded directly
rather than through superqt's font registry (~0.1-0.17 s), pyqtgraph's Qt mirrors fetch PySide6's
classes on demand (~0.1 s: app/pyqtgraph_import.py) and the views are built once.
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


def _printed_after(code: str, expression: str):
    """``expression`` (JSON), evaluated once ``code`` has run in a fresh offscreen interpreter."""
    probe = code + f"\nimport json, sys\nprint(json.dumps({expression}))\n"
    res = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True,
                         encoding="utf-8", timeout=120,
                         env={**os.environ, "QT_QPA_PLATFORM": "offscreen"})
    assert res.returncode == 0, res.stderr
    return json.loads(res.stdout.splitlines()[-1])


def _imported_after(code: str) -> list[str]:
    """The CLAIM_MODULES imported once ``code`` has run in a fresh offscreen interpreter."""
    return _printed_after(code, f"sorted(m for m in {CLAIM_MODULES!r} if m in sys.modules)")


BUILD_WINDOW = ("from app.application import create_window, ensure_app\n"
                "app = ensure_app()\n"
                "w = create_window('bias-shock')\n"
                "w.show(); app.processEvents()\n")


def test_the_windows_options_parse_without_the_subcommands_modules():
    assert _imported_after(
        "from app.cli import _parse\n"
        "a = _parse(['--scenario', 'bias-shock', '--size', '800x600'])\n"
        "assert a.command is None and a.scenario == 'bias-shock' and a.size == (800, 600)"
    ) == []


def test_building_the_window_imports_neither_the_claims_nor_superqt():
    assert _imported_after(
        BUILD_WINDOW + "from app.icons import _icon_family\n"
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


def test_the_window_creates_few_of_pyside6s_classes():
    """pyqtgraph's import no longer makes every class of QtCore, QtGui and QtWidgets (and
    their enums): the window shown, about half of them exist (382 of 732; 721 with pyqtgraph
    imported plainly)."""
    made, names = _printed_after(
        BUILD_WINDOW + "import sys, pyqtgraph\n"
        "assert pyqtgraph.Qt.QtCore.__lazy_source__ is sys.modules['PySide6.QtCore']\n"
        "from PySide6 import QtCore, QtGui, QtWidgets\n"
        "mods = (QtCore, QtGui, QtWidgets)\n",
        "[sum(len(vars(m)) for m in mods), sum(len(dir(m)) for m in mods)]")
    assert 0 < made < 0.7 * names, (made, names)


def test_pyqtgraphs_mirrors_hold_pyside6s_own_objects():
    import pyqtgraph
    import PySide6.QtCore
    import PySide6.QtGui
    import PySide6.QtWidgets
    from pyqtgraph.Qt.QtWidgets import QGraphicsItem  # (a from-import reaches the mirror too)

    from app.pyqtgraph_import import import_pyqtgraph

    assert import_pyqtgraph() is pyqtgraph  # (imported already: returned as it is)
    assert QGraphicsItem is PySide6.QtWidgets.QGraphicsItem
    for mirror, source in ((pyqtgraph.Qt.QtCore, PySide6.QtCore),
                           (pyqtgraph.Qt.QtGui, PySide6.QtGui),
                           (pyqtgraph.Qt.QtWidgets, PySide6.QtWidgets)):
        assert mirror.__lazy_source__ is source  # (conftest imports pyqtgraph as the app does)
        assert set(dir(source)) <= set(dir(mirror))
        assert len(dir(source)) > 200  # the sources' own listings were given back
        with pytest.raises(AttributeError):
            mirror.NoSuchQtClass  # noqa: B018
    assert pyqtgraph.Qt.QtGui.QPen is PySide6.QtGui.QPen
    assert pyqtgraph.Qt.QtCore.Qt.AlignmentFlag is PySide6.QtCore.Qt.AlignmentFlag


def test_building_the_window_sets_each_views_model_once(qtbot, monkeypatch):
    from app.application import create_window
    from widgets.chain_rule import ChainRulePanel
    from widgets.lane_card import LaneCards
    from widgets.network_diagram import NetworkDiagram
    from widgets.time_plots import TimePlots

    calls: list[str] = []
    for cls in (ChainRulePanel, LaneCards, NetworkDiagram, TimePlots):
        original = cls.set_model
        monkeypatch.setattr(cls, "set_model", lambda self, sim, _o=original, _n=cls.__name__:
                            calls.append(_n) or _o(self, sim))
    window = create_window("bias-shock")
    qtbot.addWidget(window)
    assert sorted(calls) == ["ChainRulePanel", "LaneCards", "NetworkDiagram", "TimePlots"]
    window.controller.reset()  # a new model still reaches every view
    assert len(calls) == 8
