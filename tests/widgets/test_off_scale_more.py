"""A short plot's last off-scale label says what the labels left out are: '(+2 lanes off scale;
hover for more)', or '(+2 lanes more)' where room is short, never a bare '(+2 more)'; its
tooltip names those lanes."""

from __future__ import annotations

import re

from simulation.config import RunConfig
from simulation.engine import Simulation
from widgets.time_off_scale import more_wordings
from widgets.time_plots import TimePlots

MORE = re.compile(r"\(\+(\d+) lanes? off scale; hover for more\)$")
SHORT = re.compile(r"\(\+(\d+) lanes? more\)$")


def run(w: TimePlots, sim: Simulation, steps: int, chunk: int = 10) -> None:
    for _ in range(steps // chunk):
        sim.run(chunk)
        w.refresh(sim)


def test_more_wordings_longest_first_with_a_short_fallback():
    texts = ("↑ ReLU off scale: b = 1e+09", "↑ ReLU: b 1e+09", "↑ b 1e+09")
    one = more_wordings(texts, 1)
    assert one[0] == "↑ ReLU off scale: b = 1e+09 (+1 lane off scale; hover for more)"
    assert one[1] == "↑ ReLU off scale: b = 1e+09 (+1 lane more)"
    assert one[-1] == "↑ b 1e+09 (+1 lane more)"
    assert more_wordings(texts, 2)[0].endswith("(+2 lanes off scale; hover for more)")
    assert more_wordings(texts, 3, now=False)[0].endswith(
        "(+3 lanes off scale earlier; hover for more)")
    assert more_wordings(texts, 1, noun="label")[1].endswith("(+1 label more)")
    assert not any(t.endswith("(+1 more)") for t in one)  # (the old, bare wording)


def test_a_short_plot_says_how_many_lanes_more_and_names_them(make):
    sim = Simulation(RunConfig(steps=3000), history_capacity=20_000)
    sim.run(100)
    sim.lr_shock(value=1e6, steps=5)  # every lane off the scale
    w = make(sim)
    w.resize(1100, 420)  # plots ~60 px tall: room for two or three labels each
    run(w, sim, 100)
    w._redraw()
    for name in ("z", "params"):
        shown = [(lane, lab) for lane in w.lanes for (plot, _), lab in lane.off.items()
                 if plot == name and lab.isVisible()]
        last = [(lane, lab) for lane, lab in shown if "more)" in lab.toPlainText()]
        assert len(last) == 1, (name, [lab.toPlainText() for _, lab in shown])
        _, lab = last[0]
        text = lab.toPlainText()
        assert not re.search(r"\(\+\d+ more\)$", text), text  # (the old, bare wording)
        labelled = {lane.label for lane, lab in shown}
        left_out = [lane.label for lane in w.lanes if lane.label not in labelled]
        m = MORE.search(text)
        if m is None:  # (a narrow plot: the short wording)
            m = SHORT.search(text)
        assert m is not None, text
        assert int(m.group(1)) == len(left_out) > 0
        tip = lab.toolTip()
        assert "No room to label" in tip
        assert all(n in tip for n in left_out), (tip, left_out)


def test_a_label_too_long_for_a_narrow_plot_keeps_its_start(make):
    """At the smallest window the plots are ~130 px wide: a label none of whose wordings fits
    showed its end ('+3 lanes more)') cut off at the plot's left edge; now its start, elided
    ('↓ Leaky ReLU: los…'), within the plot, the whole wording in its tooltip."""
    from PySide6.QtGui import QFontMetrics

    sim = Simulation(RunConfig(steps=3000), history_capacity=20_000)
    sim.run(100)
    sim.lr_shock(value=1e6, steps=5)  # every lane off the scale
    w = make(sim)
    w.resize(330, 600)
    run(w, sim, 100)
    w._redraw()
    seen = 0
    for lane in w.lanes:
        for (plot, _), lab in lane.off.items():
            if not lab.isVisible():
                continue
            seen += 1
            text = lab.toPlainText()
            width = round(w.plots[plot].vb.width()) - 8
            assert QFontMetrics(lab.textItem.font()).horizontalAdvance(text) <= width, text
            assert text[0] in "↑↓", text  # its start: the arrow, then the lane
            if text.endswith("…"):  # elided: the whole (longest) wording in the tooltip
                seen += 1000
                tip = lab.toolTip().splitlines()[0]
                assert tip[0] == text[0] and len(tip) > len(text), (text, tip)
    assert seen > 1000  # (some label was elided)
