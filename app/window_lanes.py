"""The lanes of the main window: the Lanes menu that shows or hides each lane in every view, and
which lane is selected (its card highlighted, its network and chain rule shown).

:class:`WindowLanes` is a mixin of :class:`app.main_window.MainWindow` (it uses its ``cards``,
``plots``, ``diagram``, ``chain``, ``lanes_menu`` and ``setup_dock``).
"""

from __future__ import annotations

from simulation import activations
from simulation.engine import Simulation


class WindowLanes:
    """Lane visibility and selection of the main window."""

    def _build_lanes_menu(self, sim: Simulation) -> None:
        """One checkable entry per lane: show or hide it in every view (the run goes on)."""
        self.lanes_menu.clear()
        for spec in sim.config.lanes:
            action = self.lanes_menu.addAction(activations.get(spec.activation).label)
            action.setCheckable(True)
            action.setChecked(True)
            action.setToolTip("Show or hide this lane; it keeps running either way")
            action.toggled.connect(lambda on, lane=spec.id: self.set_lane_visible(lane, on))
        self.lanes_menu.addSeparator()
        more = self.lanes_menu.addAction("Add or remove lanes (restarts)…")
        more.triggered.connect(self.setup_dock.show)

    def set_lane_visible(self, lane_id: str, visible: bool) -> None:
        """Show or hide a lane; hiding the selected one selects the first lane still shown."""
        self.cards.set_lane_visible(lane_id, visible)
        self.plots.set_lane_visible(lane_id, visible)
        shown = self.shown_lanes()
        if shown and self.cards.selected() not in shown:
            self.select_lane(shown[0])

    def shown_lanes(self) -> list[int]:
        """The indices of the lanes shown (not hidden in the Lanes menu)."""
        return [card.index for card in self.cards.cards if card.lane_visible]

    def select_lane(self, index: int) -> None:
        """Select lane ``index``: its card highlighted, its network and chain rule shown."""
        self.cards.select(index)
        self.diagram.set_lane(index)
        self.chain.set_lane(index)
