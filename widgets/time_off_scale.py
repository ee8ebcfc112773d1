"""Labels for values the time plots cannot draw where they are: clipped to +-LIN_LIMIT or to
the top decade, below a log plot's lowest decade or not finite (both: a gap). Each gets a label
in the lane's colour at that edge of the plot (a log plot's: on its side with room), with the
true value as the card writes it ("↓ PReLU off scale: b = -2.0e125"; "at step N" while it still
changes: the cards show the next step), or, for a stretch that has ended, the exact last step it
was drawn at the edge (or not drawn).

The labels are made once per lane (:mod:`widgets.time_lanes`); a frame only shows, hides or
re-texts them. :class:`OffScale` is a mixin of :class:`widgets.time_plots.TimePlots` (through
:class:`widgets.time_drawing.TimeDrawing`, which calls ``_mark_off_scale`` every frame).
"""

from __future__ import annotations

import numpy as np
from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics

from simulation.history import INDEX
from widgets.card_text import fmt_grad, fmt_param
from widgets.fitted_label import first_fitting
from widgets.plot_items import FONT_PT, _font
from widgets.plot_series import F_GRAD, F_LOSS, LIN_LIMIT, LOG_PLOTS, OFF_SCALE_SERIES

OFF_GAP = 0.15  # label heights between an off-scale label and the line drawn at the edge
END_MARKER_PX = 14.0  # a shock marker this close to the right end moves the labels left of it
LABEL_GAP_PX = 3.0  # px between the labels' right end and such a marker's line


class OffScale:
    """The off-scale labels of the time plots."""

    def _off_table(self, vis: list[int], shown: tuple[str, ...]) -> tuple:
        """The (lane, plot, history column, feature, name) of every series drawn now that can
        be off the scale, with column, feature, lane and is-log arrays (cached per lanes shown
        and gradient mode)."""
        key = (id(self.lanes), tuple(vis), shown)
        if self._off_key != key:
            rows = [(li, plot, col, f, name) for li in vis for plot, series
                    in OFF_SCALE_SERIES.items() for col, f, name in series
                    if (plot != "grad" or col in shown)
                    and (plot != "params" or col in self.lanes[li].params)]
            self._off_key = key
            self._off_tab = (rows, np.array([INDEX[r[2]] for r in rows], dtype=int),
                             np.array([r[3] for r in rows], dtype=int),
                             np.array([r[0] for r in rows], dtype=int),
                             np.array([r[1] == "loss" for r in rows], dtype=bool),
                             np.array([r[1] == "grad" for r in rows], dtype=bool))
        return self._off_tab

    def _mark_off_scale(self, window: np.ndarray, x: np.ndarray, x_end: np.ndarray,
                        lo: np.ndarray, hi: np.ndarray, extremes: np.ndarray, vis: list[int],
                        shown: tuple[str, ...], loss_dec: tuple[int, int],
                        grad_dec: tuple[int, int]) -> None:
        """Label the visible lanes' series whose newest value is off the scale (with the value,
        as the card writes it, and its step if it is still changing), or that were drawn clipped
        at an edge (below a log plot's lowest decade: not drawn) earlier in the window, up to
        which step. ``extremes`` (2, features, lanes): the smallest of the bins' minima ``lo``
        and the largest of their maxima ``hi``."""
        rows, cols, feats, lanes, is_loss, is_grad = self._off_table(vis, shown)
        if not rows:
            self._show_off_scale({})
            return
        log = is_loss | is_grad
        top = np.where(is_loss, float(loss_dec[1]), np.where(is_grad, float(grad_dec[1]),
                                                             LIN_LIMIT))
        bottom = np.where(is_loss, float(loss_dec[0]), np.where(is_grad, float(grad_dec[0]),
                                                                -LIN_LIMIT))
        v = window[-1][cols, lanes]
        # the window's extremes per feature and lane first (the bins only where one is off)
        fl, fh = extremes[0][feats, lanes], extremes[1][feats, lanes]
        with np.errstate(invalid="ignore", over="ignore", divide="ignore"):
            lv = np.log10(np.abs(v))
            below = log & np.isfinite(lv) & (lv < bottom)  # (log plots: exact 0 is on the rail)
            now = ~(np.abs(v) <= np.where(log, 10.0 ** top, LIN_LIMIT)) | below  # NaN, inf: off
            any_top = np.where(log, fh > top, fh >= LIN_LIMIT)  # (features: clipped, or log10)
            any_bottom = np.where(log, fl < bottom, fl <= -LIN_LIMIT)
        hits = np.flatnonzero(now | any_top | any_bottom)
        if not len(hits) and not self._off_shown:
            return
        values: dict[tuple[int, str, str], list[tuple[str, str]]] = {}
        until: dict[tuple[int, str, str], int] = {}
        # a value that changed in the newest step says its step: the plots' newest point is the
        # row recorded before that step's update, the lane cards show the state after it (one
        # step later); a frozen value (a diverged lane) is the cards' value too
        prev = window[-2][cols, lanes] if len(window) > 1 else v
        moved = ~((prev == v) | (np.isnan(prev) & np.isnan(v)))
        moving: set[tuple[int, str, str]] = set()
        for i in hits.tolist():
            li, plot, _, f, name = rows[i]
            val = float(v[i])
            edge_now = None
            if now[i]:
                edge_now = "bottom" if below[i] or (not log[i] and val < 0) else "top"
                text = fmt_param(val) if not log[i] else fmt_grad(abs(val) if is_grad[i] else val)
                values.setdefault((li, plot, edge_now), []).append((name, text))
                if moved[i]:
                    moving.add((li, plot, edge_now))
            for edge, hit in (("top", any_top[i]), ("bottom", any_bottom[i])):
                if edge == edge_now or not hit:
                    continue  # (off there now: the value itself is labelled)
                bound = float(top[i] if edge == "top" else bottom[i])
                with np.errstate(invalid="ignore"):
                    past = (hi[:, f, li] > bound if log[i] else hi[:, f, li] >= LIN_LIMIT
                            ) if edge == "top" else (lo[:, f, li] < bound if log[i]
                                                     else lo[:, f, li] <= -LIN_LIMIT)
                j = int(np.flatnonzero(past)[-1])
                last = last_off_step(window, (x[j], x_end[j]), int(cols[i]), li, edge,
                                     bound if log[i] else None)
                until[(li, plot, edge)] = max(until.get((li, plot, edge), last), last)
        self._off_step = int(window[-1, INDEX["step"], 0])
        self._off_dec = {"loss": loss_dec, "grad": grad_dec}
        self._log_sides(x, lo, hi, vis, shown)
        want: dict[tuple[int, str, str], tuple[str, ...]] = {}  # wordings, longest first
        for key in self._fewer_labels(sorted(values), sorted(until.keys() - values.keys())):
            li, plot, edge = key
            arrow, lane = ("↑" if edge == "top" else "↓"), self.lanes[li].label
            if key in values:
                parts = values[key]
                if plot == "z" and parts[0][0] == "z mean":
                    parts = parts[:1]  # the band's ends are off too: the mean says it
                first = f"{parts[0][0]} {parts[0][1]}" + (" …" if len(parts) > 1 else "")
                word = "below scale" if plot in LOG_PLOTS and edge == "bottom" else "off scale"
                at_step = f" at step {self._off_step:,}" if key in moving else ""
                want[key] = (f"{arrow} {lane} {word}{at_step}: "
                             + ", ".join(f"{n} = {t}" for n, t in parts),
                             f"{arrow} {lane}{at_step}: "
                             + ", ".join(f"{n} {t}" for n, t in parts),
                             *((f"{arrow} {lane}{at_step}: {first}",) if at_step else ()),
                             f"{arrow} {lane}: {first}", f"{arrow} {first}")
            elif plot in LOG_PLOTS and edge == "bottom":  # not drawn (see TimeDrawing)
                n = f"{until[key]:,}"
                want[key] = (f"{arrow} {lane}: below 1e{self._off_dec[plot][0]} until step {n}"
                             " (not drawn)", f"{arrow} {lane}: below scale until step {n}",
                             f"{arrow} {lane}: below until {n}")
            else:
                at = (f"1e{self._off_dec[plot][1]}" if plot in LOG_PLOTS
                      else f"{'+' if edge == 'top' else '−'}1e{round(np.log10(LIN_LIMIT))}")
                n = f"{until[key]:,}"
                want[key] = (f"{arrow} {lane}: off scale until step {n} (drawn at {at})",
                             f"{arrow} {lane}: off scale until step {n}",
                             f"{arrow} {lane}: off until {n}")
        for key, (more, noun, now_off, _) in self._off_more.items():
            want[key] = more_wordings(want[key], more, now_off, noun)
        self._show_off_scale(want)

    def _log_sides(self, x: np.ndarray, lo: np.ndarray, hi: np.ndarray, vis: list[int],
                   shown: tuple[str, ...]) -> None:
        """Where the labels of each log plot go (:attr:`_off_side`): to its edge with more room
        free of the curves drawn in the right 60% of the plot, where the labels are (its top
        decades were often the healthy lanes' values, the room below them empty); where
        neither has a label's room, each label at its own edge."""
        self._off_side, self._off_room = {}, {}
        if self._xrange is None:
            return
        x0, x1 = self._xrange
        right = int(np.searchsorted(x, x0 + 0.4 * (x1 - x0)))  # (x: the bins' first steps)
        for plot, feats in (("loss", [F_LOSS]), ("grad", [F_GRAD[g] for g in shown])):
            if plot not in self._decades or right >= len(x):
                continue
            d0, d1 = self._decades[plot]
            top = hi[right:, feats][:, :, vis]
            low = lo[right:, feats][:, :, vis]
            with np.errstate(invalid="ignore"):
                drawn_top = np.fmax.reduce(np.where(top >= d0, np.minimum(top, d1), np.nan),
                                           axis=None)
                drawn_low = np.fmin.reduce(np.where(low >= d0, np.minimum(low, d1), np.nan),
                                           axis=None)
            if np.isfinite(drawn_top) and np.isfinite(drawn_low):
                y0, y1 = self._yrange[plot]
                px = self.plots[plot].vb.height() / (y1 - y0)
                # (px; at the top, under the shock markers' labels)
                free = {"top": (y1 - drawn_top) * px - self._markers_px(plot),
                        "bottom": (drawn_low - d0) * px}
                side = "top" if free["top"] >= free["bottom"] else "bottom"
                room = free[side]
                if room >= 0.8 * self._label_height():  # (else: each label at its own edge)
                    self._off_side[plot], self._off_room[plot] = side, room

    def _stack_rows(self, plot: str, side: str, h: float) -> int:
        """The labels of height ``h`` that fit, stacked as :meth:`_show_off_scale` stacks them
        on log plot ``plot``'s ``side``, between the decade they start from and the plot's far
        edge (under the shock markers' labels at the top): the last one's text within the plot."""
        y0, y1 = self._yrange[plot]
        d0, d1 = self._decades.get(plot, (y0, y1))
        px = self.plots[plot].vb.height() / (y1 - y0)
        markers = self._markers_px(plot)
        if side == "top":
            span = (min(d1, y1) - y0) * px if not markers else self.plots[plot].vb.height()
        else:
            span = (y1 - max(d0, y0)) * px
        margin = self._off_label().textItem.document().documentMargin()
        # row k's box ends (k + 1 + OFF_GAP) h from its decade; its text a margin short of that
        return int((span - markers + margin) / h - OFF_GAP)

    def _off_label(self):
        """An off-scale label (all have the same font): what their sizes are measured on."""
        return next(iter(self.lanes[0].off.values()))

    def _label_height(self) -> float:
        """The height (px) of an off-scale label."""
        return self._off_label().textItem.boundingRect().height() or 20.0

    def _fewer_labels(self, now: list[tuple[int, str, str]], past: list[tuple[int, str, str]]
                      ) -> list[tuple[int, str, str]]:
        """The labels a plot has rows for (in ~80% of its height, under the markers' labels; a
        log plot: in the room its curves leave on its labels' side, at least one):
        values off the scale now first, in lane order, then ended stretches; the last label of a
        plot that has no room for all says how many more (:attr:`_off_more`: the count of lanes
        not labelled on the plot, else of labels, a labelled lane's other edge; that noun;
        whether one of them is off now; the labels left out, "↑ PReLU", for its tooltip)."""
        self._off_more = {}
        if len(now) + len(past) <= 1:
            return now + past
        h = self._label_height()
        keep: list[tuple[int, str, str]] = []
        for plot in {k[1] for k in now + past}:
            keys = [k for k in now if k[1] == plot] + [k for k in past if k[1] == plot]
            rows = max(1, int(0.8 * self.plots[plot].vb.height() / h) - self._marker_rows(plot))
            if plot in self._off_room:  # (a log plot: its labels' side, clear of the curves)
                rows = max(1, min(rows, round(self._off_room[plot] / h),
                                  self._stack_rows(plot, self._off_side[plot], h)))
            elif plot in LOG_PLOTS and plot in self._yrange:  # (each at its own edge)
                rows = max(1, min(rows, *(self._stack_rows(plot, e, h) for e in
                                          {k[2] for k in keys})))
            keep += keys[:rows]
            if len(keys) > rows:
                left_out, kept = keys[rows:], {k[0] for k in keys[:rows]}
                lanes = {k[0] for k in left_out} - kept
                tip = [f"{'↑' if k[2] == 'top' else '↓'} {self.lanes[k[0]].label}"
                       for k in left_out]
                self._off_more[keys[rows - 1]] = (len(lanes) or len(left_out),
                                                  "lane" if lanes else "label",
                                                  any(k in now for k in left_out), tip)
        return sorted(keep)

    def _show_off_scale(self, want: dict[tuple[int, str, str], tuple[str, ...]]) -> None:
        """Show exactly the labels ``want`` ((lane, plot, edge) -> wordings, longest first: the
        first that fits the plot's width), stacked from the edge in lane order, below the shock
        markers' labels at the top; set only what changed (a label shown anew takes the current
        theme's look; its tooltip has the longest wording)."""
        for li, plot, edge in self._off_shown.keys() - want.keys():
            self.lanes[li].off[(plot, edge)].setVisible(False)
        shown: dict[tuple[int, str, str], tuple] = {}
        row: dict[tuple[str, str], int] = {}
        x1 = self._xrange[1] if self._xrange is not None else 0.0
        if self._xrange is not None and (px := self.plots["params"].vb.width()) > 0:
            # a shock marker's line at the right end (a shock at the newest step): the labels
            # end just left of it, not on it
            unit = (x1 - self._xrange[0]) / px
            near = [float(m.event["step"]) for m in self.markers
                    if x1 - END_MARKER_PX * unit <= float(m.event["step"]) <= x1]
            if near:
                x1 = min(near) - LABEL_GAP_PX * unit
        for key in sorted(want):
            li, plot, edge = key
            lane = self.lanes[li]
            label = lane.off[(plot, edge)]
            if key not in self._off_shown:
                label.setFont(_font(FONT_PT, bold=True))
                label.setColor(lane.color)
                label.setVisible(True)
            width = round(self.plots[plot].vb.width()) - 8
            names = self._off_more.get(key, (0, "", False, []))[3]
            shown[key] = (want[key], width, names)
            if self._off_shown.get(key) != shown[key]:
                fm = QFontMetrics(label.textItem.font())
                text = first_fitting(fm, width, want[key])
                if fm.horizontalAdvance(text) > width:  # none fits: its start, not its end
                    text = fm.elidedText(text, Qt.TextElideMode.ElideRight, max(width, 0))
                label.setText(text)
                tip = [want[key][0]] if text != want[key][0] else []
                if names:  # the lanes left out for want of room
                    tip.append("No room to label: " + ", ".join(names))
                label.setToolTip("\n".join(tip))
            # (a log plot's labels all go to its side with more room: see _log_sides)
            side = self._off_side.get(plot, edge) if plot in LOG_PLOTS else edge
            k = row.get((plot, side), 0)
            row[(plot, side)] = k + 1
            y0, y1 = self._yrange.get(plot, (-1.0, 1.0))
            if plot in LOG_PLOTS:  # at the top decade, or above the lowest one shown
                dec = self._decades.get(plot, (y0, y1))
                y = min(float(dec[1]), y1) if side == "top" else max(float(dec[0]), y0)
            else:
                y = min(LIN_LIMIT, y1) if edge == "top" else max(-LIN_LIMIT, y0)
            # a little clear of the edge line, which must stay in sight
            anchor = (1.0, -k - OFF_GAP) if side == "top" else (1.0, 1.0 + k + OFF_GAP)
            if side == "top" and (markers := self._marker_rows(plot)):
                y, anchor = y1, (1.0, -(1.05 * markers + 0.02 + k))  # under the markers' labels
            if (label.pos().x(), label.pos().y()) != (x1, y):
                label.setPos(x1, y)
            if (label.anchor[0], label.anchor[1]) != anchor:
                label.setAnchor(anchor)
        z_bottom = any(k[1:] == ("z", "bottom") for k in (*self._off_shown, *shown))
        self._off_shown = shown
        if z_bottom:
            self._place_z_label()  # (clear of the labels at the bottom right)


def more_wordings(texts: tuple[str, ...], more: int, now: bool = True,
                  noun: str = "lane") -> tuple[str, ...]:
    """``texts`` (a label's wordings, longest first) saying that ``more`` lanes' labels were left
    out for want of room (the label's tooltip names them): each with '(+2 lanes off scale; hover
    for more)' ('... off scale earlier; ...' where none of them is off now), then with
    '(+2 lanes more)', the last (shortest) one last."""
    lanes = f"+{more} {noun}{'s' if more != 1 else ''}"
    where = "off scale" if now else "off scale earlier"
    return tuple(w for t in texts for w in (f"{t} ({lanes} {where}; hover for more)",
                                            f"{t} ({lanes} more)"))


def last_off_step(window: np.ndarray, steps: tuple[float, float], col: int, lane: int,
                  edge: str, log_bound: float | None) -> int:
    """The last step in ``steps`` (a bin: first step, end) whose value of history column ``col``
    of ``lane`` was off the scale at ``edge``: beyond +-LIN_LIMIT (``log_bound`` None), or with
    log10 of its magnitude above / below ``log_bound``. Searched in that bin's rows only, so the
    answer is exact whatever the bin size (the zoom, the plot's width)."""
    step = window[:, INDEX["step"], 0]
    a, b = np.searchsorted(step, steps)
    v = window[a:b, col, lane]
    with np.errstate(invalid="ignore", divide="ignore", over="ignore"):
        if log_bound is not None:
            m = np.log10(np.abs(v))
            hit = np.isfinite(m) & ((m > log_bound) if edge == "top" else (m < log_bound))
        else:
            hit = np.isfinite(v) & ((v >= LIN_LIMIT) if edge == "top" else (v <= -LIN_LIMIT))
    found = np.flatnonzero(hit)
    return int(step[a + found[-1]]) if len(found) else int(steps[1]) - 1
