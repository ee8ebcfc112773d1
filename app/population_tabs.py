"""The Population and Death-map tabs, and the population that follows the live lanes.

:class:`PopulationFollower` is a :class:`simulation.population.Population` kept at the live
simulation's step: the same configuration (with random starts per neuron), the same journal of
shocks applied at their steps. The live controller steps it in lockstep with the lanes (its
``followers``) while the Population tab is shown; when the tab is shown again, or after a reset,
a session or a rewind, it catches up from step 0, a slice per frame, and the lanes wait for it.
"""

from __future__ import annotations

import time
from concurrent.futures import Future, ThreadPoolExecutor
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
SLICE_S = 0.012  # stepping per slice on the worker thread (the window draws meanwhile)
LEAD_FRAMES = 2  # threaded: the lanes may run this many frames of population work ahead
MAX_VALUES = 4_000_000  # neurons x lanes x samples per step at most (own data can be large)


class PopulationFollower:
    """A population following a live simulation: ``sync`` brings it to the simulation's step.

    ``threaded``: the steps run on a worker thread (numpy lets go of the interpreter while it
    computes), so the window draws while the population steps; ``sync`` starts a slice and says
    False until the slice is done. Views may read the population meanwhile (a step half done at
    worst: the drawing is a frame behind). Actions are applied, and the population rebuilt, only
    while no slice runs.
    """

    def __init__(self, size: int = DEFAULT_SIZE, init: str = "auto", random_shocks: bool = False,
                 dropout: float = 0.5, threaded: bool = False):
        self.size, self.init, self.random_shocks, self.dropout = size, init, random_shocks, dropout
        self.threaded = threaded
        self._job: Future | None = None
        self._period = SLICE_S  # seconds between slices (a frame), measured
        self._submitted = 0.0
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

    def effective_size(self, config: RunConfig, n_samples: int) -> int:
        """The size asked for, or fewer neurons when a step would touch more than MAX_VALUES
        values (large own data): the live loop must stay live."""
        per_neuron = max(len(config.lanes) * n_samples, 1)
        return max(1, min(self.size, MAX_VALUES // per_neuron))

    @property
    def busy(self) -> bool:
        """True while a slice runs on the worker (the population changes meanwhile)."""
        return self._job is not None and not self._job.done()

    def behind(self, sim: Simulation) -> int:
        """Steps the population still has to run to reach ``sim``."""
        if self.pop is None or sim is not self._source:
            return sim.t
        return sim.t - self.pop.t

    def room(self, sim: Simulation) -> int:
        """Steps the lanes may still take before they wait for this population. Threaded, they
        run up to about LEAD_FRAMES frames of its stepping ahead (it steps meanwhile on its
        worker, so neither waits for the other); otherwise a slice past where it stands."""
        if self.pop is None or sim is not self._source:
            return 0
        lead = (self.steps_within(LEAD_FRAMES * self._period) if self.threaded
                else self.steps_within(SLICE_S))
        return max(0, self.pop.t + lead - sim.t)

    def lagging(self, sim: Simulation) -> bool:
        """True when the population is further behind than the lanes' lead (catching up)."""
        lead = self.steps_within(LEAD_FRAMES * self._period) if self.threaded else 1
        return self.behind(sim) > lead

    def steps_within(self, seconds: float) -> int:
        """Steps the population runs in about ``seconds`` (at least 1); threaded, a frame's
        worth at least (the worker steps while the window draws the frame)."""
        if self.threaded:
            seconds = max(seconds, 0.8 * self._period)
        return max(1, int(seconds / max(self.cost, 1e-7)))

    def sync(self, sim: Simulation, journal: list[dict], deadline: float | None = None) -> bool:
        """Run to ``sim.t`` (until ``deadline``), applying the journal's actions at their steps;
        True once there. A new ``sim`` (reset, session, rewind) starts the population over."""
        if self._job is not None:
            if not self._job.done():
                return False
            job, self._job = self._job, None
            job.result()  # (an error in the worker is raised here)
        if self.pop is None or sim is not self._source:
            cfg = self.config_for(sim.config)
            self.pop = Population(cfg, self.effective_size(cfg, sim.data.n),
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
            if self.threaded:
                now = time.perf_counter()
                if self._submitted:  # the time between slices: about one frame
                    self._period = min(max(0.7 * self._period + 0.3 * (now - self._submitted),
                                           SLICE_S), 0.1)
                self._submitted = now
                n = min(n, self.steps_within(SLICE_S))
                self.catching_up = sim.t - pop.t > n
                self._job = _worker().submit(self._run, pop, n)
                return False
            if deadline is not None:
                left = deadline - time.perf_counter()
                if left <= 0:
                    self.catching_up = sim.t - pop.t > 1
                    return False
                n = min(n, self.steps_within(left))
            self._run(pop, n)

    def _run(self, pop: Population, n: int) -> None:
        start = time.perf_counter()
        pop.run(n)
        self.cost = 0.7 * self.cost + 0.3 * (time.perf_counter() - start) / n

    def wait(self) -> None:
        """Until the slice running (if any) is done."""
        if self._job is not None:
            self._job.result()


_WORKER: ThreadPoolExecutor | None = None


def _worker() -> ThreadPoolExecutor:
    global _WORKER
    if _WORKER is None:
        _WORKER = ThreadPoolExecutor(max_workers=1, thread_name_prefix="population")
    return _WORKER


class _Window(Protocol):
    controller: Any

    def add_tab(self, widget: QWidget, title: str, tooltip: str) -> None: ...


def install_population_tabs(window: _Window) -> list[LazyTab]:
    """Add the Population and Death-map tabs (each built when first shown)."""
    def population() -> QWidget:
        from widgets.population_view import PopulationView
        return PopulationView(window.controller, PopulationFollower(threaded=True))

    def death_map() -> QWidget:
        from widgets.death_map_view import DeathMapView
        return DeathMapView(window.controller)

    pages = []
    for factory, title, tooltip in (
            (population, "Population",
             "Tutorial 000's 1,000 neurons: K neurons per activation from random starts, under "
             "the lanes' shocks: the share that can't learn now (dead, saturated or diverged) and "
             "the share not firing, b and z across them, "
             "dropout (off for a step) beside death (off for good)"),
            (death_map, "Death map",
             "Every activation over a grid of shocks (bias value × learning-rate factor): state "
             "at the end and recovery time, beside the tutorial's decision framework")):
        page = LazyTab(factory)
        window.add_tab(page, title, tooltip)
        pages.append(page)
    return pages
