"""Own data with one row or a constant column: min-max scaling cannot scale a column whose range
is 0 (it silently became all zeros: x1 = x2 = 0 for the one sample); it is refused, naming the
column, and one sample is "1 sample" in the dialog, the status bar and the diagram."""

from __future__ import annotations

import numpy as np
import pytest

from app import own_data
from app.files import FileError
from simulation.config import RunConfig
from simulation.engine import Simulation
from tests import helpers
from widgets.chain_numbers import fmt
from widgets.network_diagram import NetworkDiagram

ONE_ROW = "x1,x2,y\n0.5,0.5,1\n"


def write(tmp_path, text, name="onerow.csv"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def test_a_constant_column_is_not_scaled_to_zeros(tmp_path):
    one = own_data.read_csv(write(tmp_path, ONE_ROW))
    with pytest.raises(FileError, match=r"x1 and x2 cannot be scaled .*x1 = 0\.5 and x2 = 0\.5 "
                                        r"in the only row \(a range of 0\)"):
        one.normalized()
    d = own_data.read_csv(write(tmp_path, "x1,x2,y\n3,1,1\n3,2,2\n", "c.csv"))
    with pytest.raises(FileError, match=r"^x1 cannot be scaled .*x1 = 3 in all 2 rows"):
        d.normalized()
    ok = own_data.read_csv(write(tmp_path, "x1,x2,y\n3,1,1\n4,2,2\n", "ok.csv"))
    assert ok.constant_x() == "" and ok.normalized().x == [[0.0, 0.0], [1.0, 1.0]]


def test_loading_it_scaled_is_refused_and_says_why(win, tmp_path, messages):
    win.controller.sim.run(20)
    before = win.controller.sim.data.x.copy()
    assert not own_data.load(win, write(tmp_path, ONE_ROW), normalize=True)
    assert len(messages) == 1 and messages[0][0] == "error"
    assert "x1 and x2 cannot be scaled to [0, 1]" in messages[0][1]
    assert win.controller.sim.t == 20 and np.array_equal(win.controller.sim.data.x, before)


def test_the_dialog_cannot_scale_it_and_says_one_sample(qtbot, tmp_path):
    dialog = own_data.OwnDataDialog(own_data.read_csv(write(tmp_path, "x1,x2,y\n5,7,1\n")))
    qtbot.addWidget(dialog)
    # outside [0, 1] (the box would be ticked), but nothing to scale by: unticked, disabled
    assert not dialog.normalize.isChecked() and not dialog.normalize.isEnabled()
    assert not dialog.why_not.isHidden()
    assert "x1 and x2 cannot be scaled" in dialog.why_not.text()
    text = dialog.findChild(own_data.QLabel).text()
    assert ": 1 sample<br>" in text and "1 samples" not in text
    assert "x1: 5<br>" in text and "this point" in text
    many = own_data.OwnDataDialog(own_data.read_csv(write(tmp_path, "x1,x2,y\n5,7,1\n6,8,2\n",
                                                          "two.csv")))
    qtbot.addWidget(many)
    assert many.normalize.isEnabled() and many.normalize.isChecked() and many.why_not.isHidden()
    assert ": 2 samples<br>" in many.findChild(own_data.QLabel).text()


def test_one_sample_loaded_is_said_in_the_singular(win, tmp_path, messages):
    assert own_data.load(win, write(tmp_path, ONE_ROW), normalize=False)
    assert win.controller.sim.data.n == 1 and not messages
    assert own_data.status_text(win, "onerow.csv", 1, False).endswith(": 1 sample")
    assert own_data.status_text(win, "onerow.csv", 2, False).endswith(": 2 samples")


def test_the_diagram_says_the_only_sample(qtbot):
    d = RunConfig().to_dict()
    d["data"] = {**d["data"], "x": [[0.5, 0.5]], "y": [1.0]}
    d["data"].pop("n", None)
    sim = Simulation(RunConfig.from_dict(d))
    sim.run(3)
    diagram = helpers.show(qtbot, NetworkDiagram(sim), (460, 330))
    texts = [t for t, _ in helpers.painted_texts(diagram)]
    loss = fmt(float(sim.current().fb.loss[diagram.lane, 0]))
    assert f"L (the only sample) = {loss}" in texts, texts
    assert not any("samples" in t for t in texts), texts
