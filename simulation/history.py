"""Per-step columns of every lane, in a growing array (a full run) or a ring (the live app)."""

from __future__ import annotations

import mmap

import numpy as np

COLUMNS = ("step", "lr", "w1", "w2", "b", "alpha", "loss", "grad_w1", "grad_w2", "grad_b",
           "grad_alpha", "z_min", "z_max", "z_mean", "a_mean", "active_fraction", "state")
INDEX = {name: i for i, name in enumerate(COLUMNS)}
OWN_MAPPING_BYTES = 1 << 20  # rings at least this large get a memory mapping of their own


def _ring_buffer(shape: tuple[int, ...]) -> np.ndarray:
    """An array for a ring of ``shape`` (floats, contents undefined until written).

    A large ring (the live app's is ~27 MB) is given an anonymous memory mapping of its own, which
    goes back to the system when the ring is freed. From malloc (np.empty), the first ring freed
    (a reset) raises glibc's mmap threshold to its size, so every later ring came from the heap,
    where a freed ring below a live one is never given back: +27 MB resident from the second
    reset on (a new window, a preset, Apply, a session). Pages cost nothing until written."""
    count = int(np.prod(shape))
    if count * 8 < OWN_MAPPING_BYTES:
        return np.empty(shape)
    return np.frombuffer(mmap.mmap(-1, count * 8), dtype=float, count=count).reshape(shape)


class History:
    """Rows of shape (len(COLUMNS), L), oldest first.

    ``capacity=None`` keeps every row (growing by doubling). An integer keeps the newest
    ``capacity`` rows in a ring that writes each row twice (at i and i + capacity), so the
    window of the newest rows is always one contiguous view: no copy per frame, bounded memory.
    """

    def __init__(self, n_lanes: int, capacity: int | None = None):
        self.n_lanes = n_lanes
        self.capacity = capacity
        # only rows written are ever read (window): an unfilled ring costs no page until a row
        # is written (a NaN fill of the app's 27 MB ring took ~0.03-0.1 s at start-up)
        shape = (2 * capacity if capacity else 1024, len(COLUMNS), n_lanes)
        self._buf = _ring_buffer(shape) if capacity else np.empty(shape)
        self._count = 0  # rows ever appended

    def __len__(self) -> int:
        return min(self._count, self.capacity) if self.capacity else self._count

    @property
    def total(self) -> int:
        """Rows ever appended (including those a ring has dropped)."""
        return self._count

    def append(self, row: np.ndarray) -> None:
        """Add one row of shape (len(COLUMNS), L)."""
        if self.capacity is None:
            if self._count == len(self._buf):
                self._buf = np.concatenate([self._buf, np.empty_like(self._buf)])
            self._buf[self._count] = row
        else:
            i = self._count % self.capacity
            self._buf[i] = row
            self._buf[i + self.capacity] = row
        self._count += 1

    def extend(self, rows: np.ndarray) -> None:
        """Add rows of shape (k, len(COLUMNS), L), as k calls of :meth:`append`."""
        k = len(rows)
        cap = self.capacity
        if cap is None:
            while self._count + k > len(self._buf):
                self._buf = np.concatenate([self._buf, np.empty_like(self._buf)])
            self._buf[self._count:self._count + k] = rows
        else:
            if k > cap:  # only the newest cap rows stay
                self._count += k - cap
                rows, k = rows[-cap:], cap
            i = self._count % cap
            first = min(k, cap - i)
            for start in (i, i + cap):
                self._buf[start:start + first] = rows[:first]
            if first < k:
                for start in (0, cap):
                    self._buf[start:start + k - first] = rows[first:]
        self._count += k

    def clear(self) -> None:
        """Forget every row (the buffer is kept: rows written again reuse it)."""
        self._count = 0

    def window(self) -> np.ndarray:
        """The kept rows, oldest first, shape (len, len(COLUMNS), L): a read-only view."""
        if self.capacity is None or self._count <= self.capacity:
            view = self._buf[: len(self)]
        else:
            start = self._count % self.capacity
            view = self._buf[start : start + self.capacity]
        view = view.view()
        view.flags.writeable = False
        return view

    def column(self, name: str) -> np.ndarray:
        """Column ``name`` as (L, len(self)), oldest first (a view)."""
        return self.window()[:, INDEX[name]].T

    def last(self) -> np.ndarray:
        """The newest row, (len(COLUMNS), L)."""
        return self.window()[-1]

    @classmethod
    def from_rows(cls, rows: np.ndarray, capacity: int | None = None,
                  total: int | None = None) -> History:
        """A history holding ``rows`` (m, C, L), oldest first, as if ``total`` rows (default m)
        had been appended; a ring keeps only the newest ``capacity`` of them."""
        n_lanes = rows.shape[2]
        h = cls(n_lanes, capacity)
        total = len(rows) if total is None else total
        if capacity is not None:
            rows = rows[-capacity:] if len(rows) > capacity else rows
        m = len(rows)
        if capacity is None:
            h._buf = np.array(rows, dtype=float, copy=True).reshape(m, len(COLUMNS), n_lanes)
            if m == 0:
                h._buf = np.empty((1024, len(COLUMNS), n_lanes))
        elif m:
            idx = (np.arange(total - m, total)) % capacity
            h._buf[idx] = rows
            h._buf[idx + capacity] = rows
        h._count = total if capacity is not None else m
        return h
