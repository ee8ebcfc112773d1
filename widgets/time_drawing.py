"""One frame of the time plots: the reduced history window turned into every lane's curves.

The y ranges are set first (the decades shown clip the log values), the exact zeros become rail
segments, flat stretches are thinned to a few vertices (:func:`widgets.decimate.flat_mask`), and
every curve gets its data and bounding rect. :class:`TimeDrawing` is a mixin of
:class:`widgets.time_plots.TimePlots`.

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
from widgets.decimate import flat_mask, peak_interleave, run_ends
from widgets.plot_items import Curve
from widgets.plot_series import (
    F_A,
    F_GRAD,
    F_LOSS,
    F_PARAM,
    F_ZERO,
    F_ZMAX,
    F_ZMEAN,
    F_ZMIN,
    GRAD_MODES,
    PARAMS,
    PLOT_OF_FEATURE,
)
from widgets.shock_markers import MAX_MARKERS_OFF_VIEW
from widgets.time_off_scale import OffScale
from widgets.time_ranges import GRAD_DECADES, LOSS_DECADES

ANCHOR_EVERY = 16  # points always kept (every 16th step or 8th bin), so slow curvature is followed


class TimeDrawing(OffScale):
    """The drawing half of TimePlots: sets the data of every lane's items."""

    def _clear_data(self) -> None:
        empty = np.empty(0)
        for lane in self.lanes:
            for _, item in lane.placed():
                if isinstance(item, pg.PlotCurveItem):
                    item.setData(empty, empty)
            lane.z_fill.update_band()
        self._show_off_scale({})

    def _draw_parts(self, window: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
                    k: int) -> Iterator[None]:
        """One frame of the plots, in two parts: the ranges, the off-scale labels and every
        curve's points worked out (up to the yield; what changes on screen is a range or a
        label at most), then the curves given their points (what repaints them). A live frame
        runs the first with the other views and the second in the frame that paints the plots
        (see ``TimePlots.begin_refresh``); the second does not read ``window`` (a ring history
        overwrites its oldest rows meanwhile)."""
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
        # curves: each bin's (min, max) as two points at xd ('peak' mode);
        # the z band: the lowest z_min and highest z_max of each bin, one point per bin
        # (F, L, points), one contiguous row per curve, written in one pass
        # only the features drawn as curves, in rows: loss, the gradients shown, z mean, a, the
        # parameters (every one a contiguous stretch, so each plot's rows are a view)
        shown = GRAD_MODES[self._grad_mode]
        fg = [F_GRAD[g] for g in shown]
        pf = [F_PARAM[p] for p in PARAMS]
        used = [F_LOSS, *fg, F_ZMEAN, F_A, *pf]
        row = {f: r for r, f in enumerate(used)}
        g_rows = slice(1, 1 + len(fg))
        p_rows = slice(3 + len(fg), 3 + len(fg) + len(pf))
        if k == 1:
            xs, y = xd, lo[:, used].transpose(1, 2, 0).copy()
        else:
            xs = np.repeat(xd, 2)
            y = np.empty((len(used), lo.shape[2], 2 * len(lo)))
            y[..., 0::2] = lo[:, used].transpose(1, 2, 0)
            y[..., 1::2] = hi[:, used].transpose(1, 2, 0)
        zlo, zhi = lo[:, F_ZMIN].T.copy(), hi[:, F_ZMAX].T.copy()  # (L, bins)

        # --- y ranges over the visible lanes; log values clipped into the decades shown ---
        # (a lane whose newest value is inf or NaN is labelled, and does not set the decades:
        # its blow-up would push the healthy lanes' values below the lowest decade shown)
        with np.errstate(invalid="ignore"):
            ok = np.isfinite(window[-1][[INDEX["loss"], *(INDEX[g] for g in shown)]][:, vis])
        loss_dec = self._log_range("loss", y[0, vis][ok[0]], default=LOSS_DECADES)
        grad_dec = self._log_range("grad", y[g_rows][:, vis][ok[1:]], default=GRAD_DECADES)
        # above the top decade: drawn at it; below the lowest: not drawn (both labelled)
        with np.errstate(invalid="ignore"):
            y[0] = np.where(y[0] < loss_dec[0], np.nan, np.minimum(y[0], loss_dec[1]))
            y[g_rows] = np.where(y[g_rows] < grad_dec[0], np.nan,
                                 np.minimum(y[g_rows], grad_dec[1]))
        self._place_log("loss", loss_dec, rail=False)
        self._place_log("grad", grad_dec, rail=True)
        self._lin_range("z", zlo[vis], zhi[vis])
        self._z_band = (xd, zlo[vis], zhi[vis])  # (the "z ≤ 0" label keeps clear of it)
        self._place_z_label()  # bottom left: the shock markers' labels take the top
        self._lin_range("a", y[row[F_A], vis])
        self._lin_range("params", y[p_rows][:, vis])

        # --- exact-zero rails: segments [bin start, next bin start) on the lane's rail row ---
        x_end = np.empty_like(x)
        x_end[:-1] = x[1:]
        x_end[-1] = last_step + 1.0
        rail_x = peak_interleave(x, x_end)
        zero = hi[:, [F_ZERO[g] for g in shown]] > 0.5  # (bins, shown, L): any exact 0 in a bin
        rows = np.array([[self.rail_y(li, g) for li in range(len(self.lanes))] for g in shown])
        rail_y = np.repeat(np.where(zero, rows[None], np.nan), 2, axis=0).transpose(1, 2, 0)
        rail_keep = run_ends(rail_y)

        # --- fewer vertices where curves are flat (see flat_mask) ---
        if self._simplify:
            eps = np.empty((len(used), 1, 1))
            eps[0] = self._eps("loss")
            eps[g_rows] = self._eps("grad")
            eps[row[F_ZMEAN]] = self._eps("z")
            eps[row[F_A]] = self._eps("a")
            eps[p_rows] = self._eps("params")
            if k > 1:  # a bin whose min and max are within half a pixel: one point, not two
                a, b = y[..., 0::2], y[..., 1::2]
                narrow = np.abs(b - a) <= 2 * eps
                mid = 0.5 * (a + b)
                np.copyto(a, mid, where=narrow)
                np.copyto(b, mid, where=narrow)
            every = ANCHOR_EVERY if k == 1 else ANCHOR_EVERY // 2
            anchor = np.floor_divide(xs, k) % every == 0  # tied to steps: stable as data slides
            keep = flat_mask(y, eps, anchor)
            if k > 1:  # a narrow bin's one point is its first: kept if either was needed
                keep[..., 0::2] |= keep[..., 1::2] & narrow
                keep[..., 1::2] &= ~narrow
            zanchor = np.floor_divide(xd, k) % every == 0
            ez = self._eps("z")
            zkeep = flat_mask(zlo, ez, zanchor) | flat_mask(zhi, ez, zanchor)
        else:
            keep = np.ones(y.shape, dtype=bool)
            zkeep = np.ones(zlo.shape, dtype=bool)

        # every curve is drawn clipped to its plot's view: the view is its bounding rect (no
        # wider: the area a curve marks for repainting would reach into the axes, and every
        # frame would repaint them, ~65 µs an axis)
        x0, x1 = self._xrange
        rect = {name: QRectF(x0, y0, x1 - x0, y1 - y0) for name, (y0, y1) in self._yrange.items()}

        # (steps never decrease along a curve: only the stretches that changed are repainted)
        px = (x1 - x0) / max(self._pixels(), 1)
        self._mark_off_scale(window, x, x_end, lo, hi, vis, shown, loss_dec, grad_dec)
        yield  # (nothing after this reads the history: its oldest rows may be overwritten)

        def put(item: Curve, f: int, li: int) -> None:
            r = row[f]
            m = keep[r, li]
            item.set_bounds(rect[PLOT_OF_FEATURE[f]])
            item.set_xy(xs[m], y[r, li][m], px)

        for li in vis:
            lane = self.lanes[li]
            put(lane.loss, F_LOSS, li)
            m = zkeep[li]
            for item in (lane.z_lo, lane.z_hi, lane.z_fill):
                item.set_bounds(rect["z"])
            lo_spans = lane.z_lo.set_xy(xd[m], zlo[li][m], px)
            hi_spans = lane.z_hi.set_xy(xd[m], zhi[li][m], px)
            both = None if lo_spans is None or hi_spans is None else lo_spans + hi_spans
            lane.z_fill.update_band(both, px)
            put(lane.z_mean, F_ZMEAN, li)
            put(lane.a, F_A, li)
            for gi, g in enumerate(shown):
                put(lane.grad[g], F_GRAD[g], li)
                m = rail_keep[gi, li]
                lane.rail[g].set_bounds(rect["grad"])
                lane.rail[g].set_xy(rail_x[m], rail_y[gi, li][m], px)
            for p, c in lane.params.items():
                put(c, F_PARAM[p], li)
        # apply the new ranges now: pyqtgraph defers them to the scene's next paint, where moving
        # every curve marks the data area dirty again and it is painted a second time (measured:
        # two full paints of the plots per refresh while the x range scrolls)
        for plot in self.plots.values():
            plot.vb.prepareForPaint()
