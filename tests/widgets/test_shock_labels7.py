"""Shock labels each next to their own marker: never across another marker's line (an lr shock
and a bias shock ~360 steps apart read as each other's labels), for close shocks in rows or a
shorter text or none (the line stays), steady while the view scrolls, at 1280x720 and 1920x1080."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from tests.helpers import bias_shock_sim, open_window, play, show
from widgets.shock_markers import label_texts, place_label
from widgets.time_plots import PLOTS, TimePlots

NEAR = 8.0  # px at most between a label's box and its own line


def line_x(plots, name: str, step: float) -> float:
    return plots.plots[name].vb.mapViewToScene(QPointF(step, 0.0)).x()


def misplaced(plots) -> list[tuple]:
    """(plot, text, step, what) of every shown label whose box crosses the line of another
    marker in view (not one within a pixel of its own: shocks at one step share a line), or
    lies more than NEAR px from its own line."""
    out = []
    for name in PLOTS:
        vb = plots.plots[name].vb
        if not plots.plots[name].isVisible():
            continue
        box = vb.sceneBoundingRect()
        xs = [(m, line_x(plots, name, float(m.event["step"]))) for m in plots.markers]
        xs = [(m, x) for m, x in xs if box.left() <= x <= box.right()]
        for marker, own in xs:
            label = marker.labels[name]
            if not label.isVisible():
                continue
            r = label.sceneBoundingRect()
            for other, x in xs:
                if abs(x - own) > 1.0 and r.left() - 1.0 <= x <= r.right() + 1.0:
                    out.append((name, label.toPlainText(), marker.event["step"],
                                f"across the line at {other.event['step']}"))
            # beside its own line, or beside labels of its own line only
            if min(abs(r.left() - own), abs(r.right() - own)) > NEAR:
                mates = [m.labels[name].sceneBoundingRect() for m, x in xs
                         if m is not marker and abs(x - own) <= 1.0 and m.labels[name].isVisible()]
                if not any(abs(q.right() - r.left()) < 1.5 * NEAR
                           or abs(q.left() - r.right()) < 1.5 * NEAR for q in mates):
                    out.append((name, label.toPlainText(), marker.event["step"], "detached"))
            if not box.adjusted(-0.5, -0.5, 0.5, 0.5).contains(r):
                out.append((name, label.toPlainText(), marker.event["step"], "outside"))
    return out


def placement(plots) -> list[tuple]:
    """What each marker's top label shows and where: (step, visible, text, side, row)."""
    return [(m.event["step"], m.labels[PLOTS[0]].isVisible(), m.labels[PLOTS[0]].toPlainText(),
             side, row) for m, side, row in zip(plots.markers, plots.label_sides,
                                                 plots.label_rows, strict=True)]


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_lr_then_bias_shock_labels_by_their_own_lines(qtbot, size):
    """The reviewer's case: an lr shock at step 3,000, a bias shock 360 steps later, played on:
    'lr ×3' ran right across the bias line and 'b = −10' sat left of its line across the lr
    line. Every frame: no label across another line, each by its own, the newest labelled."""
    win = open_window(qtbot, size)
    for _ in range(30):
        play(win, 100)
    win.controller.lr_shock(factor=3.0, steps=2)
    for _ in range(9):
        play(win, 40)
    win.controller.bias_shock(-10.0)
    for _ in range(24):
        play(win, 40)
        QApplication.processEvents()
        assert misplaced(win.plots) == []
        lr, bias = win.plots.markers[-2:]
        assert lr.labels["loss"].isVisible() and bias.labels["loss"].isVisible()
        assert bias.labels["loss"].toPlainText() in label_texts(bias.event)
    assert [m.lines["loss"].isVisible() for m in win.plots.markers] == [True] * 3


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_ten_shocks_within_200_steps(qtbot, size):
    """Ten shocks 20 steps apart: the labels that fit (the outer ones, beside the cluster) and
    no other; every line still drawn."""
    sim = bias_shock_sim(2000)
    for i in range(10):
        (sim.bias_shock if i % 2 else sim.lr_shock)(*((-1.0 - i,) if i % 2 else (2.0,)))
        sim.run(20)
    sim.run(1000)
    plots = show(qtbot, TimePlots(sim), size)
    plots.refresh(sim)
    QApplication.processEvents()
    assert misplaced(plots) == []
    shown = [m.labels["loss"].isVisible() for m in plots.markers]
    assert shown[0] and shown[1] and shown[-1]  # step 300, and both ends of the cluster
    assert all(line.isVisible() for m in plots.markers for line in m.lines.values())


def test_labels_steady_while_the_view_scrolls(qtbot):
    """A 20,000-step window scrolling, shocks close together and apart: every frame right, and
    a marker's label changes (side, row, text, shown) only now and then, not every frame."""
    sim = bias_shock_sim(19_000)
    for gap in (15, 60, 400, 30, 2000, 10, 10):
        sim.bias_shock(-3.0)
        sim.run(gap)
    sim.lr_shock(factor=2.0)
    plots = show(qtbot, TimePlots(sim))
    before = None
    changes: dict[int, int] = {}
    for _ in range(80):
        sim.run(60)
        plots.refresh(sim)
        assert misplaced(plots) == []
        now = {p[0]: p[1:] for p in placement(plots)}
        if before is not None:
            for step, place in now.items():
                changes[step] = changes.get(step, 0) + (step in before and before[step] != place)
        before = now
    assert plots._xrange[0] > 1000  # it did scroll
    assert max(changes.values()) <= 3, changes


def test_shocks_at_one_step_share_their_line(qtbot):
    """Three shocks at one step, another close by: the three labels by their line (rows, or
    side by side), none across the other line."""
    sim = bias_shock_sim(2000)
    sim.weight_shock(-2.0, -2.0)
    sim.bias_shock(-10.0)
    sim.lr_shock(factor=3.0, steps=2)
    sim.run(150)
    sim.bias_shock(-4.0)
    sim.run(1500)
    plots = show(qtbot, TimePlots(sim))
    plots.refresh(sim)
    QApplication.processEvents()
    assert misplaced(plots) == []
    assert all(m.labels["loss"].isVisible() for m in plots.markers)


def test_place_label_keeps_within_its_limits():
    """place_label: text inside lo..hi (the nearest other lines), next to the line, a free row
    else the other side, None where it fits nowhere."""
    taken = [[], []]
    row, left, span = place_label(100.0, 50.0, taken, 0.0, 300.0)
    assert row == 0 and 100.0 < left < 104.0  # right of the line
    row, left, span = place_label(100.0, 50.0, taken, 0.0, 140.0)
    assert row == 0 and left + 50.0 <= 98.0  # no room before the next line: left of it
    taken[0].append(span)
    row, left, _ = place_label(100.0, 50.0, taken, 0.0, 140.0)
    assert row == 1 and left + 50.0 <= 98.0
    assert place_label(100.0, 50.0, taken, 60.0, 140.0) is None
