"""The Death-map and Self-normalization tabs at 1280x720 and 1920x1080, with and without the
set-up dock, presenting or not, and at the window's minimum size: the maps keep a usable height
(the framework text under them scrolls first), and no text or field of the left panels is cut
(the panels are as wide as their fields need at the font in force).

(The `win` fixture's preferences are temporary and it ends presentation mode afterwards.)
"""

import dataclasses
import itertools

import numpy as np
import pytest
from PySide6.QtCore import QPoint, QRect
from PySide6.QtWidgets import (
    QAbstractSpinBox,
    QCheckBox,
    QComboBox,
    QLabel,
    QPushButton,
    QWidget,
)

from simulation import sweep
from simulation.health import State
from tests.helpers import open_tab, settle, tick_labels, window_case
from widgets.claim_controls import FONT_PT
from widgets.death_map_framework import framework_text

MAP_MIN = 75  # px: each map's height at least, on every screen below


def _visible(w, top):
    """The part of ``w`` its ancestors up to ``top`` leave visible, in ``top``'s coordinates."""
    rect = QRect(w.mapTo(top, QPoint(0, 0)), w.size())
    p = w.parentWidget()
    while p is not None and p is not top:
        rect = rect.intersected(QRect(p.mapTo(top, QPoint(0, 0)), p.size()))
        p = p.parentWidget()
    return rect


def cut_texts(root: QWidget, top: QWidget) -> list[tuple]:
    """The labels, check boxes, buttons, spin boxes and combo boxes under ``root`` whose text does
    not fit their size, or which their ancestors cut on the left or right (scrolled out of
    sight vertically is not cut)."""
    cut = []
    for w in root.findChildren(QWidget):
        if not w.isVisibleTo(top) or not isinstance(
                w, QLabel | QCheckBox | QPushButton | QAbstractSpinBox | QComboBox):
            continue
        vis = _visible(w, top)
        if vis.height() > 0 and vis.width() < w.width():
            cut.append(("cut by its column", w, vis.width(), w.width()))
        if isinstance(w, QLabel):
            need = (w.heightForWidth(w.width()) if w.wordWrap() else w.sizeHint().height())
            if need > w.height() + 1 or (not w.wordWrap() and w.sizeHint().width() > w.width()):
                cut.append(("label", w.text()[:30], w.size(), need))
        elif isinstance(w, QCheckBox | QPushButton | QComboBox):
            if w.sizeHint().width() > w.width():
                cut.append(("narrow", w, w.width(), w.sizeHint().width()))
        else:
            edit = w.lineEdit()
            if edit.fontMetrics().horizontalAdvance(w.text()) + 4 > edit.width():
                cut.append(("spin", w.text(), edit.width()))
    return cut


def _small_sweep(view):
    spec = sweep.SweepSpec(bias=tuple(np.linspace(-10, 10, 6).tolist()),
                           factor=tuple(np.geomspace(1, 100, 6).tolist()),
                           shock_step=20, lr_steps=2, steps=120)
    return sweep.Sweep(view.base_config(), spec)


# (width, height) or "min", the set-up dock shown, presenting at a scale or 0
CASES = {
    "1280 dock": ((1280, 720), True, 0),
    "1280 no dock": ((1280, 720), False, 0),
    "1280 presenting": ((1280, 720), False, 1.5),
    "1920 presenting 1.5x": ((1920, 1080), False, 1.5),
    "1920 presenting 2x": ((1920, 1080), False, 2.0),
    "minimum size": ("min", False, 0),
    "minimum size, dock": ("min", True, 0),
}


@pytest.mark.parametrize("built_first", [False, True], ids=["built after", "built before"])
@pytest.mark.parametrize("case", list(CASES), ids=list(CASES))
def test_death_map_maps_keep_their_height_and_the_panel_is_never_cut(win, qtbot, case,
                                                                     built_first):
    if built_first:  # the tab exists (and has run) when presentation / the size changes
        view = open_tab(win, "Death map")
        view.start(_small_sweep(view))
        qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    window_case(win, qtbot, *CASES[case])
    view = open_tab(win, "Death map")
    if not built_first:
        view.start(_small_sweep(view))
        qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    settle(qtbot, 4)
    assert view.framework.text()  # the framework text is there (it scrolls under the maps)
    for pair in view.maps:
        for plot in (pair[0], pair[2]):
            assert plot.vb.sceneBoundingRect().height() >= MAP_MIN, (case, plot)
    # each map inside its column: not over the next column's axis
    rights = [pair[0].sceneBoundingRect().right() for pair in view.maps]
    for pair, right in zip(view.maps, rights, strict=True):
        assert pair[0].vb.sceneBoundingRect().right() <= right + 1
    assert view.column.text.geometry().bottom() <= view.column.height()
    assert cut_texts(view.panel, win) == []
    key = view.column.key  # the maps' colour key: whole
    assert key.height() >= key.heightForWidth(key.width())


FIT_CASES = {**{k: CASES[k] for k in ("1280 dock", "1280 no dock", "1280 presenting",
                                       "1920 presenting 1.5x", "1920 presenting 2x")},
             "1920": ((1920, 1080), False, 0)}


@pytest.mark.parametrize("case", list(FIT_CASES), ids=list(FIT_CASES))
def test_framework_table_fits_its_column_without_scrolling_sideways(win, qtbot, case):
    """At 1280x720 (presenting, or not, beside the set-up dock) and 1920x1080 the seed's
    framework table under the maps is as narrow as the column: no sideways scrolling."""
    window_case(win, qtbot, *FIT_CASES[case])
    view = open_tab(win, "Death map")
    view.start(_small_sweep(view))
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    # the widest numbers: 100 % in every state's column, recovery after 12,345 steps
    res = view.sweep.result()
    state = np.stack([np.full_like(res.state[0], i % len(State)) for i in range(len(res.lanes))])
    view.framework.setText(framework_text(
        dataclasses.replace(res, state=state, recovery=np.full(state.shape, 12_345.0)), True))
    settle(qtbot, 4)
    text = view.column.text
    # (a share's number and its % are kept together: "100" was seen over its "%")
    assert "<table" in view.framework.text() and "100&nbsp;%" in view.framework.text()
    assert text.widget().minimumSizeHint().width() <= text.viewport().width(), case
    assert text.horizontalScrollBar().maximum() == 0, case


def test_factor_axis_labels_never_overlap_on_a_short_map(win, qtbot):
    view = open_tab(win, "Death map")
    view.start(_small_sweep(view))
    qtbot.waitUntil(lambda: not view.runner.running, timeout=20_000)
    for height in (40, 70, 300):
        view.column.area.setFixedHeight(2 * height + 60)
        settle(qtbot, 4)
        labels = tick_labels(view.maps[0][0].getAxis("left"))
        assert labels
        rects = sorted((r for _, r in labels), key=lambda r: r.top())
        for a, b in itertools.pairwise(rects):
            assert a.bottom() <= b.top(), (height, labels)


@pytest.mark.parametrize("built_first", [False, True], ids=["built after", "built before"])
@pytest.mark.parametrize("case", ["1280 presenting", "1920 presenting 1.5x",
                                  "1920 presenting 2x", "1280 dock", "minimum size"])
def test_selfnorm_panel_is_never_cut_and_its_texts_scale(win, qtbot, case, built_first):
    if built_first:
        open_tab(win, "Self-normalization")
        settle(qtbot, 4)
    window_case(win, qtbot, *CASES[case])
    view = open_tab(win, "Self-normalization")
    view.toggle()
    qtbot.waitUntil(lambda: not view.runner.running, timeout=30_000)
    settle(qtbot, 4)
    assert cut_texts(view, win) == []
    scale = CASES[case][2] or 1.0
    for box in view.checks.boxes.values():  # they follow presentation, also when it began later
        assert box.font().pointSizeF() == pytest.approx(FONT_PT * scale)
        assert box.font().bold()
    tick = view.mean_plot.getAxis("left").style["tickFont"]
    assert tick.pointSizeF() == pytest.approx(FONT_PT * scale)
