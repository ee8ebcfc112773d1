"""Seed 002's experiment: the same network trained with several activations, with and without
dropout, on one dataset; training loss, test accuracy and dead hidden units per epoch.

Every run starts from the same weights (one seed), sees the same batches in the same order, and
runs with dropout share the same masks, so runs differ only in activation and dropout.

A unit is *dead* after an epoch when its activation is exactly 0 for every training sample
(evaluation mode, no dropout): seed 000's ``check_dead_neurons``. *Stuck* widens that to every
|f'(z)| below the app's saturation threshold (dead, or ELU/SELU far on the negative side).

The work is a generator of small units (one batch, or one evaluation chunk), so
:meth:`DropoutExperiment.advance` can run it a few milliseconds at a time; results do not depend
on how it is sliced.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import numpy as np

from simulation import activations, mlp
from simulation.datasets2d import Split
from simulation.health import SATURATION_THRESHOLD

SEED_ACTIVATIONS = ("relu", "leaky_relu", "elu")  # seed 002's three models
SEED_DROPOUT = 0.5
EVAL_CHUNK = 8192


@dataclass(frozen=True)
class RunSpec:
    """One trained network: an activation and a dropout rate (0 = no dropout)."""

    activation: str
    dropout: float = 0.0

    def __post_init__(self) -> None:
        activations.get(self.activation)
        if not 0.0 <= self.dropout < 1.0:
            raise ValueError(f"dropout must be in [0, 1), got {self.dropout!r}")

    @property
    def id(self) -> str:
        return self.activation + (f"+dropout{self.dropout:g}" if self.dropout else "")

    @property
    def label(self) -> str:
        name = activations.get(self.activation).label
        return name + (f" + dropout {self.dropout:g}" if self.dropout else "")


@dataclass
class RunHistory:
    """What one run measured: per epoch (1..E) and the dead/stuck counts before training."""

    spec: RunSpec
    hidden: int
    initial_dead: int = 0
    initial_stuck: int = 0
    train_loss: list[float] = field(default_factory=list)
    test_accuracy: list[float] = field(default_factory=list)  # percent, as in the seed
    dead: list[int] = field(default_factory=list)
    stuck: list[int] = field(default_factory=list)


def seed_specs(names: tuple[str, ...] = SEED_ACTIVATIONS,
               rates: tuple[float, ...] = (0.0, SEED_DROPOUT)) -> list[RunSpec]:
    """Every activation without and with dropout (the seed's comparison)."""
    return [RunSpec(a, r) for r in rates for a in names]


class _Run:
    def __init__(self, spec: RunSpec, split: Split, hidden: int, seed: int, lr: float):
        self.spec = spec
        self.params = mlp.init_params(split.n_features, hidden, split.n_classes, seed,
                                      spec.activation)
        self.adam = mlp.Adam(self.params, lr=lr)
        self.history = RunHistory(spec, hidden)


class DropoutExperiment:
    """Train every run for ``epochs`` epochs, epoch by epoch in lockstep."""

    def __init__(self, split: Split, specs: list[RunSpec], epochs: int = 30, seed: int = 0,
                 hidden: int = 128, lr: float = 0.001, batch_size: int = 64):
        if not specs:
            raise ValueError("give at least one run")
        if len({s.id for s in specs}) != len(specs):
            raise ValueError("a run is listed twice")
        for name, v in (("epochs", epochs), ("hidden", hidden), ("batch_size", batch_size)):
            if isinstance(v, bool) or not isinstance(v, int) or v < 1:
                raise ValueError(f"{name} must be a positive integer, got {v!r}")
        self.split, self.epochs, self.seed = split, epochs, seed
        self.hidden, self.lr, self.batch_size = hidden, lr, batch_size
        self.runs = [_Run(s, split, hidden, seed, lr) for s in specs]
        n = len(split.y_train)
        self.batches_per_epoch = -(-n // batch_size)
        train_chunks, test_chunks = -(-n // EVAL_CHUNK), -(-len(split.y_test) // EVAL_CHUNK)
        per_epoch = self.batches_per_epoch + test_chunks + train_chunks
        self.total_units = len(specs) * (train_chunks + epochs * per_epoch)
        self.units_done = 0
        self.epochs_done = 0  # epochs every run has finished
        self._work = self._units()
        self.done = False

    @property
    def histories(self) -> list[RunHistory]:
        return [r.history for r in self.runs]

    @property
    def progress(self) -> float:
        return self.units_done / self.total_units

    def advance(self, seconds: float | None = None, units: int | None = None) -> bool:
        """Work for about ``seconds`` (or ``units`` units, or to the end); True once done."""
        deadline = None if seconds is None else time.perf_counter() + seconds
        count = 0
        while not self.done:
            try:
                next(self._work)
            except StopIteration:
                self.done = True
                break
            self.units_done += 1
            count += 1
            if units is not None and count >= units:
                break
            if deadline is not None and time.perf_counter() >= deadline:
                break
        return self.done

    def run(self) -> list[RunHistory]:
        """Everything that is left; the histories."""
        self.advance()
        return self.histories

    # --- the work, unit by unit ------------------------------------------------------------------
    def _units(self) -> Iterator[None]:
        s = self.split
        for run in self.runs:
            yield from self._evaluate(run, None)
        for epoch in range(1, self.epochs + 1):
            order = mlp.batch_order(self.seed, epoch, len(s.y_train))
            for run in self.runs:
                losses = []
                for b in range(self.batches_per_epoch):
                    idx = order[b * self.batch_size:(b + 1) * self.batch_size]
                    losses.append(self._train_batch(run, epoch, b, s.x_train[idx], s.y_train[idx]))
                    yield
                yield from self._evaluate(run, losses)
            self.epochs_done = epoch

    def _train_batch(self, run: _Run, epoch: int, b: int, x: np.ndarray, y: np.ndarray) -> float:
        rate = run.spec.dropout
        keep = (mlp.dropout_keep(self.seed, epoch, b, (len(y), self.hidden), rate)
                if rate > 0 else None)
        with np.errstate(over="ignore", invalid="ignore"):
            loss, grads = mlp.loss_and_grads(run.params, x, y, run.spec.activation, keep, rate)
        run.adam.step(run.params, grads)
        return loss

    def _evaluate(self, run: _Run, losses: list[float] | None) -> Iterator[None]:
        """Test accuracy (after an epoch: ``losses`` given), then dead and stuck units over the
        training set, a chunk per unit; the history is complete when the last unit yields."""
        s, h, act = self.split, run.history, run.spec.activation
        correct = 0
        if losses is not None:
            for i in range(0, len(s.y_test), EVAL_CHUNK):
                logits = mlp.forward(run.params, s.x_test[i:i + EVAL_CHUNK], act).logits
                correct += int((logits.argmax(axis=1) == s.y_test[i:i + EVAL_CHUNK]).sum())
                yield
        active = np.zeros(self.hidden, dtype=bool)
        moving = np.zeros(self.hidden, dtype=bool)
        n = len(s.y_train)
        for i in range(0, n, EVAL_CHUNK):
            a, m = mlp.hidden_facts(run.params, s.x_train[i:i + EVAL_CHUNK], act,
                                    SATURATION_THRESHOLD)
            active |= a
            moving |= m
            if i + EVAL_CHUNK >= n:
                dead, stuck = int((~active).sum()), int((~moving).sum())
                if losses is None:
                    h.initial_dead, h.initial_stuck = dead, stuck
                else:
                    h.train_loss.append(float(np.mean(losses)))
                    h.test_accuracy.append(100.0 * correct / len(s.y_test))
                    h.dead.append(dead)
                    h.stuck.append(stuck)
            yield
