"""The time plots: loss, z, a, gradients and parameters of every lane against the step.

Five plots stacked on one shared step axis. Items are created when a model is set
(:meth:`TimePlots.set_model`); a frame (:meth:`TimePlots.refresh`) only calls ``setData`` on them,
after reducing the history window to about two points per horizontal pixel (min/max per bin,
see :mod:`widgets.decimate`). Shock markers are added once, when a new event appears.

The gradient plot is a log-magnitude view in which an exact zero can never pass for a small
number: non-zero magnitudes are curves (with gaps where the value is exactly 0), exact zeros are
thick segments on a separate "= 0" rail below the lowest decade, one row per lane.

Painting cost (Qt's raster engine, measured on the 2-core CI box, 1100x800, 5 lanes): an
antialiased 2-px line costs ~2.5 µs per vertex and translucent grid lines ~15 ms a frame, while
1-px or aliased lines and opaque grid lines cost next to nothing. Hence: lane curves are drawn
2 px wide *without* antialiasing (``TimePlots.antialias``), the grid is opaque light grey, and
flat stretches are thinned to a few vertices (:func:`widgets.decimate.flat_mask`).

Parts: :mod:`widgets.plot_series` (what is plotted), :mod:`widgets.plot_items` (the items),
:mod:`widgets.time_points` (the curves' points) and the mixins in :mod:`widgets.time_layout`,
``time_lanes``, ``shock_markers``, ``time_ranges`` and ``time_drawing``.
"""

from __future__ import annotations

from collections.abc import Iterator

import numpy as np
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from simulation.engine import Simulation
from simulation.history import INDEX
from widgets.decimate import BinReducer, bin_size
from widgets.plot_axes import pow10_label as pow10_label
from widgets.plot_items import FONT_PT as FONT_PT
from widgets.plot_items import LABEL_PT, _font
from widgets.plot_items import LineSample as LineSample
from widgets.plot_series import GRAD_MODES, PLOTS, row_features
from widgets.shock_markers import MAX_MARKERS as MAX_MARKERS
from widgets.shock_markers import MAX_MARKERS_OFF_VIEW as MAX_MARKERS_OFF_VIEW
from widgets.shock_markers import Marker, ShockMarkers
from widgets.shock_markers import event_label as event_label
from widgets.time_drawing import TimeDrawing
from widgets.time_lanes import LaneItems, TimeLanes
from widgets.time_layout import AXIS_WIDTH as AXIS_WIDTH
from widgets.time_layout import KEY_WIDTH as KEY_WIDTH
from widgets.time_layout import TimeLayout
from widgets.time_points import CurvePoints
from widgets.time_ranges import TimeRanges
from widgets.time_ranges import nice_step as nice_step


class TimePlots(QWidget, TimeLayout, TimeLanes, ShockMarkers, TimeRanges, TimeDrawing):
    """Loss, z band, output, gradient magnitudes (exact zeros on a rail) and parameters per lane,
    stacked on one step axis, with a labelled marker for every shock on every plot."""

    antialias = False  # of the lane curves (see "Painting cost" in the module docstring)

    def __init__(self, sim: Simulation, parent: QWidget | None = None):
        super().__init__(parent)
        self._sim: Simulation | None = None
        self._hidden: set[str] = set()
        self._grad_mode = "grad_b"
        self._reducer = BinReducer(row_features, INDEX["step"])
        self._points = CurvePoints()  # every curve's points, the last frame's reused
        self._held: dict[int, tuple] = {}  # id(curve) -> (curve, the x it was given last frame)
        self.lanes: list[LaneItems] = []
        self.markers: list[Marker] = []
        self._events_seen = 0  # events of the simulation that got a marker (some since dropped)
        self._last_key: tuple | None = None
        self._yrange: dict[str, tuple[float, float]] = {}
        self._decades: dict[str, tuple[int, int]] = {}
        self._xrange: tuple[float, float] | None = None
        # the visible lanes' z bands as drawn (bin steps, lows, highs): the "z ≤ 0" label's
        # place keeps clear of them
        self._z_band: tuple[np.ndarray, np.ndarray, np.ndarray] | None = None
        self._rail_rows = np.zeros(0)
        self._rail_pitch = 0.1
        self._simplify = True
        self._off_shown: dict[tuple[int, str, str], tuple] = {}  # (lane, plot, edge) -> wordings
        self._off_key: tuple | None = None  # what the table of off-scale series was made for
        # labels left out, per plot: (count, "lane" or "label", one off now, their labels)
        self._off_more: dict[tuple[int, str, str], tuple[int, str, bool, list[str]]] = {}
        self._off_side: dict[str, str] = {}  # log plot -> the edge its labels go to
        self._off_room: dict[str, float] = {}  # log plot -> px free on that side
        self._second_part: Iterator[None] | None = None  # see begin_refresh
        # a new plot width may need another bin size: redrawn once the resizing is over (while
        # paused nothing else would redraw, and the curves stayed binned for the old width)
        self._resized = QTimer(self)
        self._resized.setObjectName("time-plots-resized")
        self._resized.setSingleShot(True)
        self._resized.setInterval(0)
        self._resized.timeout.connect(self._on_resized)
        self._build()
        self.plots[PLOTS[-1]].vb.sigResized.connect(lambda _vb: self._resized.start())
        self.set_model(sim)

    # --- construction ---------------------------------------------------------------------------
    def _build(self) -> None:
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.setSpacing(2)

        header = QHBoxLayout()
        header.setContentsMargins(6, 2, 6, 0)
        self.legend_label = QLabel()
        self.legend_label.setFont(_font(LABEL_PT))
        self.legend_label.setTextFormat(Qt.TextFormat.RichText)
        self.legend_label.setWordWrap(True)  # seven lanes must not force a wide window
        header.addWidget(self.legend_label, 1)
        grad_caption = QLabel("gradient shown:")
        grad_caption.setFont(_font(FONT_PT))
        header.addWidget(grad_caption)
        self.grad_combo = QComboBox()
        self.grad_combo.setFont(_font(FONT_PT))
        for mode, text in (("grad_b", "|∂L/∂b|"), ("grad_w1", "|∂L/∂w1|"),
                           ("grad_w2", "|∂L/∂w2|"), ("all", "all three")):
            self.grad_combo.addItem(text, mode)
        self.grad_combo.setToolTip("Which gradient magnitudes the gradient plot shows")
        self.grad_combo.setAccessibleName("Gradient shown")
        self.grad_combo.currentIndexChanged.connect(
            lambda i: self.set_grad_mode(self.grad_combo.itemData(i)))
        header.addWidget(self.grad_combo)
        outer.addLayout(header)

        self._build_plots(outer)

    # --- public API -----------------------------------------------------------------------------
    def set_model(self, sim: Simulation) -> None:
        """Use ``sim`` (a new or reset simulation): rebuild the per-lane items and markers."""
        for lane in self.lanes:
            for plot, item in lane.placed():
                self.plots[plot].removeItem(item)
            for (plot, _), label in lane.off.items():
                self.plots[plot].removeItem(label)
        self._remove_markers()
        self._second_part = None  # (for the lanes removed here)
        self.lanes = []
        self._off_shown = {}
        self._off_key = None
        self._sim = sim
        self._reducer.reset()
        self._points.reset()
        self._held = {}
        self._last_key = None
        self._yrange.clear()
        self._decades.clear()
        self._xrange = None
        self._z_band = None
        n = len(sim.config.lanes)
        for i, spec in enumerate(sim.config.lanes):
            self.lanes.append(self._make_lane(i, n, spec.id, spec.activation))
        self._apply_grad_styles()
        self._apply_visibility()
        self._update_legend()
        self.refresh(sim)

    def refresh(self, sim: Simulation) -> None:
        """Redraw from ``sim`` after steps ran (only setData / setValue on existing items)."""
        self.begin_refresh(sim)
        self.finish_refresh()

    def begin_refresh(self, sim: Simulation) -> None:
        """The first part of :meth:`refresh`: the history reduced and the ranges and labels
        set; the curves' points worked out and given to them by :meth:`finish_refresh` (a live
        frame does the first with the other views, the second in the next frame). Any other
        redraw finishes it first."""
        self.finish_refresh()
        if sim is not self._sim:
            self.set_model(sim)
            return
        window = sim.history.window()
        total = sim.history.total
        self._sync_events(sim)
        k = bin_size(len(window), self._pixels())
        key = (total, k)
        if key == self._last_key:
            return
        self._last_key = key
        x, lo, hi = self._reducer.reduce(window, total, k)
        if len(x) == 0:
            self._clear_data()
            self._set_xrange(0.0, 0.0)
            self._empty_ranges()
            return
        parts = self._draw_parts(window, x, lo, hi, k)
        next(parts)
        self._second_part = parts

    def finish_refresh(self) -> None:
        """Work out the curves' points and give them to the curves (if :meth:`begin_refresh`
        left a frame to finish)."""
        parts, self._second_part = self._second_part, None
        if parts is not None:
            next(parts, None)  # (the rest of it: no second yield)

    def set_lane_visible(self, lane_id: str, visible: bool) -> None:
        """Show or hide every item of lane ``lane_id`` (remembered across :meth:`set_model`)."""
        if visible:
            self._hidden.discard(lane_id)
        else:
            self._hidden.add(lane_id)
        self._apply_visibility()
        self._update_legend()
        self._redraw()

    @property
    def simplify(self) -> bool:
        """Drop vertices on flat stretches (within a quarter pixel) before setData (default)."""
        return self._simplify

    @simplify.setter
    def simplify(self, on: bool) -> None:
        self._simplify = bool(on)
        self._redraw()

    def lane_visible(self, lane_id: str) -> bool:
        return lane_id not in self._hidden

    @property
    def grad_mode(self) -> str:
        return self._grad_mode

    def set_grad_mode(self, mode: str) -> None:
        """Which gradient magnitudes to show: 'grad_b', 'grad_w1', 'grad_w2' or 'all'."""
        if mode not in GRAD_MODES:
            raise ValueError(f"unknown gradient mode {mode!r} (known: {', '.join(GRAD_MODES)})")
        if mode == self._grad_mode:
            return
        self._grad_mode = mode
        i = self.grad_combo.findData(mode)
        if i != self.grad_combo.currentIndex():
            self.grad_combo.blockSignals(True)
            self.grad_combo.setCurrentIndex(i)
            self.grad_combo.blockSignals(False)
        self._apply_grad_styles()
        self._apply_visibility()
        self._redraw()

    def rail_y(self, lane_index: int, grad: str = "grad_b") -> float:
        """The y (log10 units) of lane ``lane_index``'s exact-zero rail for ``grad``."""
        shown = GRAD_MODES[self._grad_mode]
        base = float(self._rail_rows[lane_index])
        if len(shown) == 1:
            return base
        pitch = float(self._rail_pitch)
        return base + (shown.index(grad) - 1) * pitch * 0.28

    # --- drawing --------------------------------------------------------------------------------
    def _pixels(self) -> int:
        w = int(self.plots[PLOTS[-1]].vb.width())
        return w if w >= 100 else 800

    def _on_resized(self) -> None:
        if self._sim is not None and self.isVisible():
            self.refresh(self._sim)  # (a no-op unless the bin size changed)

    def _redraw(self) -> None:
        self._last_key = None
        if self._sim is not None:
            self.refresh(self._sim)
