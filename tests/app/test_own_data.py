"""Own data: a CSV of x1, x2, y; every bad file gets one clear message and changes nothing."""

import numpy as np
import pytest
from PySide6.QtWidgets import QApplication

from app import dialogs, own_data
from app.files import FileError


def write(tmp_path, text, name="data.csv", binary=False):
    path = tmp_path / name
    path.write_bytes(text) if binary else path.write_text(text, encoding="utf-8")
    return path


def test_a_good_file_becomes_the_dataset(win, tmp_path, messages):
    path = write(tmp_path, "x1,x2,y\n0.1,0.2,0.3\n0.5,0.5,0.4\n\n1,0,1.5\n")
    win.controller.sim.run(50)
    assert own_data.load(win, path, normalize=False)
    sim = win.controller.sim
    assert sim.t == 0 and sim.data.n == 3
    assert np.array_equal(sim.data.x, [[0.1, 0.2], [0.5, 0.5], [1, 0]])
    assert np.array_equal(sim.data.y, [0.3, 0.4, 1.5]) and not messages
    assert win.setup.n.value() == 3


def test_columns_in_any_order_other_columns_and_separators(tmp_path):
    d = own_data.read_csv(write(tmp_path, "id;Y;X2;x1\na;1;2;3\nb;4;5;6\n"))
    assert d.x == [[3, 2], [6, 5]] and d.y == [1, 4]
    d = own_data.read_csv(write(tmp_path, "\ufeffx1\tx2\ty\n1\t2\t3\n", "t.csv"))
    assert d.x == [[1, 2]] and d.y == [3]


def test_normalize_scales_x_to_the_unit_square(win, tmp_path, messages, monkeypatch):
    path = write(tmp_path, "x1,x2,y\n10,-5,1\n20,5,2\n15,0,3\n")
    d = own_data.read_csv(path).normalized()
    assert d.x == [[0.0, 0.0], [1.0, 1.0], [0.5, 0.5]] and d.y == [1, 2, 3]
    monkeypatch.setattr(own_data, "confirm", lambda parent, data: True)
    monkeypatch.setattr(dialogs, "ask_open", lambda *a: str(path))
    assert own_data.load_dialog(win)
    assert win.controller.sim.data.x.min() == 0.0 and win.controller.sim.data.x.max() == 1.0


def test_constant_column_cannot_be_normalized(tmp_path):
    """A range of 0 has nothing to scale by (it became all zeros, silently): refused, named."""
    d = own_data.read_csv(write(tmp_path, "x1,x2,y\n3,1,1\n3,2,2\n"))
    with pytest.raises(FileError, match=r"^x1 cannot be scaled to"):
        d.normalized()


def test_the_dialog_offers_normalization_when_x_leaves_the_unit_square(qtbot, tmp_path):
    d = own_data.read_csv(write(tmp_path, "x1,x2,y\n10,0,1\n20,1,2\n"))
    dialog = own_data.OwnDataDialog(d)
    qtbot.addWidget(dialog)
    assert dialog.normalize.isChecked()
    inside = own_data.read_csv(write(tmp_path, "x1,x2,y\n0.1,0,1\n", "b.csv"))
    dialog2 = own_data.OwnDataDialog(inside)
    qtbot.addWidget(dialog2)
    assert not dialog2.normalize.isChecked()


BAD = {
    "missing column": ("x1,x2,target\n1,2,3\n", "no column y"),
    "missing two columns": ("a,b,y\n1,2,3\n", "no column x1, x2"),
    "text": ("x1,x2,y\n1,2,3\n1,two,3\n", "row 3, column x2: 'two' is not a number"),
    "NaN": ("x1,x2,y\n1,2,nan\n", "NaN"),
    "empty cell": ("x1,x2,y\n1,,3\n", "row 2, column x2"),
    "infinity": ("x1,x2,y\n1,inf,3\n", "out of range"),
    "huge": ("x1,x2,y\n1,1e300,3\n", "out of range"),
    "empty file": ("", "is empty"),
    "blank file": ("\n\n  \n", "is empty"),
    "header only": ("x1,x2,y\n", "no data rows"),
    "short row": ("x1,x2,y\n1,2\n", "row 2: 2 values"),
    "too many rows": ("x1,x2,y\n" + "1,2,3\n" * (own_data.MAX_ROWS + 1), "more than 5,000"),
}


@pytest.mark.parametrize("name", list(BAD))
def test_bad_files_are_refused_with_a_clear_message(win, tmp_path, messages, name):
    text, expected = BAD[name]
    path = write(tmp_path, text)
    win.controller.sim.run(40)
    sim = win.controller.sim
    assert not own_data.load(win, path, normalize=False)
    assert win.controller.sim is sim and sim.t == 40
    assert len(messages) == 1 and expected in messages[0][1], messages
    assert "unchanged" in messages[0][1]


def test_binary_missing_and_oversized_files(tmp_path):
    with pytest.raises(FileError, match="not a text file"):
        own_data.read_csv(write(tmp_path, b"\x89PNG\r\n\x1a\n\xff\xfe", "p.csv", binary=True))
    with pytest.raises(FileError, match="Cannot read"):
        own_data.read_csv(tmp_path / "missing.csv")
    with pytest.raises(FileError, match="MB"):
        own_data.read_csv(write(tmp_path, "x1,x2,y\n" + "1" * own_data.MAX_BYTES, "big.csv"))


def test_cancel_changes_nothing(win, tmp_path, monkeypatch):
    path = write(tmp_path, "x1,x2,y\n1,2,3\n")
    monkeypatch.setattr(own_data, "confirm", lambda parent, data: None)
    sim = win.controller.sim
    assert not own_data.load(win, path)
    assert win.controller.sim is sim


def test_a_dropped_csv_is_own_data(win, tmp_path, messages):
    from app.workshop import open_any

    path = write(tmp_path, "x1,x2,y\n0,1,0.5\n1,0,0.2\n")
    import app.own_data as od
    od_confirm = od.confirm
    try:
        od.confirm = lambda parent, data: False
        assert open_any(win, path)
    finally:
        od.confirm = od_confirm
    assert win.controller.sim.data.n == 2


def test_own_data_survives_a_session_round_trip(win, tmp_path, qtbot):
    from app import session
    from app.application import create_window

    own_data.load(win, write(tmp_path, "x1,x2,y\n0,1,0.5\n1,0,0.2\n0.5,0.5,0.9\n"),
                  normalize=False)
    win.controller.sim.run(25)
    path = tmp_path / "own.drlab"
    session.save_session(win, path)
    other = create_window("healthy")
    qtbot.addWidget(other)
    assert session.open_session(other, path)
    assert np.array_equal(other.controller.sim.data.y, [0.5, 0.2, 0.9])
    assert np.array_equal(other.controller.sim.history.window(),
                          win.controller.sim.history.window(), equal_nan=True)


@pytest.mark.parametrize("name", ["good.csv", "measurements_of_the_second_experiment_2024.csv"])
def test_the_status_message_fits_beside_the_rewind_bar(win, tmp_path, messages, name):
    """At 1280x720 'Own data: good.csv, 200 samples (x scaled t…' ran under the rewind bar."""
    rows = "".join(f"{i},{2 * i},{i % 7}\n" for i in range(200))
    assert own_data.load(win, write(tmp_path, "x1,x2,y\n" + rows, name), normalize=True)
    QApplication.processEvents()  # the layout as drawn: step and seed hidden by the message
    bar = win.statusBar()
    text = bar.currentMessage()
    assert text.endswith(": 200 samples, x scaled to [0, 1]")
    assert win.rewind.bar.isVisible()
    # QStatusBar draws a message from x = 6 to 2 px before its first permanent widget
    assert bar.fontMetrics().horizontalAdvance(text) <= win.rewind.bar.geometry().left() - 8
    assert text.startswith(("Own data good.csv:", "good.csv:", "meas")) and ".csv" in text
