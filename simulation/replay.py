"""Deterministic replay: a configuration plus the actions taken live, at their steps, rebuild a run.

An *action* is what a person did while the run went on, in the engine's event form:
``{"step": t, "kind": "bias_shock", "b": -10.0}``, ``lr_shock`` {factor | value, steps},
``weight_shock`` {w1, w2}, or ``{"step": t, "kind": "set_lr", "lr": 0.1}`` (a new base learning
rate). An action at step t was taken while the simulation stood at t, before step t ran; so a
replay applies it when ``sim.t == t`` and then steps. The engine is deterministic: the same
configuration and the same actions give the same numbers, bit for bit.

:class:`Timeline` serves any step of a finished stretch quickly (for scrubbing): it replays once,
keeping a small copy of the state every ``every`` steps and every history row, so the state of
step t is a copy plus fewer than ``every`` steps.
"""

from __future__ import annotations

import bisect
import copy
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from simulation.config import SHOCK_KINDS, ConfigError, RunConfig, ShockSpec, _finite
from simulation.engine import Simulation
from simulation.history import History

ACTION_KINDS = (*SHOCK_KINDS, "set_lr")
LR_MAX = 100.0  # the largest base learning rate the app offers


def normalize_action(action: Any) -> dict[str, Any]:
    """A validated copy of ``action`` in the engine's event form; ConfigError if malformed."""
    if not isinstance(action, dict):
        raise ConfigError(f"an event must be an object, got {type(action).__name__}")
    kind = action.get("kind")
    if kind not in ACTION_KINDS:
        raise ConfigError(f"unknown event kind {kind!r} (known: {', '.join(ACTION_KINDS)})")
    params = {k: v for k, v in action.items() if k not in ("step", "kind")}
    if kind == "set_lr":
        if set(params) != {"lr"}:
            raise ConfigError("a set_lr event takes exactly one value, lr")
        shock = ShockSpec(action.get("step"), "bias_shock", {})  # validates the step only
        return {"step": shock.step, "kind": kind, "lr": _finite("lr", params["lr"], 0, LR_MAX)}
    allowed = {"bias_shock": {"b"}, "weight_shock": {"w1", "w2"},
               "lr_shock": {"factor", "value", "steps"}}[kind]
    if not set(params) <= allowed:
        raise ConfigError(f"a {kind} event has no {sorted(set(params) - allowed)}")
    try:
        shock = ShockSpec(action.get("step"), kind, params)
    except (TypeError, KeyError) as e:
        raise ConfigError(f"malformed {kind} event: {e}") from None
    return {"step": shock.step, "kind": kind, **shock.params}


def apply_action(sim: Simulation, action: dict[str, Any]) -> None:
    """Do ``action`` to ``sim`` now (at ``sim.t``)."""
    kind = action["kind"]
    if kind == "bias_shock":
        sim.bias_shock(action["b"])
    elif kind == "weight_shock":
        sim.weight_shock(action["w1"], action["w2"])
    elif kind == "lr_shock":
        sim.lr_shock(factor=action.get("factor"), value=action.get("value"),
                     steps=int(action.get("steps", 1)))
    elif kind == "set_lr":
        sim.set_lr(action["lr"])
    else:
        raise ConfigError(f"unknown event kind {kind!r}")


def advance(sim: Simulation, actions: Sequence[dict[str, Any]], target: int, *,
            final: bool = True, every: int = 0,
            checkpoint: Callable[[Simulation], None] | None = None) -> None:
    """Step ``sim`` to step ``target``, applying each action when ``sim.t`` reaches its step.

    Actions before ``sim.t`` count as done, those at ``sim.t`` not yet. With ``final`` the
    actions at ``target`` itself are applied too (the live app shows them at once). With
    ``checkpoint``, it is called at every multiple of ``every`` before that step's actions.
    """
    steps = [a["step"] for a in actions]
    i = bisect.bisect_left(steps, sim.t)
    while sim.t < target:
        if checkpoint is not None and every and sim.t % every == 0:
            checkpoint(sim)
        while i < len(actions) and steps[i] <= sim.t:
            apply_action(sim, actions[i])
            i += 1
        stop = min(target, steps[i] if i < len(actions) else target)
        if every:
            stop = min(stop, (sim.t // every + 1) * every)
        sim.run(stop - sim.t)
    if final:
        while i < len(actions) and steps[i] <= target:
            apply_action(sim, actions[i])
            i += 1


def sorted_actions(actions: Sequence[dict[str, Any]]) -> list[dict[str, Any]]:
    """The actions by step (stable: same-step actions keep their order)."""
    return sorted((dict(a) for a in actions), key=lambda a: a["step"])


def replay(config: RunConfig, actions: Sequence[dict[str, Any]], steps: int,
           history_capacity: int | None = None, record_batches: bool = False) -> Simulation:
    """A new simulation of ``config`` run to step ``steps`` with ``actions`` applied on the way
    (and those at ``steps``): the same state, bit for bit, as the live run had there."""
    sim = Simulation(config, history_capacity=history_capacity, record_batches=record_batches)
    advance(sim, sorted_actions(actions), steps)
    return sim


# rebuilt, shared, a cache, or the fused step and its scratch (views of the simulation's own
# arrays and buffers every step overwrites: a fresh simulation has its own)
_SKIP = {"history", "config", "_current", "_fused", "_views", "_row", "_dw"}
_ATOMS = (str, int, float, bool, complex, bytes, type(None), np.generic)


class _Seen:
    """The mark of an object met before (a back reference): the fresh simulation has its own.
    One instance, which a pickled capture (sent to another process) keeps."""

    def __reduce__(self) -> str:
        return "_SEEN"


_SEEN = _Seen()
STATE_BUDGET = 256 * 2**20  # bytes of captured states a Timeline keeps at most (roughly)


class _Obj(dict):
    """The captured attributes of one object."""

    def __init__(self, kind: type, items: dict[str, Any]):
        super().__init__(items)
        self.kind = kind


class _Seq(list):
    """A captured list or tuple."""

    def __init__(self, kind: type, items: list[Any]):
        super().__init__(items)
        self.kind = kind


def _capture(value: Any, seen: set[int], top: bool = False) -> Any:
    if isinstance(value, np.ndarray):
        return value.copy()
    if isinstance(value, _ATOMS):
        return value
    if isinstance(value, (np.random.Generator, type)) or callable(value):
        return copy.deepcopy(value) if isinstance(value, np.random.Generator) else value
    if id(value) in seen:
        return _SEEN
    seen.add(id(value))
    if isinstance(value, (list, tuple)):
        return _Seq(type(value), [_capture(v, seen) for v in value])
    if isinstance(value, dict):
        return {k: _capture(v, seen) for k, v in value.items()}
    if hasattr(value, "__dict__"):
        return _Obj(type(value), {k: _capture(v, seen) for k, v in vars(value).items()
                                  if not (top and k in _SKIP)})
    return copy.deepcopy(value)


def _build(cap: Any) -> Any:
    """A new object from a capture (where the fresh simulation has nothing to write into)."""
    if isinstance(cap, np.ndarray):
        return cap.copy()
    if cap is _SEEN:
        return None
    if isinstance(cap, _Seq):
        items = [_build(v) for v in cap]
        return cap.kind(*items) if hasattr(cap.kind, "_fields") else cap.kind(items)
    if isinstance(cap, dict) and not isinstance(cap, _Obj):
        return {k: _build(v) for k, v in cap.items()}
    if isinstance(cap, _Obj):
        obj = cap.kind.__new__(cap.kind)
        for k, v in cap.items():
            object.__setattr__(obj, k, _build(v))
        return obj
    return copy.deepcopy(cap)


def _put(cur: Any, cap: Any) -> Any:
    """Write ``cap`` into ``cur`` in place where the shapes agree; the value to keep."""
    if cap is _SEEN:
        return cur
    if isinstance(cap, np.ndarray):
        if isinstance(cur, np.ndarray) and cur.shape == cap.shape and cur.dtype == cap.dtype:
            if cur.flags.writeable:
                np.copyto(cur, cap)  # in place: every view of it (params of _u) follows
            return cur
        return cap.copy()
    if isinstance(cap, _Seq):
        if type(cur) is cap.kind and len(cur) == len(cap):
            items = [_put(c, v) for c, v in zip(cur, cap, strict=True)]
            if isinstance(cur, list):
                cur[:] = items
                return cur
            if all(a is b for a, b in zip(items, cur, strict=True)):
                return cur
            return cap.kind(*items) if hasattr(cap.kind, "_fields") else cap.kind(items)
        return _build(cap)
    if isinstance(cap, _Obj):
        if type(cur) is not cap.kind:
            return _build(cap)
        for k, v in cap.items():
            old = getattr(cur, k, None)
            new = _put(old, v)
            if new is not old:
                object.__setattr__(cur, k, new)
        return cur
    if isinstance(cap, dict):
        return _build(cap)
    return copy.deepcopy(cap)


def capture(sim: Simulation) -> _Obj:
    """Everything about ``sim`` except its history, config and caches, as copies.

    The engine keeps its parameters as views of shared arrays (and may change how): a deep copy
    would cut those ties. :func:`restore` therefore writes the copies *into* a fresh simulation of
    the same configuration, array by array, in place, so every view stays a view.
    """
    return _capture(sim, set(), top=True)


def state_bytes(state: Any) -> int:
    """Roughly the memory a captured state holds (its arrays)."""
    if isinstance(state, np.ndarray):
        return state.nbytes
    if isinstance(state, (list, tuple)):
        return sum(state_bytes(v) for v in state)
    if isinstance(state, dict):
        return sum(state_bytes(v) for v in state.values())
    return 0


def restore(config: RunConfig, state: _Obj, history: History,
            record_batches: bool = False) -> Simulation:
    """A fresh simulation of ``config`` put in the captured ``state``, holding ``history``."""
    sim = Simulation(config, history_capacity=history.capacity, record_batches=record_batches)
    _put(sim, state)
    sim.history = history
    sim._current = None
    return sim


class Timeline:
    """Any step 0..``end`` of a run, fast: one replay, with the state captured every ``every``
    steps and every history row kept, so step t is a restore plus fewer than ``every`` steps."""

    def __init__(self, config: RunConfig, actions: Sequence[dict[str, Any]], end: int,
                 every: int = 250, history_capacity: int | None = None):
        self.config = config
        self.actions = sorted_actions(actions)
        self.end = end
        self.every = every
        self.capacity = history_capacity
        self._master = Simulation(config)  # every row, growing
        self._states: dict[int, _Obj] = {}
        self._keep(self._master)
        size = max(state_bytes(self._states[0]), 1)
        self.every = max(every, -(-end * size // STATE_BUDGET))

    def _keep(self, sim: Simulation) -> None:
        if sim.t not in self._states:
            self._states[sim.t] = capture(sim)

    def _reach(self, t: int) -> None:
        if self._master.t <= t < self.end or self._master.t < t:
            advance(self._master, self.actions, min(t + 1, self.end), final=False,
                    every=self.every, checkpoint=self._keep)

    def at(self, t: int) -> Simulation:
        """A new simulation standing at step ``t`` (0 <= t <= end), actions at t applied."""
        if not 0 <= t <= self.end:
            raise ValueError(f"step {t} is outside 0..{self.end}")
        self._reach(t)
        base = max(k for k in self._states if k <= t)
        rows = np.asarray(self._master.history.window()[:base])
        sim = restore(self.config, self._states[base],
                      History.from_rows(rows, self.capacity, total=base))
        advance(sim, self.actions, t)
        return sim

    def actions_until(self, t: int) -> list[dict[str, Any]]:
        """The actions a run branched at ``t`` has taken (those at steps <= t)."""
        return [dict(a) for a in self.actions if a["step"] <= t]
