"""Frame time of the real main window, and of the same curves in an embedded matplotlib canvas.

The app side: ``create_window("bias-shock")`` at 1920x1080 on Qt's offscreen platform, its history
filled with 10,000 steps, then frames of ``window._on_frame(sim)`` (what the controller's frame
signal calls) plus ``app.processEvents()``, in which Qt paints what changed into the window's
backing store (paint events are counted to show it); simulation steps run between frames,
outside the timed part. A second run times frames with the ring history full (20,000 rows) and
333 steps between frames, the app at its top speed (20,000 steps/s at 60 frames/s).

The matplotlib side: a FigureCanvasQTAgg in a 1920x1080 window, five axes on one step axis (loss
and |dL/db| on log scales, the z band with fill_between and its edges, z mean, a, and b, w1, w2
and PReLU's alpha), every series of every lane at full resolution; each frame ``set_data`` on
every artist, ``relim``/``autoscale_view``, ``canvas.draw()`` and ``app.processEvents()``.
"""

from __future__ import annotations

import os
import time
from typing import Any

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import numpy as np

from bench.common import area_main, percentile, shown_window

SIZE = (1920, 1080)
HISTORY = 10_000


def stats_ms(values: list[float]) -> dict[str, float]:
    ms = [v * 1e3 for v in values]
    return {"median_ms": percentile(ms, 50), "p95_ms": percentile(ms, 95),
            "max_ms": max(ms), "mean_ms": sum(ms) / len(ms), "frames": len(ms)}


class PaintCounter:
    """Counts paint events delivered to some widgets (proof that a frame really painted)."""

    def __init__(self, widgets: list[Any]):
        from PySide6.QtCore import QEvent, QObject

        counter = self

        class Filter(QObject):
            def eventFilter(self, obj, event):
                if event.type() == QEvent.Type.Paint:
                    counter.count += 1
                return False

        self.count = 0
        self._filter = Filter()
        for w in widgets:
            w.installEventFilter(self._filter)


def breakdown(app, window, sim, steps_between: int, frames: int = 30) -> dict[str, float]:
    """Where a frame's time goes: each view's ``refresh`` (data to items) and a forced
    ``repaint()`` of each part of the window (painting alone), medians over ``frames``."""
    parts = {"time plots": window.plots.view.viewport(), "lane cards": window.cards,
             "network diagram": window.diagram, "chain rule": window.chain,
             "transport bar": window.transport, "status bar": window.statusBar()}
    times: dict[str, list[float]] = {}
    for _ in range(frames):
        sim.run(steps_between)
        for view in window.views:
            t0 = time.perf_counter()
            view.refresh(sim)
            times.setdefault(f"refresh {type(view).__name__}", []).append(time.perf_counter() - t0)
        app.processEvents()
        for name, widget in parts.items():
            t0 = time.perf_counter()
            widget.repaint()
            times.setdefault(f"repaint {name}", []).append(time.perf_counter() - t0)
    return {k: round(percentile([x * 1e3 for x in v], 50), 2) for k, v in times.items()}


def app_frames(app, n_frames: int, history: int, steps_between: int,
               live: bool = False) -> dict[str, Any]:
    """Frame times of the real window; ``live``: frames as while playing (turns: every view
    and the first part of the time plots' refresh, then the rest of it and their painting; see
    ``MainWindow.draw``), else every view every frame."""
    window, sim = shown_window(app, SIZE, history)
    painted = PaintCounter([window.plots.view.viewport(), *[c for c in window.cards.findChildren(
        type(window.cards)) if c is not window.cards]])
    refresh, paint, total = [], [], []
    for _ in range(5):  # warm-up
        sim.run(steps_between)
        window.draw(sim, live)
        app.processEvents()
    painted.count = 0
    for _ in range(n_frames):
        sim.run(steps_between)
        t0 = time.perf_counter()
        window.draw(sim, live)
        t1 = time.perf_counter()
        app.processEvents()
        t2 = time.perf_counter()
        refresh.append(t1 - t0)
        paint.append(t2 - t1)
        total.append(t2 - t0)
    out = stats_ms(total)
    out["plot_paint_events_per_frame"] = painted.count / n_frames  # before breakdown's repaints
    out["breakdown_median_ms"] = breakdown(app, window, sim, steps_between)
    out.update(refresh_median_ms=percentile([v * 1e3 for v in refresh], 50),
               paint_median_ms=percentile([v * 1e3 for v in paint], 50),
               history_rows=len(sim.history), steps_between_frames=steps_between,
               window_size=[window.width(), window.height()])
    window.close()
    window.deleteLater()
    app.processEvents()
    return out


def mpl_frames(app, n_frames: int, history: int, steps_between: int) -> dict[str, Any]:
    import matplotlib

    matplotlib.use("QtAgg")
    from matplotlib.backends.backend_qtagg import FigureCanvasQTAgg
    from matplotlib.figure import Figure
    from PySide6.QtWidgets import QMainWindow

    from simulation import presets
    from simulation.engine import Simulation
    from simulation.history import INDEX
    from widgets.palette import lane_color

    sim = Simulation(presets.get("bias-shock").config(), history_capacity=20_000)
    sim.run(history)
    fig = Figure(figsize=(SIZE[0] / 100, SIZE[1] / 100), dpi=100, layout="constrained")
    canvas = FigureCanvasQTAgg(fig)
    axes = fig.subplots(5, 1, sharex=True)
    ax_loss, ax_z, ax_a, ax_grad, ax_par = axes
    ax_loss.set_yscale("log")
    ax_grad.set_yscale("log")
    for ax, label in zip(axes, ("loss", "z", "a = f(z)", "|dL/db|", "params"), strict=True):
        ax.set_ylabel(label)
        ax.grid(True, color="#e2e2e2")
    ax_par.set_xlabel("step")
    lines: list[tuple[Any, int, str, Any]] = []  # (artist, lane, column, transform)
    fills = []
    for i, spec in enumerate(sim.config.lanes):
        c = lane_color(spec.activation)
        lines.append((ax_loss.plot([], [], color=c, lw=2)[0], i, "loss", None))
        lines.append((ax_z.plot([], [], color=c, lw=1, alpha=0.35)[0], i, "z_min", None))
        lines.append((ax_z.plot([], [], color=c, lw=1, alpha=0.35)[0], i, "z_max", None))
        fills.append((ax_z.fill_between([0, 1], [0, 0], [0, 0], color=c, alpha=0.18, lw=0), i))
        lines.append((ax_z.plot([], [], color=c, lw=2)[0], i, "z_mean", None))
        lines.append((ax_a.plot([], [], color=c, lw=2)[0], i, "a_mean", None))
        lines.append((ax_grad.plot([], [], color=c, lw=2)[0], i, "grad_b", np.abs))
        for col, ls in (("b", "-"), ("w1", "--"), ("w2", ":"), ("alpha", "-.")):
            if col != "alpha" or spec.activation == "prelu":
                lines.append((ax_par.plot([], [], color=c, lw=2, ls=ls)[0], i, col, None))
    win = QMainWindow()
    win.setCentralWidget(canvas)
    win.resize(*SIZE)
    win.show()
    app.processEvents()
    painted = PaintCounter([canvas])

    def frame() -> None:
        w = sim.history.window()
        x = w[:, INDEX["step"], 0]
        for artist, lane, col, f in lines:
            y = w[:, INDEX[col], lane]
            artist.set_data(x, f(y) if f is not None else y)
        for coll, lane in fills:
            coll.set_data(x, w[:, INDEX["z_min"], lane], w[:, INDEX["z_max"], lane])
        for ax in axes:
            ax.relim()
            ax.autoscale_view()
        canvas.draw()
        app.processEvents()

    for _ in range(3):  # warm-up
        sim.run(steps_between)
        frame()
    painted.count = 0
    total = []
    for _ in range(n_frames):
        sim.run(steps_between)
        t0 = time.perf_counter()
        frame()
        total.append(time.perf_counter() - t0)
    out = stats_ms(total)
    out.update(artists=len(lines) + len(fills),
               canvas_paint_events_per_frame=painted.count / n_frames,
               history_rows=len(sim.history), steps_between_frames=steps_between,
               matplotlib_path_simplify=matplotlib.rcParams["path.simplify"])
    win.close()
    win.deleteLater()
    app.processEvents()
    return out


def measure(args) -> dict[str, Any]:
    from app.application import ensure_app

    app = ensure_app()
    n = 60 if args.quick else 300
    n_mpl = 10 if args.quick else 40
    ours = app_frames(app, n, HISTORY, 17)
    live = app_frames(app, n, HISTORY, 17, live=True)
    live.pop("breakdown_median_ms")
    full = app_frames(app, n, 20_000, 333)
    mpl = mpl_frames(app, n_mpl, HISTORY, 17)
    return {"size": list(SIZE), "app": ours, "app_live": live,
            "app_ring_full_top_speed": full, "matplotlib": mpl,
            "ratio_median": mpl["median_ms"] / ours["median_ms"],
            "ratio_p95": mpl["p95_ms"] / ours["p95_ms"]}


if __name__ == "__main__":
    area_main(measure)
