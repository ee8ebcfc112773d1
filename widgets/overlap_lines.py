"""Lines of equal values made visible: where two lanes' lines coincide (ReLU and Leaky ReLU on
the Self-normalization and Dropout tabs), the one beneath is drawn wider, so its colour shows as
a rim on both sides of the one on top; no plotted value changes. The key says so, and its
tooltip which lanes coincide on which plot."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg

LINE_W = 2.5  # px: a lane's line
UNDER_STEP = 3.0  # px wider for each line drawn over it where their values coincide
MAX_UNDER = 3  # lines stacked over one at most that widen it (11.5 px at most)
OVERLAP_TOL = 0.015  # share of the plot's y span within which one line covers another
OVERLAP_SHARE = 0.25  # share of the common points where they do, to count as coinciding


def _covers(a: np.ndarray, b: np.ndarray, tol: float) -> bool:
    """Whether lines ``a`` and ``b`` (same x from the first point) lie within ``tol`` of each
    other on at least :data:`OVERLAP_SHARE` of their common points."""
    m = min(len(a), len(b))
    if m == 0:
        return False
    with np.errstate(invalid="ignore"):
        close = np.abs(a[:m] - b[:m]) <= tol
    return bool(close.mean() >= OVERLAP_SHARE)


def under_widths(lines: list[np.ndarray], span: float) -> tuple[list[float], set[tuple[int, int]]]:
    """Pen widths of ``lines`` drawn in this order (later on top): a line a later one covers is
    drawn :data:`UNDER_STEP` px wider per line stacked over it, so its colour shows at both edges
    of the one on top (values unchanged); and the (under, over) index pairs that coincide.
    ``span``: the plot's y span, in the lines' units."""
    tol = OVERLAP_TOL * span
    extra = [0] * len(lines)
    pairs = set()
    for i in reversed(range(len(lines))):
        for j in range(i + 1, len(lines)):
            if _covers(lines[i], lines[j], tol):
                extra[i] = max(extra[i], extra[j] + 1)
                pairs.add((i, j))
    return [LINE_W + UNDER_STEP * min(e, MAX_UNDER) for e in extra], pairs


def widen_covered(plot: pg.PlotItem,
                  lanes: list[tuple[str, pg.PlotDataItem]]) -> list[tuple[str, ...]]:
    """Give the shown curves of ``lanes`` ((label, curve), in drawing order) in ``plot`` the
    widths of :func:`under_widths`, measured in the plot's drawn (log) units; the groups of
    labels whose lines coincide, each in drawing order."""
    shown = [(label, c) for label, c in lanes if c.isVisible()]
    ys = []
    for _, c in shown:
        y = c.getData()[1]
        ys.append(np.asarray(y if y is not None else [], dtype=float))
    finite = np.concatenate([y[np.isfinite(y)] for y in ys]) if ys else np.array([])
    lo, hi = plot.viewRange()[1]
    span = max(float(np.ptp(finite)) if finite.size else 0.0, hi - lo)
    widths, pairs = under_widths(ys, span)
    for (_, c), w in zip(shown, widths, strict=True):
        if c.opts["pen"].widthF() != w:
            p = pg.mkPen(c.opts["pen"])
            p.setWidthF(w)
            c.setPen(p)
    group = list(range(len(shown)))  # union-find of the coinciding pairs
    def root(i: int) -> int:
        while group[i] != i:
            i = group[i]
        return i
    for i, j in sorted(pairs):
        group[root(j)] = root(i)
    groups: dict[int, list[str]] = {}
    for i, (label, _) in enumerate(shown):
        groups.setdefault(root(i), []).append(label)
    return [tuple(g) for g in groups.values() if len(g) > 1]


OVERLAP_NOTE = "Lines of equal values: the one beneath drawn wider, so each shows."


def overlap_note(groups: dict[str, list[tuple[str, ...]]]) -> tuple[str, str]:
    """The key's words for lines of equal values (``groups`` per plot name) and its tooltip's,
    which say which: ('', '') if none."""
    where: dict[str, list[str]] = {}  # a plot's groups -> the plots that have them
    for plot, plot_groups in groups.items():
        if plot_groups:
            where.setdefault(", ".join(" ≈ ".join(g) for g in plot_groups), []).append(plot)
    if not where:
        return "", ""
    said = "\n".join(f"{' and '.join(plots)}: {g}" for g, plots in where.items())
    return OVERLAP_NOTE, f"Equal values (the wider line beneath):\n{said}"
