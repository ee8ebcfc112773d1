"""The Population tab's table of counts has a column for every state: a lane's row adds up to its
population (at lr 50 PReLU's neurons all diverge: they were counted nowhere, 'lost 100.0 %'), and
what the narrower plots left of it show still fits them."""

from __future__ import annotations

import dataclasses
import re

import pytest

from app.application import configure_pyqtgraph
from app.controller import LiveController
from app.population_tabs import PopulationFollower
from simulation import presets
from simulation.health import State
from tests import helpers
from widgets.population_drawing import Z_NOTES
from widgets.population_texts import counted
from widgets.population_view import PopulationView

SIZE = 50


@pytest.fixture
def controller(qtbot):
    c = LiveController(dataclasses.replace(presets.get("bias-shock").config(), lr=50.0))
    yield c
    c.pause()


def _view(qtbot, controller, size):
    configure_pyqtgraph()
    v = helpers.show(qtbot, PopulationView(controller, PopulationFollower(size=SIZE)), size)
    controller.sim.run(120)
    assert v.follower.sync(controller.sim, controller.journal)
    v.refresh(force=True)
    return v


def _rows(table_html: str) -> dict[str, list[str]]:
    """The table's cells by row, keyed by the first cell's text (tags and swatches dropped)."""
    out = {}
    for row in re.findall(r"<tr>(.*?)</tr>", table_html):
        cells = [re.sub(r"<[^>]+>", "", c).replace("&nbsp;", " ").strip()
                 for c in re.findall(r"<t[dh][^>]*>(.*?)</t[dh]>", row)]
        out[cells[0].lstrip("━┅ ")] = cells[1:]
    return out


def test_every_row_adds_up_to_the_population(qtbot, controller):
    v = _view(qtbot, controller, (1280, 640))
    rows = _rows(v.table.text())
    assert rows["activation"] == ["alive", "recov.", "satur.", "dead", "div.", "notfiring",
                                  "can'tlearn"]
    now = v._now
    for i, lane in enumerate(v.follower.pop.lanes):
        name = next(k for k in rows if k != "activation" and k.startswith(
            {"relu": "ReLU", "leaky_relu": "Leaky", "prelu": "PReLU", "elu": "ELU",
             "selu": "SELU"}[lane.activation]) and ("dropout" in k) == bool(lane.dropout))
        counts = [int(c.replace(",", "")) for c in rows[name][:5]]
        assert counts == [int(k) for k in now[i]]
        assert sum(counts) == SIZE
    prelu = rows["PReLU"]
    assert int(prelu[State.DIVERGED]) == SIZE  # the diverged neurons, in their own column
    assert prelu[-1] == "100.0 %"


@pytest.mark.parametrize("size", [(1280, 640), (940, 640)])
def test_the_plots_texts_fit_them(qtbot, controller, size):
    """The capacity axis's label and the z histogram's note stay inside their plots, however
    narrow the table leaves them (in presentation mode at 1280 px they were cut)."""
    v = _view(qtbot, controller, size)
    qtbot.wait(20)  # the layout settles
    v.refresh(force=True)
    axis = v.capacity.getAxis("bottom")
    assert "side by side" in axis.labelText  # the lanes at 100 % are drawn side by side
    assert axis.label.boundingRect().width() <= axis.width()
    lo, hi = v.z_plot.vb.viewRange()[0]
    note = v.z_note.mapRectToView(v.z_note.boundingRect())
    assert lo <= note.left() and note.right() <= hi
    assert v.z_note.toPlainText() in Z_NOTES


def test_one_sample_one_neuron_in_the_singular():
    """Own data of one row caps the population at 1 neuron: '(of 1,000 asked: 1 sample)'."""
    assert counted(1, "sample") == "1 sample" and counted(1, "neuron") == "1 neuron"
    assert counted(1000, "neuron") == "1,000 neurons"
