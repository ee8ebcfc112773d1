"""One frame of the time plots: the reduced history window turned into every lane's curves.

The y ranges are set first, from each series' extremes (the decades shown clip the log values),
then every curve's points are worked out (:class:`widgets.time_points.CurvePoints`: clipped,
flat stretches thinned, the last frame's reused where their bins did not change), the exact
zeros become rail segments, and every curve gets its data and bounding rect (a curve that
holds the last frame's points only the points that changed). :class:`TimeDrawing` is a mixin
of :class:`widgets.time_plots.TimePlots`.

Values above a log plot's top decade are drawn at it, values below its lowest decade are not
drawn (a gap: at the bottom edge they passed for a healthy lane's value); linear values are
clipped to +-LIN_LIMIT. Values off the scale are labelled by
:class:`widgets.time_off_scale.OffScale` (``_mark_off_scale``).
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QRectF

from simulation.history import INDEX
from widgets.decimate import peak_interleave, run_ends
from widgets.plot_items import Curve, mark_scene_spans
from widgets.plot_series import (
    F_A,
    F_GRAD,
    F_LOSS,
    F_PARAM,
    F_ZERO,
    F_ZMEAN,
    GRAD_MODES,
    PARAMS,
    PLOT_OF_FEATURE,
)
from widgets.shock_markers import MAX_MARKERS_OFF_VIEW
from widgets.time_off_scale import OffScale
from widgets.time_points import Shape
from widgets.time_ranges import GRAD_DECADES, LOSS_DECADES


class TimeDrawing(OffScale):
    """The drawing half of TimePlots: sets the data of every lane's items."""

    def _clear_data(self) -> None:
        self._points.reset()
        self._held = {}
        empty = np.empty(0)
        for lane in self.lanes:
            for _, item in lane.placed():
                if isinstance(item, pg.PlotCurveItem):
                    item.setData(empty, empty)
            lane.z_fill.update_band()
        self._show_off_scale({})

    def _draw_parts(self, window: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    k: int) -> Iterator[None]:
        """One frame of the plots, in two parts: the ranges (from the series' extremes) and the
        off-scale labels (up to the yield; what changes on screen is a range or a label at
        most), then every curve's points worked out and given to it (what repaints them). A
        live frame runs the first with the other views and the second in the frame that paints
        the plots (see ``TimePlots.begin_refresh``); the second does not read ``window`` (a ring
        history overwrites its oldest rows meanwhile)."""
        vis = [lane.index for lane in self.lanes if lane.id not in self._hidden]
        step = INDEX["step"]
        last_step = float(window[-1, step, 0])
        self._set_xrange(float(window[0, step, 0]), last_step)
        if len(self.markers) > MAX_MARKERS_OFF_VIEW:
            self._prune_markers()
        self._stagger_labels()

        # bins split at the shocks (x: each bin's first step, for the rails), drawn at xd: the
        # first step, but the last for a bin ending just before a shock, so that no line leaves
        # the old level before the shock (see BinReducer.cut); the marked shocks (at most
        # MAX_MARKERS, so that a run shocked every few steps does not slow every frame)
        events = [m.event["step"] for m in self.markers]
        x, xd, lo, hi = self._reducer.cut(window, x, lo, hi, events)
        # curves: each bin's (min, max) as two points at xd ('peak' mode), the features drawn
        # as curves in rows: loss, the gradients shown, z mean, a, the parameters (each plot's
        # rows a contiguous stretch); the z band: the lowest z_min and highest z_max of each bin
        shown = GRAD_MODES[self._grad_mode]
        fg = [F_GRAD[g] for g in shown]
        pf = [F_PARAM[p] for p in PARAMS]
        used = [F_LOSS, *fg, F_ZMEAN, F_A, *pf]
        row = {f: r for r, f in enumerate(used)}
        g_rows = slice(1, 1 + len(fg))
        p_rows = slice(3 + len(fg), 3 + len(fg) + len(pf))
        history = self._sim.history  # (what the bins are of: the points may be reused)
        key = (k, history, history.total - len(window), tuple(events), tuple(used), lo.shape[2])
        raw = self._points.raw(xd, lo, hi, used, k, key)
        ext, zlo, zhi = raw.rows, raw.z_lows, raw.z_highs

        # --- y ranges over the visible lanes (each row's and lane's extremes, unclipped) ---
        # (a lane whose newest value is inf or NaN is labelled, and does not set the decades:
        # its blow-up would push the healthy lanes' values below the lowest decade shown)
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(window[-1][[INDEX["loss"], *(INDEX[g] for g in shown)]][:, vis])
        loss_dec = self._log_range("loss", ext[:, 0, vis][:, ok[0]], default=LOSS_DECADES)
        grad_dec = self._log_range("grad", ext[:, g_rows][:, :, vis][:, ok[1:]],
                                   default=GRAD_DECADES)
        self._place_log("loss", loss_dec, rail=False)
        self._place_log("grad", grad_dec, rail=True)
        self._lin_range("z", raw.zlo[:, vis], raw.zhi[:, vis])
        self._z_band = (xd, zlo[vis], zhi[vis])  # (the "z ≤ 0" label keeps clear of it)
        self._place_z_label()  # bottom left: the shock markers' labels take the top
        self._lin_range("a", ext[:, row[F_A], vis])
        self._lin_range("params", ext[:, p_rows][:, :, vis])

        # how the points are shaped: log values clipped into the decades shown (above the top:
        # drawn at it; below the lowest: not drawn; both labelled), fewer where curves are flat
        eps = [self._eps("loss"), *[self._eps("grad")] * len(fg), self._eps("z"),
               self._eps("a"), *[self._eps("params")] * len(pf)]
        how = Shape(log_rows=(((0,), *loss_dec), (tuple(range(1, 1 + len(fg))), *grad_dec)),
                    eps=tuple(eps), z_eps=self._eps("z"), simplify=self._simplify)
        x_end = np.empty_like(x)  # each bin's end: the next one's first step
        x_end[:-1] = x[1:]
        x_end[-1] = last_step + 1.0

        # every curve is drawn clipped to its plot's view: the view is its bounding rect (no
        # wider: the area a curve marks for repainting would reach into the axes, and every
        # frame would repaint them, ~65 µs an axis)
        x0, x1 = self._xrange
        rect = {name: QRectF(x0, y0, x1 - x0, y1 - y0) for name, (y0, y1) in self._yrange.items()}

        # (steps never decrease along a curve: only the stretches that changed are repainted)
        px = (x1 - x0) / max(self._pixels(), 1)
        self._mark_off_scale(window, x, x_end, lo, hi, raw.bins, vis, shown, loss_dec,
                             grad_dec)
        yield  # (nothing after this reads the history: its oldest rows may be overwritten)

        # --- the points (worked out here: a live frame's first part carries the other views)
        pts = self._points.shape(how, zlo, zhi)
        # --- exact-zero rails: segments [bin start, next bin start) on the lane's rail row ---
        rail_x = peak_interleave(x, x_end)
        zero = hi[:, [F_ZERO[g] for g in shown]] > 0.5  # (bins, shown, L): any exact 0 in a bin
        rows = np.array([[self.rail_y(li, g) for li in range(len(self.lanes))] for g in shown])
        rail_y = np.repeat(np.where(zero, rows[None], np.nan), 2, axis=0).transpose(1, 2, 0)
        rail_keep = run_ends(rail_y)

        # a curve that holds the last frame's points is given those from bin `fresh` on (the
        # ones before are the same: see CurvePoints); any other, all of its points
        xs, y, keep, zkeep, fresh = pts.xs, pts.y, pts.keep, pts.zkeep, pts.fresh
        held, self._held = self._held, {}
        ppb = len(xs) // len(xd)

        # (the stretches where curves changed are marked per plot, in one scene update each)
        dirty: dict[str, list[tuple[float, float]]] = {name: [] for name in rect}

        def place(item: Curve, x_all: np.ndarray, y_all: np.ndarray, m: np.ndarray,
                  per_bin: int, plot: str) -> list[tuple[float, float]] | None:
            last = held.get(id(item))
            spans = None
            if fresh and last is not None and last[0] is item and item.xData is last[1]:
                a = per_bin * fresh
                spans = item.set_tail(xd[fresh], x_all[a:][m[a:]], y_all[a:][m[a:]], px,
                                      mark=False)
            if spans is None:
                spans = item.set_xy(x_all[m], y_all[m], px, mark=False)
            if spans:
                dirty[plot] += spans
            self._held[id(item)] = (item, item.xData)
            return spans

        def put(item: Curve, f: int, li: int) -> None:
            r, plot = row[f], PLOT_OF_FEATURE[f]
            item.set_bounds(rect[plot])
            place(item, xs, y[r, li], keep[r, li], ppb, plot)

        for li in vis:
            lane = self.lanes[li]
            put(lane.loss, F_LOSS, li)
            for item in (lane.z_lo, lane.z_hi, lane.z_fill):
                item.set_bounds(rect["z"])
            lo_spans = place(lane.z_lo, xd, zlo[li], zkeep[li], 1, "z")
            hi_spans = place(lane.z_hi, xd, zhi[li], zkeep[li], 1, "z")
            both = None if lo_spans is None or hi_spans is None else lo_spans + hi_spans
            lane.z_fill.update_band(both, px, mark=False)  # (its edges' spans: marked)
            put(lane.z_mean, F_ZMEAN, li)
            put(lane.a, F_A, li)
            for gi, g in enumerate(shown):
                put(lane.grad[g], F_GRAD[g], li)
                m = rail_keep[gi, li]
                lane.rail[g].set_bounds(rect["grad"])
                spans = lane.rail[g].set_xy(rail_x[m], rail_y[gi, li][m], px, mark=False)
                if spans:
                    dirty["grad"] += spans
            for p, c in lane.params.items():
                put(c, F_PARAM[p], li)
        for name, spans in dirty.items():
            mark_scene_spans(self.plots[name].vb.childGroup, rect[name], spans, px)
        # apply the new ranges now: pyqtgraph defers them to the scene's next paint, where moving
        # every curve marks the data area dirty again and it is painted a second time (measured:
        # two full paints of the plots per refresh while the x range scrolls)
        for plot in self.plots.values():
            plot.vb.prepareForPaint()
