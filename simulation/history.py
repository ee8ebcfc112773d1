"""Per-step columns of every lane, in a growing array (a full run) or a ring (the live app)."""

from __future__ import annotations

import numpy as np

COLUMNS = ("step", "lr", "w1", "w2", "b", "alpha", "loss", "grad_w1", "grad_w2", "grad_b",
           "grad_alpha", "z_min", "z_max", "z_mean", "a_mean", "active_fraction", "state")
INDEX = {name: i for i, name in enumerate(COLUMNS)}


class History:
    """Rows of shape (len(COLUMNS), L), stored contiguously.

    ``capacity=None`` keeps every row (growing by doubling); an integer keeps the newest
    ``capacity`` rows in a ring, so memory stays bounded however long the run.
    """

    def __init__(self, n_lanes: int, capacity: int | None = None):
        self.n_lanes = n_lanes
        self.capacity = capacity
        self._buf = np.empty((capacity or 1024, len(COLUMNS), n_lanes))
        self._count = 0  # rows ever appended

    def __len__(self) -> int:
        return min(self._count, len(self._buf)) if self.capacity else self._count

    @property
    def total(self) -> int:
        """Rows ever appended (including those a ring has dropped)."""
        return self._count

    def append(self, row: np.ndarray) -> None:
        """Add one row of shape (len(COLUMNS), L)."""
        if self.capacity is None and self._count == len(self._buf):
            self._buf = np.concatenate([self._buf, np.empty_like(self._buf)])
        self._buf[self._count % len(self._buf)] = row
        self._count += 1

    def column(self, name: str) -> np.ndarray:
        """Column ``name`` as (L, len(self)), oldest first (a copy)."""
        return self.window(INDEX[name]).T.copy()

    def window(self, col: int | slice = slice(None)) -> np.ndarray:
        """Rows oldest first, shape (len, ...) for the given column(s); a copy for a ring."""
        n = len(self)
        if self.capacity is None or self._count <= len(self._buf):
            return self._buf[:n, col]
        start = self._count % len(self._buf)
        return np.concatenate([self._buf[start:, col], self._buf[:start, col]])

    def last(self) -> np.ndarray:
        """The newest row, (len(COLUMNS), L)."""
        return self._buf[(self._count - 1) % len(self._buf)]

    def truncate(self, n_rows: int) -> None:
        """Keep only the first ``n_rows`` rows ever appended (growing histories only)."""
        if self.capacity is not None:
            raise ValueError("a ring history cannot be truncated")
        self._count = min(self._count, n_rows)
