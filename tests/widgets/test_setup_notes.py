"""Every value the set-up panel limited keeps its line of the note (typing N = 99999 and then
w1 = 1e9 left only w1's, so the person never learned N became 5,000), and showing the note moves
no other control (it pushed the Lanes box down)."""

import pytest
from PySide6.QtWidgets import QApplication, QWidget

from simulation.config import RunConfig
from tests.widgets.test_setup_limits import type_into
from widgets.setup_panel import SetupPanel


def make(qtbot, size=(300, 680)):
    p = SetupPanel(RunConfig())
    qtbot.addWidget(p)
    p.resize(*size)
    p.show()
    qtbot.waitExposed(p)
    return p


def test_every_limited_field_keeps_its_line(qtbot):
    p = make(qtbot)
    type_into(qtbot, p.n, "99999")
    type_into(qtbot, p.w1, "1e9")
    lines = p.note.text().split("\n")
    assert p.note.isVisible() and lines == [
        "Samples N is limited to 1 … 5,000: 99999 became 5,000.",
        "Initial w1 is limited to -1000 … 1000: 1e9 became 1000."]
    type_into(qtbot, p.w2, "0.5")  # another field in range: both lines stay
    assert p.note.text().split("\n") == lines
    type_into(qtbot, p.n, "200")  # N in range again: its line goes, w1's stays
    assert p.note.text() == lines[1]
    type_into(qtbot, p.w1, "1")
    assert not p.note.isVisible()


def places(p, controls):
    """Where each control is in the panel, and its size."""
    QApplication.processEvents()
    return [w.mapTo(p, w.rect().topLeft()).toTuple() + w.size().toTuple() for w in controls]


@pytest.mark.parametrize("size", [(300, 680), (420, 1040)])  # the dock at 720 and 1080
def test_the_note_moves_no_other_control(qtbot, size):
    p = make(qtbot, size)
    controls = [w for w in p.findChildren(QWidget) if w is not p.note and w.isVisible()]
    before = places(p, controls)
    type_into(qtbot, p.n, "99999")
    type_into(qtbot, p.w1, "1e9")
    type_into(qtbot, p.b, "-1e308")
    assert p.note.isVisible() and len(p.note.text().split("\n")) == 3
    assert places(p, controls) == before
    assert p.note.geometry().bottom() < p.height()  # wholly shown
    assert p.note.visibleRegion().boundingRect().height() == p.note.height()


def test_a_new_run_shown_drops_the_refilled_fields_lines(qtbot):
    p = make(qtbot)
    type_into(qtbot, p.n, "99999")
    type_into(qtbot, p.shock_w1, "-5000")
    assert len(p.note.text().split("\n")) == 2
    p.show_config(RunConfig())  # Apply, Reset or a preset: the form shows the run's values
    assert p.note.text() == "Shock w1 is limited to -1000 … 1000: -5000 became -1000."
