"""Lane cards fit what they show into the room they have: with large fonts (presentation mode)
a card compacts its text so that the f(z) plot keeps a usable height, never a strip; with extreme
values (lr 99, a b = -130 shock) numbers take a shorter form instead of being cut, the divergence
cause stays readable (the full text in the tooltip), and the off-chart note fits the plot."""

from __future__ import annotations

import re

import pytest
from PySide6.QtGui import QFont

from simulation.health import State
from tests.helpers import bias_shock_sim
from tests.widgets.test_lane_cards import card_of, make_cards
from widgets.card_frame import PLOT_MIN, LaneCard


def plot_area(card: LaneCard) -> float:
    """Height of the plot's drawing area (the view box: the plot without its tick labels)."""
    return card.plot.getPlotItem().getViewBox().height()


def enlarge(card: LaneCard, scale: float) -> None:
    """What presentation mode does to a card (app.restyle): larger fonts, taller tick labels,
    the numbers hidden; the card keeps its size."""
    for label in (card.name, card.badge, card.recovery):
        font = QFont(label.font())
        font.setPointSizeF(font.pointSizeF() * scale)
        label.setFont(font)
    card.plot.getPlotItem().getAxis("bottom").setHeight(int(7.5 * scale * 1.6) + 4)
    card.numbers.hide()


def fits(widget, lines: list[str]) -> bool:
    fm = widget.fontMetrics()
    return all(fm.horizontalAdvance(line) <= widget.width() for line in lines)


@pytest.mark.parametrize("scale", [1.75, 2.0])
def test_large_fonts_keep_a_usable_plot_without_a_resize(qtbot, scale):
    # five cards in the 804 px the column has at 1920x1080 presenting: 156 px each
    cards = make_cards(qtbot, bias_shock_sim(1000), size=(450, 804))
    heights = [c.height() for c in cards.cards]
    assert not any(c.compact for c in cards.cards)
    for card in cards.cards:
        enlarge(card, scale)
    qtbot.waitUntil(lambda: all(c.compact for c in cards.cards))
    assert [c.height() for c in cards.cards] == heights  # no resize: the fonts alone did it
    for card in cards.cards:
        qtbot.waitUntil(lambda c=card: plot_area(c) >= c.plot_min())
        assert not card.bare and card.plot_min() > PLOT_MIN  # more than 40 px at large fonts
        assert card.recovery.geometry().top() > card.plot.geometry().bottom()
        assert card.recovery.geometry().bottom() <= card.height()


def test_a_card_too_short_for_a_usable_plot_drops_it(qtbot):
    cards = make_cards(qtbot, bias_shock_sim(1000), size=(450, 540))  # ~103 px a card
    for card in cards.cards:
        enlarge(card, 1.5)
    qtbot.waitUntil(lambda: all(c.bare for c in cards.cards))
    for card in cards.cards:
        assert card.recovery.geometry().bottom() <= card.height()


def extreme_sim():
    """The reviewer's run: lr 99, then a b = -130 shock (PReLU's loss overflows)."""
    sim = bias_shock_sim(1200)
    sim.set_lr(99.0)
    sim.bias_shock(-130.0)
    sim.run(20)
    return sim


@pytest.mark.parametrize("size", [(288, 559), (360, 900)])  # 1280x720 (compact), 1920x1080
def test_extreme_values_are_never_cut(qtbot, size):
    sim = extreme_sim()
    cards = make_cards(qtbot, sim, size=size)
    prelu = card_of(cards, "prelu")
    assert prelu.state == State.DIVERGED
    assert prelu.compact == (size[1] < 700)
    for card in cards.cards:
        assert fits(card.numbers, card.numbers.lines()), card.numbers.lines()
        assert fits(card.recovery, card.recovery.lines()), card.recovery.lines()
        off = card.off_chart
        if off.isVisible():  # the note fits the plot; the full sentence is in the tooltip
            assert off.geometry().right() < card.plot.width(), off.text()
            assert "off" in off.text()
            assert re.search(r"samples|dots", off.text()), off.text()  # says what is off
            n = sim.current().fb.z.shape[-1]
            assert re.search(rf"\d+ of {n} samples off the chart", card.plot.toolTip())
    # alpha (4.7e173) in a shorter form that is still the number
    alpha = float(sim.current().params.alpha[prelu.index, 0])
    m = re.search(r"α\s+([+-][\d.]+e\d+)$", prelu.numbers.text(), re.MULTILINE)
    assert m, prelu.numbers.text()
    assert float(m.group(1)) == pytest.approx(alpha, rel=0.25)
    # the divergence cause is readable; the full line is in the tooltip
    div = sim.divergence[prelu.index]
    full = f"blew up at step {div['step']:,}: {div['cause']}"
    shown = " ".join(prelu.recovery.lines())
    assert "loss overflowed to inf" in shown and f"step {div['step']:,}" in shown
    assert shown == full or full in prelu.recovery.toolTip()


def test_a_diverged_line_wraps_onto_both_rows_of_a_full_card(qtbot):
    sim = extreme_sim()
    cards = make_cards(qtbot, sim, size=(300, 900))
    prelu = card_of(cards, "prelu")
    assert not prelu.compact
    div = sim.divergence[prelu.index]
    full = f"blew up at step {div['step']:,}: {div['cause']}"
    assert prelu.recovery.fontMetrics().horizontalAdvance(full) > prelu.recovery.width()
    lines = prelu.recovery.lines()
    assert " ".join(lines) == full and len(lines) == 2
    assert lines[1].startswith("(")  # broken before the parenthesis, not inside a number


def test_shortened_numbers_have_the_full_ones_in_the_tooltip(qtbot):
    sim = extreme_sim()
    cards = make_cards(qtbot, sim, size=(288, 559))
    prelu = card_of(cards, "prelu")
    assert prelu.numbers.lines()[0].startswith("b ")
    assert "In full:" in prelu.numbers.toolTip()
    assert re.search(r"α [+-]\d\.\de173", prelu.numbers.toolTip())
    relu = card_of(cards, "relu")  # nothing shortened: the help alone
    assert "In full" not in relu.numbers.toolTip()


def test_unchanged_text_is_not_set_again(qtbot, monkeypatch):
    """Cards refresh every other frame: the off-chart note and tooltips are set only on change."""
    sim = extreme_sim()
    cards = make_cards(qtbot, sim, size=(288, 559))
    calls = []
    for card in cards.cards:
        for w in (card.off_chart, card.plot, card.recovery, card.numbers):
            monkeypatch.setattr(w, "setText", lambda *a, c=calls: c.append(a), raising=False)
            monkeypatch.setattr(w, "setToolTip", lambda *a, c=calls: c.append(a))
    sim.run(1)
    cards.refresh(sim)
    sim.run(1)
    cards.refresh(sim)
    assert calls == []


def test_a_larger_font_rewords_the_lines_without_a_refresh(qtbot):
    """Presentation mode while paused: no new step comes, the wordings follow the new font."""
    sim = extreme_sim()
    cards = make_cards(qtbot, sim, size=(360, 900))
    assert not any(c.compact for c in cards.cards)
    for card in cards.cards:
        font = QFont(card.recovery.font())
        font.setPointSizeF(font.pointSizeF() * 1.4)
        card.recovery.setFont(font)
    for card in cards.cards:
        qtbot.waitUntil(lambda c=card: fits(c.recovery, c.recovery.lines()))
        assert not card.compact
