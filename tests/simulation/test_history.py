"""The history ring's memory: a large ring lives in a memory mapping of its own, given back to
the system as soon as the ring is dropped (a reset), whatever malloc's thresholds have become."""

from __future__ import annotations

import gc
import mmap
import weakref

import numpy as np

from simulation.history import COLUMNS, OWN_MAPPING_BYTES, History


def owner(a: np.ndarray):
    """The object that owns ``a``'s memory (past every view)."""
    while isinstance(a, np.ndarray) and a.base is not None:
        a = a.base
    return a.obj if isinstance(a, memoryview) else a


def test_a_large_ring_has_its_own_mapping_freed_with_it():
    h = History(5, 20_000)  # the live app's ring: 40,000 rows x 17 columns x 5 lanes, ~27 MB
    mapping = owner(h._buf)
    assert isinstance(mapping, mmap.mmap)
    assert len(mapping) == 2 * 20_000 * len(COLUMNS) * 5 * 8
    gone = weakref.ref(mapping)
    del h, mapping
    gc.collect()
    assert gone() is None  # unmapped: the pages are the system's again


def test_small_rings_and_growing_histories_use_plain_arrays():
    small = History(1, 4)
    assert small._buf.nbytes < OWN_MAPPING_BYTES
    assert not isinstance(owner(small._buf), mmap.mmap)
    assert not isinstance(owner(History(5, None)._buf), mmap.mmap)


def test_a_mapped_ring_keeps_the_newest_rows():
    h = History(2, 20_000)
    rows = np.arange(50_000 * len(COLUMNS) * 2, dtype=float).reshape(50_000, len(COLUMNS), 2)
    h.extend(rows[:30_000])
    for row in rows[30_000:30_010]:
        h.append(row)
    h.extend(rows[30_010:])
    assert h.total == 50_000
    np.testing.assert_array_equal(h.window(), rows[-20_000:])
    assert not h.window().flags.writeable
