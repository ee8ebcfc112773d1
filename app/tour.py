"""A guided tour of the bias-shock preset for a first-time user: eight short stops, each putting
the run where the story is (deterministically) and saying what to look at."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QEvent, QObject, QPoint, QRect, QSize, Qt, Signal
from PySide6.QtWidgets import (
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)
from shiboken6 import isValid

from app import settings
from app.dialogs import confirm

PRESET = "bias-shock"
DOCKED = (QDockWidget.DockWidgetFeature.DockWidgetClosable
          | QDockWidget.DockWidgetFeature.DockWidgetMovable
          | QDockWidget.DockWidgetFeature.DockWidgetFloatable)
WIDTH = 340  # px: the panel's width beside the columns
COVERED_NOTE = ("\n\n(On this small screen the tour takes the place of the diagram and chain "
                "rule; stop 4 shows them in place of the cards. × closes the tour.)")
FOLDED_NOTE = "\n\n(On this small screen the tour takes room from the plots; × closes it.)"
AWAY_NOTE = ("The tour is about the <a href='single'>Single neuron</a> tab: Next or Back shows "
             "it again.")


@dataclass(frozen=True)
class Stop:
    """One stop: a title, what to look at, the step the run stands at, the lane selected."""

    title: str
    text: str
    step: int
    lane: int = 0
    math: bool = False  # about the selected lane's diagram and chain rule (the right column)
    phase: int = 1  # the chain-rule panel's phases shown (its text may point at one)


STOPS = (
    Stop("Five neurons, one story",
         "Each card on the left is one neuron, z = w1·x1 + w2·x2 + b, a = f(z), with a different "
         "activation: ReLU, Leaky ReLU, PReLU, ELU, SELU. Same data, same start, same shocks. "
         "The plots in the middle share one step axis; on the right: the selected neuron and "
         "its chain rule.", 0),
    Stop("Learning",
         "290 steps of gradient descent: every loss curve falls, every badge reads ALIVE, and "
         "the dots (the samples' z on each f(z) curve) sit right of 0.", 290),
    Stop("The bias shock",
         "At step 300 every bias is set to b = −10 (the dashed marker on every plot). Even at "
         "x = (1, 1), z = 0.5 + 0.3 − 10 = −9.2 < 0: every dot slides into the shaded "
         "region. ReLU's badge turns DEAD.", 301),
    Stop("Why ReLU cannot come back",
         "For z < 0, ReLU's slope f′(z) is exactly 0, so ∂L/∂w₁ = ∂L/∂a × 0 × x₁ = 0: the "
         "chain-rule panel shows the zero, the gradient plot draws it on the “exactly 0” rail, "
         "and the diagram greys out. w ← w − lr × 0: nothing ever moves again.", 301, 0, True,
         6),
    Stop("Leaky ReLU crawls back",
         "Leaky ReLU's slope is 0.01, not 0: its bias creeps up, step by step, until a sample "
         "crosses z = 0 and the badge flips back to ALIVE. Its card prints the recovery time.",
         2000, 1),
    Stop("ELU and SELU saturate",
         "Their slope for z < 0 is α·eᶻ: never zero, but about e⁻⁹ ≈ 1e−4 at z = −9. The "
         "gradient is so small they are stuck in practice: SATURATED. (After a milder shock, "
         "b = −2, they come back fastest: try the mild-bias-shock preset.)", 2000, 3),
    Stop("PReLU learns its slope",
         "PReLU's negative slope α is a parameter too. The shock drives it negative (see α in "
         "the parameters plot): PReLU then fits the target from the negative side.", 2000, 2),
    Stop("Your turn",
         "Drag the Rewind slider at the bottom back to any step, and press Continue from here "
         "to branch a new run: fire a milder shock (B, with b = −2), or change the learning "
         "rate. Press F5 for presentation mode; File ▸ Save session keeps all of it.", 2000),
)


class TourPanel(QWidget):
    """Title, text, and Back / Next through the stops; Finish at the last one."""

    close_requested = Signal()

    def __init__(self, window: Any, parent: QWidget | None = None):
        super().__init__(parent)
        self.window = window
        self.index = -1
        self._left: tuple[int, int, int] | None = None  # the run as the tour left it
        self._room: int | None = None  # px kept for the panel at a narrow window's columns' end
        self.title = QLabel()
        self.title.setObjectName("tourTitle")
        self.title.setWordWrap(True)
        f = self.title.font()
        f.setBold(True)
        f.setPointSizeF(f.pointSizeF() * 1.2)
        self.title.setFont(f)
        self.text = QLabel()
        self.text.setWordWrap(True)
        self.text.setAlignment(Qt.AlignmentFlag.AlignTop | Qt.AlignmentFlag.AlignLeft)
        self.away = QLabel(AWAY_NOTE)  # shown while another tab is open
        self.away.setWordWrap(True)
        self.away.setTextFormat(Qt.TextFormat.RichText)
        self.away.setTextInteractionFlags(Qt.TextInteractionFlag.LinksAccessibleByMouse
                                          | Qt.TextInteractionFlag.LinksAccessibleByKeyboard)
        self.away.linkActivated.connect(lambda _link: self.show_tab())
        self.away.hide()
        self.counter = QLabel()
        self.back = QPushButton("◀ Back")
        self.back.setToolTip("The previous stop")
        self.back.clicked.connect(lambda: self.go(self.index - 1))
        self.next = QPushButton("Next ▶")
        self.next.setToolTip("The next stop")
        self.next.clicked.connect(lambda: self.go(self.index + 1))
        self.finish = QPushButton("Finish")
        self.finish.setToolTip("Close the tour; the run stays as it is")
        self.finish.clicked.connect(self.close_requested)
        self.finish.hide()
        buttons = QHBoxLayout()
        buttons.addWidget(self.back)
        buttons.addWidget(self.counter, 1, Qt.AlignmentFlag.AlignCenter)
        buttons.addWidget(self.next)
        buttons.addWidget(self.finish)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addWidget(self.text, 1)
        layout.addWidget(self.away)
        layout.addLayout(buttons)

    def show_tab(self) -> None:
        """Show the Single neuron tab (every stop is about its views)."""
        tabs = self.window.tabs
        tabs.setCurrentIndex(tabs.indexOf(self.window.columns))

    def on_tab(self, index: int) -> None:
        """(Connected to the window's tabs.) Another tab open: the panel says where to look."""
        self.away.setVisible(self.window.tabs.widget(index) is not self.window.columns)

    def _state(self) -> tuple[int, int, int]:
        c = self.window.controller
        return id(c.sim), c.sim.t, len(c.journal)

    def _restarts(self, stop: Stop) -> bool:
        """Going to ``stop`` starts the preset over (the run is another, or past the stop)."""
        w, c = self.window, self.window.controller
        return bool(w.preset_id != PRESET or c.sim.t > stop.step or c.journal)

    def _would_discard(self, stop: Stop) -> bool:
        """Going to ``stop`` restarts the preset, and the run is not the tour's own nor new."""
        w, c = self.window, self.window.controller
        if not self._restarts(stop):
            return False
        fresh = w.preset_id == PRESET and c.sim.t == 0 and not c.journal
        return not fresh and self._state() != self._left

    def go(self, index: int) -> bool:
        """Show stop ``index``: the preset at that stop's step, its lane selected. A run the
        tour did not make is discarded only if the person agrees (False if not)."""
        if not 0 <= index < len(STOPS):
            return False
        stop = STOPS[index]
        w = self.window
        c = w.controller
        c.pause()
        if self._would_discard(stop) and not confirm(
                w, f"The tour restarts the {PRESET} preset: the current run (step {c.sim.t:,}) "
                   "will be discarded. Save it first with File ▸ Save session if you want to "
                   "keep it.\n\nStart the tour now?"):
            return False
        self.index = index
        self.show_tab()
        if self._restarts(stop):
            w.load_preset(PRESET)
        if stop.step > c.sim.t:
            c.sim.run(stop.step - c.sim.t)
            c.frame.emit(c.sim)
        w.select_lane(stop.lane)
        w.chain.set_phase(stop.phase)  # (stop 4: up to the product with ∂a/∂z = 0)
        self._left = self._state()
        self.title.setText(stop.title)
        self.text.setText(stop.text)
        self.counter.setText(f"{index + 1} / {len(STOPS)}")
        self.back.setEnabled(index > 0)
        last = index == len(STOPS) - 1
        self.next.setEnabled(not last)
        self.next.setVisible(not last)
        self.finish.setVisible(last)
        same = max(self.next.sizeHint().width(), self.finish.sizeHint().width())
        for button in (self.next, self.finish):  # Finish where Next was, as wide
            button.setMinimumWidth(same)
        self.fit_layout(self.isVisible())
        if last:
            settings.preferences().set_seen_tour()
        return True

    def sizeHint(self) -> QSize:
        return QSize(WIDTH, super().sizeHint().height())  # the text wraps, not the window grows

    def fit_layout(self, shown: bool = True) -> None:
        """Docked beside a wide window's columns. On a narrow one (a 1280x720 projector) the
        panel takes the place of a side column, at the columns' right end for the whole tour
        (its buttons stay under the pointer from stop to stop): of the right column, which the
        stops rarely need, or, at a stop about the selected lane's math, of the cards, the
        right column then shown between the time plots and the panel."""
        w = self.window
        dock = self.parentWidget()
        if not isValid(w) or not shown or self.index < 0 or not isinstance(dock, QDockWidget):
            return
        overlay = w.dockWidgetArea(dock) == Qt.DockWidgetArea.NoDockWidgetArea
        if not w.is_narrow():
            if overlay:
                dock.setFeatures(DOCKED)
                w.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
                dock.show()
            self.release()
            return
        size = w.size()
        if not overlay:  # a plain child of the window, over its columns (not a window of its
            w.removeDockWidget(dock)  # own: it moves with the window)
            dock.setFeatures(QDockWidget.DockWidgetFeature.DockWidgetClosable)
        dock.show()
        if self._room is None:  # once: the panel keeps its place and width from stop to stop
            self._room = self._room_for(w)
        w.columns.setContentsMargins(0, 0, self._room, 0)  # the columns end at the panel
        math, right_free = STOPS[self.index].math, False
        if math or self.index == 0:  # is the right column shown, not folded for presentation?
            w.fold("right", "tour", False)
            right_free = w.fold_columns["right"].isVisible()
        math = math and right_free
        w.fold("cards", "tour", math)
        w.fold("right", "tour", not math)
        if self.index == 0:
            self.text.setText(STOPS[0].text + (COVERED_NOTE if right_free else FOLDED_NOTE))
        w.keep_size(size)
        self.place()

    @staticmethod
    def _room_for(w: Any) -> int:
        """The room at a narrow window's columns' end: the right column's width (up to twice
        the panel's), but no more than leaves the time plots and the widest side column their
        least widths beside it (a right column dragged wide left stop 4's plots squeezed below
        theirs); never less than the panel's width (the window's minimum size has it)."""
        right = w.fold_columns["right"]
        handle = w.columns.handleWidth()
        wide = right.width() + handle if right.isVisible() else 0
        cards, plots, right_least = w._column_minimums()
        spare = w.columns.contentsRect().width() - plots - max(cards, right_least) - handle
        return max(WIDTH, min(wide, 2 * WIDTH, spare))

    def place(self) -> None:
        """A narrow window's panel over the room kept for it at the columns' right end."""
        w, dock = self.window, self.parentWidget()
        if self._room is None or not isValid(w) or not isinstance(dock, QDockWidget):
            return
        rect = QRect(w.columns.mapTo(w, QPoint(0, 0)), w.columns.size())
        rect.setLeft(rect.right() + 1 - self._room)
        dock.setGeometry(rect)
        dock.raise_()

    def release(self) -> None:
        """The tour closed (or the window wide): the columns get their room back."""
        w = self.window
        if self._room is None or not isValid(w):
            return
        self._room = None
        size = w.size()
        w.columns.setContentsMargins(0, 0, 0, 0)
        w.fold("cards", "tour", False)
        w.fold("right", "tour", False)
        w.keep_size(size)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        """(Installed on the window's columns.)"""
        if event.type() in (QEvent.Type.Resize, QEvent.Type.Move):
            self.place()  # the window resized: the panel follows the columns' right end
        return False


def make_dock(window: Any) -> QDockWidget:
    """The tour as a dock on the right (hidden until started)."""
    dock = QDockWidget("Guided tour: the bias shock", window)
    dock.setObjectName("tourDock")
    panel = TourPanel(window)
    panel.setAutoFillBackground(True)  # opaque when it lies over the columns
    dock.setAutoFillBackground(True)
    dock.setWidget(panel)
    dock.setMinimumWidth(280)
    window.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, dock)
    dock.hide()
    dock.panel = panel
    panel.close_requested.connect(dock.close)
    dock.visibilityChanged.connect(lambda shown: shown or panel.release())
    window.columns.installEventFilter(panel)
    window.tabs.currentChanged.connect(panel.on_tab)
    return dock


def start(window: Any) -> None:
    """Open the tour at its first stop (if the person agrees to leave the current run)."""
    dock = window.tour_dock
    if not dock.panel.go(0):
        return
    size = window.size()
    if window.is_narrow():
        dock.panel.fit_layout()  # over the columns
    else:
        dock.panel.fit_layout()  # back in the dock area, if it was over the columns
        dock.show()
        window.resizeDocks([dock], [WIDTH], Qt.Orientation.Horizontal)
    window.keep_size(size)  # the panel takes its room from the columns, not the screen
    pres = getattr(window, "presentation", None)
    if pres is not None:
        pres.fit_columns()
