"""File I/O shared by sessions, exports and own data: atomic writes and bounded, checked reads."""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

from simulation.record import write_atomic, write_bytes_atomic  # noqa: F401 (re-exported)

MAX_DEPTH = 8  # nesting of JSON objects and arrays a session may have
MAX_INT = 10**15  # larger integers are refused before any float() sees them


# the one atomic writer of the project lives beside the run record (simulation/ cannot import app/)
write_text_atomic = write_atomic


class FileError(ValueError):
    """A file that cannot be read or written, or whose content is refused: one clear sentence."""


def describe_os_error(e: OSError, path: str | os.PathLike[str] | None = None) -> str:
    """Why ``e`` happened and where, for a message: 'permission denied in the folder /sys', 'the
    folder /gone does not exist', ... The folder is that of the file the error names (a writer's
    temporary file is beside its target), else that of ``path``."""
    reason = (e.strerror or str(e)).lower()
    named = e.filename if isinstance(e.filename, (str, bytes, os.PathLike)) else None
    where = named if named is not None else path
    if where is None:
        return reason
    file = Path(os.path.abspath(os.fsdecode(where)))
    folder = file.parent
    if isinstance(e, IsADirectoryError):
        target = e.filename2 if isinstance(e.filename2, (str, bytes, os.PathLike)) else where
        return f"{os.path.abspath(os.fsdecode(target))} is a folder"
    if isinstance(e, FileNotFoundError):
        if not folder.is_dir():
            return f"the folder {folder} does not exist"
        return f"there is no {file.name} in the folder {folder}"
    return f"{reason} in the folder {folder}"


def read_limited(path: str | os.PathLike[str], limit: int, what: str) -> str:
    """The UTF-8 text of ``path``, refused if missing, empty, binary or over ``limit`` bytes."""
    p = Path(path)
    try:
        if p.is_dir():
            raise FileError(f"{p.name} is a folder, not a {what}.")
        size = p.stat().st_size
        if size > limit:
            raise FileError(f"{p.name} is {size / 2**20:.1f} MB; a {what} is at most "
                            f"{limit / 2**20:.0f} MB.")
        with p.open("rb") as f:
            data = f.read(limit + 1)
    except OSError as e:
        raise FileError(f"Cannot read {p.name}: {describe_os_error(e, p)}.") from None
    if len(data) > limit:
        raise FileError(f"{p.name} is larger than {limit / 2**20:.0f} MB.")
    if not data.strip():
        raise FileError(f"{p.name} is empty.")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise FileError(f"{p.name} is not a text file (not UTF-8).") from None


def _reject_constant(name: str) -> Any:
    raise FileError(f"the file contains {name}, which is not a number JSON allows")


def _check_tree(value: Any, depth: int = 0) -> None:
    """Refuse deep nesting, huge integers and non-finite floats, iteratively bounded."""
    if depth > MAX_DEPTH:
        raise FileError(f"the file nests deeper than {MAX_DEPTH} levels")
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return
    if isinstance(value, int):
        if abs(value) > MAX_INT:
            raise FileError("the file contains a number too large to be a setting")
    elif isinstance(value, float):
        if not math.isfinite(value):
            raise FileError("the file contains a number too large to be a setting")
    elif isinstance(value, dict):
        for v in value.values():
            _check_tree(v, depth + 1)
    elif isinstance(value, list):
        for v in value:
            _check_tree(v, depth + 1)


def parse_json(text: str, name: str) -> Any:
    """JSON text -> Python value; FileError (never RecursionError, OverflowError) otherwise."""
    try:
        value = json.loads(text, parse_constant=_reject_constant)
    except FileError as e:
        raise FileError(f"{name}: {e}.") from None
    except RecursionError:
        raise FileError(f"{name}: the file nests deeper than {MAX_DEPTH} levels.") from None
    except json.JSONDecodeError as e:
        raise FileError(f"{name} is not valid JSON (line {e.lineno}, column {e.colno}: "
                        f"{e.msg}); it may be truncated or damaged.") from None
    except ValueError as e:  # e.g. an integer of more than 4,300 digits
        raise FileError(f"{name}: {e}.") from None
    try:
        _check_tree(value)
    except FileError as e:
        raise FileError(f"{name}: {e}.") from None
    except RecursionError:
        raise FileError(f"{name}: the file nests deeper than {MAX_DEPTH} levels.") from None
    return value
