"""Export: each time plot as PNG or SVG (pyqtgraph's exporters), the run record as JSON or CSV
(the engine's ``dying-relu-lab/run@1`` format), and the whole window as PNG. Every write is atomic.

An exported plot is a figure someone reads away from the app: for the export only, the plot gets
a title, step numbers on its x axis, a key of the lanes and the key of line styles (band, mean)
the live plot shows beside it, and PNGs are drawn at twice the on-screen size.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pyqtgraph as pg
from pyqtgraph.exporters import ImageExporter, SVGExporter
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QRectF, Qt
from PySide6.QtGui import QImage

from app import dialogs
from app.files import FileError, describe_os_error, write_bytes_atomic
from simulation import activations
from simulation.engine import Simulation
from simulation.record import run_record, to_csv, to_json
from simulation.replay import replay
from widgets import style
from widgets.plot_items import FONT_PT, StyleKey

TITLES = {"loss": "Loss (log scale)", "z": "z = w1·x1 + w2·x2 + b: min–max band and mean",
          "a": "Output a = f(z), mean over the samples", "grad": "Gradient magnitude (log scale)",
          "params": "Parameters w1, w2, b (α for PReLU)"}
PNG_SCALE = 2  # exported PNGs at twice the figure size: sharp on a slide or in print
FIGURE_W, FIGURE_H = 900, 340  # the layout size of one exported plot (before PNG_SCALE)
IMAGE_FILTER = "PNG image (*.png);;SVG vector image (*.svg)"


def _tolerate_closepath() -> None:
    """Qt >= 6.10's SVG generator ends closed paths with a bare 'Z', which pyqtgraph 0.14's
    SVGExporter cannot parse (pyqtgraph issue #3485): its coordinate fix-up runs on the path
    without the 'Z' tokens, which are put back where they were afterwards."""
    mod = importlib.import_module("pyqtgraph.exporters.SVGExporter")
    if getattr(mod, "_closepath_ok", False):
        return
    original = mod.correctCoordinates

    def correct(node: Any, defs: Any, item: Any, options: Any) -> Any:
        closed = []
        for path in node.getElementsByTagName("path"):
            tokens = path.getAttribute("d").split()
            marks = [i for i, tok in enumerate(tokens) if tok in ("Z", "z")]
            if marks:
                path.setAttribute("d", " ".join(t for t in tokens if t not in ("Z", "z")))
                closed.append((path, marks))
        result = original(node, defs, item, options)
        for path, marks in closed:
            tokens = path.getAttribute("d").split()
            for i in marks:
                tokens.insert(i, "Z")
            path.setAttribute("d", " ".join(tokens))
        return result

    mod.correctCoordinates = correct
    mod._closepath_ok = True


def image_bytes(image: QImage) -> bytes:
    """A QImage as PNG bytes."""
    data = QByteArray()
    buf = QBuffer(data)
    buf.open(QIODevice.OpenModeFlag.WriteOnly)
    if not image.save(buf, "PNG"):
        raise FileError("The image could not be encoded as PNG.")
    buf.close()
    return bytes(data.data())


def _write(path: str | Path, data: bytes) -> None:
    try:
        write_bytes_atomic(path, data)
    except OSError as e:
        raise FileError(f"Cannot write {Path(path).name}: {describe_os_error(e)}.") from None


def _lay_out(plots: Any, rect: QRectF) -> None:
    """Lay the plots out in ``rect`` now, from fresh size hints (a layout keeps the minimum size
    of what it held: without the invalidation, the figure's key would keep the plots as wide
    as the figure after the export, past the window's edge)."""
    ci = plots.view.ci
    for p in plots.plots.values():
        p.layout.invalidate()
    ci.layout.invalidate()
    ci.setGeometry(rect)
    ci.layout.activate()


def _figure_keys(plots: Any, name: str, pt: float) -> list[StyleKey]:
    """The figure's keys, one row each, their text at ``pt`` (the tick labels' size): the lanes'
    colours, then what the live plot's key column says (line styles, the band and the mean),
    which the exported plot leaves out. Scaled with the figure (a legend ignores the painter's
    scale: in a PNG drawn at twice the size it stayed half as big as the axis text)."""
    shown = [lane for lane in plots.lanes if plots.lane_visible(lane.id)]
    lanes = StyleKey(pt, columns=max(len(shown), 1), spacing=14, color=style.theme().text)
    for lane in shown:
        act = activations.ACTIVATIONS.get(lane.activation)
        lanes.addItem(pg.PlotDataItem(pen=pg.mkPen(lane.color, width=3)),
                      act.label if act else lane.id)
    keys = [lanes]
    live = getattr(plots, f"{name}_key", None)
    if live is not None and live.isVisible() and live.items:
        styles = StyleKey(pt, columns=len(live.items), spacing=14, color=style.theme().text)
        for sample, label in live.items:
            styles.addItem(sample.item, label.text)
        keys.append(styles)
    for key in keys:
        key.setFlag(key.GraphicsItemFlag.ItemIgnoresTransformations, False)
        key.layout.setContentsMargins(4, 2, 4, 6)  # the rows close together
        # as wide as its entries (laid out in the plot's column it was stretched to the plot's
        # width, its entries spread far apart)
        key.setMaximumWidth(key.effectiveSizeHint(Qt.SizeHint.PreferredSize).width())
    return keys


def _label_room(p: pg.PlotItem) -> tuple[float, float] | None:
    """A y range for the figure in which the end ticks' labels fit: with the grid on, an axis
    drops a label that reaches past the plot's edge (the loss plot's lowest decade, 0.25 of a
    decade above the bottom, lost its label while the curves lay there). None: they fit."""
    axis = p.getAxis("left")
    lo, hi = p.vb.viewRange()[1]
    h = p.vb.height()
    if not hi > lo or h <= 0:
        return None
    values = sorted(v for _, vs in axis.tickValues(lo, hi, h + 2) for v in vs if lo <= v <= hi)
    if not values:
        return None
    r = (axis.label_px() / 2 + 1) / h if hasattr(axis, "label_px") else 10.0 / h
    if r >= 0.25:
        return None
    new_lo, new_hi = lo, hi
    if (values[0] - lo) / (hi - lo) < r:
        new_lo = (values[0] - r * hi) / (1 - r)
    if (hi - values[-1]) / (hi - new_lo) < r:
        new_hi = (values[-1] - r * new_lo) / (1 - r)
    return None if (new_lo, new_hi) == (lo, hi) else (new_lo, new_hi)


@contextmanager
def _as_figure(plots: Any, name: str) -> Iterator[pg.PlotItem]:
    """Plot ``name`` dressed as a stand-alone figure and every plot laid out at figure size,
    whatever the window's size, for the duration of the export (no event is processed
    meanwhile, so the screen never shows it). Afterwards the dressing is taken off first and
    then the plots are laid out in the view again, exactly as before."""
    p: pg.PlotItem = plots.plots[name]
    ci = plots.view.ci
    old = ci.geometry()
    old_y = p.vb.viewRange()[1]
    bottom = p.getAxis("bottom")
    had_values = bottom.style["showValues"]
    old_height = bottom.fixedHeight
    p.setTitle(TITLES.get(name, name), size="12pt")
    if not had_values:
        bottom.setStyle(showValues=True)
        bottom.setHeight(None)
        bottom.setLabel("step")
    tick_font = p.getAxis("left").style.get("tickFont")
    pt = tick_font.pointSizeF() if tick_font is not None else style.pt(FONT_PT)
    keys = _figure_keys(plots, name, pt)
    for row, key in enumerate(keys, start=4):  # rows under the step axis, never over the data
        p.layout.addItem(key, row, 1)
        p.layout.setAlignment(key, Qt.AlignmentFlag.AlignLeft)
    rows = sum(q.isVisible() for q in plots.plots.values())
    moved = False
    try:
        _lay_out(plots, QRectF(0, 0, FIGURE_W, FIGURE_H * max(rows, 1)))
        room = _label_room(p)
        if room is not None:
            p.vb.setYRange(*room, padding=0)
            moved = True
        yield p
    finally:
        if moved:
            p.vb.setYRange(*old_y, padding=0)
        for key in keys:
            p.layout.removeItem(key)
            if key.scene() is not None:
                key.scene().removeItem(key)
        p.titleLabel.setText("")  # a hidden title keeps its text's width as the plot's minimum
        p.setTitle(None)
        if not had_values:
            bottom.setStyle(showValues=False)
            bottom.setLabel(None)
            bottom.setHeight(old_height)
        _lay_out(plots, old)


def plot_bytes(plots: Any, name: str, fmt: str) -> bytes:
    """Plot ``name`` of a TimePlots as PNG or SVG bytes, through pyqtgraph's exporters."""
    if name not in plots.plots:
        raise ValueError(f"unknown plot {name!r} (known: {', '.join(plots.plots)})")
    with _as_figure(plots, name) as p:
        if fmt == "svg":
            _tolerate_closepath()
            return SVGExporter(p).export(toBytes=True)
        if fmt != "png":
            raise ValueError(f"unknown image format {fmt!r}")
        exporter = ImageExporter(p)
        exporter.parameters()["width"] = int(p.sceneBoundingRect().width() * PNG_SCALE)
        return image_bytes(exporter.export(toBytes=True))


def export_plot(plots: Any, name: str, path: str | Path) -> None:
    """Write plot ``name`` to ``path``; the suffix (.png or .svg) chooses the format."""
    fmt = Path(path).suffix.lower().lstrip(".")
    if fmt not in ("png", "svg"):
        raise FileError(f"{Path(path).name}: a plot is exported as .png or .svg.")
    _write(path, plot_bytes(plots, name, fmt))


def export_all_plots(plots: Any, folder: str | Path, stem: str) -> list[Path]:
    """Every plot as PNG and SVG into ``folder``: ``stem-loss.png``, ``stem-loss.svg``, ..."""
    out = []
    for name in plots.plots:
        for fmt in ("png", "svg"):
            path = Path(folder) / f"{stem}-{name}.{fmt}"
            _write(path, plot_bytes(plots, name, fmt))
            out.append(path)
    return out


def full_record(sim: Simulation, journal: list[dict[str, Any]]) -> dict[str, Any]:
    """The run record of every step so far (the live history keeps only the newest steps:
    the run is replayed, with batches recorded, to give all of them)."""
    full = replay(sim.config, journal, sim.t, record_batches=True)
    if full.t == 0:
        raise FileError("The run has no steps yet: press Play or Step first.")
    return run_record(full)


def export_record(sim: Simulation, journal: list[dict[str, Any]], path: str | Path) -> None:
    """The run record as JSON or CSV (by suffix), the engine's format, written atomically."""
    suffix = Path(path).suffix.lower()
    if suffix not in (".json", ".csv"):
        raise FileError(f"{Path(path).name}: a run record is exported as .json or .csv.")
    record = full_record(sim, journal)
    text = to_json(record) if suffix == ".json" else to_csv(record)
    _write(path, text.encode("utf-8"))


def export_window(window: Any, path: str | Path) -> None:
    """The whole window as a PNG, as it is on screen."""
    if Path(path).suffix.lower() != ".png":
        raise FileError(f"{Path(path).name}: the window is exported as .png.")
    _write(path, image_bytes(window.grab().toImage()))


# --- menu ---------------------------------------------------------------------------------------
def _run(window: Any, what: str, job: Any, done: str | None = None) -> bool:
    """Run ``job``; tell a FileError in a dialog, or ``done`` (if given) in the status bar."""
    try:
        job()
    except FileError as e:
        dialogs.error(window, f"{what} was not exported.", str(e))
        return False
    if done is not None:
        window.statusBar().showMessage(done, 6000)
    return True


def _save_dialog(window: Any, what: str, caption: str, name: str, filters: str,
                 export: Callable[[str], None],
                 done: Callable[[str], str] | None = None) -> bool:
    """Ask where to save (proposing ``name``; a name typed without a suffix gets ``name``'s),
    then :func:`_run` ``export(path)``, with ``done(path)`` for the status bar if given. The run
    stands still meanwhile (:func:`app.dialogs.paused`): what is written is the step shown."""
    with dialogs.paused(window):
        path = dialogs.ask_save(window, caption, name, filters)
        if path is None:
            return False
        if Path(path).suffix == "":
            path += Path(name).suffix
        return _run(window, what, lambda: export(path), done(path) if done else None)


def _shown_sim(window: Any) -> tuple[Simulation, list[dict[str, Any]]]:
    """The simulation the views show (a rewound one while rewinding) and its actions."""
    rewind = getattr(window, "rewind", None)
    if rewind is not None and rewind.active:
        return rewind.shown, rewind.actions_shown()
    return window.controller.sim, window.controller.journal


def plot_dialog(window: Any, name: str) -> bool:
    return _save_dialog(window, "The plot", f"Export the {name} plot",
                        f"{window.preset_id}-{name}.png", IMAGE_FILTER,
                        lambda path: export_plot(window.plots, name, path),
                        lambda path: f"Exported {Path(path).name}")


def all_plots_dialog(window: Any) -> bool:
    with dialogs.paused(window):  # (the plots show the step asked for while they are written)
        folder = dialogs.ask_folder(window, "Export every plot as PNG and SVG into")
        if folder is None:
            return False
        return _run(window, "The plots",
                    lambda: export_all_plots(window.plots, folder, window.preset_id),
                    f"Exported {2 * len(window.plots.plots)} files to {folder}")


def record_dialog(window: Any) -> bool:
    def done(path: str) -> str:
        return f"Exported {Path(path).name} ({_shown_sim(window)[0].t:,} steps)"

    return _save_dialog(window, "The run record", "Export the run record",
                        f"{window.preset_id}-run.json",
                        "Run record, JSON (*.json);;Run record, CSV (*.csv)",
                        lambda path: export_record(*_shown_sim(window), path), done)


def window_dialog(window: Any) -> bool:
    return _save_dialog(window, "The window", "Export the window",
                        f"{window.preset_id}-window.png", "PNG image (*.png)",
                        lambda path: export_window(window, path))
