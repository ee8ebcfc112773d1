"""The x and y ranges of the time plots: sticky linear ranges, whole-decade log ranges, the
exact-zero rail of the gradient plot and the snapped step axis.

:class:`TimeRanges` is a mixin of :class:`widgets.time_plots.TimePlots` (it uses its ``plots``,
``markers``, ``lanes`` and rail items).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QPointF

from widgets.plot_axes import LogAxis
from widgets.plot_series import LIN_LIMIT

LOG_CAP = 12  # log plots show at most up to 10^12
MAX_DECADES = 14  # and at most this many decades (lower values are not drawn, but labelled)
RAIL_FRACTION = 0.30  # share of the gradient plot's height given to the exact-zero rail
X_SNAP = 0.02  # the x range's edges snap to multiples of ~2% of the span shown
MIN_X_SPAN = 10.0  # steps shown at least (whole-step ticks before and just after the first step)
LOSS_DECADES, GRAD_DECADES = (-6, 1), (-8, 1)  # the log plots' decades before any data
RAIL_LABEL_GAP = 6.0  # px between the gradient plot's right end and the "exactly 0" label
LABEL_CLEAR = 3.0  # px between the shock marker labels and the top decade of a log plot
LABEL_ROOM_MAX = 0.4  # share of a log plot's height the labels' room takes at most


def nice_step(v: float) -> float:
    """The smallest of 1, 2, 5 x 10^n that is >= ``v`` (and >= 1)."""
    if v <= 1:
        return 1.0
    e = 10.0 ** math.floor(math.log10(v))
    return next(m * e for m in (1, 2, 5, 10) if m * e >= v)


def free_places(xrange: tuple[float, float], width_px: float, w_px: float,
                lines: list[float], gap_px: float = 5.0) -> list[float]:
    """The left x (steps) of every place for a label ``w_px`` wide that no line at the steps
    ``lines`` crosses (``gap_px`` clear of each) in a view of ``xrange`` ``width_px`` wide, in
    order of preference: the left end, the right end, just right of each line."""
    x0, x1 = xrange
    if width_px <= 0 or x1 <= x0:
        return []
    px = width_px / (x1 - x0)
    at = sorted((s - x0) * px for s in lines if x0 <= s <= x1)
    starts = [0.0, width_px - w_px - 2.0, *(a + gap_px for a in at)]
    return [x0 + left / px for left in starts
            if left >= 0 and left + w_px <= width_px and not any(
                left - gap_px < a < left + w_px + gap_px for a in at)]


def free_place(xrange: tuple[float, float], width_px: float, w_px: float,
               lines: list[float], gap_px: float = 5.0) -> float | None:
    """The first of :func:`free_places` (None where there is none)."""
    places = free_places(xrange, width_px, w_px, lines, gap_px)
    return places[0] if places else None


def band_clear(x: np.ndarray, lo: np.ndarray, hi: np.ndarray, box: tuple[float, ...]) -> bool:
    """Whether no lane's band (bins at steps ``x``, each lane's row of ``lo``..``hi``) enters
    ``box`` (x0, x1, y0, y1): the bins from the one before x0 to the last at or before x1."""
    x0, x1, y0, y1 = box
    a = max(int(np.searchsorted(x, x0, "right")) - 1, 0)
    b = int(np.searchsorted(x, x1, "right")) + 1
    if b <= a or not lo.size:
        return True
    with np.errstate(invalid="ignore"):
        hit = (lo[:, a:b] <= y1) & (hi[:, a:b] >= y0)
    return not bool(hit.any())


def snapped_range(first: float, last: float, snap: float) -> tuple[float, float]:
    """Steps ``first``..``last`` with the edges on a grid of ~``snap`` of the span (the range
    moves in small jumps, not every frame), the end one grid step past ``last``, and at least
    MIN_X_SPAN steps (whole-step ticks at the start)."""
    q = nice_step(max(last - first, MIN_X_SPAN) * snap)
    x0 = math.floor(first / q) * q
    return x0, max((math.floor(last / q) + 1) * q, x0 + MIN_X_SPAN)


class TimeRanges:
    """The range half of TimePlots: remembers and sets every plot's view range."""

    def _set_xrange(self, first: float, last: float) -> None:
        """Show steps ``first``..``last`` (and every marker), with the edges snapped to a grid
        of ~2% of the span: the axis moves in small jumps, not every frame (each x-range change
        moves five views, their axes and marker labels), and the newest step keeps a
        little room on the right for a shock marker placed there."""
        for marker in self.markers:
            last = max(last, float(marker.event["step"]))
        xr = snapped_range(first, last, X_SNAP)
        if self._xrange != xr:
            self._xrange = xr
            for plot in self.plots.values():  # (one range: set on each, not through x links,
                plot.vb.setXRange(*xr, padding=0)  # whose syncing cost ~1 ms a change)

    def _empty_ranges(self) -> None:
        """Before the first step: the ranges (and the exact-zero rail) the plots start from, so
        that their axes and labels show before any data."""
        none = np.empty(0)
        self._place_log("loss", self._log_range("loss", none, LOSS_DECADES), rail=False)
        self._place_log("grad", self._log_range("grad", none, GRAD_DECADES), rail=True)
        for name in ("z", "a", "params"):
            self._lin_range(name, none)
        self._place_z_label()

    def _place_z_label(self) -> None:
        """The "z ≤ 0" label inside the shaded region, where no shock marker's line crosses it
        (a line at step 300 ran through its "≤") and, where there is such a place, clear of the
        lanes' z bands (after a bias shock they lie along the bottom, over the label): at the
        bottom, else at the top of the region (under the 0 line, when it shows); at the left,
        else the right end, else just right of a marker. It stays where it is while that place
        stays clear. Shown only where the region's visible part is at least the label's height
        and a place clear of the markers' lines is found."""
        if self._xrange is None or "z" not in self._yrange:
            return
        lo, hi = self._yrange["z"]
        vb = self.plots["z"].vb
        box = self.z_label.textItem.boundingRect()
        px = vb.height() * (min(hi, 0.0) - lo) / (hi - lo) if hi > lo else 0.0
        # not under the labels of values off the scale at the bottom right (see TimeDrawing)
        x0, x1 = self._xrange
        width = vb.width() - max((lane.off[("z", "bottom")].textItem.boundingRect().width() + 8
                                  for lane in self.lanes if lane.off[("z", "bottom")].isVisible()),
                                 default=0.0)
        span = (x0, x0 + (x1 - x0) * width / vb.width()) if vb.width() > 0 else self._xrange
        lines = [float(m.event["step"]) for m in self.markers]
        lefts = free_places(span, width, box.width(), lines)
        fits = px >= box.height() and bool(lefts)
        if fits:
            at = self._z_label_place(lefts, box.width(), box.height(), lo, hi)
            if self.z_label.pos() != at:
                self.z_label.setPos(at)
        if self.z_label.isVisible() != fits:
            self.z_label.setVisible(fits)

    def _z_label_place(self, lefts: list[float], w_px: float, h_px: float, lo: float,
                       hi: float) -> QPointF:
        """Where the "z ≤ 0" label goes (its bottom left; see :meth:`_place_z_label`)."""
        vb = self.plots["z"].vb
        x0, x1 = self._xrange
        sx = (x1 - x0) / vb.width() if vb.width() > 0 else 0.0  # steps a pixel
        sy = (hi - lo) / vb.height() if vb.height() > 0 else 0.0  # z a pixel
        bottoms = [lo]
        if sy > 0 and hi > 0.0 and -lo / sy >= 2 * h_px + 2:  # (room for both places)
            bottoms.append(-(h_px + 1.0) * sy)  # its top a pixel under the 0 line
        places = [QPointF(x, y) for y in bottoms for x in lefts]
        band = self._z_band
        if band is None or sy <= 0:
            return places[0]

        def clear(p: QPointF) -> bool:
            return band_clear(*band, (p.x(), p.x() + w_px * sx, p.y(), p.y() + h_px * sy))

        now = self.z_label.pos()
        if self.z_label.isVisible() and any(p == now for p in places) and clear(now):
            return now  # (no jumping about while its place stays clear)
        return next((p for p in places if clear(p)), places[0])

    def _place_rail_label(self) -> None:
        """The "exactly 0" label beside the exact-zero rail, in the key column right of the
        gradient plot: never over the rails (its box hid ReLU's zero rail up to step ~380).
        Hidden while the gradient key (all gradients) takes that column."""
        vb = self.plots["grad"].vb
        show = "grad" in self._yrange and not self.grad_key.isVisible()
        # (what its place is of: asked every frame, worked out when one of these changed)
        key = (show, getattr(self, "_rail_key", None), self._yrange.get("grad"), vb.geometry())
        if key == getattr(self, "_rail_label_at", None):
            return
        self._rail_label_at = key
        if show:
            y = vb.mapFromView(QPointF(0.0, float(self._rail_rows.mean()))).y()
            at = self.plots["grad"].mapFromItem(vb, QPointF(vb.width() + RAIL_LABEL_GAP, y))
            if self.rail_label.pos() != at:
                self.rail_label.setPos(at)
        if self.rail_label.isVisible() != show:
            self.rail_label.setVisible(show)

    def _marker_rows(self, name: str) -> int:
        """How many rows of shock marker labels plot ``name`` shows at its top (0: none)."""
        rows = [r for m, r in zip(self.markers, self.label_rows, strict=True)
                if m.labels[name].isVisible()]
        return max(rows) + 1 if rows else 0

    def _set_yrange(self, name: str, lo: float, hi: float) -> None:
        if self._yrange.get(name) != (lo, hi):
            self._yrange[name] = (lo, hi)
            self.plots[name].vb.setYRange(lo, hi, padding=0)
            for marker in self.markers:
                marker.labels[name].setPos(float(marker.event["step"]), hi)

    def _eps(self, name: str) -> float:
        """Data units of a quarter pixel in plot ``name`` (the flatness tolerance)."""
        lo, hi = self._yrange.get(name, (0.0, 1.0))
        h = self.plots[name].vb.height()
        return 0.25 * (hi - lo) / (h if h >= 20 else 150.0)

    def _log_range(self, name: str, values: np.ndarray, default: tuple[int, int]
                   ) -> tuple[int, int]:
        """Whole decades covering ``values`` (log10): grow at once, shrink only after a whole
        empty decade; at most MAX_DECADES, at most up to 10^LOG_CAP."""
        vmin = float(np.fmin.reduce(values, axis=None)) if values.size else math.nan
        vmax = float(np.fmax.reduce(values, axis=None)) if values.size else math.nan
        cur = self._decades.get(name)
        if not (math.isfinite(vmin) and math.isfinite(vmax)):
            return cur or default
        want_lo, want_hi = math.floor(vmin), math.ceil(vmax)
        if cur is None:
            lo, hi = want_lo, want_hi
        else:
            lo, hi = cur
            if want_lo < lo or want_lo > lo + 1:
                lo = want_lo
            if want_hi > hi or want_hi < hi - 1:
                hi = want_hi
        hi = min(hi, LOG_CAP)
        lo = max(min(lo, hi - 1), hi - MAX_DECADES)
        self._decades[name] = (lo, hi)
        return lo, hi

    def _markers_px(self, name: str) -> float:
        """The height (px) the shock markers' labels take at the top of plot ``name``: to where
        a row under them would start (0: none shown)."""
        rows = self._marker_rows(name)
        if not rows:
            return 0.0
        # row r's box spans (0.02 + 1.05 r) to (1.02 + 1.05 r) label heights below the top
        return (1.05 * rows + 0.02) * self.markers[0].labels[name].textItem.boundingRect().height()

    def _label_room(self, name: str) -> float:
        """The share of plot ``name``'s height its shock markers' labels take at the top (0:
        none shown), at most LABEL_ROOM_MAX."""
        h = self.plots[name].vb.height()
        px = self._markers_px(name) if h >= 20 else 0.0
        if not px:
            return 0.0
        # (the last row's text ends a document margin above its box's bottom)
        margin = self.markers[0].labels[name].textItem.document().documentMargin()
        return min((px - margin + LABEL_CLEAR) / h, LABEL_ROOM_MAX)

    def _place_log(self, name: str, dec: tuple[int, int], rail: bool) -> None:
        """The y range of log plot ``name`` for decades ``dec``: below, a quarter decade or the
        exact-zero rail; above, a quarter decade, or the room the shock markers' labels take if
        more (a label never hides the top decade's values). The rail's zone is RAIL_FRACTION of
        the view without that room, so the labels' room moves no rail."""
        lo, hi = dec
        top = hi + 0.25
        axis: LogAxis = self.plots[name].getAxis("left")
        axis.floor, axis.ceiling = lo, hi
        if rail:
            n = max(len(self.lanes), 1)
            zone = RAIL_FRACTION / (1 - RAIL_FRACTION) * (top - lo)
            pitch = zone / (n + 1)
            self._rail_pitch = pitch
            self._rail_rows = lo - pitch * (np.arange(n) + 1.0)
            bottom = lo - zone
        else:
            bottom = lo - 0.25
        # the labels' share f of the view above hi: top - hi >= f (top - bottom)
        f = self._label_room(name)
        top = max(top, (hi - f * bottom) / (1 - f))
        if not rail:
            self._set_yrange(name, bottom, top)
            return
        if getattr(self, "_rail_key", None) != (lo, hi, n):  # (what the rail's place is of)
            self._rail_key = (lo, hi, n)
            axis.rail = lo - zone / 2
            self.rail_zone.setRegion((bottom, lo - pitch * 0.5))
            self.rail_edge.setValue(lo - pitch * 0.5)
        self._set_yrange(name, bottom, top)
        self._place_rail_label()

    def _place_logs_again(self) -> None:
        """The log plots' ranges again for their decades (their labels' room follows the plots'
        heights: after a resize, or an export's figure layout)."""
        for name, rail in (("loss", False), ("grad", True)):
            if name in self._decades:
                self._place_log(name, self._decades[name], rail)

    def _lin_range(self, name: str, *arrays: np.ndarray) -> None:
        """Set a linear y range covering ``arrays`` and 0; sticky, so it does not jitter."""
        self.plots[name].getAxis("left").edges = (-LIN_LIMIT, LIN_LIMIT)  # (clipped lines)
        sized = [a for a in arrays if a.size]
        vmin = min((float(np.fmin.reduce(a, axis=None)) for a in sized), default=math.nan)
        vmax = max((float(np.fmax.reduce(a, axis=None)) for a in sized), default=math.nan)
        if not (math.isfinite(vmin) and math.isfinite(vmax)):
            if name not in self._yrange:
                self._set_yrange(name, -1.0, 1.0)
            return
        vmin, vmax = min(vmin, 0.0), max(vmax, 0.0)
        span = max(vmax - vmin, 1e-6, 1e-9 * max(abs(vmin), abs(vmax)))
        want = self._edge_room(name, vmin, vmax, (vmin - 0.06 * span, vmax + 0.06 * span))
        cur = self._yrange.get(name)
        if cur is not None:
            inside = cur[0] <= want[0] and want[1] <= cur[1]
            if inside and (want[1] - want[0]) >= 0.6 * (cur[1] - cur[0]):
                return
            if not inside:  # growing: leave headroom so it does not grow every frame, and
                # keep the other edge (moved in, it flipped the range between two every frame
                # while z's band grew at both ends: the z plot bounced by a unit a frame)
                want = self._edge_room(name, vmin, vmax, (
                    vmin - 0.12 * span if want[0] < cur[0] else cur[0],
                    vmax + 0.12 * span if want[1] > cur[1] else cur[1]))
        self._set_yrange(name, *want)

    def _edge_room(self, name: str, vmin: float, vmax: float, want: tuple[float, float]
                   ) -> tuple[float, float]:
        """``want`` widened so that the +-LIN_LIMIT edge a clipped line is drawn at (``vmin``,
        ``vmax`` there) lies at least ~0.6 tick label heights inside the view: its tick label
        shows (an axis hides a label that would stick out of it: the edge went unlabelled)."""
        if vmax < LIN_LIMIT and vmin > -LIN_LIMIT:
            return want
        h = self.plots[name].vb.height()
        f = min(0.6 * self.plots[name].getAxis("left").label_px() / (h if h >= 20 else 150.0),
                0.3)
        lo, hi = want
        for _ in range(3):  # (a fixed point: each edge's room depends on the whole span)
            if vmax >= LIN_LIMIT:
                hi = max(hi, (LIN_LIMIT - f * lo) / (1 - f))
            if vmin <= -LIN_LIMIT:
                lo = min(lo, -(LIN_LIMIT + f * hi) / (1 - f))
        return lo, hi
