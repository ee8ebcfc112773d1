"""The main window: layout and wiring only. Views draw the model; the controller changes it."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, Qt
from PySide6.QtGui import QAction, QActionGroup, QKeySequence
from PySide6.QtWidgets import (
    QDockWidget,
    QMainWindow,
    QMessageBox,
    QScrollArea,
    QSplitter,
    QVBoxLayout,
    QWidget,
)

from app.controller import LiveController
from app.dialogs import TITLE
from app.rewind import StatusReadouts
from app.setup_dock import SetupScroll
from app.window_columns import Columns, WindowColumns
from app.window_lanes import WindowLanes
from app.window_place import BoundedTabs
from app.window_presets import WindowPresets
from app.workshop import install as install_workshop
from simulation import presets
from simulation.config import ConfigError, RunConfig
from simulation.engine import Simulation
from widgets.chain_rule import ChainRulePanel
from widgets.lane_card import LaneCards
from widgets.network_diagram import NetworkDiagram
from widgets.readout import Readout
from widgets.setup_panel import SetupPanel
from widgets.time_plots import TimePlots
from widgets.transport_bar import TransportBar


class MainWindow(QMainWindow, WindowColumns, WindowLanes, WindowPresets):
    """Transport bar on top; lane cards, time plots, and the selected lane's math side by side."""

    def __init__(self, controller: LiveController, preset_id: str):
        super().__init__()
        self.controller = controller
        self.preset_id = preset_id
        self.setWindowTitle(f"{TITLE} — {preset_id}")
        sim = controller.sim

        self.transport = TransportBar({p.id: p.description for p in presets.PRESETS.values()})
        self.transport.set_preset(preset_id)
        self.transport.set_lr(sim.lr)
        self.transport.set_speed(controller.speed)
        self.cards = LaneCards(sim)
        self.plots = TimePlots(sim)
        self.diagram = NetworkDiagram(sim)
        self.chain = ChainRulePanel(sim)
        self.setup = SetupPanel(sim.config)
        self.views = (self.cards, self.plots, self.diagram, self.chain)
        self._turn = 0  # live frames alternate between the time plots and the rest
        self._plots_scroll = False  # the time plots' step range moved at their last refresh

        cards_scroll = QScrollArea()
        cards_scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)  # (the cards fit: no keys to scroll)
        cards_scroll.setWidget(self.cards)
        cards_scroll.setWidgetResizable(True)
        cards_scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        right = QSplitter(Qt.Orientation.Vertical)
        right.addWidget(self.diagram)
        right.addWidget(self.chain)
        right.setSizes([320, 600])
        # columns a side panel (set-up) or presentation mode folds on a narrow window
        self.fold_columns = {"cards": cards_scroll, "right": right}
        self._folds: dict[str, set[str]] = {"cards": set(), "right": set()}
        main = Columns(Qt.Orientation.Horizontal)
        main.addWidget(cards_scroll)
        main.addWidget(self.plots)
        main.addWidget(right)
        main.setStretchFactor(1, 1)
        self.columns = main
        main.resized.connect(self.fold_for_room)
        self._columns_fitted = False
        self.tabs = BoundedTabs()
        self.tabs.setDocumentMode(True)
        self.tabs.addTab(main, "Single neuron")
        self.tabs.setTabToolTip(0, "The lanes side by side: one neuron per activation")
        central = QWidget()
        layout = QVBoxLayout(central)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.transport)
        layout.addWidget(self.tabs, 1)
        self.setCentralWidget(central)

        self.setup_dock = QDockWidget("Setup", self)
        self.setup_dock.setObjectName("setupDock")
        self.setup_scroll = SetupScroll(self.setup)  # (``setup`` is the panel itself)
        self.setup_dock.setWidget(self.setup_scroll)
        self.addDockWidget(Qt.DockWidgetArea.LeftDockWidgetArea, self.setup_dock)
        self.setup_dock.hide()
        self.setup_dock.visibilityChanged.connect(self._on_setup_shown)

        self.step_label = Readout()
        self.rate_label = Readout()
        self.seed_label = Readout()
        self.readouts = StatusReadouts({  # (the seed's is its own: it changes with a restart)
            self.step_label: "step 10,000,000", self.rate_label: "20,000 steps/s · 60 fps",
            self.seed_label: "seed 0"})
        # the room status messages are drawn in: the readouts' (kept while a message hides
        # them); the rewind bar after them, a permanent widget, takes the rest
        self.statusBar().addWidget(self.readouts)
        self._build_actions()
        self._wire()
        self._show_model(sim)  # (the views were built with it)
        self._on_frame(sim)
        install_workshop(self)  # File menu, sessions, export, own data, rewind, F5, help

        from app.claim_tabs import install_claim_tabs  # the seeds' other claims, measured

        install_claim_tabs(self)
        from app.population_tabs import install_population_tabs  # population, death map

        install_population_tabs(self)

    # --- wiring ---------------------------------------------------------------------------------
    def _wire(self) -> None:
        c, t = self.controller, self.transport
        t.play_toggled.connect(c.toggle)
        t.step_requested.connect(c.step_once)
        t.reset_requested.connect(lambda: c.reset())
        t.speed_changed.connect(self._refusing(c.set_speed))
        t.lr_changed.connect(self._refusing(c.set_lr))
        t.bias_shock_requested.connect(self._refusing(c.bias_shock))
        t.lr_shock_requested.connect(
            self._refusing(lambda f, v, n: c.lr_shock(factor=f, value=v, steps=n)))
        t.preset_chosen.connect(self.choose_preset)
        t.notice.connect(lambda text: self.statusBar().showMessage(text, 8000))
        self.setup.config_requested.connect(self.apply_overrides)
        self.setup.weight_shock_requested.connect(self._refusing(c.weight_shock))
        self.chain.request_step.connect(c.step_once)
        self.cards.lane_selected.connect(self.select_lane)
        self.tabs.currentChanged.connect(self._on_tab)
        c.running_changed.connect(t.set_running)
        c.running_changed.connect(lambda on: on or self.draw(c.sim))  # all views, at rest
        c.model_changed.connect(self._on_model)
        c.model_changed.connect(lambda _sim: self._mark_preset())
        c.frame.connect(self._on_frame)
        c.stats.connect(lambda sps, fps: self.rate_label.setText(  # NaN: stopped, no live rate
            f"{sps:,.0f} steps/s · {fps:.0f} fps" if sps >= 0 else ""))

    def _refusing(self, slot: Any) -> Any:
        """``slot``, but a value the model refuses (ConfigError: NaN, an infinity, out of range)
        is said in the status bar, and nothing changes."""

        def run(*args: Any) -> None:
            try:
                slot(*args)
            except ConfigError as e:
                self.statusBar().showMessage(f"Not applied: {e}", 8000)
                self.transport.set_lr(self.controller.sim.lr)
                self.transport.set_speed(self.controller.speed)

        return run

    def _build_actions(self) -> None:
        c = self.controller
        run_menu = self.menuBar().addMenu("&Run")
        specs: list[tuple[str, str, Any]] = [
            ("Play / Pause", "Space", c.toggle),
            ("Step", "Right", c.step_once),
            ("Reset", "R", lambda: c.reset()),
            ("Bias shock", "B", self.transport.bias_button.click),
            ("Learning-rate shock", "L", self.transport.lr_button.click),
        ]
        for text, key, slot in specs:
            action = QAction(text, self)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(slot)
            run_menu.addAction(action)
            self.addAction(action)
        preset_menu = self.menuBar().addMenu("&Presets")
        # the run's preset checked; none once the run's settings differ from it (the title
        # says what changed)
        self.preset_group = QActionGroup(self)
        self.preset_group.setExclusionPolicy(QActionGroup.ExclusionPolicy.ExclusiveOptional)
        self.preset_actions: dict[str, QAction] = {}
        for p in presets.PRESETS.values():
            action = QAction(p.id, self.preset_group)
            action.setCheckable(True)
            action.setStatusTip(p.description)
            action.setToolTip(p.description)
            action.triggered.connect(lambda _=False, pid=p.id: self.choose_preset(pid))
            preset_menu.addAction(action)
            self.preset_actions[p.id] = action
        preset_menu.setToolTipsVisible(True)
        self._mark_preset()
        self.lanes_menu = self.menuBar().addMenu("&Lanes")
        self.lanes_menu.setToolTipsVisible(True)
        view_menu = self.menuBar().addMenu("&View")
        full = QAction("Full screen", self)
        full.setShortcut(QKeySequence("F11"))
        full.triggered.connect(self.toggle_full_screen)
        self.addAction(full)
        view_menu.addAction(full)
        setup_action = self.setup_dock.toggleViewAction()
        setup_action.setText("Setup (data, start, seed, which lanes run)")
        setup_action.setShortcut(QKeySequence("Ctrl+,"))
        view_menu.addAction(setup_action)

    # --- intents that need the window ---------------------------------------------------------
    def apply_overrides(self, overrides: dict[str, Any]) -> None:
        """Restart with the set-up panel's values; a bad value changes nothing."""
        d = self.controller.config.to_dict()
        data = {**d["data"], **overrides.pop("data", {})}
        if data.get("y") is not None:  # explicit data keeps its own points
            data.pop("n", None)
        d.update(overrides, data=data)
        try:
            config = RunConfig.from_dict(d)
        except ConfigError as e:
            QMessageBox.warning(self, TITLE, f"These settings were not applied:\n{e}")
            self.setup.show_config(self.controller.config)
            return
        self.controller.reset(config)

    def add_tab(self, widget: QWidget, title: str, tooltip: str) -> None:
        """Another view beside the single-neuron lanes (population, death map, ...)."""
        i = self.tabs.addTab(widget, title)
        self.tabs.setTabToolTip(i, tooltip)

    def toggle_full_screen(self) -> None:
        self.showNormal() if self.isFullScreen() else self.showFullScreen()

    # --- model -> views -------------------------------------------------------------------------
    def _on_model(self, sim: Simulation) -> None:
        old_ids = getattr(self, "_lane_ids", [])
        was = self.cards.selected()
        selected = old_ids[was] if 0 <= was < len(old_ids) else None
        for view in self.views:
            view.set_model(sim)
        self._show_model(sim, selected)

    def _show_model(self, sim: Simulation, selected: str | None = None) -> None:
        """Everything but the views for a new model: rate, set-up, seed, lanes menu, the lane
        selected (``selected``, the id of the one selected before, where it is still there)."""
        self._lane_ids = [spec.id for spec in sim.config.lanes]
        self.transport.set_lr(sim.lr)
        self.setup.show_config(sim.config)
        self.seed_label.setText(f"seed {sim.config.seed}")
        self._build_lanes_menu(sim)
        shown = self.shown_lanes() or [0]
        # the lane selected before (a reset, a branch from a rewound step) stays selected
        keep = self._lane_ids.index(selected) if selected in self._lane_ids else -1
        self.select_lane(keep if keep in shown else shown[0])

    def _on_frame(self, sim: Simulation) -> None:
        self.draw(sim, live=self.controller.running)

    def draw(self, sim: Simulation, live: bool = False) -> None:
        """Show ``sim`` in the views. Live, frames take turns (each view redraws ~30 times a
        second, a frame costs about half): one frame refreshes and paints every other view and
        does the first part of the time plots' refresh (ranges and labels, see
        TimePlots.begin_refresh); the next works out their curves' points, gives them to the
        curves and paints what changed in them. When their step range moves (repainting them
        whole), their painting waits for the second frame; while it moves with every refresh (a
        sliding history at top speed), the first frame refreshes every view, the time plots
        whole. Otherwise all are redrawn and painted. Views on a hidden tab are not drawn (they
        catch up when shown)."""
        viewport = self.plots.view.viewport()
        if self.tabs.currentIndex() != 0:
            viewport.setUpdatesEnabled(True)
        elif not live:
            self._turn = 0
            viewport.setUpdatesEnabled(True)
            for view in self.views:
                self._refresh_plots(sim) if view is self.plots else view.refresh(sim)
        else:
            self._turn ^= 1
            if self._turn:  # every view but the time plots, and the first part of theirs
                for view in self.views:
                    if view is not self.plots:
                        view.refresh(sim)
                if self._plots_scroll:  # (painted whole in the next frame: updates on again)
                    viewport.setUpdatesEnabled(False)
                    self._refresh_plots(sim)
                else:
                    self._refresh_plots(sim, begin=True)
                    if self._plots_scroll:  # the range moved now: all repainted next frame
                        viewport.setUpdatesEnabled(False)
            else:
                viewport.setUpdatesEnabled(True)
                self.plots.finish_refresh()
        self.step_label.setText(f"step {sim.t:,}")

    def _refresh_plots(self, sim: Simulation, begin: bool = False) -> None:
        """Refresh the time plots (``begin``: its first part only); note whether their step
        range moved (see draw)."""
        before = self.plots._xrange
        if begin:
            self.plots.begin_refresh(sim)
        else:
            self.plots.refresh(sim)
        self._plots_scroll = self.plots._xrange != before

    def _on_tab(self, index: int) -> None:
        rewind = getattr(self, "rewind", None)
        if rewind is not None:  # the rewind scrubs the single-neuron run: shown with it only
            rewind.bar.setVisible(index == 0)
        if index == 0 and not (rewind is not None and rewind.active):
            self.draw(self.controller.sim)  # every view catches up with the steps run meanwhile

    def event(self, event: QEvent) -> bool:
        done = super().event(event)
        if event.type() == QEvent.Type.LayoutRequest and self._columns_fitted:
            self.fit_minimum()  # (the layout's minimum, a font or a page changed)
        return done

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        least = self.minimumSize()
        if not (self.isMaximized() or self.isFullScreen()) and (
                self.width() < least.width() or self.height() < least.height()):
            self.resize(self.size().expandedTo(least))  # resized from outside (no window manager)

    def showEvent(self, event) -> None:
        self.fit_minimum()  # before the window takes its size on the screen
        super().showEvent(event)
        if not self._columns_fitted:  # once: afterwards the person's own split is kept
            self._columns_fitted = True
            self.fit_columns(self.width())
            pres = getattr(self, "presentation", None)
            if pres is not None:  # opened presenting: its widths over these
                pres.refit()

    def closeEvent(self, event) -> None:
        self.controller.pause()
        self.controller.close_stepper()
        super().closeEvent(event)
