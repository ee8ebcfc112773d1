"""The step-through in the main window: its header and its formulas are whole at 1280x720 and
at 1920x1080, in presentation mode too."""

import re

import pytest
from PySide6.QtGui import QFont, QFontMetricsF, QTextDocument
from PySide6.QtWidgets import QApplication, QSplitter

from tests.helpers import play
from widgets.chain_phases import N_PHASES

NBSP, WJ = "\u00a0", "\u2060"  # no break here; word joiner (no break after a slash)

LEAKY = 1
OPERATORS = ("=", "+", "−", "×", "←", "/")


def set_up(win, size, presenting):
    """``win`` at ``size``, presenting or not, Leaky ReLU recovering, step-through column in
    view (presenting at 1280x720 it starts collapsed: dragged out as wide as before)."""
    win.resize(*size)
    QApplication.processEvents()
    split = win.tabs.widget(0)
    assert isinstance(split, QSplitter)
    before = split.sizes()[2]
    if presenting:
        win.presentation.set_presentation(True, persist=False)
        QApplication.processEvents()
        sizes = split.sizes()
        if sizes[2] < before:
            split.setSizes([sizes[0], sizes[1] + sizes[2] - before, before])
            QApplication.processEvents()
        assert win.chain.isVisible()
    play(win, 1225)
    win.select_lane(LEAKY)
    QApplication.processEvents()
    assert win.chain.width() > 200
    return win.chain


def header_lines(label) -> list[str]:
    """The header's lines as the label shows them, plain text."""
    doc = QTextDocument()
    doc.setHtml(label.text())
    return [s.strip() for s in doc.toPlainText().replace(NBSP, " ").split("\n")]


# (presenting on a window under 1500 px wide folds the step-through column away: that width and
# font are tested on the panel alone, test_header_wraps_to_any_width_and_font)
SIZES = [((1280, 720), False), ((1920, 1080), False), ((1920, 1080), True)]


@pytest.mark.parametrize(("size", "presenting"), SIZES)
def test_header_is_whole(win, size, presenting):
    chain = set_up(win, size, presenting)
    label = chain._title
    lines = header_lines(label)
    assert " ".join(lines).split() == ["Leaky", "ReLU", "RECOVERING", "step", "1,225"]
    bold = QFont(label.font())
    bold.setBold(True)  # the widest the header's text is written in
    room = label.contentsRect().width()
    for line in lines:
        assert QFontMetricsF(bold).horizontalAdvance(line) <= room, (lines, room)
    assert label.height() >= len(lines) * QFontMetricsF(bold).height()  # no line cut below
    # the lane's name and its state are never split between lines
    assert any("Leaky ReLU" in s for s in lines) and any("RECOVERING" in s for s in lines)


@pytest.mark.parametrize(("size", "presenting"), [((1280, 720), False), ((1920, 1080), True)])
def test_formulas_wrap_between_terms_in_the_window(win, size, presenting):
    chain = set_up(win, size, presenting)
    for lane in range(win.controller.sim.n_lanes):
        win.select_lane(lane)
        for phase in range(1, N_PHASES + 1):
            while chain.phase < phase:
                chain.next_phase()
            QApplication.processEvents()
            doc = chain._browser.document()
            doc.size()
            block = doc.begin()
            while block.isValid():
                text, layout = block.text(), block.layout()
                before = ""
                for i in range(layout.lineCount()):
                    line = layout.lineAt(i)
                    shown = text[line.textStart():line.textStart() + line.textLength()]
                    shown = shown.replace(WJ, "").replace(NBSP, " ").strip("\u2028 ")
                    where = (lane, phase, text)
                    assert not shown.endswith((*OPERATORS, "(")), where
                    assert not shown.startswith((")", "²")), where
                    assert shown.count("(") == shown.count(")"), where
                    assert not (re.search(r"[0-9.]$", before) and re.match(r"[0-9.]", shown))
                    before = shown
                block = block.next()


@pytest.mark.parametrize("scale", [1.0, 1.5, 1.75, 2.0])
@pytest.mark.parametrize("width", [300, 348, 446])
def test_header_wraps_to_any_width_and_font(qtbot, width, scale):
    """The panel on its own, as wide as the step-through column at 1280x720 (348 px) and at
    1920x1080 (446 px), with the presentation font scales: every header line fits."""
    from tests.helpers import bias_shock_sim
    from widgets.chain_rule import ChainRulePanel

    panel = ChainRulePanel(bias_shock_sim(1225))
    qtbot.addWidget(panel)
    panel.set_lane(LEAKY)
    label = panel._title
    font = QFont(label.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    label.setFont(font)
    panel.resize(width, 600)
    panel.show()
    qtbot.waitExposed(panel)
    lines = header_lines(label)
    assert " ".join(lines).split() == ["Leaky", "ReLU", "RECOVERING", "step", "1,225"]
    bold = QFont(label.font())
    bold.setBold(True)
    for line in lines:
        assert QFontMetricsF(bold).horizontalAdvance(line) <= label.contentsRect().width()
    assert lines == panel.header_lines()
