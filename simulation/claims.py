"""Seed 000's star table, rebuilt from this app's measurements.

Each cell holds the seed's stars, the measured stars (or None where nothing here measures the
row), the number they come from and a sentence saying how it was measured. Measurements:

- speed (shown as "Activation cost (numpy)": what is timed is computing the activation alone with
  numpy, not training): the cost table (:mod:`simulation.cost`), forward + backward time relative
  to ReLU; a complete timing passed in (the Activation cost tab's) is reused, not timed again;
- convergence: seed 002's network (:mod:`simulation.dropout_net`, no dropout) on every built-in
  2-D dataset: epochs to 95 % of the best final test accuracy on that dataset;
- dead-neuron risk: the worst of three shares (:mod:`simulation.claims_risk`): the death map's
  (:mod:`simulation.sweep`, a 16 x 16 shock grid on the ``healthy`` preset) cells that end dead,
  saturated or diverged; the single-neuron presets that hit the neuron (every preset but
  ``healthy``, run by :class:`simulation.engine.Simulation`) after which the lane ends so; and
  the network's hidden units stuck after training (mean over datasets and seeds).

The network runs ``seeds`` seeds (``seed``, ``seed + 1``, ...: data, weights and batches).

Ratios become stars by the seed's own pairing (ReLU 1.0x = 5 stars, ELU 1.5x = 3 stars):
``stars = 5 - round(4 (ratio - 1))``, clipped to 1..5; a share ``p`` becomes ``5 - round(4 p)``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from simulation import activations, claims_risk, cost, datasets2d, presets
from simulation.config import RunConfig
from simulation.dropout_net import DropoutExperiment, RunHistory, RunSpec
from simulation.engine import Simulation
from simulation.health import State
from simulation.history import INDEX
from simulation.sweep import Sweep, SweepResult

COLUMNS = ("relu", "leaky_relu", "prelu", "elu", "selu")
METRICS = ("speed", "convergence", "risk", "generalization", "ease")
METRIC_LABELS = {"speed": "Activation cost (numpy)", "convergence": "Convergence rate",
                 "risk": "Dead-neuron risk", "generalization": "Generalization",
                 "ease": "Implementation ease"}
# seed 000, "Performance Comparison", columns ReLU, Leaky ReLU, PReLU, ELU, SELU
SEED_STARS: dict[str, tuple[int, ...]] = {
    "speed": (5, 5, 4, 3, 3), "convergence": (2, 3, 4, 4, 5), "risk": (1, 5, 5, 5, 5),
    "generalization": (3, 3, 4, 4, 5), "ease": (5, 5, 4, 3, 2)}
RISK_PRESETS = tuple(p for p in presets.PRESETS if p != "healthy")
STUCK_STATES = claims_risk.LOST_STATES
ACCURACY_TARGET = 0.95
SWEEP_SLICE_S = 0.02  # the death map runs in slices of about this long


@dataclass(frozen=True)
class Cell:
    """One cell: the seed's stars, the measured stars (None: not measured), the number (and as
    short text), how it was measured, and the numbers it was combined from (risk only)."""

    seed: int
    stars: int | None
    value: float | None
    how: str
    short: str = ""
    evidence: dict[str, float] = field(default_factory=dict, hash=False)  # the parts of value


def ratio_stars(ratio: float) -> int:
    """5 stars at 1.0x, 3 at 1.5x (the seed's own pairing), one fewer per further 0.25x."""
    return int(np.clip(5 - round(4 * (ratio - 1.0)), 1, 5))


def share_stars(p: float) -> int:
    """5 stars when nothing is at risk, 1 when everything is."""
    return int(np.clip(5 - round(4 * p), 1, 5))


def stars_text(n: int | None) -> str:
    """★★★☆☆ for 3; a dash for None."""
    return "—" if n is None else "★" * n + "☆" * (5 - n)


def epochs_to_target(histories: list[RunHistory]) -> dict[str, int | None]:
    """Per run: the first epoch reaching 95 % of the best final test accuracy (None: never)."""
    target = ACCURACY_TARGET * max(h.test_accuracy[-1] for h in histories)
    out: dict[str, int | None] = {}
    for h in histories:
        hit = np.flatnonzero(np.asarray(h.test_accuracy) >= target)
        out[h.spec.activation] = int(hit[0]) + 1 if hit.size else None
    return out


def preset_outcome(pid: str, names: tuple[str, ...] = COLUMNS) -> dict[str, str]:
    """The final state of each activation's lane in preset ``pid``."""
    cfg = presets.get(pid).config()
    d = cfg.to_dict()
    d["lanes"] = [{"activation": a} for a in names]
    sim = Simulation(RunConfig.from_dict(d))
    sim.run(cfg.steps)
    states = sim.history.last()[INDEX["state"]]
    return {a: State(int(s)).label for a, s in zip(names, states, strict=True)}


def preset_outcomes(names: tuple[str, ...] = COLUMNS) -> dict[str, dict[str, str]]:
    """The final state of each activation's lane in every risk preset."""
    return {pid: preset_outcome(pid, names) for pid in RISK_PRESETS}


class ClaimsRun:
    """Every measurement the table needs, in small units (:meth:`advance`)."""

    def __init__(self, epochs: int = 30, n_train: int = 1000, repeats: int = 9, seed: int = 0,
                 names: tuple[str, ...] = COLUMNS, seeds: int = 3,
                 grid: int = claims_risk.DEATH_MAP_GRID, cost_run: cost.CostRun | None = None,
                 cost_source: str = "the given timing"):
        """``cost_run``: a complete timing of ``names`` to reuse (``cost_source`` names it in the
        cells' stories); else the activations are timed here."""
        if isinstance(seeds, bool) or not isinstance(seeds, int) or seeds < 1:
            raise ValueError(f"seeds must be a positive integer, got {seeds!r}")
        self.names, self.epochs, self.n_train, self.seed = names, epochs, n_train, seed
        self.seeds = seeds
        self.death_map_spec = claims_risk.death_map_spec(grid)
        self.cost_reused = cost_run is not None and cost_run.covers(names)
        self.cost = cost_run if cost_run is not None and self.cost_reused else cost.CostRun(
            names, repeats=repeats, seed=seed)
        self.cost_source = cost_source
        self.networks: dict[str, list[DropoutExperiment]] = {}  # per dataset, one per seed
        self.death_map: SweepResult | None = None
        self.outcomes: dict[str, dict[str, str]] = {}
        self.done = False
        self.stage = ""
        self._work = self._units()

    def _units(self) -> Iterator[None]:
        self.stage = (f"timing the activations' numpy forward and backward over "
                      f"{self.cost.size:,} values")
        while not self.cost.done:
            self.cost.step()
            yield
        for name in datasets2d.DATASETS:
            self.networks[name] = []
            for k, seed in enumerate(range(self.seed, self.seed + self.seeds)):
                self.stage = (f"training the 2→128 network on {name}"
                              + (f", seed {k + 1} of {self.seeds}" if self.seeds > 1 else ""))
                split = datasets2d.make(name, self.n_train, self.n_train, seed)
                exp = DropoutExperiment(split, [RunSpec(a) for a in self.names], self.epochs,
                                        seed)
                self.networks[name].append(exp)
                while not exp.advance(units=8):
                    yield
        n = len(self.death_map_spec.bias)
        self.stage = f"running the death map ({n} × {n} shocks per activation)"
        job = Sweep(claims_risk.death_map_base(self.names), self.death_map_spec)
        yield
        while not job.advance(SWEEP_SLICE_S):
            yield
        self.death_map = job.result()
        for pid in RISK_PRESETS:  # one preset per unit
            self.stage = f"running the single-neuron preset {pid}"
            yield
            self.outcomes[pid] = preset_outcome(pid, self.names)

    def advance(self, seconds: float | None = None) -> bool:
        """Work for about ``seconds`` (at least one unit; or to the end); True once done."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        while not self.done:  # at least one unit per call
            try:
                next(self._work)
            except StopIteration:
                self.done = True
                self.stage = "done"
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.done

    def table(self) -> dict[str, dict[str, Cell]]:
        """The rebuilt table (call once done)."""
        assert self.death_map is not None, "call table() once the run is done"
        nets = {k: [e.histories for e in exps] for k, exps in self.networks.items()}
        return build_table(self.cost.rows(), nets, self.outcomes, self.epochs, self.death_map,
                           self.cost_note())

    def cost_note(self) -> str:
        """Whose timing the cost row shows, and when it was taken."""
        when = cost.clock_text(self.cost.finished_at)
        if self.cost_reused:
            return f"{self.cost_source}, taken at {when}, reused (not timed again)"
        return f"its own timing for this table, taken at {when}"


def _reach_text(values: list[int | None], epochs: int) -> str:
    return "/".join(str(v) if v is not None else f">{epochs}" for v in values)


def build_table(cost_rows: list[cost.CostRow], networks: dict[str, list[list[RunHistory]]],
                outcomes: dict[str, dict[str, str]], epochs: int,
                death_map: SweepResult, cost_note: str = "") -> dict[str, dict[str, Cell]]:
    """Cells per metric per activation from the four measurements. ``networks[dataset][k]``:
    seed k's runs on that dataset, one per activation; ``cost_note``: whose timing the cost rows
    are and when it was taken."""
    seed = {m: dict(zip(COLUMNS, s, strict=True)) for m, s in SEED_STARS.items()}
    first = next(iter(networks.values()))
    names = [h.spec.activation for h in first[0]]
    n_seeds = len(first)
    per_seed = [[hs[k][i] for hs in networks.values() for i in range(len(names))]
                for k in range(n_seeds)]  # seed k's runs on every dataset
    rows = {r.activation: r for r in cost_rows}
    reach = {d: [epochs_to_target(h) for h in hs] for d, hs in networks.items()}  # per seed
    mean_epochs = {a: float(np.mean([v[a] if v[a] is not None else epochs + 1
                                     for vs in reach.values() for v in vs])) for a in names}
    best = min(mean_epochs.values())
    lost = claims_risk.lost_shares(death_map)
    over = "" if n_seeds == 1 else f" and {n_seeds} seeds"
    table: dict[str, dict[str, Cell]] = {m: {} for m in METRICS}
    for a in names:
        r, m = rows[a], mean_epochs[a]
        table["speed"][a] = Cell(seed["speed"][a], ratio_stars(r.ratio), r.ratio, (
            f"The cost of computing the activation alone with numpy, not of training: forward "
            f"+ backward of {activations.get(a).label} over {r.size:,} values took "
            f"{r.total_s * 1e3:.2f} ms (median of {r.repeats}), {r.ratio:.2f}× ReLU's"
            + (f"; {cost_note}" if cost_note else "") + ". Stars = 5 − round(4 (ratio − 1)): "
            "the tutorial's own 1.0× = 5, 1.5× = 3."),
            f"{r.ratio:.2f}× ReLU")
        detail = ", ".join(f"{d} {_reach_text([v[a] for v in vs], epochs)}"
                           for d, vs in reach.items())
        per = "" if n_seeds == 1 else f" (one number per seed, {n_seeds} seeds)"
        table["convergence"][a] = Cell(seed["convergence"][a], ratio_stars(m / best), m, (
            f"2→128→K network (Adam, lr 0.001, batch 64, no dropout), {epochs} epochs per "
            f"dataset: epochs until the test accuracy reaches {ACCURACY_TARGET:.0%} of the "
            f"dataset's best final accuracy{per}: {detail} (mean {m:.1f} over datasets{over}; "
            f"best activation {best:.1f}). Stars from the ratio to the best, as for the cost."),
            f"{m:.1f} epochs")
        table["risk"][a] = _risk_cell(seed["risk"][a], a, outcomes,
                                      claims_risk.network_shares(per_seed, a), death_map, lost[a])
        acc = float(np.mean([h.test_accuracy[-1] for runs in per_seed for h in runs
                             if h.spec.activation == a]))
        table["generalization"][a] = Cell(seed["generalization"][a], None, acc, (
            f"Not starred: the mean final test accuracy over the 2-D datasets{over} is "
            f"{acc:.1f} %, but no rule here separates generalization from how far training got "
            "in the epochs given (the train/test gap is not measured)."), f"test acc. {acc:.1f} %")
        table["ease"][a] = Cell(seed["ease"][a], None, None,
                                "Not measured: implementation ease is a judgement, not a number.")
    return table


def _risk_cell(seed: int, a: str, outcomes: dict[str, dict[str, str]], net: list[float],
               death_map: SweepResult, p_map: float) -> Cell:
    stuck = [pid for pid, o in outcomes.items() if State[o[a].upper()] in STUCK_STATES]
    p_presets = len(stuck) / len(outcomes)
    p_net = float(np.mean(net))
    risk = max(p_map, p_presets, p_net)
    counts = claims_risk.state_counts(death_map, a)
    cells = sum(counts.values())
    n_lost = sum(counts[s.label] for s in STUCK_STATES)
    spread = ("one seed" if len(net) == 1 else
              f"{len(net)} seeds; per seed {min(net):.1%}–{max(net):.1%}")
    return Cell(seed, share_stars(risk), risk, (
        f"Death map, the {claims_risk.DEATH_MAP_BASE} preset under "
        f"{claims_risk.grid_text(death_map.spec)}: {n_lost:,} of {cells:,} cells end dead, "
        f"saturated or diverged = {p_map:.1%} ({counts['dead']} dead, {counts['saturated']} "
        f"saturated, {counts['diverged']} diverged; {counts['recovering']} still recovering, "
        f"not counted). Single-neuron presets that hit it: {len(stuck)} of {len(outcomes)} end so "
        f"({', '.join(stuck) or 'none'}) = {p_presets:.0%}. Network: {p_net:.1%} of hidden "
        "units stuck after training (0 on every training sample, or every |f′(z)| < 1e-3; mean "
        f"over datasets and {spread}). Risk = the worst of the three, {risk:.1%}; "
        "stars = 5 − round(4 × risk)."),
        f"map {p_map:.0%} · risk {risk:.0%}",
        {"death_map_share": p_map, "preset_share": p_presets, "network_share": p_net,
         "network_share_min": min(net), "network_share_max": max(net)})
