"""One lane card: the lane's name, a large state badge, a small plot of f(z) and f'(z) with the
current samples as dots on f(z) and the z <= 0 region shaded, the current numbers, and what the
lane did after the last shock (see :mod:`widgets.lane_card`).
"""

from __future__ import annotations

import math

import numpy as np
from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtGui import QFont, QFontDatabase, QFontMetrics
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QSizePolicy, QVBoxLayout, QWidget

from simulation import activations
from simulation.config import LaneSpec
from simulation.engine import Snapshot
from simulation.health import State
from widgets import style
from widgets.card_curve import ALPHA_LIMIT, Z_RANGE, CardCurve
from widgets.card_focus import CardKeys
from widgets.card_readout import NUMBERS_HELP, RECOVERY_HELP, CardReadout, lane_key
from widgets.card_text import _Badge, _TextBlock
from widgets.fitted_label import first_fitting

NORMAL_HEIGHT = 172  # preferred card height (five cards in ~900 px)
COMPACT_HEIGHT = 98  # below COMPACT_BELOW the card is drawn compact (one line of recovery text)
COMPACT_BELOW = 150
PLOT_MIN = 40  # px: a card with less room for its plot shows name, badge and recovery line only
PAD, COMPACT_PAD = (5, 3), (2, 1)  # px: the card's top and bottom margin, and spacing
DOT_LIMIT = 1e4  # samples with |z| or |f(z)| beyond this (or non-finite) are not drawn
BADGE_PT = 15.0  # the badge's font (times the presentation scale); less on a narrow card
BADGE_MIN_PT = 7.0
BADGE_PAD = 6  # px: at least this much of the badge's colour either side of its widest word

WIDEST_STATE = "RECOVERING"  # the widest badge word in the app's fonts (SATURATED is 10% narrower)

DEAD_BG = "#CFCFCF"
BORDER = "#CDCDCD"
SELECTED_BORDER = "#1A1A1A"


class LaneCard(QFrame, CardCurve, CardReadout):
    """One lane: name, state badge, f(z)/f'(z) plot with the samples, numbers, recovery."""

    clicked = Signal(int)

    def __init__(self, index: int, spec: LaneSpec, z_range: tuple[float, float] = Z_RANGE,
                 parent: QWidget | None = None):
        super().__init__(parent)
        self.lane_visible = True  # False: hidden by LaneCards.set_lane_visible, not refreshed
        self._selected = False
        self._compact = False
        self._off_text: tuple[int, int] | None = None  # samples off the chart, of all

        self.setObjectName("laneCard")
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.setMinimumWidth(240)

        # header: name (lane colour) and the state badge
        self.name = QLabel("")
        f = QFont(self.font())
        f.setPointSizeF(13)
        f.setBold(True)
        self.name.setFont(f)
        self.badge = _Badge("")
        bf = QFont(self.font())
        bf.setPointSizeF(BADGE_PT)
        bf.setBold(True)
        self.badge.setFont(bf)
        self.badge.setProperty("drlBasePt", BADGE_PT)  # presentation scales the full size
        self._badge_full = self._badge_fitted = QFont(bf)  # as set; as fitted to the card
        self.badge.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.badge.setSizePolicy(QSizePolicy.Policy.Fixed, QSizePolicy.Policy.Fixed)
        header = QHBoxLayout()
        header.setContentsMargins(0, 0, 0, 0)
        header.setSpacing(6)
        header.addWidget(self.name, 1)
        header.addWidget(self.badge, 0)

        # body: plot and numbers
        self._build_plot()

        mono = QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont)
        mono.setPointSizeF(8.5)
        self.numbers = _TextBlock(mono, "z>0     100% (64/64)")
        self.numbers.setToolTip(NUMBERS_HELP)
        body = QHBoxLayout()
        body.setContentsMargins(0, 0, 0, 0)
        body.setSpacing(6)
        body.addWidget(self.plot, 1)
        body.addWidget(self.numbers, 0)

        rf = QFont(self.font())
        rf.setPointSizeF(9)
        self.recovery = _TextBlock(rf, rows=2)
        self.recovery.setToolTip(RECOVERY_HELP)

        layout = QVBoxLayout(self)
        layout.addLayout(header, 0)
        layout.addLayout(body, 1)
        layout.addWidget(self.recovery, 0)
        self._apply_compact()
        self.keys = CardKeys(self)  # a Tab stop: Space/Enter select, Up/Down move (card_focus)
        self.set_lane(index, spec, z_range)

    def set_lane(self, index: int, spec: LaneSpec,
                 z_range: tuple[float, float] = Z_RANGE) -> None:
        """Show lane ``index`` with activation ``spec`` from now on (cards are reused, not
        rebuilt: deleting pyqtgraph widgets while the app runs is what PySide6 handles worst)."""
        self.index = index
        self.spec = spec
        self.act = activations.get(spec.activation)
        self.color = style.lane_color(spec.activation)
        self._kwargs = activations.function_params(spec.activation, spec.params)
        self._state: State | None = None
        self._snap: Snapshot | None = None
        self._lane_key: tuple | None = None  # what refresh last showed (see lane_key)
        self._shocked = False
        self._alpha: float | None = None  # alpha the curves were drawn with (PReLU)
        self._default_zrange = (float(z_range[0]), float(z_range[1]))
        self._zrange = self._default_zrange
        self._curve_range: tuple[float, float] | None = None
        self._yrange: tuple[float, float] | None = None
        self.name.setText(self.act.label)
        self.name.setToolTip(f"{self.act.label}: f(z) = {self.act.formula}\n"
                             f"f′(z) = {self.act.derivative}")
        self.region.setToolTip(self._region_help())
        self.numbers.set_lines([])
        self.recovery.set_lines([])
        self.recovery.setToolTip(RECOVERY_HELP)
        self._set_off_chart(None)
        self.dots.setData(x=np.empty(0), y=np.empty(0))
        self._apply_style(State.ALIVE)
        self._update_curves(alpha=self._initial_alpha())

    # --- size ---------------------------------------------------------------------------------
    def sizeHint(self) -> QSize:
        return QSize(350, NORMAL_HEIGHT)

    def minimumSizeHint(self) -> QSize:
        # name, badge and one line of recovery text always fit, in whatever font they have
        # (presentation mode): the plot gives way first
        return QSize(240, self._chrome_height(compact=True))

    def plot_min(self) -> int:
        """Least height of the plot's drawing area (its axis not counted) worth showing:
        PLOT_MIN, or two lines of the recovery text when its font is larger (presentation)."""
        return max(PLOT_MIN, 2 * self.recovery.fontMetrics().lineSpacing())

    def _chrome_height(self, compact: bool | None = None) -> int:
        """Height of everything but the plot's drawing area: border, margins, header, the
        recovery rows and the plot's tick labels (the full card's; a compact card has one
        recovery row and no tick labels; default: as the card is now)."""
        compact = self._compact if compact is None else compact
        pad, spacing = COMPACT_PAD if compact else PAD
        m = self.contentsMargins()  # the border
        header = max(self.name.sizeHint().height(), self.badge.sizeHint().height())
        rows = 1 if compact else 2
        axis = 0 if compact else int(self.plot.getPlotItem().getAxis("bottom").fixedHeight or 0)
        line = self.recovery.fontMetrics().lineSpacing()
        return m.top() + m.bottom() + 2 * pad + 2 * spacing + header + rows * line + axis

    @property
    def bare(self) -> bool:
        """True when the card is too short for its plot (it shows the header and text)."""
        return not self.plot.isVisibleTo(self)

    @property
    def compact(self) -> bool:
        return self._compact

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._fit_badge()
        changed = self._fit_height()
        if changed or event.size().width() != event.oldSize().width():
            self._retext()

    def event(self, ev) -> bool:
        handled = super().event(ev)
        # fonts or tick labels changed size (presentation mode) without a resize of the card:
        # the plot's room and the texts' wordings are measured again once the new sizes are
        # laid out (rare: a change of font, state or lanes; not every frame)
        if ev.type() == QEvent.Type.LayoutRequest:
            self._fit_badge()
            self._fit_height()
            self._retext()
        return handled

    def badge_room(self) -> int:
        """Width the header leaves the badge beside the widest lane name (px): every card of a
        column gets the same badge size, whatever its own name."""
        fm = self.name.fontMetrics()
        name = max(self.name.sizeHint().width(),
                   *(fm.horizontalAdvance(a.label) for a in activations.ACTIVATIONS.values()))
        m = self.layout().contentsMargins()
        spacing = self.layout().itemAt(0).layout().spacing()
        return self.contentsRect().width() - m.left() - m.right() - spacing - name

    def _fit_badge(self) -> None:
        """The badge's font: as set (BADGE_PT, scaled in presentation mode), or smaller when the
        card is too narrow for the widest state word with BADGE_PAD either side (RECOVERING
        filled its badge edge to edge on a 1280x720 window). Only on a resize or a font change."""
        if self.badge.font() != self._badge_fitted:  # set from outside (presentation): the full
            self._badge_full = QFont(self.badge.font())
        room = self.badge_room() - 2 * BADGE_PAD
        font = QFont(self._badge_full)
        size = font.pointSizeF()
        while size > BADGE_MIN_PT and QFontMetrics(font).horizontalAdvance(WIDEST_STATE) > room:
            size = max(BADGE_MIN_PT, size - 0.5)
            font.setPointSizeF(size)
        self._badge_fitted = font
        if font != self.badge.font():
            self.badge.setFont(font)

    def _fit_height(self) -> bool:
        """Compact the card when the full one would leave its plot less than ``plot_min``
        (a short card, or large presentation fonts): one recovery row and no tick labels, so
        the plot keeps a usable height; hide the plot only when even that leaves it too little.
        Returns True when the card changed between compact and full."""
        h = self.height()
        compact = h < COMPACT_BELOW or h - self._chrome_height(compact=False) < self.plot_min()
        changed = compact != self._compact
        if changed:
            self._compact = compact
            self._apply_compact()
        show = h - self._chrome_height() >= self.plot_min()
        if show != self.plot.isVisibleTo(self):
            self.plot.setVisible(show)
        return changed

    def _retext(self) -> None:
        """The texts that pick their wording by the room they have, again."""
        if self._snap is not None:
            self._update_text(self._snap)
            self._set_off_chart(self._off_text)

    def _apply_compact(self) -> None:
        """A compact card: one recovery line, no tick labels, and tighter margins, so that
        the f(z) plot and its dots keep their room (a 720-px window with the set-up panel)."""
        pad, spacing = COMPACT_PAD if self._compact else PAD
        self.layout().setContentsMargins(10, pad, 7, pad)
        self.layout().setSpacing(spacing)
        self.recovery.set_rows(1 if self._compact else 2)
        self.plot.getPlotItem().showAxis("bottom", not self._compact)

    # --- state and selection ------------------------------------------------------------------
    @property
    def state(self) -> State | None:
        return self._state

    def set_selected(self, selected: bool) -> None:
        if selected != self._selected:
            self._selected = selected
            self._apply_style(self._state if self._state is not None else State.ALIVE)

    def is_selected(self) -> bool:
        return self._selected

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.LeftButton:
            self.clicked.emit(self.index)
            event.accept()
        else:
            super().mousePressEvent(event)

    # --- refresh ------------------------------------------------------------------------------
    def refresh(self, snap: Snapshot, shocked: bool = False) -> None:
        """Show lane ``index`` (population member 0) of ``snap``; cheap when nothing changed."""
        if snap is self._snap and shocked == self._shocked:
            return
        key = lane_key(snap, self.index, shocked)
        if key == self._lane_key and self._snap is not None and self._shown_values is not None:
            # the same numbers to the bit (a dead or settled lane): the dots, curves and numbers
            # stay (~0.1 ms a card a frame); the recovery rows may count the steps on
            self._snap = snap
            if self._recovery_key(snap) != self._shown_recovery:
                self._update_recovery(snap, self._shown_values)
            return
        self._lane_key = key
        self._snap, self._shocked = snap, shocked
        i = self.index
        state = State(int(snap.state[i, 0]))
        if state != self._state:
            self._state = state
            self._apply_style(state)

        z = snap.fb.z[i, 0]
        a = snap.fb.a[i, 0]
        n = z.size
        with np.errstate(all="ignore"):
            ok = (np.isfinite(z) & np.isfinite(a)
                  & (np.abs(z) <= DOT_LIMIT) & (np.abs(a) <= DOT_LIMIT))
        if not ok.all():
            z, a = z[ok], a[ok]
        grew = self._fit_zrange(z)
        alpha = None
        if self.act.learnable_alpha:
            alpha = float(snap.params.alpha[i, 0])
            if not (math.isfinite(alpha) and abs(alpha) <= ALPHA_LIMIT):
                alpha = self._alpha  # a diverged alpha: keep the last drawable curve
        if grew or self._curves_moved(alpha):
            self._update_curves(alpha)
        # a moves with z and with PReLU's alpha (lr 0 can fix z while alpha still moves)
        shown_z, shown_a = self.dots.getData()
        if not (np.array_equal(z, shown_z) and np.array_equal(a, shown_a)):
            self.dots.setData(x=z, y=a)
        lo, hi = self._zrange
        off = n - int(np.count_nonzero((z >= lo) & (z <= hi)))
        self._set_off_chart((off, n) if off else None)
        self._update_text(snap)

    def _set_off_chart(self, off: tuple[int, int] | None) -> None:
        """Say how many samples lie off the chart, in the longest wording that fits the plot
        (the full sentence in the plot's tooltip); unchanged text is not set again."""
        self._off_text = off
        full = f"{off[0]} of {off[1]} samples off the chart" if off else ""
        text = first_fitting(self.off_chart.fontMetrics(), self.plot.width() - 6,
                             (full, f"{off[0]}/{off[1]} samples off the chart",
                              f"{off[0]}/{off[1]} dots off chart", f"{off[0]} dots off chart",
                              "")) if off else ""
        if text != self.off_chart.text():
            self.off_chart.setText(text)
            self.off_chart.adjustSize()
            self.off_chart.setVisible(bool(text))
        tip = self._plot_help() + (f"\n\n{full}." if full else "")
        if tip != self.plot.toolTip():
            self.plot.setToolTip(tip)
