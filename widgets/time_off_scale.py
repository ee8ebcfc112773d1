"""Labels for values the time plots cannot draw where they are: clipped to +-LIN_LIMIT or to
the top decade, or not finite (a gap). Each gets a label in the lane's colour at that edge of the
plot, with the true value as the card writes it ("↓ PReLU off scale: b = -2.0e125"), or, for a
clipped stretch that has ended, up to which step the line was drawn at the edge instead.

The labels are made once per lane (:mod:`widgets.time_lanes`); a frame only shows, hides or
re-texts them. :class:`OffScale` is a mixin of :class:`widgets.time_plots.TimePlots` (through
:class:`widgets.time_drawing.TimeDrawing`, which calls ``_mark_off_scale`` every frame).
"""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFontMetrics

from simulation.history import INDEX
from widgets import style as look
from widgets.card_text import fmt_grad, fmt_param
from widgets.fitted_label import first_fitting
from widgets.plot_items import FONT_PT, _font
from widgets.plot_series import LIN_LIMIT, LOG_PLOTS, OFF_SCALE_SERIES

OFF_GAP = 0.15  # label heights between an off-scale label and the line drawn at the edge


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

    def _mark_off_scale(self, window: np.ndarray, x_end: np.ndarray, lo: np.ndarray,
                        hi: np.ndarray, vis: list[int], shown: tuple[str, ...], loss_top: int,
                        grad_top: int) -> None:
        """Label the visible lanes' series whose newest value is off the scale (with the value,
        as the card writes it), or that were drawn clipped at an edge earlier in the window."""
        rows, cols, feats, lanes, is_loss, is_grad = self._off_table(vis, shown)
        if not rows:
            self._show_off_scale({})
            return
        log = is_loss | is_grad
        top = np.where(is_loss, float(loss_top), np.where(is_grad, float(grad_top), LIN_LIMIT))
        v = window[-1][cols, lanes]
        # the window's extremes per feature and lane first (the bins only where one is off)
        fh, fl = np.fmax.reduce(hi, axis=0)[feats, lanes], np.fmin.reduce(lo, axis=0)[feats, lanes]
        with np.errstate(invalid="ignore", over="ignore"):
            now = ~(np.abs(v) <= np.where(log, 10.0 ** top, LIN_LIMIT))  # NaN, inf: off
            any_top = np.where(log, fh > top, fh >= LIN_LIMIT)  # (features: clipped, or log10)
            any_bottom = ~log & (fl <= -LIN_LIMIT)
        hits = np.flatnonzero(now | any_top | any_bottom)
        if not len(hits) and not self._off_shown:
            return
        values: dict[tuple[int, str, str], list[tuple[str, str]]] = {}
        until: dict[tuple[int, str, str], int] = {}
        for i in hits.tolist():
            li, plot, _, f, name = rows[i]
            val = float(v[i])
            edge_now = None
            if now[i]:
                edge_now = "bottom" if not log[i] and val < 0 else "top"
                text = fmt_param(val) if not log[i] else fmt_grad(abs(val) if is_grad[i] else val)
                values.setdefault((li, plot, edge_now), []).append((name, text))
            for edge, hit in (("top", any_top[i]), ("bottom", any_bottom[i])):
                if edge == edge_now or not hit:
                    continue  # (off there now: the value itself is labelled)
                with np.errstate(invalid="ignore"):
                    past = (hi[:, f, li] > top[i] if log[i] else hi[:, f, li] >= LIN_LIMIT
                            ) if edge == "top" else lo[:, f, li] <= -LIN_LIMIT
                last = int(x_end[np.flatnonzero(past)[-1]]) - 1
                until[(li, plot, edge)] = max(until.get((li, plot, edge), last), last)
        want: dict[tuple[int, str, str], tuple[str, ...]] = {}  # wordings, longest first
        for key in self._fewer_labels(sorted(values), sorted(until.keys() - values.keys())):
            li, plot, edge = key
            arrow, lane = ("↑" if edge == "top" else "↓"), self.lanes[li].label
            if key in values:
                parts = values[key]
                if plot == "z" and parts[0][0] == "z mean":
                    parts = parts[:1]  # the band's ends are off too: the mean says it
                first = f"{parts[0][0]} {parts[0][1]}" + (" …" if len(parts) > 1 else "")
                want[key] = (f"{arrow} {lane} off scale: "
                             + ", ".join(f"{n} = {t}" for n, t in parts),
                             f"{arrow} {lane}: " + ", ".join(f"{n} {t}" for n, t in parts),
                             f"{arrow} {lane}: {first}", f"{arrow} {first}")
            else:
                at = (f"1e{loss_top if plot == 'loss' else grad_top}" if plot in LOG_PLOTS
                      else f"{'+' if edge == 'top' else '−'}1e{round(np.log10(LIN_LIMIT))}")
                n = f"{until[key]:,}"
                want[key] = (f"{arrow} {lane}: off scale until step {n} (drawn at {at})",
                             f"{arrow} {lane}: off scale until step {n}",
                             f"{arrow} {lane}: off until {n}")
        for key, more in self._off_more.items():
            want[key] = tuple(f"{t} (+{more} more)" for t in want[key])
        self._show_off_scale(want)

    def _fewer_labels(self, now: list[tuple[int, str, str]], past: list[tuple[int, str, str]]
                      ) -> list[tuple[int, str, str]]:
        """The labels a plot has rows for (in ~80% of its height, under the markers' labels):
        values off the scale now first, in lane order, then ended stretches; the last label of a
        plot that has no room for all says how many more (:attr:`_off_more`)."""
        self._off_more = {}
        if len(now) + len(past) <= 1:
            return now + past
        h = next(iter(self.lanes[0].off.values())).textItem.boundingRect().height() or 20.0
        keep: list[tuple[int, str, str]] = []
        for plot in {k[1] for k in now + past}:
            keys = [k for k in now if k[1] == plot] + [k for k in past if k[1] == plot]
            rows = max(1, int(0.8 * self.plots[plot].vb.height() / h) - self._marker_rows(plot))
            keep += keys[:rows]
            if len(keys) > rows:
                self._off_more[keys[rows - 1]] = len(keys) - rows
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
        for key in sorted(want):
            li, plot, edge = key
            lane = self.lanes[li]
            label = lane.off[(plot, edge)]
            if key not in self._off_shown:
                label.setFont(_font(FONT_PT, bold=True))
                label.fill = pg.mkBrush(*look.theme().label_fill)
                label.setColor(lane.color)
                label.setVisible(True)
            width = round(self.plots[plot].vb.width()) - 8
            shown[key] = (want[key], width)
            if self._off_shown.get(key) != shown[key]:
                text = first_fitting(QFontMetrics(label.textItem.font()), width, want[key])
                label.setText(text)
                label.setToolTip(want[key][0] if text != want[key][0] else "")
            k = row.get((plot, edge), 0)
            row[(plot, edge)] = k + 1
            y0, y1 = self._yrange.get(plot, (-1.0, 1.0))
            if plot in LOG_PLOTS:
                y = min(float(self._decades.get(plot, (0, y1))[1]), y1)
            else:
                y = min(LIN_LIMIT, y1) if edge == "top" else max(-LIN_LIMIT, y0)
            # a little clear of the edge line, which must stay in sight
            anchor = (1.0, -k - OFF_GAP) if edge == "top" else (1.0, 1.0 + k + OFF_GAP)
            if edge == "top" and (markers := self._marker_rows(plot)):
                y, anchor = y1, (1.0, -(1.05 * markers + 0.02 + k))  # under the markers' labels
            if (label.pos().x(), label.pos().y()) != (x1, y):
                label.setPos(x1, y)
            if (label.anchor[0], label.anchor[1]) != anchor:
                label.setAnchor(anchor)
        z_bottom = any(k[1:] == ("z", "bottom") for k in (*self._off_shown, *shown))
        self._off_shown = shown
        if z_bottom:
            self._place_z_label()  # (clear of the labels at the bottom right)
