"""Every numeric field of a run configuration refuses NaN, infinities, text, wrong types and
out-of-range values with a ConfigError naming the field; never another exception."""

import math

import pytest

from simulation.config import ConfigError, LaneSpec, RunConfig

NAN, INF = math.nan, math.inf
# bad for every numeric field: not finite, text (even numeric text), wrong types, far too large
COMMON = {"nan": NAN, "inf": INF, "-inf": -INF, "text": "abc", "numeric text": "0.3",
          "None": None, "bool": True, "1e300": 1e300, "-1e300": -1e300, "10**400": 10**400,
          "list": [1.0], "dict": {"v": 1.0}, "10**5000": 10**5000, "long text": "9" * 100_000}
NEGATIVE = {"-1": -1}
FRACTION = {"1.5": 1.5}


def base():
    """A valid configuration with explicit data, a lane of each kind and every shock kind."""
    return {
        "seed": 7, "steps": 100, "lr": 0.3, "init": {"w1": 0.1, "w2": 0.1, "b": 0.0},
        "batch_size": 4,
        "data": {"n": 8, "teacher_w1": 0.5, "teacher_w2": 0.3, "teacher_b": 0.1, "noise": 0.0},
        "lanes": [{"activation": "relu"},
                  {"activation": "leaky_relu", "params": {"negative_slope": 0.01}},
                  {"activation": "prelu", "params": {"alpha_init": 0.25, "alpha_lr": 0.01}},
                  {"activation": "elu", "params": {"alpha": 1.0}},
                  {"activation": "selu", "params": {"scale": 1.05, "alpha": 1.67}}],
        "shocks": [{"step": 5, "kind": "bias_shock", "params": {"b": -10.0}},
                   {"step": 6, "kind": "weight_shock", "params": {"w1": 1.0, "w2": 1.0}},
                   {"step": 7, "kind": "lr_shock", "params": {"factor": 3.0, "steps": 2}},
                   {"step": 8, "kind": "lr_shock", "params": {"value": 3.0, "steps": 2}}],
    }


def explicit():
    d = base()
    d["data"] = {"x": [[0.0, 1.0], [1.0, 0.5]], "y": [0.1, 0.2]}
    d["batch_size"] = None
    return d


# (path, the word the message must contain, extra bad values, the configuration it edits)
FIELDS = [
    (("seed",), "seed", {**NEGATIVE, **FRACTION, "2**32": 2**32}, base),
    (("steps",), "steps", {**NEGATIVE, **FRACTION, "0": 0}, base),
    (("lr",), "learning rate", NEGATIVE, base),
    (("init", "w1"), "initial w1", {}, base),
    (("init", "w2"), "initial w2", {}, base),
    (("init", "b"), "initial b", {}, base),
    (("batch_size",), "batch size", {**NEGATIVE, **FRACTION, "0": 0, "more than n": 9}, base),
    (("data", "n"), "data size", {**NEGATIVE, **FRACTION, "0": 0}, base),
    (("data", "teacher_w1"), "teacher_w1", {}, base),
    (("data", "teacher_w2"), "teacher_w2", {}, base),
    (("data", "teacher_b"), "teacher_b", {}, base),
    (("data", "noise"), "noise", NEGATIVE, base),
    (("data", "x", 1, 0), "x", {}, explicit),
    (("data", "x", 0, 1), "x", {}, explicit),
    (("data", "y", 1), "y", {}, explicit),
    (("lanes", 1, "params", "negative_slope"), "leaky_relu.negative_slope", {}, base),
    (("lanes", 2, "params", "alpha_init"), "prelu.alpha_init", {}, base),
    (("lanes", 2, "params", "alpha_lr"), "prelu.alpha_lr", {}, base),
    (("lanes", 3, "params", "alpha"), "elu.alpha", {}, base),
    (("lanes", 4, "params", "scale"), "selu.scale", {}, base),
    (("shocks", 0, "step"), "shock step", {**NEGATIVE, **FRACTION}, base),
    (("shocks", 0, "params", "b"), "bias shock b", {}, base),
    (("shocks", 1, "params", "w1"), "w1", {}, base),
    (("shocks", 1, "params", "w2"), "w2", {}, base),
    (("shocks", 2, "params", "factor"), "lr shock factor", NEGATIVE, base),
    (("shocks", 3, "params", "value"), "lr shock value", NEGATIVE, base),
    (("shocks", 2, "params", "steps"), "lr shock steps", {**NEGATIVE, **FRACTION, "0": 0}, base),
]
if "dropout" in LaneSpec.__dataclass_fields__:  # a rate in [0, MAX_DROPOUT]
    FIELDS.append((("lanes", 1, "dropout"), "dropout", {**NEGATIVE, "1": 1.0}, base))
OPTIONAL = {("batch_size",): {"None"}}  # None is a valid value there (the whole dataset)
CASES = [pytest.param(path, word, value, make, id=f"{'.'.join(map(str, path))}={name}")
         for path, word, extra, make in FIELDS
         for name, value in {**COMMON, **extra}.items()
         if name not in OPTIONAL.get(path, ())]


def put(d, path, value):
    for key in path[:-1]:
        d = d[key]
    d[path[-1]] = value


def test_the_base_configurations_are_valid():
    RunConfig.from_dict(base())
    RunConfig.from_dict(explicit())


@pytest.mark.parametrize(("path", "word", "value", "make"), CASES)
def test_every_numeric_field_refuses_bad_values(path, word, value, make):
    d = make()
    put(d, path, value)
    with pytest.raises(ConfigError) as e:
        RunConfig.from_dict(d)
    message = str(e.value)
    assert word in message and len(message) < 300, message


MALFORMED = {
    "not an object": [1, 2],
    "init of wrong type": {**base(), "init": 5},
    "init of wrong shape": {**base(), "init": [0.1, 0.1, 0.0]},
    "unknown init scheme": {**base(), "init": "zeros"},
    "data not an object": {**base(), "data": [1, 2]},
    "x rows not pairs": {**explicit(), "data": {"x": [[1.0, 2.0, 3.0]], "y": [1.0]}},
    "x rows not lists": {**explicit(), "data": {"x": [1.0, 2.0], "y": [1.0, 2.0]}},
    "x and y of different lengths": {**explicit(), "data": {"x": [[1.0, 2.0]], "y": [1.0, 2.0]}},
    "no samples": {**explicit(), "data": {"x": [], "y": []}},
    "lanes not a list": {**base(), "lanes": "relu"},
    "lane not an object": {**base(), "lanes": [1]},
    "no lanes": {**base(), "lanes": []},
    "unknown activation": {**base(), "lanes": [{"activation": "tanhh"}]},
    "activation of wrong type": {**base(), "lanes": [{"activation": 5}]},
    "unknown lane parameter": {**base(), "lanes": [{"activation": "relu", "params": {"k": 1}}]},
    "lane params not an object": {**base(), "lanes": [{"activation": "elu", "params": "ab"}]},
    "repeated lane id": {**base(), "lanes": [{"activation": "relu"}, {"activation": "relu"}]},
    "shock of unknown kind": {**base(), "shocks": [{"step": 1, "kind": "explode"}]},
    "shock params not an object": {**base(), "shocks": [{"step": 1, "kind": "bias_shock",
                                                        "params": "ab"}]},
    "lr shock with factor and value": {**base(), "shocks": [{
        "step": 1, "kind": "lr_shock", "params": {"factor": 2.0, "value": 1.0}}]},
    "lr shock with neither": {**base(), "shocks": [{"step": 1, "kind": "lr_shock",
                                                   "params": {"steps": 2}}]},
    "weight shock without w2": {**base(), "shocks": [{"step": 1, "kind": "weight_shock",
                                                     "params": {"w1": 1.0}}]},
    "unknown key": {**base(), "evil": 1},
    "shocks not a list": {**base(), "shocks": 5},
}


@pytest.mark.parametrize("name", list(MALFORMED))
def test_malformed_configurations_are_a_config_error(name):
    with pytest.raises(ConfigError) as e:
        RunConfig.from_dict(MALFORMED[name])
    assert 0 < len(str(e.value)) < 300
