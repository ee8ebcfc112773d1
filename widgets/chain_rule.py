"""Step-through mode: one gradient-descent update of one lane, phase by phase, with real numbers.

The seven phases follow the seed's "Mathematical Deep Dive": forward z, activation a = f(z), loss,
dL/da, da/dz, dz/dw and the chain-rule product, then the update. Every number comes from the
engine's pass for the current parameters (``sim.current()``: what the next step records, before it
updates anything) and from the dataset; the panel only multiplies the per-sample factors the engine
already gives (dL/da x da/dz x x1) and forms the update p - lr x grad.

Revealed phases stay visible as one-line summaries; the current phase is shown in full and
highlighted. After phase 7, Next emits ``request_step`` (the app runs one step of its model) and
the panel starts again at phase 1.

A simulation given to ``refresh`` that is not the model (``set_model``) is a rewound step: the
run ``request_step`` steps is not the one shown, so phase 7 does not offer to apply it. Its
button continues from the step shown (``continue_requested``) where the app offers that
(``offer_continue``), else it is disabled and the text says how to go on from that step.

Its inks (lane, state, zeros, moves, the highlight) are the theme's (``widgets.style``), made
readable (4.5:1) on the background they are written on: the panel follows the application
palette, and a palette change (a theme change) renders the header and the text again.

The numbers are read in :mod:`widgets.chain_numbers` and the text of each phase is built in
:mod:`widgets.chain_phases`, laid out and written by :mod:`widgets.chain_text`; this module is
the panel.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSpinBox,
    QTextBrowser,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from simulation.engine import Simulation
from widgets.chain_header import Header, Ruler
from widgets.chain_numbers import _Numbers, read_numbers
from widgets.chain_numbers import fmt as fmt
from widgets.chain_phases import (
    N_PHASES,
)
from widgets.chain_phases import ZERO_COLOR as ZERO_COLOR
from widgets.chain_text import ChainText
from widgets.fitted_label import FittedLabel
from widgets.layout_shield import LayoutShield


# --- the widget -----------------------------------------------------------------------------------
class ChainRulePanel(QWidget, ChainText):
    """One update of the selected lane for one sample, phase by phase."""

    request_step = Signal()
    continue_requested = Signal(int)  # the rewound step shown: go on live from it, apply it

    def __init__(self, sim: Simulation, parent: QWidget | None = None):
        super().__init__(parent)
        self._sim: Simulation | None = None  # the simulation shown
        self._model: Simulation | None = None  # the run request_step steps
        self._continue_offered = False
        self._lane = 0
        self._sample: int | None = None  # None: the sample with the largest z
        self._phase = 1
        self._step: int | None = None
        self._snap = None
        self._numbers: _Numbers | None = None
        self._dirty = True
        self._rendering = False
        self._title_plain = ""
        self._html_shown: str | None = None  # the phases' rich text the browser holds
        self._page_key: tuple | None = None  # what that page was written from (see _render)

        base = QFont(self.font())
        base.setPointSizeF(max(base.pointSizeF(), 13.0))
        self.setFont(base)

        self._title = Header()
        # filled with the page's colour: a new step number repaints the header alone, not the
        # window, tabs, splitter and panel behind it
        self._title.setAutoFillBackground(True)
        title_font = QFont(base)
        title_font.setPointSizeF(base.pointSizeF() + 1)
        self._title.setFont(title_font)
        # Texts that change must not change the minimum size (a top-level window would warn).
        self._title.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        self._spin = QSpinBox()
        self._spin.setPrefix("sample ")
        self._spin.setKeyboardTracking(False)
        self._spin.setToolTip("Which sample to follow through the update")
        self._spin.setAccessibleName("Sample followed")
        self._spin.valueChanged.connect(self._on_spin)
        self._of = QLabel()
        self._auto = QToolButton()
        self._auto.setText("largest z")
        self._auto.setCheckable(True)
        self._auto.setChecked(True)
        self._auto.setToolTip("Follow the sample with the largest z (closest to being active)")
        self._auto.toggled.connect(self._on_auto)

        self._browser = QTextBrowser()
        self._browser.setOpenLinks(False)
        self._browser.setFont(base)
        self._browser.document().setDefaultFont(base)
        self._browser.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Expanding)
        # the formulas are laid out for the browser's width and font: again when they change
        self._ruler = Ruler()
        self._room = 0.0  # the text column's width the shown text was laid out for
        self._browser.installEventFilter(self)
        self._browser.viewport().installEventFilter(self)

        self._back = QPushButton("◀ Back")
        self._back.setToolTip("Show the previous phase of this update again")
        self._back.clicked.connect(self.prev_phase)
        self._next = QPushButton("Next ▶")
        self._next.setDefault(True)
        self._next.clicked.connect(self.next_phase)
        self._next.setMinimumWidth(max(self._next.sizeHint().width(),
                                       self._next.fontMetrics().horizontalAdvance("Apply step ▶")
                                       + 24))
        self._phase_label = FittedLabel(f"phase {N_PHASES} / {N_PHASES}", f"{N_PHASES}/{N_PHASES}")
        self._phase_label.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self._phase_label.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)

        top = QHBoxLayout()
        top.addWidget(self._spin)
        top.addWidget(self._of)
        top.addStretch(1)
        top.addWidget(self._auto)
        bottom = QHBoxLayout()
        bottom.addWidget(self._back)
        bottom.addWidget(self._phase_label, 1)
        bottom.addWidget(self._next)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.setSpacing(4)
        layout.addWidget(LayoutShield(self._title))  # its step, every frame, relays out no more
        layout.addLayout(top)
        layout.addWidget(self._browser, 1)
        layout.addLayout(bottom)

        self.set_model(sim)
        self._render_if_dirty()

    # --- public API ------------------------------------------------------------------------------
    @property
    def phase(self) -> int:
        """The current phase, 1 to 7."""
        return self._phase

    @property
    def lane(self) -> int:
        return self._lane

    @property
    def sample(self) -> int:
        """The sample shown (the largest-z one unless one was picked)."""
        return self._read().sample

    def sample_picker(self) -> list[QWidget]:
        """The sample row's controls (presentation mode hides them: the diagram names the
        sample followed, and phase 7 needs the height)."""
        return [self._spin, self._of, self._auto]

    @property
    def rewound(self) -> bool:
        """True while the step shown is not the model's (a rewound step: ``refresh``)."""
        return self._sim is not self._model

    def set_model(self, sim: Simulation) -> None:
        """A new simulation, the run ``request_step`` steps: back to phase 1, following the
        largest-z sample."""
        self._model = sim
        self._sample = None
        self._auto.blockSignals(True)
        self._auto.setChecked(True)
        self._auto.blockSignals(False)
        self._show(sim)
        self.refresh(sim)

    @property
    def continue_offered(self) -> bool:
        return self._continue_offered

    def offer_continue(self, on: bool) -> None:
        """Whether the app goes on live from a rewound step shown when ``continue_requested``
        is emitted (else phase 7 of a rewound step offers nothing)."""
        self._continue_offered = bool(on)
        self._invalidate()

    def refresh(self, sim: Simulation) -> None:
        """Re-read the numbers; back to phase 1 if a step was taken since the last look. A
        simulation other than the model is a rewound step: shown, never stepped."""
        if sim is not self._sim:
            self._show(sim)
        snap = sim.current()
        if snap is self._snap:
            return
        if self._step is not None and snap.step != self._step:
            self._phase = 1
        self._step = snap.step
        self._snap = snap
        self._numbers = None
        self._invalidate()

    def set_lane(self, index: int) -> None:
        """Show lane ``index``, from phase 1."""
        if self._sim is None or not 0 <= index < self._sim.n_lanes:
            raise IndexError(f"no lane {index}")
        self._lane = int(index)
        self._phase = 1
        self._numbers = None
        self._invalidate()

    def set_sample(self, index: int | None) -> None:
        """Follow sample ``index`` (None or -1: the sample with the largest z)."""
        if index is None or index < 0:
            self._auto.setChecked(True)
            return
        self._spin.setValue(int(index))  # -> _on_spin
        if self._sample != int(index):  # the spin box already showed it
            self._on_spin(int(index))

    def next_phase(self) -> None:
        """Reveal the next phase; after the last one, ask for a step and start over. A rewound
        step is not the model's: after its last phase the app is asked to continue from it
        where it offers that (``offer_continue``); else nothing happens."""
        if self._phase < N_PHASES:
            self._phase += 1
            self._invalidate()
            return
        if self.rewound:
            if self._continue_offered:
                step = self._read().step
                self._phase = 1
                self._invalidate()
                self.continue_requested.emit(step)
            return
        self._phase = 1
        self._invalidate()
        self.request_step.emit()

    def set_phase(self, phase: int) -> None:
        """Reveal phases 1 to ``phase`` (clamped to 1..N_PHASES) of the step shown."""
        self._phase = min(max(int(phase), 1), N_PHASES)
        self._invalidate()

    def prev_phase(self) -> None:
        """Hide the current phase (not below phase 1)."""
        if self._phase > 1:
            self._phase -= 1
            self._invalidate()

    # --- internals -------------------------------------------------------------------------------
    def _show(self, sim: Simulation) -> None:
        """Show ``sim`` (the model or a rewound step of it) from phase 1, the lane and the
        sample kept where it has them."""
        self._sim = sim
        if self._lane >= sim.n_lanes:
            self._lane = 0
        if self._sample is not None and self._sample >= sim.data.n:
            self._sample = None
            self._auto.blockSignals(True)
            self._auto.setChecked(True)
            self._auto.blockSignals(False)
        self._phase = 1
        self._step = None
        self._snap = None
        self._numbers = None
        self._spin.blockSignals(True)
        self._spin.setRange(0, sim.data.n - 1)
        self._spin.blockSignals(False)
        self._of.setText(f"of 0–{sim.data.n - 1}")

    def _read(self) -> _Numbers:
        if self._numbers is None:
            assert self._sim is not None
            self._numbers = read_numbers(self._sim, self._lane, self._sample)
        return self._numbers

    def _on_spin(self, value: int) -> None:
        self._sample = int(value)
        self._numbers = None
        self._auto.blockSignals(True)
        self._auto.setChecked(False)
        self._auto.blockSignals(False)
        self._invalidate()

    def _on_auto(self, on: bool) -> None:
        self._sample = None if on else self._read().sample
        self._numbers = None
        self._invalidate()

    def _invalidate(self) -> None:
        self._dirty = True
        if self.isVisible():
            self._render_if_dirty()

    def showEvent(self, event) -> None:
        super().showEvent(event)
        self._render_if_dirty()

    def eventFilter(self, watched, event) -> bool:
        kind = event.type()
        if ((kind == QEvent.Type.Resize and watched is self._browser.viewport())
                or (kind == QEvent.Type.FontChange and watched is self._browser)):
            if not self._rendering and (self.room() != self._room
                                        or self._ruler.font != self._browser.font()):
                self._dirty = True  # laid out for another width or font
                self._invalidate()
        return super().eventFilter(watched, event)

    def changeEvent(self, event) -> None:
        if event.type() == QEvent.Type.PaletteChange:  # a theme change: write in its inks
            self._dirty = True
            self._invalidate()
        super().changeEvent(event)
