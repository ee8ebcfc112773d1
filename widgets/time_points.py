"""Every time-plot curve's points for a frame, from the bins of the history window
(:class:`CurvePoints`), reusing the last frame's where their bins did not change.

A frame of a run that grows by a few steps changes the last bin or two of every curve; the rest
of each curve (clipped into the plots' decades, narrow bins merged, flat stretches thinned) is
the last frame's. Where anything else changed (the bin size, the window's first row, the events
the bins are split at, the decades, a plot's flatness tolerance, the series shown), every point
is worked out anew, as it is the first time.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from widgets.decimate import flat_mask
from widgets.plot_series import F_ZMAX, F_ZMIN

ANCHOR_EVERY = 16  # points always kept (every 16th step or 8th bin), so slow curvature is followed
REDO_BINS = 1  # bins before the last frame's newest one worked out again: a point's mask
# depends on its neighbours and, a bin's first point's, on the bin's second, so a bin's mask
# changes with the next bin's points; one more bin before them is read as context


@dataclass
class Shape:
    """What the points are shaped with: the decades the log rows are clipped into (rows, lowest,
    top), each row's flatness tolerance (data units: a quarter pixel) and the z band's."""

    log_rows: tuple[tuple[tuple[int, ...], int, int], ...]
    eps: tuple[float, ...]
    z_eps: float
    simplify: bool


@dataclass
class Raw:
    """A frame's extremes over the whole window, (2, ...): smallest, largest (NaN where none):
    ``rows`` each row's and lane's, unclipped; ``zlo``/``zhi`` each lane's of the z band's lows
    and highs; ``bins`` each feature's and lane's of the bins' minima (smallest) and maxima
    (largest). ``z_lows``/``z_highs``: the band itself, (lanes, bins)."""

    rows: np.ndarray
    zlo: np.ndarray
    zhi: np.ndarray
    bins: np.ndarray
    z_lows: np.ndarray
    z_highs: np.ndarray


@dataclass
class Points:
    """A frame's points: ``xs`` (each curve's x), ``y`` (rows, lanes, points) shaped, ``keep``
    which points to draw, ``zlo``/``zhi`` (lanes, bins) the z band and ``zkeep``; ``fresh``: the
    first bin that differs from the last frame's (0: all of them may)."""

    xs: np.ndarray
    y: np.ndarray
    keep: np.ndarray
    zlo: np.ndarray
    zhi: np.ndarray
    zkeep: np.ndarray
    fresh: int


class CurvePoints:
    """The time plots' points, frame after frame (see the module docstring)."""

    def __init__(self) -> None:
        self.reset()

    def reset(self) -> None:
        """Forget the last frame (a new model, or no points at all)."""
        self._last: tuple | None = None  # (key, shape, xd, Points, extremes before the newest bin)
        self._pending: tuple | None = None
        self.reuses = 0  # frames that reused the last frame's points (counted for the tests)

    def raw(self, xd: np.ndarray, lo: np.ndarray, hi: np.ndarray, used: list[int], k: int,
            key: tuple) -> Raw:
        """Start a frame from the bins ``lo``/``hi`` (bins, features, lanes) drawn at ``xd``,
        features ``used`` as rows; ``key``: what else the bins depend on (the bin size ``k``,
        the history, its first row in the window, the events the bins are split at). The
        extremes come from the bins that changed and those of the bins before. Call
        :meth:`shape` next."""
        ppb = 1 if k == 1 else 2
        n = len(xd)
        last = self._last
        start = 0
        if (last is not None and last[0] == key and n >= len(last[2]) > REDO_BINS + 1
                and np.array_equal(last[2][:-1], xd[:len(last[2]) - 1])):
            start = len(last[2]) - 1  # the last frame's newest bin on (it may have grown)
        y = _rows(lo[start:], hi[start:], used, k)
        # the extremes of the bins before the newest one (kept for the next frame), then all
        before = (_extremes(y[..., :ppb * (n - 1 - start)]),
                  _bin_extremes(lo[start:n - 1], hi[start:n - 1]))
        if start:
            before = (_combine(last[4][0], before[0]), _combine(last[4][1], before[1]))
        zlo, zhi = lo[:, F_ZMIN].T.copy(), hi[:, F_ZMAX].T.copy()  # (lanes, bins)
        self._pending = (key, xd, k, start, y, before, lo, hi, used)
        return Raw(_combine(before[0], _extremes(y[..., ppb * (n - 1 - start):])),
                   _extremes(zlo), _extremes(zhi),
                   _combine(before[1], _bin_extremes(lo[n - 1:], hi[n - 1:])), zlo, zhi)

    def shape(self, how: Shape, zlo: np.ndarray, zhi: np.ndarray) -> Points:
        """The points of the last :meth:`raw` shaped ``how``: log rows clipped into their
        decades (above the top one: at it; below the lowest: NaN, not drawn), each bin whose
        two points lie within two tolerances of each other made one point, flat stretches
        thinned (:func:`widgets.decimate.flat_mask`, anchored every ANCHOR_EVERY steps)."""
        assert self._pending is not None
        key, xd, k, start, y_new, before, lo, hi, used = self._pending
        self._pending = None
        ppb = 1 if k == 1 else 2
        n = len(xd)
        xs = np.repeat(xd, 2) if ppb == 2 else xd
        last = self._last
        if start and last is not None and last[1] == how:
            p: Points = last[3]
            a = start - REDO_BINS  # the first bin worked out again
            c = a - 1  # and the one before it, read as context
            y = np.empty((*y_new.shape[:2], ppb * n))
            y[..., :ppb * start] = p.y[..., :ppb * start]
            y[..., ppb * start:] = y_new
            keep = np.empty(y.shape, dtype=bool)
            keep[..., :ppb * a] = p.keep[..., :ppb * a]
            # (shaping the context and the bins after it again changes none of their values)
            keep[..., ppb * a:] = _shaped(y[..., ppb * c:], xs[ppb * c:], k, how)[..., ppb:]
            zkeep = np.empty(zlo.shape, dtype=bool)
            zkeep[:, :a] = p.zkeep[:, :a]
            zkeep[:, a:] = _zmask(zlo[:, c:], zhi[:, c:], xd[c:], k, how)[:, 1:]
            self.reuses += 1
            fresh = a
        else:
            y = y_new if not start else _rows(lo, hi, used, k)
            keep = _shaped(y, xs, k, how)
            zkeep = _zmask(zlo, zhi, xd, k, how)
            fresh = 0
        points = Points(xs, y, keep, zlo, zhi, zkeep, fresh)
        self._last = (key, how, xd, points, before)
        return points


def _rows(lo: np.ndarray, hi: np.ndarray, used: list[int], k: int) -> np.ndarray:
    """(rows, lanes, points): each bin's min and max as two points ('peak' mode); one point a
    bin where a bin is one row (k == 1)."""
    if k == 1:
        return lo[:, used].transpose(1, 2, 0).copy()
    y = np.empty((len(used), lo.shape[2], 2 * len(lo)))
    y[..., 0::2] = lo[:, used].transpose(1, 2, 0)
    y[..., 1::2] = hi[:, used].transpose(1, 2, 0)
    return y


def _every(k: int) -> int:
    return ANCHOR_EVERY if k == 1 else ANCHOR_EVERY // 2


def _shaped(y: np.ndarray, xs: np.ndarray, k: int, shape: Shape) -> np.ndarray:
    """Shape ``y`` (rows, lanes, points) in place (see CurvePoints.shape); which points to
    draw. The first and last point are always drawn (ends)."""
    with np.errstate(invalid="ignore"):
        for rows, bottom, top in shape.log_rows:
            r = list(rows)
            y[r] = np.where(y[r] < bottom, np.nan, np.minimum(y[r], top))
    if not shape.simplify:
        return np.ones(y.shape, dtype=bool)
    eps = np.asarray(shape.eps, dtype=float)[:, None, None]
    if k > 1:  # a bin whose min and max are within half a pixel: one point, not two
        a, b = y[..., 0::2], y[..., 1::2]
        with np.errstate(invalid="ignore"):
            narrow = np.abs(b - a) <= 2 * eps
        mid = 0.5 * (a + b)
        np.copyto(a, mid, where=narrow)
        np.copyto(b, mid, where=narrow)
    anchor = np.floor_divide(xs, k) % _every(k) == 0  # tied to steps: stable as data slides
    keep = flat_mask(y, eps, anchor)
    if k > 1:  # a narrow bin's one point is its first: kept if either was needed
        keep[..., 0::2] |= keep[..., 1::2] & narrow
        keep[..., 1::2] &= ~narrow
    return keep


def _zmask(zlo: np.ndarray, zhi: np.ndarray, xd: np.ndarray, k: int, shape: Shape
           ) -> np.ndarray:
    """Which of the z band's bins (lanes, bins) to draw: where either edge is not flat."""
    if not shape.simplify:
        return np.ones(zlo.shape, dtype=bool)
    anchor = np.floor_divide(xd, k) % _every(k) == 0
    return flat_mask(zlo, shape.z_eps, anchor) | flat_mask(zhi, shape.z_eps, anchor)


def _extremes(v: np.ndarray) -> np.ndarray:
    """(2, ...): the smallest and largest non-NaN value along the last axis (NaN where none)."""
    if v.shape[-1] == 0:
        return np.full((2, *v.shape[:-1]), np.nan)
    return np.stack([np.fmin.reduce(v, axis=-1), np.fmax.reduce(v, axis=-1)])


def _bin_extremes(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(2, features, lanes): the smallest of the bins' minima ``lo`` and the largest of their
    maxima ``hi`` (bins, features, lanes); NaN where none."""
    if not len(lo):
        return np.full((2, *lo.shape[1:]), np.nan)
    return np.stack([np.fmin.reduce(lo, axis=0), np.fmax.reduce(hi, axis=0)])


def _combine(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.stack([np.fmin(a[0], b[0]), np.fmax(a[1], b[1])])
