"""The time plots' items: the stacked plots on one step axis, their axes and grid, the z <= 0
region, the gradient plot's exact-zero rail and the line-style keys (built once, by
:class:`TimeLayout`, for :class:`widgets.time_plots.TimePlots`)."""

from __future__ import annotations

import pyqtgraph as pg
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsItem, QGraphicsView, QVBoxLayout

from widgets import style
from widgets.palette import DEAD_REGION, ZERO_COLOR
from widgets.plot_axes import FitAxis, LogAxis, StepAxis
from widgets.plot_grid import GridLines
from widgets.plot_items import FONT_PT, LABEL_PT, WholePaintView, _font
from widgets.plot_series import (
    GRAD_LABELS,
    GRAD_STYLES,
    GRADS,
    LIN_LIMIT,
    PARAM_LABELS,
    PARAM_STYLES,
    PARAMS,
    PLOTS,
)
from widgets.plot_zone import Level, Zone

# Short: rotated labels must fit plots ~100 px tall (a 1280x720 projector); the key column on
# the right says the rest (band = min..max over the samples, line = mean, line styles).
AXIS_LABELS = {"loss": "loss", "z": "z", "a": "a = f(z)", "params": "params"}
GRID_COLOR = "#e2e2e2"
LABEL_STYLE = {"font-size": f"{LABEL_PT}pt", "color": "#000"}
AXIS_WIDTH = 84  # px, the same for every plot so the step axes line up
KEY_WIDTH = 104  # px, the column right of the plots holding the line-style keys


class TimeLayout:
    """Builds the plots and their fixed items into ``outer`` (mixed into TimePlots, which gives
    ``_style_key`` and ``_apply_grad_styles``)."""

    def _build_plots(self, outer: QVBoxLayout) -> None:
        self.view = WholePaintView()
        for w in (self.view, self.view.viewport()):  # a picture: a Tab stop there showed nothing
            w.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.view.setBackground("w")
        # the whole view is repainted every frame: filling it with the background colour is
        # cheaper than copying pyqtgraph's cached background image over it (~0.6 ms a paint)
        self.view.setCacheMode(QGraphicsView.CacheModeFlag.CacheNone)
        self.view.ci.setContentsMargins(2, 2, 8, 2)
        self.view.ci.setSpacing(0)
        outer.addWidget(self.view, 1)

        self.plots: dict[str, pg.PlotItem] = {}
        self.grids: dict[str, GridLines] = {}
        for row, name in enumerate(PLOTS):
            # every plot's step axis ticks alike (the grid lines line up); the last one's labels
            # are spaced by their width (StepAxis): they never touch on a narrow window
            axes = {"left": LogAxis("left") if name in ("loss", "grad") else FitAxis("left"),
                    "bottom": StepAxis("bottom")}
            p = self.view.addPlot(row=row, col=0, axisItems=axes)
            p.setMenuEnabled(False)
            p.setMouseEnabled(x=False, y=False)
            p.hideButtons()
            p.disableAutoRange()
            # Grid: opaque light grey (translucent grid lines cost ~15 ms a frame in Qt's raster
            # engine; opaque ones ~nothing), in the axes' tick pen, drawn by GridLines (not by
            # the axes: see widgets.plot_grid); the axes draw no tick marks of their own, and
            # a tick label only inside the axis (as when the grid made it as tall as the view)
            for ax in ("left", "bottom"):
                p.getAxis(ax).setTickPen(pg.mkPen(GRID_COLOR))
                p.getAxis(ax).setStyle(tickAlpha=255, maxTickLevel=0, tickLength=0,
                                       hideOverlappingLabels=True)
                # the data area's repaint reaches a pixel or two into the axes (Qt widens
                # every exposed item's rect): a cached axis is blitted, not painted again
                p.getAxis(ax).setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
                p.getAxis(ax).setZValue(-200)  # (under the view, as when they drew the grid)
            self.grids[name] = GridLines(p)
            p.layout.setContentsMargins(0, 2, 0, 2)
            # SI prefixes re-render the label HTML per range change (the hidden top and right
            # axes follow the ranges too: ~40 µs each per change of the step axis)
            for ax in ("left", "bottom", "top", "right"):
                p.getAxis(ax).enableAutoSIPrefix(False)
            left = p.getAxis("left")
            left.setWidth(AXIS_WIDTH)
            left.setTickFont(_font())
            left.setTextPen("k")
            left.setLabel(AXIS_LABELS.get(name, ""), **LABEL_STYLE)
            bottom = p.getAxis("bottom")
            bottom.setTickFont(_font())
            bottom.setTextPen("k")
            if name == PLOTS[-1]:
                bottom.setLabel("step", **LABEL_STYLE)
            else:
                bottom.setStyle(showValues=False)
                bottom.setHeight(4)
            self.plots[name] = p

        zp = self.plots["z"]
        # (bands and level lines painted by Qt alone: widgets.plot_zone)
        self.z_negative = Zone(zp, (-10 * LIN_LIMIT, 0.0), pg.mkBrush(DEAD_REGION))
        self.z_negative.setZValue(-100)
        for name in ("z", "a", "params"):
            line = Level(self.plots[name], 0.0,
                         pg.mkPen(ZERO_COLOR, width=1.5 if name == "z" else 1))
            line.setZValue(-50)
        # in the shaded region's visible part (bottom left), hidden where it does not fit there
        self.z_label = pg.TextItem("z ≤ 0", color=style.theme().muted, anchor=(0, 1))
        self.z_label.setFont(_font(FONT_PT))
        self.z_label.setZValue(-40)
        zp.addItem(self.z_label, ignoreBounds=True)
        zp.vb.sigResized.connect(lambda _vb: self._place_z_label())

        gp = self.plots["grad"]
        self.rail_zone = Zone(gp, (-2.0, -1.0), pg.mkBrush("#00000010"))
        self.rail_zone.setZValue(-100)
        self.rail_edge = Level(gp, -1.0,
                               pg.mkPen(ZERO_COLOR, width=1, style=Qt.PenStyle.DashLine))
        # beside the rail, in the key column (placed by TimeRanges._place_rail_label): inside
        # the plot its box hid the start of the rails
        self.rail_label = pg.TextItem("exactly 0", color="#333333", anchor=(0, 0.5))
        self.rail_label.setFont(_font(FONT_PT, bold=True))
        self.rail_label.setZValue(90)
        self.rail_label.fill = pg.mkBrush(255, 255, 255, 170)
        self.rail_label.setParentItem(gp)
        gp.vb.sigResized.connect(lambda _vb: self._place_rail_label())

        # Keys for the line styles (black samples, so they do not read as a lane).
        self._key_items: list[pg.PlotDataItem] = []
        self.params_key = self._style_key(PLOTS.index("params"),
                                          [(PARAM_LABELS[k], PARAM_STYLES[k]) for k in PARAMS])
        self.grad_key = self._style_key(PLOTS.index("grad"),
                                        [(GRAD_LABELS[g], GRAD_STYLES[g]) for g in GRADS])
        self.z_key = self._style_key(PLOTS.index("z"),
                                     [("min–max", "band"), ("mean", Qt.PenStyle.SolidLine)])
        self.a_key = self._style_key(PLOTS.index("a"), [("mean", Qt.PenStyle.SolidLine)])
        self.view.ci.layout.setColumnFixedWidth(1, KEY_WIDTH)
        self.grad_key.setVisible(False)
        self._apply_grad_styles()
