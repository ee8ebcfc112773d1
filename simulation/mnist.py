"""Read MNIST from a file the user already has (never downloaded): a Keras-style ``mnist.npz``
(``x_train, y_train, x_test, y_test``) or a folder holding the four IDX files (optionally .gz).

Images are flattened to 784 values and normalized as in seed 002
(``transforms.Normalize((0.1307,), (0.3081,))`` after scaling to [0, 1]).
"""

from __future__ import annotations

import gzip
from pathlib import Path

import numpy as np

from simulation.datasets2d import Split

MEAN, STD = 0.1307, 0.3081
IDX_NAMES = {"x_train": "train-images-idx3-ubyte", "y_train": "train-labels-idx1-ubyte",
             "x_test": "t10k-images-idx3-ubyte", "y_test": "t10k-labels-idx1-ubyte"}


class MnistError(ValueError):
    """The file is missing or is not MNIST in a known layout."""


def _read_idx(path: Path) -> np.ndarray:
    try:
        with (gzip.open if path.suffix == ".gz" else open)(path, "rb") as f:
            raw = f.read()
    except (OSError, EOFError) as e:
        raise MnistError(f"cannot read {path.name}: {e}") from None
    if len(raw) < 4 or raw[:2] != b"\0\0" or raw[2] != 0x08:
        raise MnistError(f"{path.name} is not an IDX file of unsigned bytes")
    ndim = raw[3]
    dims = [int.from_bytes(raw[4 + 4 * i: 8 + 4 * i], "big") for i in range(ndim)]
    data = np.frombuffer(raw, dtype=np.uint8, offset=4 + 4 * ndim)
    if data.size != int(np.prod(dims)):
        raise MnistError(f"{path.name} is truncated")
    return data.reshape(dims)


def _find_idx(folder: Path, stem: str) -> Path:
    dotted = stem.replace("-idx", ".idx")
    for name in (stem, stem + ".gz", dotted, dotted + ".gz"):
        if (folder / name).is_file():
            return folder / name
    raise MnistError(f"{folder} has no {stem}[.gz]")


def _arrays(path: Path) -> dict[str, np.ndarray]:
    if path.is_dir():
        return {k: _read_idx(_find_idx(path, stem)) for k, stem in IDX_NAMES.items()}
    if path.suffix.lower() != ".npz":
        raise MnistError(f"{path} is neither an .npz file nor a folder of IDX files")
    try:
        with np.load(path, allow_pickle=False) as f:
            return {k: f[k] for k in IDX_NAMES}
    except KeyError as e:
        raise MnistError(f"{path.name} has no array {e}") from None
    except (OSError, ValueError) as e:
        raise MnistError(f"cannot read {path.name}: {e}") from None


def load(path: str | Path, n_train: int | None = None, n_test: int | None = None) -> Split:
    """MNIST from ``path`` (the first ``n_train`` / ``n_test`` samples when given)."""
    path = Path(path)
    if not path.exists():
        raise MnistError(f"{path} does not exist")
    a = _arrays(path)
    out = {}
    for part, limit in (("train", n_train), ("test", n_test)):
        x, y = a[f"x_{part}"], a[f"y_{part}"]
        if x.ndim < 2 or len(x) != len(y):
            raise MnistError(f"{part} images and labels do not match")
        x, y = x[:limit], y[:limit]
        flat = x.reshape(len(x), -1).astype(float) / 255.0
        out[part] = ((flat - MEAN) / STD, y.astype(int))
    k = int(max(out["train"][1].max(), out["test"][1].max())) + 1
    return Split("mnist", *out["train"], *out["test"], n_classes=k)
