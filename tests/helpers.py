"""Helpers shared by several test files: the command line run as a process, its refusals, CSV
rows, showing a widget or the main window, and stepping the window's run.

(Qt is imported inside the functions that need it: the command-line tests run without it.)
"""

import csv
import io
import os
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

import numpy as np
import pytest

from simulation import presets
from simulation.engine import Simulation

ROOT = Path(__file__).resolve().parents[1]


# --- the command line -----------------------------------------------------------------------------
def run_main(*args):
    """`python main.py ARGS` from the project folder."""
    return subprocess.run([sys.executable, "main.py", *map(str, args)], cwd=ROOT,
                          capture_output=True, encoding="utf-8", timeout=120)


def assert_rejected(res):
    """Exit status 2, exactly one line on stderr, no traceback."""
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert len(res.stderr.splitlines()) == 1, res.stderr
    assert res.stderr.strip()
    assert "Traceback" not in res.stderr + res.stdout


def assert_refused(folder, *args):
    """`main.py ARGS` is rejected (:func:`assert_rejected`) and ``folder`` stays empty."""
    assert_rejected(run_main(*args))
    assert os.listdir(folder) == []


@contextmanager
def read_only_folder(parent):
    """A new 0555 folder in ``parent``, made writable again afterwards (the test is skipped where
    such a folder is writable anyway: as root)."""
    folder = parent / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        if os.access(folder, os.W_OK):
            pytest.skip("running as root (or with CAP_DAC_OVERRIDE): a 0555 folder is writable")
        yield folder
    finally:
        folder.chmod(0o755)


def rows_of(path):
    """The rows of a CSV file, as dicts."""
    return list(csv.DictReader(io.StringIO(path.read_text(encoding="utf-8"))))


# --- widgets and the window -----------------------------------------------------------------------
def show(qtbot, widget, size=(1280, 720)):
    """``widget`` shown at ``size`` (closed by qtbot after the test)."""
    qtbot.addWidget(widget)
    widget.resize(*size)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def open_window(qtbot, size=(1280, 720)):
    """The main window on the bias-shock preset, shown at ``size``."""
    from app.application import create_window, ensure_app

    ensure_app()
    return show(qtbot, create_window("bias-shock"), size)


def play(w, steps):
    """Run the window's simulation ``steps`` steps and show them."""
    w.controller.sim.run(steps)
    w.controller.frame.emit(w.controller.sim)


def same(a, b):
    """Equal arrays, NaN where NaN."""
    return np.array_equal(np.asarray(a), np.asarray(b), equal_nan=True)


def bias_shock_sim(steps=1000):
    """The bias-shock preset run ``steps`` steps, with room for 20,000 steps of history."""
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=20000)
    sim.run(steps)
    return sim


def painted_texts(diagram) -> list[tuple[str, object]]:
    """The texts a network diagram paints on one grab, each with its rectangle (a QRectF)."""
    from PySide6.QtCore import QRectF

    seen: list[tuple[str, QRectF]] = []
    paint_text = diagram._text

    def spy(p, text, *args, **kwargs):
        rect = paint_text(p, text, *args, **kwargs)
        seen.append((text, QRectF(rect)))
        return rect

    diagram._text = spy
    try:
        diagram.grab()
    finally:
        del diagram._text
    return seen


def tick_labels(axis) -> list[tuple[str, object]]:
    """The tick labels a pyqtgraph axis draws, each with its rectangle (a QRectF; pyqtgraph's
    own layout of them)."""
    from PySide6.QtCore import QRectF
    from PySide6.QtGui import QImage, QPainter

    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        specs = axis.generateDrawSpecs(painter)
    finally:
        painter.end()
    return [(text, QRectF(rect)) for rect, _flags, text in specs[2] if text] if specs else []
