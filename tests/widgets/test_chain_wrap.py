"""The step-through's formulas are laid out for the column they are shown in: broken only
between terms, in balanced lines, none wider than the column; a term wider than the column is
written smaller. (At 1280x720 a line ended after one short term, "− 9" sat alone on the next;
at a 2x font lines broke wherever Qt found room.)"""

import re

import pytest
from PySide6.QtGui import QFont

from tests.helpers import bias_shock_sim
from widgets.chain_header import Ruler, wrap_terms
from widgets.chain_phases import N_PHASES, formula
from widgets.chain_rule import ChainRulePanel

RELU, LEAKY = 0, 1
NBSP, WJ, LS = "\u00a0", "\u2060", "\u2028"  # no break; word joiner; a <br>
OPERATORS = ("=", "+", "−", "×", "←", "/")
# the step-through column at 1280x720 (360 px) and 1920x1080 (460), presenting at 1920x1080
# with 1.5x (430) and 2x (570) fonts, and 2x in a column dragged narrow (360)
WIDTHS = [(360, 1.0), (460, 1.0), (430, 1.5), (570, 2.0), (360, 2.0)]


@pytest.fixture(scope="module")
def shocked():
    """The bias-shock preset 2,000 steps, a bias shock, 300 steps more: ReLU dead, Leaky ReLU
    recovering."""
    sim = bias_shock_sim(2000)
    sim.bias_shock(-10.0)
    sim.run(300)
    return sim


def shown_panel(qtbot, sim, width, scale):
    panel = ChainRulePanel(sim)
    qtbot.addWidget(panel)
    font = QFont(panel._browser.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    panel._browser.setFont(font)  # as presentation mode scales it
    panel.resize(width, 700)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def laid_out(panel):
    """Per text block of the phases: its lines as written (between <br>s) and the lines Qt
    lays it out in, each with its natural width."""
    doc = panel._browser.document()
    doc.size()  # lay it out
    blocks, block = [], doc.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        lines = []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            piece = text[line.textStart():line.textStart() + line.textLength()]
            piece = piece.replace(WJ, "").replace(NBSP, " ").strip(LS + " ")
            lines.append((piece, line.naturalTextWidth()))
        if text.strip():
            blocks.append((text.count(LS) + 1, lines))
        block = block.next()
    return blocks


def assert_whole_terms(panel, where):
    room = panel.room()
    for written, lines in laid_out(panel):
        assert len(lines) == written, (where, [s for s, _ in lines], room)  # Qt broke none
        before = ""
        for line, width in lines:
            assert width <= room, (where, line, width, room)
            assert line not in OPERATORS, (where, lines)  # no lone "="
            assert not line.endswith((*OPERATORS, "(")), (where, lines)
            assert not line.startswith((")", "²")), (where, lines)
            assert line.count("(") == line.count(")"), (where, lines)
            assert not (re.search(r"[0-9.]$", before) and re.match(r"[0-9.]", line)), where
            before = line


@pytest.mark.parametrize(("width", "scale"), WIDTHS)
@pytest.mark.parametrize("lane", [RELU, LEAKY])
def test_every_phase_breaks_between_terms_and_fits(qtbot, shocked, lane, width, scale):
    panel = shown_panel(qtbot, shocked, width, scale)
    panel.set_lane(lane)
    for phase in range(1, N_PHASES + 1):
        panel.set_phase(phase)
        assert panel._room == panel.room()  # laid out for the width shown
        assert_whole_terms(panel, (lane, width, scale, phase))


def test_relayout_on_resize_and_font_change(qtbot, shocked):
    panel = shown_panel(qtbot, shocked, 570, 1.0)
    panel.set_lane(LEAKY)
    panel.set_phase(7)
    wide = panel._browser.toHtml().count("<br />")
    panel.resize(360, 700)
    qtbot.waitUntil(lambda: panel._room == panel.room())
    assert_whole_terms(panel, "narrow")
    assert panel._browser.toHtml().count("<br />") > wide
    font = QFont(panel._browser.font())
    font.setPointSizeF(font.pointSizeF() * 2)
    panel._browser.setFont(font)
    assert panel._ruler.font.pointSizeF() == font.pointSizeF()
    assert_whole_terms(panel, "2x")


def lines_of(html: str) -> list[str]:
    text = re.sub(r"<(?!br)[^>]*>", "", html).replace("&nbsp;", " ").replace(NBSP, " ")
    return [s.strip() for s in text.split("<br>")]


@pytest.fixture
def ruler(qapp):
    r = Ruler()
    font = QFont(qapp.font())
    font.setPointSizeF(13.0)
    r.set_font(font)
    return r


def test_balanced_lines_not_a_lone_term(ruler):
    """Phase 1 of Leaky ReLU at 1280x720: before, "− 9" sat on a line of its own."""
    line = "&nbsp;&nbsp;" + formula("= 3.798×0.9449 + 3.547×0.9039 − 9")
    room = ruler.width(line) - 20  # a little too narrow for one line
    assert lines_of(wrap_terms(line, room, ruler)) == ["= 3.798×0.9449", "+ 3.547×0.9039 − 9"]
    assert wrap_terms(line, room + 40, ruler) == line  # fits: as it was


def test_a_list_breaks_after_its_commas(ruler):
    """The summed gradients: each "∂L/∂w = g" whole, not "∂L/∂w₂" at a line's end and its
    value on the next."""
    line = formula("∂L/∂w₁ = −0.006063, &nbsp;∂L/∂w₂ = −0.005937, &nbsp;∂L/∂b = −0.01096")
    room = ruler.width(formula("∂L/∂w₁ = −0.006063, &nbsp;∂L/∂w₂")) + 10
    assert lines_of(wrap_terms(line, room, ruler)) == [
        "∂L/∂w₁ = −0.006063,", "∂L/∂w₂ = −0.005937,", "∂L/∂b = −0.01096"]


def test_an_update_breaks_at_its_minus_not_inside_the_product(ruler):
    line = formula("w₁ ← 3.798 − 0.3 × (−0.006063)")
    room = ruler.width("&nbsp;" * 4 + formula("− 0.3 × (−0.006063)")) + 10  # (the indent)
    assert room < ruler.width(line)
    assert lines_of(wrap_terms(line, room, ruler)) == ["w₁ ← 3.798", "− 0.3 × (−0.006063)"]


def test_a_term_wider_than_the_column_is_written_smaller(ruler):
    line = formula("this sample: (a − y)² = (−0.02205 − 0.8436)²")
    term = ruler.width(formula("(−0.02205 − 0.8436)²"))
    out = wrap_terms(line, term * 0.8, ruler)
    size = float(re.search(r"font-size:([0-9.]+)pt", out).group(1))
    assert size < 13.0
    assert "(−0.02205 − 0.8436)²" in [s.replace(" ", " ") for s in lines_of(out)][-1]
    assert all("(" not in s or s.count("(") == s.count(")") for s in lines_of(out))
