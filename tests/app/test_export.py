"""Export: plots as PNG and SVG through pyqtgraph's exporters, the run record in the engine's
format (every step, even past the live history), the window as PNG; all writes atomic."""

import json
import os
import xml.etree.ElementTree as ET

import pytest
from PySide6.QtGui import QImage

from app import dialogs, export
from simulation import presets
from simulation.record import run_record, to_csv, to_json
from simulation.replay import replay
from tests.helpers import play


@pytest.mark.parametrize("name", ["loss", "z", "a", "grad", "params"])
def test_each_plot_exports_as_png_and_svg(win, tmp_path, name):
    play(win, 400)
    png, svg = tmp_path / f"{name}.png", tmp_path / f"{name}.svg"
    export.export_plot(win.plots, name, png)
    export.export_plot(win.plots, name, svg)
    image = QImage(str(png))
    assert not image.isNull()
    width = win.plots.plots[name].sceneBoundingRect().width()
    assert image.width() >= 1.9 * width  # twice the on-screen size
    root = ET.fromstring(svg.read_bytes())
    assert root.tag.endswith("svg")
    assert "b = −10" in svg.read_text(encoding="utf-8")  # the shock marker's label
    assert sorted(p.name for p in tmp_path.iterdir()) == sorted([png.name, svg.name])
    # the figure dressing is gone again
    assert not win.plots.plots[name].titleLabel.isVisible()


def test_all_plots_into_a_folder(win, tmp_path, monkeypatch, messages):
    play(win, 50)
    monkeypatch.setattr(dialogs, "ask_folder", lambda *a: str(tmp_path))
    assert export.all_plots_dialog(win)
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == sorted(f"bias-shock-{n}.{f}" for n in win.plots.plots for f in ("png", "svg"))
    assert not messages


def test_run_record_is_the_engines_format_with_every_step(win, tmp_path, monkeypatch):
    play(win, 100)
    win.controller.bias_shock(-3.0)
    play(win, 50)
    expected = run_record(replay(presets.get("bias-shock").config(),
                                 [{"step": 100, "kind": "bias_shock", "b": -3.0}], 150,
                                 record_batches=True))
    for suffix, text in ((".json", to_json(expected)), (".csv", to_csv(expected))):
        path = tmp_path / f"run{suffix}"
        monkeypatch.setattr(dialogs, "ask_save", lambda *a, p=path: str(p))
        assert export.record_dialog(win)
        assert path.read_text(encoding="utf-8") == text
    d = json.loads((tmp_path / "run.json").read_text())
    assert d["format"] == "dying-relu-lab/run@1" and len(d["lanes"][0]["steps"]["step"]) == 150


def test_run_record_covers_steps_the_live_ring_dropped(win, tmp_path, monkeypatch):
    import app.export as ex
    from app import controller

    monkeypatch.setattr(controller, "HISTORY_CAPACITY", 50)
    win.controller.reset()
    play(win, 120)
    assert len(win.controller.sim.history) <= 120
    path = tmp_path / "r.json"
    ex.export_record(win.controller.sim, win.controller.journal, path)
    assert len(json.loads(path.read_text())["lanes"][0]["steps"]["step"]) == 120


def test_a_run_without_steps_is_refused(win, tmp_path, messages, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / "r.csv"))
    assert not export.record_dialog(win)
    assert "no steps" in messages[0][1] and not list(tmp_path.iterdir())


def test_window_png(win, tmp_path, monkeypatch):
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / "w"))
    assert export.window_dialog(win)
    image = QImage(str(tmp_path / "w.png"))
    assert image.width() == win.width() * win.devicePixelRatio()


@pytest.mark.parametrize("job", ["plot", "record", "window"])
def test_a_failed_write_keeps_the_old_file_and_leaves_no_temp(win, tmp_path, monkeypatch,
                                                              messages, job):
    play(win, 20)
    suffix = {"plot": ".png", "record": ".json", "window": ".png"}[job]
    path = tmp_path / f"out{suffix}"
    path.write_bytes(b"old")

    def boom(src, dst):
        raise OSError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", boom)
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(path))
    dialog = {"plot": lambda: export.plot_dialog(win, "loss"),
              "record": lambda: export.record_dialog(win),
              "window": lambda: export.window_dialog(win)}[job]
    assert not dialog()
    monkeypatch.undo()
    assert path.read_bytes() == b"old"
    assert [p.name for p in tmp_path.iterdir()] == [path.name]
    assert "permission denied" in messages[0][1]


@pytest.mark.parametrize("name", ["plot.txt", "record.png", "window.jpg"])
def test_wrong_suffixes_are_refused(win, tmp_path, monkeypatch, messages, name):
    play(win, 5)
    monkeypatch.setattr(dialogs, "ask_save", lambda *a: str(tmp_path / name))
    dialog = {"plot": lambda: export.plot_dialog(win, "z"),
              "record": lambda: export.record_dialog(win),
              "window": lambda: export.window_dialog(win)}[name.split(".")[0]]
    assert not dialog()
    assert not list(tmp_path.iterdir()) and messages[0][0] == "error"


def test_exported_lane_key_labels_are_level_with_their_samples(win):
    """The figure's lane key drew each name ~20 px above its line (pyqtgraph's LegendItem puts
    the text at the top of a row as tall as the sample)."""
    from app.export import _as_figure

    play(win, 50)
    with _as_figure(win.plots, "loss") as p:
        keys = [p.layout.itemAt(4, 1)] if p.layout.itemAt(4, 1) else []
        assert keys and len(keys[0].items) == len(win.plots.lanes)
        rows = {round(s.sceneBoundingRect().center().y()) for s, _ in keys[0].items}
        assert len(rows) == 1  # one row, a column per lane
        for sample, label in keys[0].items:
            s, t = sample.sceneBoundingRect(), label.item.sceneBoundingRect()
            assert abs(s.center().y() - t.center().y()) <= 3, label.text
            assert s.right() <= t.left() + 1, label.text  # the sample left of its name
