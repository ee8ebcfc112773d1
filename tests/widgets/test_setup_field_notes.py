"""Each field of the set-up panel says right below itself what was done to a number typed out of
range (the sentences alone sat at the panel's bottom, ~400 px below the fields at 1280x720, and
went unseen); the line keeps its room, so that showing or clearing it moves nothing; its ink is
readable in both themes."""

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QWidget

from tests.app.conftest import messages, prefs, win  # noqa: F401  (the window fixtures)
from tests.helpers import open_window
from tests.widgets.test_setup_limits import set_look, type_into
from widgets import style


def places(panel, controls):
    QApplication.processEvents()
    return [w.mapTo(panel, w.rect().topLeft()).toTuple() + w.size().toTuple() for w in controls]


def below(panel, box, note):
    """How far ``note`` starts below ``box``'s bottom edge, and whether it lies under it."""
    top = note.mapTo(panel, note.rect().topLeft())
    bottom_left = box.mapTo(panel, box.rect().bottomLeft())
    return top.y() - bottom_left.y(), top.x() == bottom_left.x()


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_each_field_says_below_itself_and_nothing_moves(qtbot, prefs, messages, size):  # noqa: F811
    w = open_window(qtbot, size)
    w.setup_dock.show()
    qtbot.waitExposed(w.setup)
    p = w.setup
    controls = [c for c in p.findChildren(QWidget) if c is not p.note and c.isVisible()]
    before = places(p, controls)
    typed = [(p.n, "99999", "99999 → 5,000 (max)"), (p.w1, "-5", None),
             (p.noise, "-5", "-5 → 0 (min)"), (p.b, "-1e308", "-1e308 → -1000 (min)"),
             (p.seed, "-1", "-1 → 0 (min)"), (p.shock_w2, "1e9", "1e9 → 1000 (max)")]
    for box, text, _line in typed:
        type_into(qtbot, box, text)
    for box, _text, line in typed:
        note = p.field_notes[box.what]
        assert note.note() == (line or ""), box.what
        if line:
            assert note.isVisible() and note.text() == line  # whole, not elided
            assert note.visibleRegion().boundingRect().height() == note.height()
            gap, under = below(p, box, note)
            assert 0 < gap <= 3 and under, (box.what, gap)
            assert note.toolTip() == p._notes[box.what]  # the whole sentence
    assert places(p, controls) == before  # no field, button or box moved
    type_into(qtbot, p.n, "200")  # corrected: its line goes, the others stay
    assert p.field_notes[p.n.what].text() == "" and p.field_notes[p.b.what].text()
    assert places(p, controls) == before
    w.controller.pause()


def test_the_line_is_where_the_person_types(qtbot, win):  # noqa: F811
    """Whatever label says it, a field's "99999" is told within 3 px below that field (it was
    told ~400 px below it at 1280x720), and limiting every field moves no control."""
    win.setup_dock.show()
    qtbot.waitExposed(win.setup)
    p = win.setup
    controls = [c for c in p.findChildren(QWidget) if c.isVisible() and c is not p.note]
    before = places(p, controls)
    for i, box in enumerate(p.fields()):
        typed = f"-{i + 1}e9{i}"  # below every field's limits, and told apart
        type_into(qtbot, box, typed)
        told = [label for label in p.findChildren(QLabel)
                if label.isVisible() and typed in label.text()]
        gaps = [below(p, box, label)[0] for label in told]
        assert any(0 < gap <= 3 for gap in gaps), (box.what, gaps)
    assert places(p, controls) == before


def test_a_run_with_more_samples_says_so_below_samples(qtbot):
    from simulation.config import RunConfig
    from widgets.setup_panel import SetupPanel

    d = RunConfig().to_dict()
    d["data"]["n"] = 99_999
    p = SetupPanel(RunConfig.from_dict(d))
    qtbot.addWidget(p)
    assert p.field_notes[p.n.what].note() == "this run: 99,999 → 5,000 (max)"
    p.show_config(RunConfig())
    assert p.field_notes[p.n.what].note() == ""


@pytest.mark.parametrize("look", ["light", "dark"])
def test_the_lines_are_readable_in_both_themes(qtbot, look):
    from simulation.config import RunConfig
    from widgets.setup_panel import SetupPanel

    try:
        set_look(look)
        p = SetupPanel(RunConfig())
        qtbot.addWidget(p)
        p.resize(300, 680)
        p.show()
        qtbot.waitExposed(p)
        type_into(qtbot, p.n, "99999")
        type_into(qtbot, p.shock_w1, "-5000")
        image = p.grab().toImage()
        for box in (p.n, p.shock_w1):
            note = p.field_notes[box.what]
            ink = note.palette().color(note.foregroundRole()).name()
            corner = note.mapTo(p, note.rect().bottomRight())
            ground = image.pixelColor(corner.x() - 1, corner.y() - 1).name()
            assert style.contrast_ratio(ink, ground) >= 4.5, (look, box.what, ink, ground)
            assert style.contrast_ratio(ink, style.theme().window) >= 4.5
    finally:
        set_look("light")
