"""Help's coloured headings reach 4.5:1 on the page they are drawn on, in both themes, and are
redrawn when the theme changes (Leaky ReLU's #0072B2 was 2.1:1 on the dark advisor page)."""

import re

import pytest
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication

from app.restyle import make_palette
from widgets import palette, style
from widgets.help_panel import HelpPanel


def set_look(name):
    style.set_theme(name)
    QApplication.instance().setPalette(make_palette(style.theme()))
    QApplication.processEvents()


def heading_ink(label) -> str:
    """The colour of the first bold run of a rich-text label."""
    m = re.search(r'<b style="color:\s*(#[0-9A-Fa-f]{6})', label.text())
    assert m, label.text()
    return m.group(1)


@pytest.fixture
def panel(qtbot):
    p = HelpPanel()
    qtbot.addWidget(p)
    p.resize(900, 640)
    p.show()
    qtbot.waitExposed(p)
    yield p
    set_look("light")


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_activation_headings_reach_4_5_to_1(panel, theme):
    set_look(theme)
    page = panel.activations
    for row in page.rows:
        ink = heading_ink(row.text)
        assert style.contrast_ratio(ink, style.theme().window) >= 4.5, (theme, row.name, ink)
    image = page.viewport().grab().toImage()  # the page is the window colour
    assert QColor(image.pixel(image.width() - 3, image.height() - 3)).name() == \
        style.theme().window.lower()


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_advisor_answer_reaches_4_5_to_1_on_its_page(panel, theme):
    set_look(theme)
    panel.setCurrentIndex(1)
    advisor = panel.advisor
    QApplication.processEvents()
    for problem, priority, deep in ((True, "speed", False), (True, "accuracy", False),
                                    (True, "accuracy", True), (True, "research", False),
                                    (False, "speed", False)):
        advisor.set_answers(problem, priority, deep)
        ink = heading_ink(advisor.answer)
        image = advisor.grab().toImage()
        corner = advisor.answer.geometry().bottomRight()
        ground = QColor(image.pixel(corner.x() - 1, corner.y() - 1)).name()
        assert style.contrast_ratio(ink, ground) >= 4.5, (theme, advisor.choice, ink, ground)


def test_headings_follow_a_theme_change(panel):
    row = next(r for r in panel.activations.rows if r.name == "leaky_relu")
    advisor = panel.advisor
    advisor.set_answers(True, "speed", False)
    assert advisor.choice == "leaky_relu"
    for theme in ("dark", "light", "dark"):
        set_look(theme)
        for label in (row.text, advisor.answer):
            ink = heading_ink(label)
            assert style.contrast_ratio(ink, style.theme().window) >= 4.5, (theme, ink)
    # the hue is kept: still the Leaky ReLU blue, lightened
    assert QColor(heading_ink(row.text)).hueF() == pytest.approx(
        QColor(palette.LANE_COLORS["leaky_relu"]).hueF(), abs=0.02)
