"""The step-through's text: formulas wrap only between whole terms, and numbers that would look
equal but differ are shown with the digits that tell them apart."""

import re

import pytest
from PySide6.QtGui import QFont, QTextDocument

from tests.helpers import bias_shock_sim
from tests.widgets.test_chain_rule import LEAKY, NUM, RELU, parse, walk_to
from widgets.chain_numbers import fmt, read_numbers
from widgets.chain_phases import N_PHASES, phase_html
from widgets.chain_rule import ChainRulePanel

NBSP, WJ = "\u00a0", "\u2060"  # no break here; word joiner (no break after a slash)
OPERATORS = ("=", "+", "−", "×", "←", "/")


def visible(html: str) -> str:
    """The text of ``html`` with its tags removed (entities kept as written)."""
    return re.sub(r"<[^>]*>", "", html.replace("&nbsp;", NBSP))


def rendered_lines(html: str, width: float, font: QFont) -> list[list[str]]:
    """The lines Qt lays ``html`` out in at ``width``, per block, as shown (WJ dropped, NBSP
    as a space)."""
    doc = QTextDocument()
    doc.setDefaultFont(font)
    doc.setHtml(html)
    doc.setTextWidth(width)
    doc.size()  # lay it out
    blocks = []
    block = doc.begin()
    while block.isValid():
        text, layout = block.text(), block.layout()
        lines = []
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            piece = text[line.textStart():line.textStart() + line.textLength()]
            piece = piece.replace(WJ, "").replace(NBSP, " ").replace("\u2028", "").strip()
            if piece:
                lines.append(piece)
        blocks.append(lines)
        block = block.next()
    return blocks


@pytest.fixture(scope="module")
def sims():
    """Lanes in three moods: ReLU dead, Leaky ReLU recovering (1,225), converged (10,100)."""
    return {"recovering": bias_shock_sim(1225), "converged": bias_shock_sim(10100)}


CASES = [("recovering", RELU), ("recovering", LEAKY), ("recovering", 2), ("recovering", 3),
         ("converged", LEAKY)]


@pytest.mark.parametrize(("mood", "lane"), CASES)
def test_formula_pieces_have_no_break_opportunity(sims, mood, lane):
    nb = read_numbers(sims[mood], lane, None)
    for phase in range(1, N_PHASES + 1):
        text = visible(phase_html(nb, phase))
        # no break after a slash: ∂a/∂z, ∂L/∂w₁, 2/π
        assert all(m == "/" + WJ for m in re.findall(r"/.?", text)), text
        # never a breakable space right after an operator: it goes before the operator
        for op in OPERATORS:
            assert op + " " not in text, (phase, op, text)
        # a parenthesis with arithmetic in it has no breakable space
        for group in re.findall(r"\([^()]*\)", text):
            if any(op in group for op in "+−×"):
                assert " " not in group, (phase, group)
    assert f"(a{NBSP}−{NBSP}y)" in visible(phase_html(nb, 4))


@pytest.mark.parametrize("scale", [1.0, 1.5])  # and the default presentation font scale
@pytest.mark.parametrize(("mood", "lane"), CASES)
def test_rendered_lines_break_only_between_terms(qtbot, sims, mood, lane, scale):
    """Laid out at the width of the step-through at 1280x720 (346 px) and at 1920x1080 in
    presentation mode (444 px), no line ends on an operator or an open parenthesis, none starts
    with a closing one, none splits a number, and each line's parentheses balance."""
    panel = ChainRulePanel(sims[mood])
    qtbot.addWidget(panel)
    font = QFont(panel.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    nb = read_numbers(sims[mood], lane, None)
    width = 346 if scale == 1.0 else 444
    for phase in range(1, N_PHASES + 1):
        for lines in rendered_lines(phase_html(nb, phase), width, font):
            for before, line in zip(["", *lines], lines, strict=False):
                where = (phase, lines)
                assert not line.endswith((*OPERATORS, "(")), where
                assert not line.startswith((")", "²")), where
                assert line.count("(") == line.count(")"), where
                assert not (re.search(r"[0-9.]$", before) and re.match(r"[0-9.]", line)), where


def test_fmt_apart_shows_the_digits_that_differ():
    from widgets.chain_numbers import fmt_apart

    a, y = 0.8436491220312685, 0.8436491220312677
    sa, sy, digits = fmt_apart(a, y)
    assert sa != sy and digits == 15
    assert fmt(a, digits - 1) == fmt(y, digits - 1)  # one digit less: they would look equal
    assert fmt_apart(0.25, 0.75) == ("0.25", "0.75", 4)
    assert fmt_apart(0.5, 0.5) == ("0.5", "0.5", 4)
    one_ulp = fmt_apart(1.0, 1.0000000000000002)
    assert one_ulp[0] != one_ulp[1] and one_ulp[2] <= 17


def test_converged_lane_shows_why_a_minus_y_is_not_zero(qtbot, sims):
    """Leaky ReLU after it has converged: a and y agree to 4 digits, yet dL/da is not 0."""
    sim = sims["converged"]
    snap = sim.current()
    a, y = snap.fb.a[LEAKY, 0], sim.data.y
    panel = ChainRulePanel(sim)
    qtbot.addWidget(panel)
    panel.resize(420, 500)
    panel.set_lane(LEAKY)
    k = panel.sample
    assert a[k] != y[k] and fmt(a[k]) == fmt(y[k])  # the case: equal to 4 digits only
    assert snap.fb.dL_da[LEAKY, 0, k] != 0.0

    for phase in (3, 4):
        text = walk_to(panel, phase)
        (sa,) = find_all(rf"(?m)^\s*a = ({NUM})$", text)
        (sy,) = find_all(rf"(?m)^\s*y = ({NUM})$", text)
        assert sa != sy  # shown apart
        assert parse(sa) == pytest.approx(a[k], rel=1e-14)
        assert parse(sy) == pytest.approx(y[k], rel=1e-14)
        (diff,) = find_all(rf"(?m)^\s*a − y = ({NUM}),", text)
        assert parse(diff) == pytest.approx(a[k] - y[k], rel=1e-3) and parse(diff) != 0.0
        digits = int(re.search(r"agree to (\d+) digits only", text).group(1))
        assert fmt(a[k], digits) == fmt(y[k], digits)
        assert fmt(a[k], digits + 1) != fmt(y[k], digits + 1)
        # nowhere two equal-looking numbers subtracted
        for left, right in re.findall(rf"\(({NUM}) − ({NUM})\)", text):
            assert left != right, text
    diff, dl_da = find_all(rf"= 2 × \(({NUM})\) / (\d+)\s*= ({NUM})", text)[::2]
    assert parse(diff) == pytest.approx(a[k] - y[k], rel=1e-3)
    assert parse(dl_da) == pytest.approx(snap.fb.dL_da[LEAKY, 0, k], rel=1e-3)


def test_an_update_lost_in_rounding_says_so(qtbot, sims):
    """Converged: lr x grad is below half the float spacing of w: the engine's w stays, and the
    panel says so instead of "(Δ +0)"."""
    sim = bias_shock_sim(10100)
    snap = sim.current()
    w1, g1, lr = snap.params.w1[LEAKY, 0], snap.fb.grad_w1[LEAKY, 0], snap.lr
    assert g1 != 0.0 and w1 - lr * g1 == w1  # the case
    panel = ChainRulePanel(sim)
    qtbot.addWidget(panel)
    panel.set_lane(LEAKY)
    text = walk_to(panel, 7)
    assert "Δ +0)" not in text and "Δ −0)" not in text
    line = next(s for s in text.split("\n") if s.startswith("w₁ ←"))
    line += text.split(line, 1)[1].split("w₂")[0]
    assert "lost in float rounding" in line
    (step,) = find_all(rf"the step ({NUM})", line)
    assert parse(step) == pytest.approx(lr * g1, rel=1e-3)
    sim.step()
    assert sim.params.w1[LEAKY, 0] == w1  # true: the engine's w1 did not move


def find_all(pattern: str, text: str) -> list[str]:
    """The groups of the first match of ``pattern`` in ``text``, as written."""
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in:\n{text}"
    return list(m.groups())
