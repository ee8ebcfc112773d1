"""Helpers shared by several test files: the command line run as a process, its refusals, CSV
rows, showing a widget or the main window, its tabs and sizes, stepping the window's run, and
what a diagram or an axis draws.

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


def settle(qtbot=None, rounds=3):
    """Deliver the pending events ``rounds`` times, then (given ``qtbot``) wait 20 ms."""
    from PySide6.QtWidgets import QApplication

    for _ in range(rounds):
        QApplication.processEvents()
    if qtbot is not None:
        qtbot.wait(20)


def tab_page(win, title):
    """The page of the window's tab ``title`` (a lazy tab: built the first time it is shown)."""
    titles = [win.tabs.tabText(i) for i in range(win.tabs.count())]
    return win.tabs.widget(titles.index(title))


def open_tab(win, title):
    """The window's tab ``title`` made the current one; its view."""
    page = tab_page(win, title)
    win.tabs.setCurrentWidget(page)
    return page.view


def window_case(win, qtbot, size, dock=False, scale=0.0, rounds=4):
    """``win`` at ``size`` ((width, height) or "min": its minimum size), presenting at ``scale``
    or (0) not presenting with the set-up dock shown or hidden (``dock``)."""
    if scale:
        win.presentation.set_scale(scale)
        win.presentation.set_presentation(True, persist=False)
    else:
        win.setup_dock.setVisible(dock)
    settle(qtbot, rounds)
    if size == "min":
        win.resize(win.minimumSizeHint())
    else:
        win.resize(*size)
    settle(qtbot, rounds)


def swept_death_map(win, qtbot, size, scale, rows=6, columns=6, steps=120):
    """The Death map of ``win`` at ``size`` and ``scale`` (see :func:`window_case`) after a sweep
    of ``columns`` biases from -10 to 10 by ``rows`` lr factors from 1 to 100."""
    from simulation import sweep

    window_case(win, qtbot, size, scale=scale)
    view = open_tab(win, "Death map")
    spec = sweep.SweepSpec(bias=tuple(np.linspace(-10, 10, columns).tolist()),
                           factor=tuple(np.geomspace(1, 100, rows).tolist()),
                           shock_step=20, lr_steps=2, steps=steps)
    view.start(sweep.Sweep(view.base_config(), spec))
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    settle(qtbot, 6)
    return view


def catch_up_population(win, qtbot, view, rounds=4):
    """``view`` (the Population tab's) caught up with the lanes' 40 steps, a bias shock of -10
    and 20 steps more."""
    c = win.controller
    c.sim.run(40)
    c.bias_shock(-10.0)
    c.sim.run(20)
    qtbot.waitUntil(lambda: view.follower.sync(c.sim, c.journal), timeout=10_000)
    view.refresh(force=True)
    settle(qtbot, rounds)
    return view


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


def painted_calls(diagram) -> list[tuple[dict, object]]:
    """The texts a network diagram paints on one grab: each ``_text`` call's arguments by name
    (defaults filled in: text, px, bold, ...) with the rectangle it drew (a QRectF)."""
    import inspect

    from PySide6.QtCore import QRectF

    seen: list[tuple[dict, QRectF]] = []
    paint_text = diagram._text
    signature = inspect.signature(paint_text)

    def spy(*args, **kwargs):
        call = signature.bind(*args, **kwargs)
        call.apply_defaults()
        rect = paint_text(*args, **kwargs)
        seen.append((dict(call.arguments), QRectF(rect)))
        return rect

    diagram._text = spy
    diagram._picture_key_drawn = None  # paint it whole, not its cached picture but the step
    try:
        diagram.grab()
    finally:
        del diagram._text
    return seen


def painted_texts(diagram) -> list[tuple[str, object]]:
    """The texts a network diagram paints on one grab, each with its rectangle (a QRectF)."""
    return [(call["text"], rect) for call, rect in painted_calls(diagram)]


def draw_specs(axis):
    """What a pyqtgraph axis would draw now: (axis line, ticks, texts), or None."""
    from PySide6.QtGui import QImage, QPainter

    image = QImage(8, 8, QImage.Format.Format_ARGB32)
    painter = QPainter(image)
    try:
        return axis.generateDrawSpecs(painter)
    finally:
        painter.end()


def tick_labels(axis) -> list[tuple[str, object]]:
    """The tick labels a pyqtgraph axis draws, each with its rectangle (a QRectF; pyqtgraph's
    own layout of them)."""
    from PySide6.QtCore import QRectF

    specs = draw_specs(axis)
    return [(text, QRectF(rect)) for rect, _flags, text in specs[2] if text] if specs else []


# --- paint events ------------------------------------------------------------------------
def count_paints(*widgets):
    """A counter of the paint events each of ``widgets`` gets: ``counter[widget]``."""
    from PySide6.QtCore import QEvent, QObject

    class Paints(QObject):
        def __init__(self):
            super().__init__()
            self.counts = {id(w): 0 for w in widgets}
            for w in widgets:
                w.installEventFilter(self)

        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint and id(obj) in self.counts:
                self.counts[id(obj)] += 1
            return False

        def __getitem__(self, widget):
            return self.counts[id(widget)]

    return Paints()


def backing_store(widget) -> np.ndarray:
    """``widget``'s window as its backing store holds it (what the frames painted, partial
    repaints included), one uint32 a pixel; ``widget.grab()`` would paint it all anew."""
    from PySide6.QtGui import QImage
    from PySide6.QtWidgets import QApplication

    shot = QApplication.primaryScreen().grabWindow(widget.winId()).toImage()
    shot = shot.convertToFormat(QImage.Format.Format_RGB32)
    return np.frombuffer(shot.constBits(), np.uint32).reshape(shot.height(), -1).copy()


def paint_regions(widget) -> list:
    """A list that gathers the region (a list of QRects) of each paint event ``widget`` gets
    from now on (the spy lives as long as the widget)."""
    from PySide6.QtCore import QEvent, QObject

    seen: list = []

    class Spy(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                seen.append(list(event.region()))
            return False

    spy = Spy(widget)
    widget.installEventFilter(spy)
    return seen


def shown_chain_panel(qtbot, sim, width: int = 348):
    """A step-through panel on ``sim``, shown at ``width`` x 600 (348: its column at 1280 px)."""
    from widgets.chain_rule import ChainRulePanel

    panel = ChainRulePanel(sim)
    qtbot.addWidget(panel)
    panel.resize(width, 600)
    panel.show()
    qtbot.waitExposed(panel)
    return panel
