"""The session file: what it holds (:class:`Session`), its JSON text, and its validation.

A session (format ``dying-relu-lab/session@1``) holds no arrays: the run is rebuilt by replaying
the configuration and the actions taken live, at their steps (:mod:`simulation.replay`), which
gives the same numbers, bit for bit. It also holds the shock buttons' settings (bias shock b,
learning-rate shock factor or value and duration, weight shock w1 and w2: ``shock_settings``), so
what was prepared is what fires; a file without them (saved before they were kept) opens with the
defaults. A file that is malformed, of another format or version, or out of range is refused with
one clear message (:func:`session_from_dict`, :func:`read_session`).
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from app.controller import MAX_SPEED
from app.files import FileError, parse_json, read_limited
from simulation import presets
from simulation.config import ConfigError, RunConfig
from simulation.replay import LR_MAX, normalize_action, sorted_actions

FORMAT = "dying-relu-lab/session@1"
SUFFIX = ".drlab"
FILTER = "Dying ReLU Lab sessions (*.drlab *.json);;All files (*)"
MAX_BYTES = 4 * 2**20
MAX_EVENTS = 10_000
MAX_STEP = 200_000  # a replay of this many steps takes ~15 s on a slow laptop
GRAD_MODES = ("grad_b", "grad_w1", "grad_w2", "all")
# the shock buttons' numbers: (default, lowest, highest, decimals), as the transport bar and the
# set-up panel offer them (a value they could not show is refused, not silently rounded)
SHOCK_NUMBERS: dict[str, tuple[float, float, float, int]] = {
    "bias_b": (-10.0, -999.0, 999.0, 1),
    "lr_amount": (3.0, 0.0, 9999.0, 2),
    "weight_w1": (-2.0, -1000.0, 1000.0, 3),
    "weight_w2": (-2.0, -1000.0, 1000.0, 3),
}
LR_STEPS = (2, 1, 99_999)  # the lr shock's duration: default, lowest, highest
LR_DECIMALS = 3  # the transport bar's lr field: 0 to LR_MAX (simulation.replay), 3 decimals
LR_MODES = {"factor": "×", "value": "="}  # in the file -> on the transport bar
SHOCK_KEYS = ("bias_b", "lr_mode", "lr_amount", "lr_steps", "weight_w1", "weight_w2")


def default_shock_settings() -> dict[str, Any]:
    """The shock settings of a fresh window (and of a session saved before they were kept)."""
    d = {key: default for key, (default, *_rest) in SHOCK_NUMBERS.items()}
    d.update(lr_mode="factor", lr_steps=LR_STEPS[0])
    return {key: d[key] for key in SHOCK_KEYS}


def preset_shock_settings(config: RunConfig) -> dict[str, Any]:
    """The shock settings a preset's run starts with: its planned shocks' values (the last of
    each kind), the defaults for the kinds it has none of; each within its field's range."""
    d = default_shock_settings()
    for shock in config.shocks:
        p = shock.params
        if shock.kind == "bias_shock":
            d["bias_b"] = p["b"]
        elif shock.kind == "weight_shock":
            d.update(weight_w1=p["w1"], weight_w2=p["w2"])
        else:
            mode = "factor" if "factor" in p else "value"
            d.update(lr_mode=mode, lr_amount=p[mode],
                     lr_steps=min(max(int(p["steps"]), LR_STEPS[1]), LR_STEPS[2]))
    for key, (_, lo, hi, decimals) in SHOCK_NUMBERS.items():
        d[key] = round(min(max(float(d[key]), lo), hi), decimals)
    return d


@dataclass
class Session:
    """What a session file holds, validated."""

    config: RunConfig
    preset: str | None = None
    events: list[dict[str, Any]] = field(default_factory=list)
    step: int = 0
    speed: float = 240.0
    view: dict[str, Any] = field(default_factory=dict)
    shock_settings: dict[str, Any] = field(default_factory=default_shock_settings)

    def to_dict(self) -> dict[str, Any]:
        return {"format": FORMAT, "preset": self.preset, "config": self.config.to_dict(),
                "events": [dict(e) for e in self.events], "step": self.step,
                "speed": self.speed, "view": dict(self.view),
                "shock_settings": dict(self.shock_settings)}

    def dumps(self) -> str:
        """Deterministic JSON text (the same session, the same bytes)."""
        return json.dumps(self.to_dict(), indent=1, ensure_ascii=False, allow_nan=False) + "\n"


# --- validation -----------------------------------------------------------------------------------
def _int(name: str, value: Any, lo: int, hi: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not lo <= value <= hi:
        raise ConfigError(f"{name} must be a whole number from {lo:,} to {hi:,}, got {value!r}")
    return value


def _check_lr(name: str, lr: Any) -> None:
    """A learning rate the lr field can show as it is (the model's base-rate range, 0 to
    LR_MAX, and the field's decimals); a run at another one would show a number it does not use.
    Checked on the file's number before the configuration's own, wider check (0 to 1e6), so the
    message names the range the app offers whatever the number."""
    try:
        v = float(lr)
    except OverflowError:  # an integer beyond any float
        v = math.inf
    if not 0 <= v <= LR_MAX or round(v, LR_DECIMALS) != v:  # NaN: not in
        shown = f"{v:g}" if math.isfinite(v) else str(lr)[:40]
        raise ConfigError(f"{name} must be from 0 to {LR_MAX:g} (the largest the app offers) "
                          f"with at most {LR_DECIMALS} decimals, got {shown}")


def _check_format(d: dict[str, Any]) -> None:
    fmt = d.get("format")
    if fmt == FORMAT:
        return
    if not isinstance(fmt, str) or not fmt.startswith("dying-relu-lab/"):
        raise ConfigError("this is not a Dying ReLU Lab session (it has no "
                          f"\"format\": \"{FORMAT}\")")
    if fmt.startswith("dying-relu-lab/run@"):
        raise ConfigError("this is a run record (an export of a run's numbers), not a session; "
                          "it cannot be opened, only read")
    if fmt.startswith("dying-relu-lab/session@"):
        raise ConfigError(f"this session has format {fmt!r}; this version of the app reads "
                          f"{FORMAT!r} only (was it saved by a newer version?)")
    raise ConfigError(f"unknown format {fmt!r}")


def _check_view(view: Any, config: RunConfig) -> dict[str, Any]:
    if view is None:
        return {}
    if not isinstance(view, dict):
        raise ConfigError("view must be an object")
    out: dict[str, Any] = {}
    if "lane" in view:
        out["lane"] = _int("view.lane", view["lane"], 0, len(config.lanes) - 1)
    if "grad_mode" in view:
        if view["grad_mode"] not in GRAD_MODES:
            raise ConfigError(f"view.grad_mode must be one of {', '.join(GRAD_MODES)}")
        out["grad_mode"] = view["grad_mode"]
    if "hidden" in view:
        ids = {lane.id for lane in config.lanes}
        hidden = view["hidden"]
        if not isinstance(hidden, list) or not all(isinstance(h, str) and h in ids
                                                   for h in hidden):
            raise ConfigError("view.hidden must list lane ids of this configuration")
        out["hidden"] = list(dict.fromkeys(hidden))
    return out


def _check_shock_settings(settings: Any) -> dict[str, Any]:
    """The shock settings, validated; absent ones take their defaults."""
    out = default_shock_settings()
    if settings is None:
        return out
    if not isinstance(settings, dict):
        raise ConfigError("shock_settings must be an object")
    unknown = [key for key in settings if key not in SHOCK_KEYS]
    if unknown:
        raise ConfigError(f"shock_settings has an unknown setting {str(unknown[0])[:40]!r} "
                          f"(known: {', '.join(SHOCK_KEYS)})")
    for key, value in settings.items():
        name = f"shock_settings.{key}"
        if key == "lr_mode":
            if not isinstance(value, str) or value not in LR_MODES:
                raise ConfigError(f"{name} must be \"factor\" or \"value\"")
        elif key == "lr_steps":
            value = _int(name, value, *LR_STEPS[1:])
        else:
            _, lo, hi, decimals = SHOCK_NUMBERS[key]
            if (isinstance(value, bool) or not isinstance(value, (int, float))
                    or not lo <= value <= hi or round(value, decimals) != value):  # NaN: not in
                raise ConfigError(f"{name} must be a number from {lo:g} to {hi:g} with at most "
                                  f"{decimals} decimal{'s' if decimals > 1 else ''}, got "
                                  f"{str(value)[:40]}")
            value = float(value)
        out[key] = value
    return out


def session_from_dict(d: Any) -> Session:
    """A validated :class:`Session`; ConfigError with one clear sentence otherwise."""
    if not isinstance(d, dict):
        raise ConfigError("a session must be a JSON object")
    _check_format(d)
    preset = d.get("preset")
    if preset is not None and preset not in presets.PRESETS:
        raise ConfigError(f"unknown preset {preset!r} (known: {', '.join(presets.PRESETS)})")
    if "config" not in d:
        raise ConfigError("the session has no config")
    lr = d["config"].get("lr") if isinstance(d["config"], dict) else None
    if isinstance(lr, (int, float)) and not isinstance(lr, bool):
        _check_lr("the learning rate (config.lr)", lr)
    try:
        config = RunConfig.from_dict(d["config"])
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError) as e:
        raise ConfigError(f"config: {e}") from None
    _check_lr("the learning rate (config.lr)", config.lr)
    step = _int("step", d.get("step", 0), 0, MAX_STEP)
    events = d.get("events", [])
    if not isinstance(events, list):
        raise ConfigError("events must be a list")
    if len(events) > MAX_EVENTS:
        raise ConfigError(f"a session holds at most {MAX_EVENTS:,} events, this one "
                          f"{len(events):,}")
    actions = []
    for i, e in enumerate(events):
        try:
            a = normalize_action(e)
        except (TypeError, ValueError, OverflowError) as err:
            raise ConfigError(f"event {i + 1}: {err}") from None
        if a["kind"] == "set_lr":
            _check_lr(f"event {i + 1}'s learning rate", a["lr"])
        if a["step"] > step:
            raise ConfigError(f"event {i + 1} is at step {a['step']:,}, after the session's "
                              f"step {step:,}")
        actions.append(a)
    speed = d.get("speed", 240.0)
    if (isinstance(speed, bool) or not isinstance(speed, (int, float))
            or not math.isfinite(speed) or not 1 <= speed <= MAX_SPEED):
        raise ConfigError(f"speed must be a number from 1 to {MAX_SPEED:,} steps/s")
    return Session(config, preset, sorted_actions(actions), step, float(speed),
                   _check_view(d.get("view"), config),
                   _check_shock_settings(d.get("shock_settings")))


def read_session(path: str | Path) -> Session:
    """Read and validate a session file; FileError (one sentence) on anything wrong."""
    name = Path(path).name
    d = parse_json(read_limited(path, MAX_BYTES, "session"), name)
    try:
        return session_from_dict(d)
    except ConfigError as e:
        raise FileError(f"{name}: {e}.") from None
