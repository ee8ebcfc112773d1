"""Lane cards: one card per activation lane, its health readable from the back of the room.

Each card shows the lane's name, a large state badge (ALIVE, RECOVERING, SATURATED, DEAD,
DIVERGED), a small plot of f(z) and f'(z) with the current samples as dots on f(z) and the
z <= 0 region shaded, the current numbers, and what the lane did after the last shock.

``refresh`` runs up to ~60 times a second: it only updates existing items (dots' data, text that
changed, styles when the state changed); curves are recomputed only when PReLU's alpha or the
z range changed.

The card itself is :class:`widgets.card_frame.LaneCard` (its curve, text and look in
:mod:`widgets.card_curve`, :mod:`widgets.card_readout` and :mod:`widgets.card_text`, its keys in
:mod:`widgets.card_focus`: each card is a Tab stop, Space or Enter selects its lane as a click
does, Up and Down move to the card shown above or below); this module holds the column of
cards, :class:`LaneCards`, and re-exports the card's public names.
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Signal
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from simulation.engine import Simulation
from widgets.card_curve import Z_RANGE as Z_RANGE
from widgets.card_curve import default_z_range
from widgets.card_frame import NORMAL_HEIGHT, LaneCard
from widgets.card_text import fmt_approx as fmt_approx
from widgets.card_text import fmt_grad as fmt_grad
from widgets.card_text import fmt_param as fmt_param


class LaneCards(QWidget):
    """The column of lane cards for every lane of a simulation."""

    lane_selected = Signal(int)

    def __init__(self, sim: Simulation, parent: QWidget | None = None):
        super().__init__(parent)
        self.cards: list[LaneCard] = []  # the cards of the current simulation's lanes
        self._pool: list[LaneCard] = []  # every card ever made; extra ones stay hidden
        self._sim: Simulation | None = None
        self._selected = -1
        self._hidden: set[str] = set()  # lane ids hidden by set_lane_visible (kept on set_model)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)
        self._layout.setSpacing(6)
        self._layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Preferred)
        self.set_model(sim)

    # --- model --------------------------------------------------------------------------------
    def set_model(self, sim: Simulation) -> None:
        """Show the lanes of ``sim`` (they may differ from the previous simulation's).

        Cards are reused (reconfigured), never deleted: extra ones are hidden.
        """
        self._sim = sim
        z_range = default_z_range(sim.config)
        lanes = sim.config.lanes
        while len(self._pool) < len(lanes):
            card = LaneCard(len(self._pool), lanes[len(self._pool)], z_range, self)
            card.clicked.connect(self._on_clicked)
            self._layout.insertWidget(len(self._pool), card)
            self._pool.append(card)
        self.cards = self._pool[:len(lanes)]
        for i, (spec, card) in enumerate(zip(lanes, self.cards, strict=True)):
            card.set_lane(i, spec, z_range)
            card.lane_visible = spec.id not in self._hidden
            card.setVisible(card.lane_visible)  # a new child of a shown widget needs show()
        for card in self._pool[len(lanes):]:
            card.lane_visible = False
            card.hide()
        if not 0 <= self._selected < len(self.cards):
            self._selected = -1
        for i, card in enumerate(self._pool):
            card.set_selected(i == self._selected)
        self.updateGeometry()
        self.refresh(sim)

    def refresh(self, sim: Simulation) -> None:
        """Show ``sim``'s current step; only updates existing items (cheap, up to 60/s)."""
        if sim is not self._sim:
            self.set_model(sim)
            return
        snap = sim.current()
        shocked = bool(sim.events)
        for card in self.cards:
            if card.lane_visible:
                card.refresh(snap, shocked)

    # --- visibility and selection -------------------------------------------------------------
    def _index(self, lane_id: int | str) -> int:
        if isinstance(lane_id, str):
            for card in self.cards:
                if lane_id in (card.spec.id, card.spec.activation):
                    return card.index
            raise KeyError(f"no lane {lane_id!r}")
        return int(lane_id)

    def set_lane_visible(self, lane_id: int | str, visible: bool) -> None:
        """Show or hide the card of a lane (by index, or by its id / activation name).

        Hidden lanes are not refreshed, and stay hidden after ``set_model`` if the new
        simulation has a lane with the same id.
        """
        card = self.cards[self._index(lane_id)]
        card.lane_visible = bool(visible)
        if visible:
            self._hidden.discard(card.spec.id)
        else:
            self._hidden.add(card.spec.id)
        card.setVisible(visible)
        if visible and self._sim is not None:
            card.refresh(self._sim.current(), bool(self._sim.events))
        self.updateGeometry()

    def select(self, index: int) -> None:
        """Highlight card ``index`` (-1: none). Does not emit ``lane_selected``."""
        self._selected = index if 0 <= index < len(self.cards) else -1
        for i, card in enumerate(self.cards):
            card.set_selected(i == self._selected)

    def selected(self) -> int:
        return self._selected

    def _on_clicked(self, index: int) -> None:
        self.select(index)
        self.lane_selected.emit(index)

    # --- size ---------------------------------------------------------------------------------
    def _visible_cards(self) -> int:
        return sum(c.lane_visible for c in self.cards)

    def sizeHint(self) -> QSize:
        n = self._visible_cards()
        return QSize(350, n * NORMAL_HEIGHT + max(n - 1, 0) * self._layout.spacing())

    def minimumSizeHint(self) -> QSize:
        shown = [c for c in self.cards if c.lane_visible]
        n = len(shown)
        return QSize(240, sum(c.minimumSizeHint().height() for c in shown)
                     + max(n - 1, 0) * self._layout.spacing())
