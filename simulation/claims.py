"""Seed 000's star table, rebuilt from this app's measurements.

Each cell holds the seed's stars, the measured stars (or None where nothing here measures the
row), the number they come from and a sentence saying how it was measured. Measurements:

- speed: the cost table (:mod:`simulation.cost`), forward + backward time relative to ReLU;
- convergence: seed 002's network (:mod:`simulation.dropout_net`, no dropout) on every built-in
  2-D dataset: epochs to 95 % of the best final test accuracy on that dataset;
- dead-neuron risk: the single-neuron presets that hit the neuron (every preset but ``healthy``,
  run by :class:`simulation.engine.Simulation`): the share after which the lane ends dead,
  saturated or diverged; and the share of the network's hidden units stuck after training.

Ratios become stars by the seed's own pairing (ReLU 1.0x = 5 stars, ELU 1.5x = 3 stars):
``stars = 5 - round(4 (ratio - 1))``, clipped to 1..5; a share ``p`` becomes ``5 - round(4 p)``.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass

import numpy as np

from simulation import activations, cost, datasets2d, presets
from simulation.config import RunConfig
from simulation.dropout_net import DropoutExperiment, RunHistory, RunSpec
from simulation.engine import Simulation
from simulation.health import State
from simulation.history import INDEX

COLUMNS = ("relu", "leaky_relu", "prelu", "elu", "selu")
METRICS = ("speed", "convergence", "risk", "generalization", "ease")
METRIC_LABELS = {"speed": "Training speed", "convergence": "Convergence rate",
                 "risk": "Dead-neuron risk", "generalization": "Generalization",
                 "ease": "Implementation ease"}
# seed 000, "Performance Comparison", columns ReLU, Leaky ReLU, PReLU, ELU, SELU
SEED_STARS: dict[str, tuple[int, ...]] = {
    "speed": (5, 5, 4, 3, 3), "convergence": (2, 3, 4, 4, 5), "risk": (1, 5, 5, 5, 5),
    "generalization": (3, 3, 4, 4, 5), "ease": (5, 5, 4, 3, 2)}
RISK_PRESETS = tuple(p for p in presets.PRESETS if p != "healthy")
STUCK_STATES = (State.DEAD, State.SATURATED, State.DIVERGED)
ACCURACY_TARGET = 0.95


@dataclass(frozen=True)
class Cell:
    """One cell: the seed's stars, the measured stars (None: not measured), the number (and as
    short text), how it was measured."""

    seed: int
    stars: int | None
    value: float | None
    how: str
    short: str = ""


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


def preset_outcomes(names: tuple[str, ...] = COLUMNS) -> dict[str, dict[str, str]]:
    """The final state of each activation's lane in every risk preset."""
    out = {}
    for pid in RISK_PRESETS:
        cfg = presets.get(pid).config()
        d = cfg.to_dict()
        d["lanes"] = [{"activation": a} for a in names]
        sim = Simulation(RunConfig.from_dict(d))
        sim.run(cfg.steps)
        states = sim.history.last()[INDEX["state"]]
        out[pid] = {a: State(int(s)).label for a, s in zip(names, states, strict=True)}
    return out


class ClaimsRun:
    """Every measurement the table needs, in small units (:meth:`advance`)."""

    def __init__(self, epochs: int = 30, n_train: int = 1000, repeats: int = 9, seed: int = 0,
                 names: tuple[str, ...] = COLUMNS):
        self.names, self.epochs, self.n_train, self.seed = names, epochs, n_train, seed
        self.cost = cost.CostRun(names, repeats=repeats, seed=seed)
        self.networks: dict[str, DropoutExperiment] = {}
        self.outcomes: dict[str, dict[str, str]] = {}
        self.done = False
        self.stage = ""
        self._work = self._units()

    def _units(self) -> Iterator[None]:
        self.stage = "timing forward and backward over 1,000,000 values"
        while not self.cost.done:
            self.cost.step()
            yield
        for name in datasets2d.DATASETS:
            self.stage = f"training the 2→128 network on {name}"
            split = datasets2d.make(name, self.n_train, self.n_train, self.seed)
            exp = DropoutExperiment(split, [RunSpec(a) for a in self.names], self.epochs,
                                    self.seed)
            self.networks[name] = exp
            while not exp.advance(units=8):
                yield
        self.stage = "running the single-neuron presets"
        yield
        self.outcomes = preset_outcomes(self.names)

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
        return build_table(self.cost.rows(), {k: e.histories for k, e in self.networks.items()},
                           self.outcomes, self.epochs)


def build_table(cost_rows: list[cost.CostRow], networks: dict[str, list[RunHistory]],
                outcomes: dict[str, dict[str, str]], epochs: int) -> dict[str, dict[str, Cell]]:
    """Cells per metric per activation from the three measurements."""
    seed = {m: dict(zip(COLUMNS, s, strict=True)) for m, s in SEED_STARS.items()}
    names = [h.spec.activation for h in next(iter(networks.values()))]
    runs = {a: [hs[i] for hs in networks.values()] for i, a in enumerate(names)}  # per dataset
    rows = {r.activation: r for r in cost_rows}
    reach = {d: epochs_to_target(hs) for d, hs in networks.items()}
    mean_epochs = {a: float(np.mean([v[a] if v[a] is not None else epochs + 1
                                     for v in reach.values()])) for a in names}
    best = min(mean_epochs.values())
    table: dict[str, dict[str, Cell]] = {m: {} for m in METRICS}
    for a in names:
        r, m = rows[a], mean_epochs[a]
        table["speed"][a] = Cell(seed["speed"][a], ratio_stars(r.ratio), r.ratio, (
            f"Cost table: forward + backward of {activations.get(a).label} over {r.size:,} "
            f"values took {r.total_s * 1e3:.2f} ms (median of {r.repeats}), {r.ratio:.2f}× "
            "ReLU's. Stars = 5 − round(4 (ratio − 1)): the seed's own 1.0× = 5, 1.5× = 3."),
            f"{r.ratio:.2f}× ReLU")
        detail = ", ".join(f"{d} {v[a] if v[a] is not None else f'>{epochs}'}"
                           for d, v in reach.items())
        table["convergence"][a] = Cell(seed["convergence"][a], ratio_stars(m / best), m, (
            f"2→128→K network (Adam, lr 0.001, batch 64, no dropout), {epochs} epochs per "
            f"dataset: epochs until the test accuracy reaches {ACCURACY_TARGET:.0%} of the "
            f"dataset's best final accuracy: {detail} (mean {m:.1f}; best activation "
            f"{best:.1f}). Stars from the ratio to the best, as for speed."), f"{m:.1f} epochs")
        table["risk"][a] = _risk_cell(seed["risk"][a], a, outcomes, runs[a])
        acc = float(np.mean([h.test_accuracy[-1] for h in runs[a]]))
        table["generalization"][a] = Cell(seed["generalization"][a], None, acc, (
            f"Not starred: the mean final test accuracy over the 2-D datasets is {acc:.1f} %, but "
            "no rule here separates generalization from how far training got in the epochs "
            "given (the train/test gap is not measured)."), f"test acc. {acc:.1f} %")
        table["ease"][a] = Cell(seed["ease"][a], None, None,
                                "Not measured: implementation ease is a judgement, not a number.")
    return table


def _risk_cell(seed: int, a: str, outcomes: dict[str, dict[str, str]],
               runs: list[RunHistory]) -> Cell:
    stuck = [pid for pid, o in outcomes.items() if State[o[a].upper()] in STUCK_STATES]
    p_presets = len(stuck) / len(outcomes)
    p_net = float(np.mean([h.stuck[-1] / h.hidden for h in runs]))
    risk = max(p_presets, p_net)
    return Cell(seed, share_stars(risk), risk, (
        f"Single neuron: ends dead, saturated or diverged in {len(stuck)} of {len(outcomes)} "
        f"presets that hit it ({', '.join(stuck) or 'none'}). Network: {p_net:.1%} of hidden "
        "units stuck after training (0 on every training sample, or every |f′(z)| < 1e-3; mean "
        f"over datasets). Risk = the worse of the two shares, {risk:.0%}; stars = "
        "5 − round(4 × risk). (The app has no shock sweep / death map yet; these two "
        "measurements stand in for it.)"), f"{len(stuck)}/{len(outcomes)} presets · {p_net:.0%}")
