"""Lane cards and the network diagram read truthfully and legibly: a DEAD lane says it cannot
recover, names and badges reach WCAG AA contrast in both themes (the sample dots stand out on the
dark theme), the formula fits the card at 1280x720, and presentation mode enlarges the diagram."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QColor

from simulation import activations
from simulation.config import LaneSpec
from simulation.health import State
from tests.helpers import bias_shock_sim, open_window, painted_calls, play
from tests.widgets.test_lane_cards import card_of, make_cards
from widgets import style
from widgets.card_frame import LaneCard


def luminance(color: QColor) -> float:
    """WCAG 2 relative luminance."""
    def lin(c: float) -> float:
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    return 0.2126 * lin(color.redF()) + 0.7152 * lin(color.greenF()) + 0.0722 * lin(color.blueF())


def contrast(a: QColor | str, b: QColor | str) -> float:
    hi, lo = sorted((luminance(QColor(a)), luminance(QColor(b))), reverse=True)
    return (hi + 0.05) / (lo + 0.05)


def over(fg: QColor, bg: QColor) -> QColor:
    """``fg`` (with alpha) composited over the opaque ``bg``."""
    t = fg.alphaF()
    return QColor.fromRgbF(*(f * t + b * (1 - t) for f, b in
                             zip((fg.redF(), fg.greenF(), fg.blueF()),
                                 (bg.redF(), bg.greenF(), bg.blueF()), strict=True)))


def sheet_color(sheet: str, prop: str) -> QColor:
    """The colour of ``prop`` (``color`` or ``background``) in a style sheet."""
    m = re.search(rf"(?<![-\w]){prop}:\s*(#[0-9A-Fa-f]{{6}}|\w+)", sheet)
    assert m, (prop, sheet)
    return QColor(m.group(1))


@pytest.fixture(params=["light", "dark"])
def theme(request):
    style.set_theme(request.param)
    yield style.theme()
    style.set_theme("light")


# --- A: a DEAD lane cannot recover ----------------------------------------------------------
def test_dead_lane_says_it_cannot_recover(qtbot):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    relu = card_of(cards, "relu")
    assert relu.state == State.DEAD
    lines = relu.recovery.lines()
    assert lines == ["cannot recover while dead (2,700 steps since shock)",
                     "every gradient is exactly 0"]
    assert not any("not recovered yet" in line for line in lines)
    # lanes that can still move keep "not recovered yet"
    for name in ("prelu", "elu", "selu"):
        card = card_of(cards, name)
        assert card.state in (State.RECOVERING, State.SATURATED)
        assert card.recovery.lines()[0] == "not recovered yet (2,700 steps since shock)"


def test_dead_line_shortens_rather_than_elides(qtbot):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim, size=(300, 900))
    relu = card_of(cards, "relu")
    line = relu.recovery.lines()[0]
    assert line.startswith("cannot recover")
    assert "not recovered" not in line
    assert relu.recovery.fontMetrics().horizontalAdvance(line) <= relu.recovery.width()


# --- B: contrast in both themes -------------------------------------------------------------
def lane_cards(qtbot) -> list[LaneCard]:
    out = []
    for name in activations.ACTIVATIONS:
        card = LaneCard(0, LaneSpec(name))
        qtbot.addWidget(card)
        out.append(card)
    return out


def test_name_and_badge_reach_wcag_aa(qtbot, theme):
    for card in lane_cards(qtbot):
        for state in State:
            card._apply_style(state)
            bg = sheet_color(card.styleSheet(), "background")
            name = sheet_color(card.name.styleSheet(), "color")
            assert contrast(name, bg) >= 4.5, (theme.name, card.act.name, state, name.name())
            badge = card.badge.styleSheet()
            fg, back = sheet_color(badge, "color"), sheet_color(badge, "background")
            assert contrast(fg, back) >= 4.5, (theme.name, state, fg.name(), back.name())


def test_dead_badge_stands_out_on_the_dead_card(qtbot, theme):
    card = lane_cards(qtbot)[0]
    card._apply_style(State.DEAD)
    bg = sheet_color(card.styleSheet(), "background")
    back = sheet_color(card.badge.styleSheet(), "background")
    assert contrast(back, bg) >= 3.0, (theme.name, back.name(), bg.name())


def test_dots_outline_stands_out_on_the_plot(qtbot, theme):
    for card in lane_cards(qtbot):
        for state in State:
            card._apply_style(state)
            plot_bg = card.plot.backgroundBrush().color()
            shaded = over(card.region.brush.color(), plot_bg)  # the z <= 0 region
            pen = card.dots.opts["pen"].color()
            assert card.dots.opts["pen"].widthF() >= 1
            for bg in (plot_bg, shaded):
                assert contrast(pen, bg) >= 3.0, (theme.name, card.act.name, state, pen.name())


# --- C: the formula fits --------------------------------------------------------------------
@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_formula_fits_the_card(qtbot, size):
    w = open_window(qtbot, size)
    assert not w.cards.cards[0]._shocked  # before the shock: the line shows the formula
    for card in w.cards.cards:
        lines = card.recovery.lines()
        assert any(f"f(z) = {card.act.formula}" in line for line in lines), lines
        fm = card.recovery.fontMetrics()
        for line in lines:
            assert fm.horizontalAdvance(line) <= card.recovery.width(), (line, size)


def test_formula_is_the_lanes_own(qtbot):
    card = LaneCard(0, LaneSpec("leaky_relu", {"negative_slope": 0.05}))
    qtbot.addWidget(card)
    assert card._formula() == "f(z) = z if z ≥ 0 else 0.05·z"


# --- D: presentation mode enlarges the diagram's text ---------------------------------------
def diagram_sizes(diagram) -> dict[str, int]:
    """The pixel size of each text the diagram paints, by its first word."""
    seen: dict[str, int] = {}
    for call, _ in painted_calls(diagram):
        seen.setdefault(call["text"].split(" ")[0],
                        diagram._font(call["px"], call["bold"]).pixelSize())
    return seen


def test_presentation_enlarges_the_diagram_labels(qtbot):
    w = open_window(qtbot, (1920, 1080))
    play(w, 1000)
    pres = w.presentation
    normal = diagram_sizes(w.diagram)
    pres.set_presentation(True, persist=False)
    try:
        assert w.diagram.width() > 100
        big = diagram_sizes(w.diagram)
    finally:
        pres.set_presentation(False, persist=False)
    for label in ("w₁", "w₂", "sample", "L", "z"):
        assert big[label] == round(normal[label] * pres.scale), (label, normal, big)
    assert diagram_sizes(w.diagram)["w₁"] == normal["w₁"]  # and back


def test_a_compact_dead_card_says_it_cannot_recover(qtbot):
    """At 1280x720 a card has one line under its curve: a dead lane's said only why ("every
    gradient is exactly 0"), not that it cannot recover."""
    from tests.helpers import open_window, play

    w = open_window(qtbot, (1280, 720))
    play(w, 1500)
    relu = next(c for c in w.cards.cards if c.spec.activation == "relu")
    assert relu.state == State.DEAD and relu._compact
    (line,) = relu.recovery.lines()
    assert line.endswith("cannot recover") and "exactly 0" in line
    assert relu.recovery.fontMetrics().horizontalAdvance(line) <= relu.recovery.width()
