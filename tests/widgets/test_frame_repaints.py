"""A frame repaints only what changed: the step-through sets its phases again only when their
text changed, its header and the lane cards' text blocks paint their own background (a new
step number or line repaints them alone, not the panel, card and window behind), and what they
show is still the current step's."""

from PySide6.QtWidgets import QApplication

from tests.helpers import count_paints, show
from widgets import style
from widgets.chain_rule import ChainRulePanel
from widgets.lane_card import LaneCards

RELU, PRELU = 0, 2


def settle():
    for _ in range(3):
        QApplication.processEvents()


def spy_set_html(panel):
    calls = []
    real = panel._browser.setHtml

    def spy(html):
        calls.append(html)
        real(html)
    panel._browser.setHtml = spy
    return calls


def fresh_text(qtbot, sim, lane, phase, size):
    """What a new panel shows for ``sim`` (nothing cached)."""
    other = show(qtbot, ChainRulePanel(sim), size)
    other.set_lane(lane)
    other.set_phase(phase)
    settle()
    return other._browser.toPlainText(), other.header_lines()


def test_unchanged_phases_are_not_set_again_and_changed_ones_are(qtbot, sim):
    panel = show(qtbot, ChainRulePanel(sim), (450, 700))
    panel.set_lane(RELU)  # dead: its numbers stay the same step after step
    settle()
    calls = spy_set_html(panel)
    sim.run(1)
    panel.refresh(sim)
    settle()
    assert calls == []
    assert f"step {sim.current().step:,}" in panel.header_lines()[-1]  # the header is current
    assert (panel._browser.toPlainText(), panel.header_lines()) == fresh_text(
        qtbot, sim, RELU, 1, (450, 700))

    panel.set_lane(PRELU)  # recovering: its numbers change every step
    panel.set_phase(7)
    settle()
    calls.clear()
    before = panel._browser.toPlainText()
    sim.run(1)
    panel.refresh(sim)  # a new step: back to phase 1, new numbers
    settle()
    assert len(calls) == 1
    assert panel._browser.toPlainText() != before
    assert (panel._browser.toPlainText(), panel.header_lines()) == fresh_text(
        qtbot, sim, PRELU, 1, (450, 700))


def test_a_new_step_repaints_the_header_alone(qtbot, sim):
    panel = show(qtbot, ChainRulePanel(sim), (450, 700))
    settle()
    shield = panel._title.parentWidget()
    paints = count_paints(panel, shield, panel._title, panel._spin, panel._browser.viewport())
    sim.run(1)
    panel.refresh(sim)
    settle()
    assert paints[panel._title] >= 1  # the new step number
    assert (paints[panel], paints[shield], paints[panel._spin],
            paints[panel._browser.viewport()]) == (0, 0, 0, 0)
    assert panel._title.autoFillBackground()
    assert panel._title.palette().window().color() == panel.palette().window().color()


def _cards_image(cards):
    return cards.grab().toImage()


def test_card_text_blocks_repaint_alone_and_paint_the_cards_background(qtbot, sim):
    cards = show(qtbot, LaneCards(sim), (350, 900))
    settle()
    relu = cards.cards[RELU]
    assert "since shock" in relu.recovery.text()
    paints = count_paints(cards, *cards.cards, relu.recovery)
    before = relu.recovery.text()
    sim.run(1)
    cards.refresh(sim)
    settle()
    assert relu.recovery.text() != before  # "N steps since shock" counts on
    assert str(sim.current().step - sim.events[-1]["step"]) in relu.recovery.text()
    assert paints[relu.recovery] >= 1
    assert paints[cards] == 0 and all(paints[c] == 0 for c in cards.cards)


def test_card_text_blocks_look_the_same_opaque_in_both_themes(qtbot, sim):
    cards = show(qtbot, LaneCards(sim), (350, 900))
    try:
        for theme in ("light", "dark"):
            style.set_theme(theme)
            for card in cards.cards:
                card.set_selected(card.index == PRELU)
                card._apply_style(card.state)
            settle()
            bg = {style.theme().card_bg, style.theme().dead_bg}
            assert all(c.numbers._background.name().lower() in {b.lower() for b in bg}
                       for c in cards.cards)
            opaque = _cards_image(cards)
            for card in cards.cards:
                card.numbers.set_background(None)
                card.recovery.set_background(None)
            settle()
            assert _cards_image(cards) == opaque, theme
    finally:
        style.set_theme("light")


def test_unchanged_card_wordings_are_not_fitted_again_and_stay_shown(qtbot, sim, monkeypatch):
    import widgets.card_readout as card_readout

    cards = show(qtbot, LaneCards(sim), (350, 900))
    settle()
    relu = cards.cards[RELU]  # dead: its numbers stay, its "N steps since shock" counts on
    numbers = relu.numbers.lines()
    fitted = []
    real = card_readout.first_fitting
    monkeypatch.setattr(card_readout, "first_fitting",
                        lambda fm, width, texts: fitted.append(texts) or real(fm, width, texts))
    sim.run(1)
    relu.refresh(sim.current(), True)
    # the numbers as they were: not fitted again
    assert fitted and not any(t[0].startswith(("w1", "b ", "loss")) for t in fitted)
    assert relu.numbers.lines() == numbers
    steps = sim.current().step - sim.events[-1]["step"]
    assert f"{steps:,} steps since shock" in relu.recovery.text()  # the new count is shown
    lines, tip = relu.recovery.lines(), relu.recovery.toolTip()

    # a reused card (set_lane clears its lines and tooltip) shows them again
    relu.set_lane(RELU, relu.spec)
    relu.refresh(sim.current(), True)
    assert relu.numbers.lines() == numbers
    assert (relu.recovery.lines(), relu.recovery.toolTip()) == (lines, tip)
    # a narrower card fits its wordings again
    fitted.clear()
    cards.resize(250, 900)
    settle()
    relu._snap = None
    relu.refresh(sim.current(), True)
    assert any(t[0].startswith("w1") for t in fitted)
