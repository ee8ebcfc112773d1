"""Min/max ("peak") decimation of a history window, computed incrementally.

A time plot shows up to 20,000 steps in ~1,000 pixels, redrawn up to 60 times a second. Reducing
the whole window every frame would cost milliseconds, so rows are grouped into bins of ``k``
consecutive rows aligned to the *absolute* row number (``History.total``): a completed bin never
changes, even when a ring history slides, and is reduced once and cached. Each frame then only
reduces the rows that arrived since the last frame plus the partial bins at both ends.

Reductions use ``np.fmin`` / ``np.fmax``: NaN is ignored unless a whole bin is NaN (then NaN), and
no warning is ever raised (``nanmin`` warns on all-NaN slices).

Events (shocks) must not show before their step: :meth:`BinReducer.cut` splits the bin holding an
event's step there, and has the bin ending just before an event drawn at its *last* step (every
other bin at its first), so the line leaves the old level at the step before the event, as the
undecimated line does.
"""

from __future__ import annotations

from collections.abc import Callable
from itertools import pairwise

import numpy as np


def bin_size(n_rows: int, n_pixels: int) -> int:
    """Rows per bin so that ``n_rows`` give 1 to 2 points per pixel (1: no decimation).

    Powers of two: when the history grows past the next level the cached bins are merged in
    pairs instead of being recomputed from every row.
    """
    n_pixels = max(int(n_pixels), 1)
    if n_rows <= 2 * n_pixels:
        return 1
    need = -(-n_rows // n_pixels)  # at most n_pixels bins of two points (min, max) each
    return 1 << (need - 1).bit_length()


Features = Callable[[np.ndarray], np.ndarray]


class BinReducer:
    """Per-bin minimum and maximum of per-row features, with completed bins cached.

    ``features(rows)`` maps history rows ``(m, C, L)`` to feature rows ``(m, F, L)``;
    :meth:`reduce` returns, for the bins covering the window, the step of each bin's first row
    ``(n,)`` and the feature minima and maxima ``(n, F, L)``. With ``k == 1`` minima and maxima
    are the (same) feature rows of the whole window.
    """

    def __init__(self, features: Features, step_column: int = 0):
        self.features = features
        self.step_column = step_column
        self.reset()

    def reset(self) -> None:
        self.k = 0
        self._total = -1
        self._shape: tuple[int, int] | None = None  # (F, L) of the cache
        self._x = np.empty(0)
        self._lo = np.empty((0, 0, 0))
        self._hi = np.empty((0, 0, 0))
        self._start = 0  # buffer position of the oldest cached bin
        self._n = 0  # cached bins
        self._j0 = 0  # absolute bin index of the oldest cached bin
        self._lanes: tuple[int, ...] = ()
        self._pieces: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}

    # --- helpers --------------------------------------------------------------------------------
    def _reduce_full(self, rows: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bins of exactly ``k`` rows each (``len(rows)`` is a multiple of ``k``)."""
        f = self.features(rows)
        m = len(rows) // k
        f = f.reshape(m, k, *f.shape[1:])
        x = rows[::k, self.step_column, 0].astype(float)
        return x, np.fmin.reduce(f, axis=1), np.fmax.reduce(f, axis=1)

    def _reduce_one(self, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """One bin of any number (>= 1) of rows."""
        f = self.features(rows)
        x = np.array([rows[0, self.step_column, 0]], dtype=float)
        return x, np.fmin.reduce(f, axis=0)[None], np.fmax.reduce(f, axis=0)[None]

    def _ensure_capacity(self, extra: int, shape: tuple[int, int]) -> None:
        need = self._n + extra
        if self._shape != shape or len(self._x) == 0:
            cap = max(64, 2 * need)
            self._x = np.empty(cap)
            self._lo = np.empty((cap, *shape))
            self._hi = np.empty((cap, *shape))
            self._shape = shape
            self._start = 0
            self._n = 0
            return
        if self._start + need <= len(self._x):
            return
        cap = len(self._x) if need <= len(self._x) // 2 else 2 * need
        s, e = self._start, self._start + self._n
        if cap == len(self._x):  # compact in place (regions may overlap: numpy copies safely)
            self._x[: self._n] = self._x[s:e]
            self._lo[: self._n] = self._lo[s:e]
            self._hi[: self._n] = self._hi[s:e]
        else:
            x, lo, hi = np.empty(cap), np.empty((cap, *shape)), np.empty((cap, *shape))
            x[: self._n], lo[: self._n], hi[: self._n] = self._x[s:e], self._lo[s:e], self._hi[s:e]
            self._x, self._lo, self._hi = x, lo, hi
        self._start = 0

    def _merge_pairs(self) -> None:
        """Cached bins of k rows -> bins of 2k rows (old bins 2m and 2m + 1 make new bin m)."""
        a = self._j0 + self._j0 % 2  # first even old bin
        b = self._j0 + self._n
        b -= b % 2
        s = self._start + (a - self._j0)
        m = (b - a) // 2
        if m <= 0:
            self._n = 0
            return
        shape = self._lo.shape[1:]
        lo = np.fmin.reduce(self._lo[s : s + 2 * m].reshape(m, 2, *shape), axis=1)
        hi = np.fmax.reduce(self._hi[s : s + 2 * m].reshape(m, 2, *shape), axis=1)
        x = self._x[s : s + 2 * m : 2].copy()
        self._x[:m], self._lo[:m], self._hi[:m] = x, lo, hi
        self._start, self._n, self._j0 = 0, m, a // 2

    # --- the frame ------------------------------------------------------------------------------
    def reduce(self, window: np.ndarray, total: int, k: int
               ) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Bins over ``window`` (the newest ``len(window)`` of ``total`` rows), ``k`` rows each."""
        n_rows = len(window)
        if n_rows == 0:
            self.reset()
            return np.empty(0), np.empty((0, 0, 0)), np.empty((0, 0, 0))
        if k <= 1:
            self.reset()
            f = self.features(window)
            return window[:, self.step_column, 0].astype(float), f, f
        if total < self._total or window.shape[2:] != self._lanes:
            self.reset()
            self._lanes = window.shape[2:]
        if k != self.k:
            if self.k and k == 2 * self.k and self._n >= 2:
                self._merge_pairs()
            else:
                self.reset()
                self._lanes = window.shape[2:]
            self.k = k
        self._total = total
        first = total - n_rows  # absolute row number of window[0]
        j_lo = -(-first // k)  # first bin that lies entirely inside the window
        j_hi = total // k  # end of the complete bins
        parts: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []

        head_end = min(j_lo * k, total)
        if first < head_end:  # a partial bin at the front (the ring dropped its first rows)
            parts.append(self._reduce_one(window[: head_end - first]))

        if j_hi > j_lo:
            # drop cached bins that slid out of the window
            if self._n:
                drop = min(max(j_lo - self._j0, 0), self._n)
                self._start += drop
                self._n -= drop
                self._j0 += drop
            if self._n == 0:
                self._j0 = j_lo
            new_from = self._j0 + self._n
            if new_from < j_hi:
                a, b = new_from * k - first, j_hi * k - first
                x, lo, hi = self._reduce_full(window[a:b], k)
                self._ensure_capacity(len(x), lo.shape[1:])
                e = self._start + self._n
                self._x[e : e + len(x)] = x
                self._lo[e : e + len(x)] = lo
                self._hi[e : e + len(x)] = hi
                self._n += len(x)
            s, e = self._start, self._start + self._n
            parts.append((self._x[s:e], self._lo[s:e], self._hi[s:e]))

        tail_start = max(j_hi * k, j_lo * k, first)
        if tail_start < total:  # the bin still filling up at the end
            parts.append(self._reduce_one(window[tail_start - first :]))

        if len(parts) == 1:
            x, lo, hi = parts[0]
            return x.copy(), lo.copy(), hi.copy()
        return (np.concatenate([p[0] for p in parts]), np.concatenate([p[1] for p in parts]),
                np.concatenate([p[2] for p in parts]))

    # --- events ---------------------------------------------------------------------------------
    def cut(self, window: np.ndarray, x: np.ndarray, lo: np.ndarray, hi: np.ndarray,
            steps: list[float]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
        """The bins of :meth:`reduce` split at the event ``steps``, and where to draw them.

        Returns ``(x, x_draw, lo, hi)``: ``x`` the first step of every bin (pieces included),
        ``x_draw`` the same except for a bin that ends just before an event step, which is drawn
        at its last step. The pieces of completed bins are cached.
        """
        if len(x) == 0 or len(x) == len(window) or not steps:  # empty, or one row a bin
            return x, x.copy(), lo, hi
        col = window[:, self.step_column, 0]
        ev = np.unique(np.asarray(steps, dtype=float))
        pos = np.searchsorted(col, ev)
        inside = (pos > 0) & (pos < len(col))
        ev, pos = ev[inside], pos[inside]
        ev, pos = ev[col[pos] == ev], pos[col[pos] == ev]  # events at a recorded step (not first)
        if len(ev) == 0:
            return x, x.copy(), lo, hi
        inside_bin = np.searchsorted(x, ev, side="right") - 1
        split = x[inside_bin] != ev
        if split.any():
            bins, first = np.unique(inside_bin[split], return_index=True)
            cuts_of = np.split(col[pos[split]], first[1:])
            starts = np.searchsorted(col, x[bins])
            ends = np.searchsorted(col, x[np.minimum(bins + 1, len(x) - 1)])
            ends[bins + 1 >= len(x)] = len(col)
            pieces: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
            used: dict[tuple, tuple[np.ndarray, np.ndarray, np.ndarray]] = {}
            for i, a, b, first_step, last_step, cuts in zip(
                    bins.tolist(), starts.tolist(), ends.tolist(), col[starts].tolist(),
                    col[ends - 1].tolist(), cuts_of, strict=True):
                key = (self.k, first_step, last_step, *cuts.tolist())
                piece = self._pieces.get(key)
                if piece is None:
                    bounds = [a, *np.searchsorted(col, cuts).tolist(), b]
                    parts = [self._reduce_one(window[s:e]) for s, e in pairwise(bounds)]
                    piece = tuple(np.concatenate([p[j] for p in parts]) for j in range(3))
                if i + 1 < len(x):  # a completed bin: cached
                    used[key] = piece
                pieces.append(piece)
            self._pieces = used  # only the bins split in this window
            # the other bins copied in blocks, each split bin replaced by its pieces
            size = len(x) + sum(len(p[0]) - 1 for p in pieces)
            out = [np.empty((size, *arr.shape[1:])) for arr in (x, lo, hi)]
            at = to = 0
            for i, piece in zip(bins.tolist(), pieces, strict=True):
                n = len(piece[0])
                for arr, o, p in zip((x, lo, hi), out, piece, strict=True):
                    o[to : to + i - at] = arr[at:i]
                    o[to + i - at : to + i - at + n] = p
                to += i - at + n
                at = i + 1
            for arr, o in zip((x, lo, hi), out, strict=True):
                o[to:] = arr[at:]
            x, lo, hi = out
        x_draw = x.copy()
        before = np.searchsorted(x, ev) - 1  # the bin ending just before each event
        x_draw[before] = col[pos - 1]
        return x, x_draw, lo, hi


def peak_interleave(lo: np.ndarray, hi: np.ndarray) -> np.ndarray:
    """(n, ...) minima and maxima as (2n, ...): min, max, min, max, ... (pyqtgraph's 'peak')."""
    out = np.empty((2 * len(lo), *lo.shape[1:]), dtype=float)
    out[0::2] = lo
    out[1::2] = hi
    return out


def flat_mask(y: np.ndarray, eps: np.ndarray | float, anchor: np.ndarray | None = None
              ) -> np.ndarray:
    """Which points of ``y`` (curves along the last axis) to draw.

    An interior point is dropped when both neighbours are within ``eps`` of it (a flat or slowly
    changing stretch: a straight line through the kept points is within a fraction of a pixel).
    Points where ``anchor`` is True are always kept, so slow curvature is still followed; pass an
    anchor tied to absolute step numbers so the kept points do not shift as the window slides.
    Non-finite points and their neighbours are always kept (comparisons with NaN are False).

    Antialiased 2-px lines cost Qt's raster engine ~2.5 µs per vertex; most of a run's curves are
    flat after a shock, so this cuts painting by an order of magnitude.
    """
    keep = np.ones(y.shape, dtype=bool)
    if y.shape[-1] < 3:
        return keep
    with np.errstate(invalid="ignore"):
        d = np.diff(y, axis=-1)
        near = np.less_equal(np.abs(d, out=d), eps)  # each step compared once
    inner = keep[..., 1:-1]
    np.logical_and(near[..., :-1], near[..., 1:], out=inner)
    np.logical_not(inner, out=inner)
    if anchor is not None:
        keep |= anchor
    return keep


def run_ends(y: np.ndarray) -> np.ndarray:
    """Keep-mask for piecewise-constant curves with NaN gaps (along the last axis): the first and
    last point of every finite run and the first NaN after a run (which breaks the line)."""
    f = np.isfinite(y)
    prev = np.zeros_like(f)
    prev[..., 1:] = f[..., :-1]
    nxt = np.zeros_like(f)
    nxt[..., :-1] = f[..., 1:]
    return (f & ~(prev & nxt)) | (~f & prev)
