"""Bad numbers at every headless entry point: command-line options, session files, own-data CSVs
and stored preferences. Each is refused with one short, clear message (or, for preferences,
falls back to the default); none raises anything else, none leaves a file behind.

(tests/test_cli.py, tests/test_claim_cli.py, tests/test_population_cli.py,
tests/app/test_session.py and tests/app/test_own_data.py hold the first cases of each; this file
sweeps the numbers.)
"""

import json
import os

import pytest

from app import cli, own_data, session
from app.files import FileError, parse_json
from simulation import presets
from simulation.config import ConfigError
from tests.helpers import read_only_folder

# --- command line ---------------------------------------------------------------------------------
NUMBERS = ["nan", "NaN", "inf", "-inf", "Infinity", "1e3", "1.5", "0x10", "", " ", "ten", "-1",
           "0", "1" * 5000]
INT_OPTIONS = [  # (subcommand and its required options, numeric option, values it also refuses)
    (["simulate", "--scenario", "healthy"], "--steps", ["1000000000"]),  # > 1e8 steps
    (["simulate", "--scenario", "healthy"], "--seed", [str(2**32), "-5"]),
    (["selfnorm"], "--depth", ["101"]), (["selfnorm"], "--width", ["513"]),
    (["selfnorm"], "--samples", ["4097"]), (["selfnorm"], "--seed", [str(2**32)]),
    (["dropout-net"], "--epochs", ["10001"]), (["dropout-net"], "--n-train", ["100001"]),
    (["dropout-net"], "--n-test", ["100001"]), (["dropout-net"], "--repeats", ["1001"]),
    (["dropout-net"], "--seed", [str(2**40)]),
    (["cost"], "--size", ["10000001"]), (["cost"], "--repeats", ["1001", "9" * 30]),
    (["claims"], "--epochs", ["10001"]), (["claims"], "--n-train", ["100001"]),
    (["claims"], "--repeats", ["1001"]), (["claims"], "--seed", ["-1"]),
    (["population", "--scenario", "healthy"], "--size", ["100001"]),
    (["population", "--scenario", "healthy"], "--steps", ["1000000000"]),
    (["population", "--scenario", "healthy"], "--seed", [str(2**32), "-5"]),
    (["sweep"], "--steps", ["1000000000", "300"]),  # 300: not after the shock (step 300)
    (["sweep"], "--shock-step", ["2300", "-5"]),  # 2300: the last step is 2299
    (["sweep"], "--lr-steps", []),
    (["sweep"], "--seed", [str(2**32)]),
]
GOOD_NUMBERS = {("--seed", "0"), ("--shock-step", "0")}  # a seed of 0, shocks at step 0
CLI_CASES = [pytest.param([*cmd, opt, v], id=f"{cmd[0]} {opt} {v[:12]!r}")
             for cmd, opt, extra in INT_OPTIONS
             for v in NUMBERS + extra
             if (opt, v) not in GOOD_NUMBERS]
CLI_CASES += [pytest.param(["simulate", "--scenario", "healthy", "--dropout", v], id=f"dropout {v}")
              for v in ("nan", "inf", "-inf", "abc", "1", "0.96", "-0.1", "1e400")]
CLI_CASES += [pytest.param(["dropout-net", "--dropout", v], id=f"dropout-net rates {v}")
              for v in ("nan", "inf", "0,nan", "0,-inf", "0,1e400", "", ",", "0,0")]
CLI_CASES += [pytest.param(["population", "--scenario", "healthy", "--dropout", v],
                           id=f"population rates {v}")
              for v in ("nan", "inf", "-inf", "0,nan", "0,1e400", "-0.1", "0.96", "1", "half",
                        "", ",", "0,0")]
SWEEP_AXES = {  # LO:HI:N or a list; bias b within ±1e6, lr factors in (0, 1e6], 1..1000 values
    "--bias": ["nan", "nan,1", "inf", "1e400", "9" * 400, "2e6", "1,-2e6", "0:1:0", "0:1:1001",
               "0:1:1.5", "0:1:nan", "0:nan:3", "0:1e400:3", "1:2", "1:2:3:4", "a:b:c", "",
               " ", ",", "0,,1", "0:1:" + "9" * 5000],
    "--factor": ["nan", "inf", "1e7", "1,2e6", "1:1e7:3", "0:10:3", "1:0:3", "1,-2", "0:1:0",
                 "1:10:1001", "1:2", "x"],
}
CLI_CASES += [pytest.param(["sweep", f"{opt}={v}"], id=f"sweep {opt} {v[:12]!r}")
              for opt, values in SWEEP_AXES.items() for v in values]
CLI_CASES += [pytest.param(["sweep", "--bias", "0:1:500", "--factor", "1:10:501"],
                           id="sweep grid over 250,000 cells")]
GUI_CASES = [pytest.param(args, id=" ".join(args)[:40]) for args in (
    ["--size", "nanxnan"], ["--size", "infx720"], ["--size", "1280x"], ["--size", "0x0"],
    ["--size", "1e4x1e4"], ["--size", "100000x720"], ["--size", "-1280x720"],
    ["--size", "1280x720x3"], ["--steps", "nan", "--screenshot", "x.png"],
    ["--steps", "-3", "--screenshot", "x.png"], ["--size", "x" * 5000],
)]


def check_refused(capsys, argv, folder):
    assert cli.main(argv) == cli.EXIT_BAD_INPUT
    out, err = capsys.readouterr()
    assert out == "" and len(err.splitlines()) == 1 and err.startswith("error: ")
    assert len(err) < 300, err
    assert "Traceback" not in err
    assert os.listdir(folder) == []


@pytest.mark.parametrize("argv", CLI_CASES)
def test_every_numeric_option_refuses_bad_numbers(capsys, tmp_path, argv):
    check_refused(capsys, [*argv, "--out", str(tmp_path / "out.json")], tmp_path)


@pytest.mark.parametrize("argv", GUI_CASES)
def test_window_options_refuse_bad_numbers_before_any_window(capsys, tmp_path, argv):
    argv = [str(tmp_path / a) if a.endswith(".png") else a for a in argv]
    check_refused(capsys, argv, tmp_path)


def test_the_smallest_sweep_grid_is_accepted(tmp_path):
    """1 x 1 is in range (the refusals above are not off by one)."""
    out = tmp_path / "m.json"
    assert cli.main(["sweep", "--bias", "0", "--factor", "1", "--out", str(out)]) == 0
    assert json.loads(out.read_text(encoding="utf-8"))["cells"] == 1


# --out of `population` and `sweep`, as tests/test_cli.py checks `simulate`'s (a wrong suffix and
# a missing folder: tests/test_population_cli.py)
OUT_COMMANDS = {
    "population": ["population", "--scenario", "healthy", "--size", "10", "--steps", "5"],
    "sweep": ["sweep", "--bias", "0", "--factor", "1", "--shock-step", "2", "--steps", "5"],
}


@pytest.mark.parametrize("out", ["out", "out.", "out.json.bak", "missing/deeper/out.csv"])
@pytest.mark.parametrize("command", list(OUT_COMMANDS))
def test_population_and_sweep_refuse_a_bad_out_path(capsys, tmp_path, command, out):
    check_refused(capsys, [*OUT_COMMANDS[command], "--out", str(tmp_path / out)], tmp_path)


@pytest.mark.parametrize("command", list(OUT_COMMANDS))
def test_population_and_sweep_refuse_a_folder_as_out(capsys, tmp_path, command):
    folder = tmp_path / "taken.json"
    folder.mkdir()
    check_refused(capsys, [*OUT_COMMANDS[command], "--out", str(folder)], folder)
    assert os.listdir(tmp_path) == ["taken.json"]


@pytest.mark.parametrize("command", list(OUT_COMMANDS))
def test_population_and_sweep_refuse_a_read_only_folder(capsys, tmp_path, command):
    with read_only_folder(tmp_path) as folder:
        check_refused(capsys, [*OUT_COMMANDS[command], "--out", str(folder / "out.json")], folder)


# --- session files --------------------------------------------------------------------------------
def good(**changes):
    d = session.Session(presets.get("bias-shock").config(), "bias-shock",
                        [{"step": 5, "kind": "bias_shock", "b": -10.0},
                         {"step": 6, "kind": "lr_shock", "factor": 3.0, "steps": 2},
                         {"step": 7, "kind": "weight_shock", "w1": 1.0, "w2": -1.0},
                         {"step": 8, "kind": "set_lr", "lr": 0.1}], 10).to_dict()
    d.update(changes)
    return d


def event(i, **changes):
    events = good()["events"]
    events[i] = {**events[i], **changes}
    return good(events=events)


def config(**changes):
    return good(config={**good()["config"], **changes})


BAD_VALUES = {"nan": float("nan"), "inf": float("inf"), "text": "x", "numeric text": "1",
              "None": None, "bool": True, "list": [1], "object": {"a": 1}, "huge": 1e300,
              "10**20": 10**20}
SESSION_FIELDS = {  # what the existing tests (test_session.BAD) do not sweep yet
    "bias shock b": lambda v: event(0, b=v),
    "lr shock factor": lambda v: event(1, factor=v),
    "lr shock steps": lambda v: event(1, steps=v),
    "weight shock w1": lambda v: event(2, w1=v),
    "weight shock w2": lambda v: event(2, w2=v),
    "set_lr lr": lambda v: event(3, lr=v),
    "event step": lambda v: event(0, step=v),
    "session step": lambda v: good(step=v),
    "speed": lambda v: good(speed=v),
    "view lane": lambda v: good(view={"lane": v}),
    "config lr": lambda v: config(lr=v),
    "config steps": lambda v: config(steps=v),
    "config batch size": lambda v: config(batch_size=v),
    "initial w1": lambda v: config(init={"w1": v, "w2": 0.1, "b": 0.0}),
    "data noise": lambda v: config(data={**good()["config"]["data"], "noise": v}),
    "own data x": lambda v: config(data={"x": [[0.5, v]], "y": [1.0]}),
    "own data y": lambda v: config(data={"x": [[0.5, 0.5]], "y": [v]}),
    "lane parameter": lambda v: config(lanes=[{"activation": "elu", "params": {"alpha": v}}]),
}
OK_VALUES = {"config batch size": {"None"}, "view lane": set()}
SESSION_CASES = [pytest.param(field, name, id=f"{field}={name}")
                 for field in SESSION_FIELDS for name in BAD_VALUES
                 if name not in OK_VALUES.get(field, ())]
MORE_BAD = {
    "set_lr above the app's 100": event(3, lr=101.0),
    "negative set_lr": event(3, lr=-0.5),
    "lr shock of both kinds": event(1, value=2.0),
    "bias shock with an extra key": event(0, w1=1.0),
    "event without a step": good(events=[{"kind": "bias_shock", "b": -1.0}]),
    "view grad_mode a number": good(view={"grad_mode": 5}),
    "view hidden a string": good(view={"hidden": "relu"}),
    "preset a number": good(preset=5),
    "format a number": good(format=1),
}


@pytest.mark.parametrize(("field", "name"), SESSION_CASES)
def test_session_numbers_are_refused_with_a_clear_message(field, name):
    d = SESSION_FIELDS[field](BAD_VALUES[name])
    with pytest.raises(ConfigError) as e:
        session.session_from_dict(d)
    assert 0 < len(str(e.value)) < 300


@pytest.mark.parametrize("name", list(MORE_BAD))
def test_malformed_sessions_are_refused(name):
    with pytest.raises(ConfigError):
        session.session_from_dict(MORE_BAD[name])


def test_the_good_session_is_accepted():
    assert session.session_from_dict(good()).step == 10


HOSTILE_JSON = {  # read as files: parse_json's limits
    "truncated anywhere": [json.dumps(good())[:k] for k in (1, 10, 100, 1000, -1)],
    "deep objects": ['{"a":' * 50 + "1" + "}" * 50],
    "deep arrays in an event": [json.dumps(good(events=[[[[[[[[[[[1]]]]]]]]]]]))],
    "huge exponent": [json.dumps(good()).replace('"speed": 240.0', '"speed": 1e400')],
    "huge integer": [json.dumps(good()).replace('"step": 10', '"step": ' + "9" * 400)],
    "integer of 10,000 digits": ['{"step": ' + "9" * 10_000 + "}"],
    "NaN, Infinity": ['{"a": NaN}', '{"a": -Infinity}'],
    "control characters": ['{"format": "dying\x00relu"}'],
    "lone surrogate": ['{"format": "\\ud800"}'],
    "duplicate keys": ['{"format": "x", "format": "dying-relu-lab/session@1"}'],
}


@pytest.mark.parametrize("name", list(HOSTILE_JSON))
def test_hostile_session_text_is_refused_cleanly(tmp_path, name):
    for i, text in enumerate(HOSTILE_JSON[name]):
        path = tmp_path / f"s{i}.drlab"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        with pytest.raises(FileError) as e:
            session.read_session(path)
        assert str(e.value).startswith(path.name) and len(str(e.value)) < 300


def test_parse_json_never_leaks_another_exception():
    for text in ("[" * 10_000, '{"a": ' * 10_000, "1e999999", "-" + "9" * 5000, "\ufeff[]"):
        try:
            parse_json(text, "f")
        except FileError:
            pass


# --- own-data CSV ---------------------------------------------------------------------------------
CSV_BAD_CELLS = ["nan", "NaN", "-nan", "inf", "-inf", "Infinity", "1e309", "-1e309", "1e7",
                 "-1000001", "abc", "0x10", "1,5", "--1", "1e", "", " ", "\u00a0"]
CSV_CASES = [pytest.param(col, cell, id=f"{col}={cell!r}")
             for col in ("x1", "x2", "y") for cell in CSV_BAD_CELLS]


@pytest.mark.parametrize(("col", "cell"), CSV_CASES)
def test_every_bad_cell_is_refused_naming_row_and_column(col, cell):
    row = {"x1": "0.5", "x2": "0.5", "y": "1", col: cell}
    text = "x1;x2;y\n0.1;0.2;0.3\n" + ";".join(row[c] for c in ("x1", "x2", "y")) + "\n"
    with pytest.raises(FileError) as e:
        own_data.parse_csv(text, "d.csv")
    message = str(e.value)
    assert message.startswith("d.csv") and len(message) < 300
    if cell.strip(" \u00a0"):
        assert f"row 3, column {col}" in message


@pytest.mark.parametrize("text", [
    "x1,x2,y\n1,2," + "3" * 200_000 + "\n",  # a field over the csv module's 128 KB limit
    "x1,x2," + "y" * 200_000 + "\n1,2,3\n",
    'x1,x2,y\n1,2,"3\n',  # an unclosed quote
    "x1,x2,y\n" + "1,2,3," * 50_000 + "\n",  # a row of 150,000 cells
], ids=["huge field", "huge header", "open quote", "wide row"])
def test_hostile_csv_is_refused_cleanly(text):
    try:
        data = own_data.parse_csv(text, "d.csv")
    except FileError as e:
        assert str(e).startswith("d.csv") and len(str(e)) < 300
    else:
        assert len(data.y) == 1  # the wide row: its first three cells are x1, x2, y


# --- stored preferences ---------------------------------------------------------------------------
def test_hostile_preferences_fall_back_to_defaults(tmp_path):
    from PySide6.QtCore import QSettings

    from app import settings

    path = tmp_path / "prefs.ini"
    path.write_text("[view]\ntheme=1e308\npresentation=nan\nfont_scale=inf\n"
                    "[files]\nlast_dir=/no\\0where\n[help]\nseen_tour=" + "9" * 5000 + "\n")
    p = settings.Preferences(QSettings(str(path), QSettings.Format.IniFormat))
    assert p.theme() == "light" and p.presentation() is False
    assert p.font_scale() == settings.SCALES[0]
    assert p.last_dir() and p.seen_tour() is False
    for scale in ("nan", "-inf", "1e400", "abc", ""):
        p.store.setValue("view/font_scale", scale)
        assert p.font_scale() == settings.SCALES[0]
