"""An exact, cheap key of the numbers a view shows, to tell a frame that shows nothing new.

A dead lane's numbers are the same step after step: only the step goes on. The network
diagram keeps its picture and the step-through its page while :func:`shown_key` of what they
show (all of it but the step) is unchanged. Floats are compared as their bits (NaN equals
itself, -0.0 is not 0.0: what ``repr`` tells apart), at a fourth of the cost of ``repr``.
"""

from __future__ import annotations

import dataclasses
import operator
import struct
from collections.abc import Callable
from typing import Any

_PLAIN = ("int", "str", "bool", "State", int, str, bool)  # compared as they are
_READERS: dict[tuple[type, tuple[str, ...]], Callable[[Any], tuple]] = {}


def _reader(cls: type, skip: tuple[str, ...]) -> Callable[[Any], tuple]:
    """The key function of dataclass ``cls`` without the fields ``skip`` (made once a class)."""
    fields = [f for f in dataclasses.fields(cls) if f.name not in skip]
    get = operator.attrgetter(*(f.name for f in fields))
    floats = [i for i, f in enumerate(fields) if f.type in ("float", float)]
    plain = [i for i, f in enumerate(fields) if f.type in _PLAIN]
    other = [i for i in range(len(fields)) if i not in floats and i not in plain]
    pack = struct.Struct(f"{len(floats)}d").pack

    def key(obj: Any) -> tuple:
        v = get(obj)
        return (pack(*[v[i] for i in floats]), tuple(v[i] for i in plain),
                tuple(repr(v[i]) for i in other))

    return key


def shown_key(obj: Any, skip: tuple[str, ...] = ("step",)) -> tuple:
    """Every field of dataclass instance ``obj`` but ``skip``, exactly: two keys are equal
    when the views would show the same (floats by their bits, other numbers and words as
    they are, anything else by its ``repr``)."""
    cls = type(obj)
    read = _READERS.get((cls, skip))
    if read is None:
        read = _READERS[(cls, skip)] = _reader(cls, skip)
    return read(obj)
