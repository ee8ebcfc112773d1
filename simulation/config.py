"""The run configuration: everything needed to reproduce a run, as plain data."""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, field
from typing import Any

from simulation import activations

SHOCK_KINDS = ("bias_shock", "lr_shock", "weight_shock")
# random initial weights: "random" and "he" are He normal, N(0, 2 / fan_in); "lecun" is LeCun
# normal, N(0, 1 / fan_in); "auto" is LeCun normal for SELU lanes and He normal for the others
INIT_SCHEMES = ("random", "he", "lecun", "auto")
FAN_IN = 2
MAX_DROPOUT = 0.95


class ConfigError(ValueError):
    """A configuration value that is out of range, malformed or unknown."""


def _shown(value: Any) -> str:
    """``value`` for a message, short whatever it is (a huge integer, long text)."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 64:
        return f"an integer of {value.bit_length() * math.log10(2):.0f} digits"
    try:
        text = repr(value)
    except ValueError:  # an integer too long to print, inside a list
        text = type(value).__name__
    return text if len(text) <= 40 else text[:37] + "..."


def _finite(name: str, value: Any, lo: float = -1e6, hi: float = 1e6) -> float:
    if isinstance(value, (str, bytes)):  # "0.3" in a session file is text, not a number
        raise ConfigError(f"{name} must be a number, got {_shown(value)}")
    try:
        v = float(value)
    except OverflowError:  # an integer beyond any float
        raise ConfigError(f"{name} must be between {lo:g} and {hi:g}, "
                          f"got {_shown(value)}") from None
    except (TypeError, ValueError):
        raise ConfigError(f"{name} must be a number, got {_shown(value)}") from None
    if isinstance(value, bool) or not math.isfinite(v):
        raise ConfigError(f"{name} must be a finite number, got {_shown(value)}")
    if not lo <= v <= hi:
        raise ConfigError(f"{name} must be between {lo:g} and {hi:g}, got {v:g}")
    return v


def _int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        else:
            raise ConfigError(f"{name} must be an integer, got {_shown(value)}")
    if not lo <= value <= hi:
        raise ConfigError(f"{name} must be between {lo} and {hi}, got {_shown(value)}")
    return value


@dataclass
class LaneSpec:
    """One lane: an activation and its parameters."""

    activation: str
    params: dict[str, float] = field(default_factory=dict)
    id: str = ""
    dropout: float = 0.0  # rate p of dropout on the output while training (inverted scaling)

    def __post_init__(self) -> None:
        act = activations.get(self.activation)
        unknown = set(self.params) - set(act.defaults)
        if unknown:
            raise ConfigError(f"{self.activation} has no parameter(s) {sorted(unknown)}")
        self.params = {k: _finite(f"{self.activation}.{k}", self.params.get(k, v), -100, 100)
                       for k, v in act.defaults.items()}
        self.dropout = _finite(f"{self.activation} dropout", self.dropout, 0, MAX_DROPOUT)
        self.id = self.id or self.activation


@dataclass
class DataSpec:
    """The dataset: N points in [0, 1]^2 and a linear teacher, or explicit points."""

    n: int = 64
    teacher_w1: float = 0.5
    teacher_w2: float = 0.3
    teacher_b: float = 0.1
    noise: float = 0.0
    x: list[list[float]] | None = None
    y: list[float] | None = None

    def __post_init__(self) -> None:
        if self.x is not None or self.y is not None:
            if self.x is None or self.y is None or len(self.x) != len(self.y) or not self.y:
                raise ConfigError("explicit data needs x and y of the same, non-zero length")
            self.x = [[_finite("x", a), _finite("x", b)] for a, b in self.x]
            self.y = [_finite("y", v) for v in self.y]
            self.n = len(self.y)
        self.n = _int("data size", self.n, 1, 100_000)
        for name in ("teacher_w1", "teacher_w2", "teacher_b"):
            setattr(self, name, _finite(name, getattr(self, name), -1000, 1000))
        self.noise = _finite("noise", self.noise, 0, 100)


@dataclass
class ShockSpec:
    """A shock at a step: bias_shock {b}, lr_shock {factor|value, steps}, weight_shock {w1, w2}."""

    step: int
    kind: str
    params: dict[str, float] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.step = _int("shock step", self.step, 0, 10**9)
        if self.kind not in SHOCK_KINDS:
            raise ConfigError(f"unknown shock kind {self.kind!r} (known: {', '.join(SHOCK_KINDS)})")
        p = dict(self.params)
        if self.kind == "bias_shock":
            self.params = {"b": _finite("bias shock b", p.get("b", -10.0))}
        elif self.kind == "weight_shock":
            self.params = {"w1": _finite("w1", p.get("w1")), "w2": _finite("w2", p.get("w2"))}
        else:
            steps = _int("lr shock steps", p.get("steps", 1), 1, 10**9)
            if ("factor" in p) == ("value" in p):
                raise ConfigError("an lr shock takes exactly one of factor or value")
            key = "factor" if "factor" in p else "value"
            self.params = {key: _finite(f"lr shock {key}", p[key], 0, 1e6), "steps": steps}


@dataclass
class RunConfig:
    """Everything that fixes a run: seed, data, initial weights, lr, lanes and scheduled shocks."""

    seed: int = 7
    steps: int = 2000
    lr: float = 0.3
    init: dict[str, float] | str = field(default_factory=lambda: {"w1": 0.1, "w2": 0.1, "b": 0.0})
    batch_size: int | None = None
    data: DataSpec = field(default_factory=DataSpec)
    lanes: list[LaneSpec] = field(
        default_factory=lambda: [LaneSpec(a) for a in activations.DEFAULT_LANES])
    shocks: list[ShockSpec] = field(default_factory=list)

    def __post_init__(self) -> None:
        self.seed = _int("seed", self.seed, 0, 2**32 - 1)
        self.steps = _int("steps", self.steps, 1, 10**8)
        self.lr = _finite("learning rate", self.lr, 0, 1e6)
        if isinstance(self.init, str):
            if self.init not in INIT_SCHEMES:
                raise ConfigError(f"init must be one of {', '.join(INIT_SCHEMES)} or {{w1, w2, b}}")
        elif isinstance(self.init, dict):
            self.init = {k: _finite(f"initial {k}", self.init.get(k)) for k in ("w1", "w2", "b")}
        else:
            raise ConfigError(f"init must be one of {', '.join(INIT_SCHEMES)} or {{w1, w2, b}}, "
                              f"got {self.init!r}")
        if self.batch_size is not None:
            self.batch_size = _int("batch size", self.batch_size, 1, self.data.n)
            if self.batch_size == self.data.n:
                self.batch_size = None
        if not self.lanes:
            raise ConfigError("at least one lane is needed")
        ids = [lane.id for lane in self.lanes]
        if len(set(ids)) != len(ids):
            raise ConfigError(f"lane ids must be unique, got {ids}")
        self.shocks = sorted(self.shocks, key=lambda s: s.step)

    def init_std(self) -> list[float]:
        """Per lane, the standard deviation random initial weights are drawn with (one
        standard-normal draw shared by every lane, scaled by this); 0 for a fixed init."""
        if not isinstance(self.init, str):
            return [0.0] * len(self.lanes)
        lecun = {"he": False, "random": False, "lecun": True}
        return [math.sqrt((1.0 if lecun.get(self.init, lane.activation == "selu") else 2.0)
                          / FAN_IN) for lane in self.lanes]

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-able form."""
        return asdict(self)

    @classmethod
    def from_dict(cls, d: dict[str, Any]) -> RunConfig:
        """Inverse of :meth:`to_dict`; raises ConfigError on anything malformed."""
        if not isinstance(d, dict):
            raise ConfigError("config must be a JSON object")
        d = dict(d)
        try:
            data = DataSpec(**d.pop("data", {}))
            lanes = [LaneSpec(**lane) for lane in d.pop("lanes")] if "lanes" in d else None
            shocks = [ShockSpec(**s) for s in d.pop("shocks", [])]
            kwargs: dict[str, Any] = {"data": data, "shocks": shocks, **d}
            if lanes is not None:
                kwargs["lanes"] = lanes
            return cls(**kwargs)
        except ConfigError:
            raise
        except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as e:
            # wrong types or shapes: lanes that are not objects, x rows that are not pairs, ...
            raise ConfigError(f"malformed config: {e}") from None
