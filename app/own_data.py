"""Own data: a CSV of x1, x2, y becomes the dataset every lane learns (the run restarts).

The file is checked before anything changes: a missing column, text where a number belongs, NaN
or infinity, an empty file or too many rows each get one clear message, naming the row.
Optionally x1 and x2 are scaled to [0, 1] (min-max), the range the presets' shocks assume.
"""

from __future__ import annotations

import csv
import html
import io
import math
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QCheckBox, QDialog, QDialogButtonBox, QLabel, QVBoxLayout, QWidget

from app import dialogs
from app.files import FileError, read_limited
from simulation.config import ConfigError, RunConfig
from widgets.setup_panel import MAX_SAMPLES

COLUMNS = ("x1", "x2", "y")
MAX_ROWS = MAX_SAMPLES  # the live loop steps every sample every step (the set-up's N: the same)
MAX_BYTES = 2 * 2**20
LIMIT = 1e6  # |value| a setting may have (simulation.config)
FILTER = "CSV files (*.csv *.txt);;All files (*)"


@dataclass
class OwnData:
    """Validated points: x (N, 2) and y (N,) as lists, and where they came from."""

    x: list[list[float]]
    y: list[float]
    name: str

    def ranges(self) -> dict[str, tuple[float, float]]:
        cols = {"x1": [p[0] for p in self.x], "x2": [p[1] for p in self.x], "y": self.y}
        return {k: (min(v), max(v)) for k, v in cols.items()}

    def constant_x(self) -> str:
        """Why x1 or x2 cannot be min-max scaled ("" if both can): a column with one value in
        every row has a range of 0."""
        r = self.ranges()
        same = [k for k in ("x1", "x2") if r[k][0] == r[k][1]]
        if not same:
            return ""
        what = " and ".join(f"{k} = {r[k][0]:g}" for k in same)
        rows = "the only row" if len(self.y) == 1 else f"all {len(self.y):,} rows"
        return (f"{' and '.join(same)} cannot be scaled to [0, 1]: {what} in {rows} "
                f"(a range of 0).")

    def normalized(self) -> OwnData:
        """x1 and x2 scaled to [0, 1]; y unchanged. FileError if a column is constant (it has no
        range to scale by: it would silently become all zeros)."""
        why = self.constant_x()
        if why:
            raise FileError(why)
        (lo1, hi1), (lo2, hi2) = self.ranges()["x1"], self.ranges()["x2"]
        x = [[(a - lo1) / (hi1 - lo1), (b - lo2) / (hi2 - lo2)] for a, b in self.x]
        return OwnData(x, list(self.y), self.name)


def samples(n: int) -> str:
    """'1 sample', '200 samples'."""
    return f"{n:,} sample{'' if n == 1 else 's'}"


def _number(text: str, row: int, col: str, name: str) -> float:
    try:
        v = float(text)
    except ValueError:
        shown = text if len(text) <= 20 else text[:20] + "…"
        raise FileError(f"{name}, row {row}, column {col}: {shown!r} is not a number.") from None
    if math.isnan(v):
        raise FileError(f"{name}, row {row}, column {col}: NaN (a missing value) is not "
                        "allowed; remove or fill the row.")
    if not math.isfinite(v) or abs(v) > LIMIT:
        raise FileError(f"{name}, row {row}, column {col}: {text.strip()} is out of range "
                        f"(|value| ≤ {LIMIT:g}).")
    return v


def _rows(reader: Any, name: str) -> Iterator[list[str]]:
    """The reader's rows; the csv module's own refusals (a field over 128 KB...) as FileError."""
    try:
        yield from reader
    except csv.Error as e:
        raise FileError(f"{name}, row {reader.line_num}: {e}; is this a CSV file?") from None


def parse_csv(text: str, name: str = "the file") -> OwnData:
    """CSV text with a header naming x1, x2 and y (any order, other columns ignored)."""
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    rows = _rows(csv.reader(io.StringIO(text), dialect), name)
    header = next(rows, None)
    if header is None or not any(h.strip() for h in header):
        raise FileError(f"{name} is empty.")
    names = [h.strip().lower() for h in header]
    missing = [c for c in COLUMNS if c not in names]
    if missing:
        raise FileError(f"{name} has no column {', '.join(missing)}: the first line must name "
                        f"the columns x1, x2, y (found: {', '.join(h.strip() for h in header)}).")
    idx = [names.index(c) for c in COLUMNS]
    x: list[list[float]] = []
    y: list[float] = []
    for line, row in enumerate(rows, start=2):
        if not row or not any(cell.strip() for cell in row):
            continue
        if len(x) >= MAX_ROWS:
            raise FileError(f"{name} has more than {MAX_ROWS:,} rows; the lab takes at most "
                            f"{MAX_ROWS:,} (every lane sees every sample every step).")
        if len(row) <= max(idx):
            raise FileError(f"{name}, row {line}: {len(row)} values, but the header names "
                            f"{len(names)} columns.")
        v1, v2, vy = (_number(row[i], line, c, name) for i, c in zip(idx, COLUMNS, strict=True))
        x.append([v1, v2])
        y.append(vy)
    if not y:
        raise FileError(f"{name} has a header but no data rows.")
    return OwnData(x, y, name)


def read_csv(path: str | Path) -> OwnData:
    """Read and validate a CSV file (FileError with one clear sentence otherwise)."""
    name = Path(path).name
    return parse_csv(read_limited(path, MAX_BYTES, "CSV file"), name)


def config_with(config: RunConfig, data: OwnData) -> RunConfig:
    """``config`` learning ``data`` instead (mini-batches larger than the data become full)."""
    d = config.to_dict()
    d["data"] = {**d["data"], "x": data.x, "y": data.y}
    d["data"].pop("n", None)
    if d.get("batch_size") is not None and d["batch_size"] >= len(data.y):
        d["batch_size"] = None
    return RunConfig.from_dict(d)


class OwnDataDialog(QDialog):
    """What was read (rows, ranges) and whether to scale x1, x2 to [0, 1]."""

    def __init__(self, data: OwnData, parent: QWidget | None = None):
        super().__init__(parent)
        self.setWindowTitle("Use your own data")
        r = data.ranges()
        one = len(data.y) == 1
        text = (f"<b>{html.escape(data.name)}</b>: {samples(len(data.y))}<br>"
                + "<br>".join(f"{k}: {lo:g}" if one else f"{k}: {lo:g} … {hi:g}"
                              for k, (lo, hi) in r.items())
                + "<br><br>Every lane restarts at step 0 and learns "
                + ("this point." if one else "these points."))
        label = QLabel(text)
        label.setWordWrap(True)
        outside = any(lo < 0 or hi > 1 for k, (lo, hi) in r.items() if k != "y")
        self.normalize = QCheckBox("Scale x1 and x2 to [0, 1] (min–max)")
        self.normalize.setToolTip("The presets' shocks (b = −10) assume inputs in [0, 1]; "
                                  "larger inputs change how deep a shock pushes z")
        why = data.constant_x()
        self.why_not = QLabel(f"Not possible: {why} The values are used as they are." if why
                              else "")
        self.why_not.setWordWrap(True)
        self.why_not.setVisible(bool(why))
        self.normalize.setChecked(outside and not why)
        self.normalize.setEnabled(not why)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Ok
                                   | QDialogButtonBox.StandardButton.Cancel)
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(label)
        layout.addWidget(self.normalize)
        layout.addWidget(self.why_not)
        layout.addWidget(buttons)


def confirm(parent: QWidget, data: OwnData) -> bool | None:
    """Ask whether to normalize: True / False, or None if cancelled (tests replace this)."""
    dialog = OwnDataDialog(data, parent)
    if dialog.exec() != QDialog.DialogCode.Accepted:
        return None
    return dialog.normalize.isChecked()


def load(window: Any, path: str | Path, normalize: bool | None = None) -> bool:
    """Load ``path`` into ``window``'s run; a refused file changes nothing."""
    try:
        data = read_csv(path)
    except FileError as e:
        dialogs.error(window, "This data was not loaded; the run is unchanged.", str(e))
        return False
    if normalize is None:
        normalize = confirm(window, data)
        if normalize is None:
            return False
    try:
        if normalize:
            data = data.normalized()
        config = config_with(window.controller.config, data)
    except (FileError, ConfigError) as e:  # (a constant column cannot be scaled)
        dialogs.error(window, "This data was not loaded; the run is unchanged.", str(e))
        return False
    window.controller.reset(config)
    show_loaded(window, data.name, len(data.y), bool(normalize))
    return True


def message_room(window: Any) -> int:
    """The width QStatusBar gives a message: from 6 px to 2 px before the rewind bar, which is
    a permanent widget of the status bar."""
    bar = window.statusBar()
    right = bar.width() - 12
    rewind = getattr(window, "rewind", None)
    if rewind is not None and rewind.bar.isVisible():
        right = min(right, rewind.bar.geometry().left() - 2)
    return max(right - 6, 0)


def status_text(window: Any, name: str, n: int, scaled: bool) -> str:
    """What was loaded, short enough for the status bar (it ran under the rewind bar at 1280):
    'Own data good.csv: 200 samples, x scaled to [0, 1]', without 'Own data' if that does not
    fit, the file name elided in the middle if that does not either."""
    fm, room = window.statusBar().fontMetrics(), message_room(window)
    tail = f": {samples(n)}" + (", x scaled to [0, 1]" if scaled else "")
    for text in (f"Own data {name}{tail}", f"{name}{tail}"):
        if fm.horizontalAdvance(text) <= room:
            return text
    rest = room - fm.horizontalAdvance(tail)
    if rest >= fm.horizontalAdvance("ab….csv"):
        return fm.elidedText(name, Qt.TextElideMode.ElideMiddle, rest) + tail
    return fm.elidedText(f"{name}{tail}", Qt.TextElideMode.ElideRight, room)


def show_loaded(window: Any, name: str, n: int, scaled: bool) -> None:
    """Say what was loaded in the status bar. A message hides the step and seed readouts and
    the rewind bar moves left into their room, so it is measured after that move."""
    bar = window.statusBar()
    bar.showMessage("Own data", 8000)
    if bar.layout() is not None:
        bar.layout().activate()
    bar.showMessage(status_text(window, name, n, scaled), 8000)


def load_dialog(window: Any) -> bool:
    path = dialogs.ask_open(window, "Load your own data (CSV with columns x1, x2, y)", FILTER)
    return False if path is None else load(window, path)
