"""The set-up panel's limits: a number typed beyond a field's range becomes the nearest limit and
the panel says so (the spin boxes used to drop keys: -1e308 became -130 without a word); Samples
N has the own-data cap; the lane names are readable in both themes."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor, QPalette
from PySide6.QtWidgets import QApplication

from app import own_data
from app.restyle import make_palette
from simulation.config import RunConfig
from widgets import style
from widgets.setup_panel import MAX_SAMPLES, SetupPanel


@pytest.fixture
def panel(qtbot):
    p = SetupPanel(RunConfig())
    qtbot.addWidget(p)
    p.show()
    qtbot.waitExposed(p)
    return p


def type_into(qtbot, box, text):
    """Replace the field's text by typing ``text`` key by key, then press Enter."""
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


@pytest.mark.parametrize("field, text, value, note", [
    ("b", "-1e308", -1000.0, "Initial b is limited to -1000 … 1000: -1e308 became -1000."),
    ("w1", "1e300", 1000.0, "Initial w1 is limited to -1000 … 1000: 1e300 became 1000."),
    ("n", "9999999", MAX_SAMPLES, "Samples N is limited to 1 … 5,000: 9999999 became 5,000."),
    ("noise", "-3", 0.0, "Target noise σ is limited to 0 … 100: -3 became 0."),
])
def test_a_value_out_of_range_is_told(qtbot, panel, field, text, value, note):
    before = panel.overrides()
    type_into(qtbot, getattr(panel, field), text)
    assert getattr(panel, field).value() == value
    assert panel.note.isVisible() and panel.note.text() == note
    after = panel.overrides()  # nothing else changed
    for key in ("seed", "lanes"):
        assert after[key] == before[key]


def test_the_note_goes_once_a_value_is_in_range(qtbot, panel):
    type_into(qtbot, panel.b, "-1e308")
    assert panel.note.isVisible()
    type_into(qtbot, panel.b, "-2.5")
    assert panel.b.value() == -2.5 and not panel.note.isVisible()


def test_scientific_notation_in_range_is_taken(qtbot, panel):
    type_into(qtbot, panel.w2, "1e-2")
    assert panel.w2.value() == pytest.approx(0.01) and not panel.note.isVisible()
    type_into(qtbot, panel.w2, "1.5e-4")  # three decimals: the value is what is shown
    assert panel.w2.value() == 0.0 and panel.w2.text() == "0.000"
    type_into(qtbot, panel.seed, "2e3")
    assert panel.seed.value() == 2000


def test_samples_share_the_own_data_cap():
    assert own_data.MAX_ROWS == MAX_SAMPLES == 5_000
    assert SetupPanel(RunConfig()).n.maximum() == MAX_SAMPLES


def test_a_run_with_more_samples_than_the_cap_is_told(qtbot):
    """A session file may hold N = 99,999 (the configuration allows 100,000): the form says
    that Apply would use the cap, instead of silently showing 5,000."""
    d = RunConfig().to_dict()
    d["data"]["n"] = 99_999
    p = SetupPanel(RunConfig.from_dict(d))
    qtbot.addWidget(p)
    assert p.n.value() == MAX_SAMPLES and not p.note.isHidden()
    assert "99,999" in p.note.text() and "5,000" in p.note.text()
    p.show_config(RunConfig())
    assert p.note.isHidden()


@pytest.fixture(params=["light", "dark"])
def themed(request, qtbot):
    """The application in ``light`` or ``dark`` (light again afterwards)."""
    set_look(request.param)
    yield style.theme()
    set_look("light")


def test_lane_names_reach_4_5_to_1(qtbot, themed):
    p = SetupPanel(RunConfig())
    qtbot.addWidget(p)
    p.resize(300, 560)
    p.show()
    qtbot.waitExposed(p)
    image = p.grab().toImage()
    for name, check in p.lane_checks.items():
        ink = check.palette().color(QPalette.ColorRole.WindowText).name()
        assert style.contrast_ratio(ink, themed.window) >= 4.5, name
        # and against what is really behind the name (the Lanes box's fill)
        corner = check.mapTo(p, check.rect().bottomRight())
        ground = QColor(image.pixel(corner.x() - 1, corner.y() - 1)).name()
        assert style.contrast_ratio(ink, ground) >= 4.5, (name, ink, ground)


def set_look(name):
    """Switch the theme as the app does (the palette change is delivered by the event loop)."""
    style.set_theme(name)
    QApplication.instance().setPalette(make_palette(style.theme()))
    QApplication.processEvents()


def test_lane_names_follow_a_theme_change(qtbot, panel):
    try:
        set_look("dark")
        ink = panel.lane_checks["leaky_relu"].palette().color(QPalette.ColorRole.WindowText)
        assert style.contrast_ratio(ink.name(), style.DARK.window) >= 4.5  # #0072B2: 3.1
    finally:
        set_look("light")
    ink = panel.lane_checks["elu"].palette().color(QPalette.ColorRole.WindowText).name()
    assert style.contrast_ratio(ink, style.LIGHT.window) >= 4.5  # #E69F00: 2.0
