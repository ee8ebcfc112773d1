"""The Population and Death-map tabs, and the population that follows the live lanes.

:class:`PopulationFollower` is a :class:`simulation.population.Population` kept at the live
simulation's step: the same configuration (with random starts per neuron), the same journal of
shocks applied at their steps. The live controller steps it in lockstep with the lanes (its
``followers``) while the Population tab is shown; when the tab is shown again, or after a reset,
a session or a rewind, it catches up from step 0, a slice per frame, and the lanes wait for it.
"""

from __future__ import annotations

import time
from typing import Any, Protocol

from PySide6.QtWidgets import QWidget

from app.claim_tabs import LazyTab
from simulation.config import LaneSpec, RunConfig
from simulation.engine import Simulation
from simulation.population import DEFAULT_SIZE, Population, population_config
from simulation.replay import apply_action

HISTORY_CAPACITY = 20_000  # steps of counts kept (as the lanes' time plots)
TRACE_NEURONS = 40  # neurons per lane in the dropped-versus-dead strip
DROPOUT_LANE_ID = "relu+dropout"


class PopulationFollower:
    """A population following a live simulation: ``sync`` brings it to the simulation's step."""

    def __init__(self, size: int = DEFAULT_SIZE, init: str = "auto", random_shocks: bool = False,
                 dropout: float = 0.5):
        self.size, self.init, self.random_shocks, self.dropout = size, init, random_shocks, dropout
        self.pop: Population | None = None
        self._source: Simulation | None = None
        self._applied = 0  # journal entries applied
        self.cost = 1e-5 * size  # seconds per step, measured as it runs
        self.catching_up = False

    def configure(self, **settings: Any) -> None:
        """Change size, init, random_shocks or dropout: the population starts over (and catches
        up with the lanes)."""
        for key, value in settings.items():
            if key not in ("size", "init", "random_shocks", "dropout"):
                raise TypeError(f"unknown setting {key!r}")
            setattr(self, key, value)
        self._source = None
        self.cost = 1e-5 * self.size

    def config_for(self, config: RunConfig) -> RunConfig:
        """The lanes' configuration with random starts, plus a ReLU + dropout lane (if there is a
        ReLU lane and a rate)."""
        cfg = population_config(config, self.init)
        if self.dropout > 0 and any(lane.activation == "relu" for lane in cfg.lanes):
            d = cfg.to_dict()
            relu = next(lane for lane in cfg.lanes if lane.activation == "relu")
            extra = LaneSpec("relu", dict(relu.params), DROPOUT_LANE_ID, dropout=self.dropout)
            if extra.id not in [lane.id for lane in cfg.lanes]:
                d["lanes"].append(vars(extra))
            cfg = RunConfig.from_dict(d)
        return cfg

    def behind(self, sim: Simulation) -> int:
        """Steps the population still has to run to reach ``sim``."""
        if self.pop is None or sim is not self._source:
            return sim.t
        return sim.t - self.pop.t

    def steps_within(self, seconds: float) -> int:
        """Steps the population runs in about ``seconds`` (at least 1)."""
        return max(1, int(seconds / max(self.cost, 1e-7)))

    def sync(self, sim: Simulation, journal: list[dict], deadline: float | None = None) -> bool:
        """Run to ``sim.t`` (until ``deadline``), applying the journal's actions at their steps;
        True once there. A new ``sim`` (reset, session, rewind) starts the population over."""
        if self.pop is None or sim is not self._source:
            self.pop = Population(self.config_for(sim.config), self.size,
                                  random_shocks=self.random_shocks, capacity=HISTORY_CAPACITY,
                                  trace=TRACE_NEURONS)
            self._source, self._applied = sim, 0
        pop = self.pop
        while True:
            while self._applied < len(journal) and journal[self._applied]["step"] <= pop.t:
                apply_action(pop, journal[self._applied])
                self._applied += 1
            if pop.t >= sim.t:
                self.catching_up = False
                return True
            target = sim.t
            if self._applied < len(journal):
                target = min(target, int(journal[self._applied]["step"]))
            n = target - pop.t
            if deadline is not None:
                left = deadline - time.perf_counter()
                if left <= 0:
                    self.catching_up = sim.t - pop.t > 1
                    return False
                n = min(n, self.steps_within(left))
            start = time.perf_counter()
            pop.run(n)
            self.cost = 0.7 * self.cost + 0.3 * (time.perf_counter() - start) / n


class _Window(Protocol):
    controller: Any

    def add_tab(self, widget: QWidget, title: str, tooltip: str) -> None: ...


def install_population_tabs(window: _Window) -> list[LazyTab]:
    """Add the Population and Death-map tabs (each built when first shown)."""
    def population() -> QWidget:
        from widgets.population_view import PopulationView
        return PopulationView(window.controller, PopulationFollower())

    def death_map() -> QWidget:
        from widgets.death_map_view import DeathMapView
        return DeathMapView(window.controller)

    pages = []
    for factory, title, tooltip in (
            (population, "Population",
             "Seed 000's 1,000 neurons: K neurons per activation from random starts, under the "
             "lanes' shocks: the share dead or saturated (capacity lost), b and z across them, "
             "dropout (off for a step) beside death (off for good)"),
            (death_map, "Death map",
             "Every activation over a grid of shocks (bias value × learning-rate factor): state "
             "at the end and recovery time, beside the seed's decision framework")):
        page = LazyTab(factory)
        window.add_tab(page, title, tooltip)
        pages.append(page)
    return pages
