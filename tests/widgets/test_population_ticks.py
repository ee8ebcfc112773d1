"""The Population tab's log-count histograms: the "1" and "0" tick labels crowded each other (1 sits
only log10(2) of a decade above 0); no two tick labels of its plots overlap, at 1280x720 and
1920x1080, presenting or not. Also the table of counts: its columns of numbers never touch."""

import itertools

import pytest
from PySide6.QtGui import QTextDocument
from PySide6.QtWidgets import QApplication

from tests import helpers
from widgets.population_plots import CountAxis

CONFIGS = [((1280, 720), None), ((1280, 720), 2.0), ((1920, 1080), None), ((1920, 1080), 2.0)]
IDS = ["720", "720-presenting", "1080", "1080-2x"]


def assert_apart(labels, name):
    for i, (ta, a) in enumerate(labels):
        for tb, b in labels[i + 1:]:
            assert not a.intersects(b), (name, ta, a, tb, b)


@pytest.fixture
def population(qtbot):
    """open(size, scale): the window at ``size`` (presenting at ``scale`` unless None) on the
    Population tab, its population drawn at step 0."""
    windows, scales = [], []

    def open_(size, scale):
        w = helpers.open_window(qtbot, size)
        windows.append(w)
        if scale is not None:
            scales.append(w.presentation.scale)  # restored afterwards: it is remembered
            w.presentation.set_scale(scale)
            w.presentation.set_presentation(True, persist=False)
        titles = [w.tabs.tabText(i) for i in range(w.tabs.count())]
        w.tabs.setCurrentIndex(titles.index("Population"))
        view = w.tabs.currentWidget().view
        qtbot.waitUntil(lambda: view.follower.pop is not None and bool(view.table.text()),
                        timeout=10_000)
        view.follower.wait()
        for _ in range(3):
            QApplication.processEvents()
        view.refresh(force=True)
        QApplication.processEvents()
        return view

    yield open_
    for w in windows:
        w.controller.pause()
        if w.presentation.on:
            w.presentation.set_presentation(False, persist=False)
        if scales:
            w.presentation.set_scale(scales[0])
        QApplication.processEvents()
        w.close()


@pytest.mark.parametrize(("size", "scale"), CONFIGS, ids=IDS)
def test_tick_labels_never_overlap(population, size, scale):
    view = population(size, scale)
    for name, plot in (("capacity", view.capacity), ("b", view.b_plot), ("z", view.z_plot)):
        for side in ("left", "bottom"):
            labels = helpers.tick_labels(plot.getAxis(side))
            assert len(labels) >= 2, (name, side)  # still labelled
            assert_apart(labels, f"{name} {side}")
    for plot in (view.b_plot, view.z_plot):
        texts = [t for t, _ in helpers.tick_labels(plot.getAxis("left"))]
        assert texts[0] == "0" and texts[-1] == "1,000", texts  # the bottom and the top


def test_count_axis_drops_1_next_to_0_and_thins_decades():
    axis = CountAxis("left")
    need = axis.label_px()
    top = 3.3  # log10(1 + 1,000) x 1.1, as the view sets it
    for px in (60, 100, 150, 300, 600):
        values = axis.tickValues(0.0, top, px)[0][1]
        gaps = [(b - a) * px / top for a, b in itertools.pairwise(values)]
        assert values[0] == 0.0 and min(gaps) >= need, (px, values)
    assert len(axis.tickValues(0.0, top, 600)[0][1]) == 5  # tall: 0, 1, 10, 100, 1,000
    assert axis.tickStrings(axis.tickValues(0.0, top, 600)[0][1], 1, 1) == [
        "0", "1", "10", "100", "1,000"]


@pytest.mark.parametrize(("size", "scale"), [((1280, 720), None), ((1280, 720), 2.0)],
                         ids=["720", "720-presenting"])
def test_numbers_in_the_table_have_a_gap(population, size, scale):
    """'1,000100.0 %' nearly touched (2 px apart): the text of each column of numbers keeps a
    gap of at least 6 px (more presenting) from the text left of it, in every row of counts."""
    view = population(size, scale)
    doc = QTextDocument()
    doc.setDefaultFont(view.table.font())
    doc.setHtml(view.table.text())
    table = next(f for f in doc.rootFrame().childFrames())
    layout = doc.documentLayout()
    assert table.rows() == 1 + len(view.follower.pop.lanes)
    for r in range(1, table.rows()):  # (row 0: the centred headers)
        ends = []  # per cell: (left, right) of its text
        for c in range(table.columns()):
            block = table.cellAt(r, c).firstCursorPosition().block()
            rect = layout.blockBoundingRect(block)
            width = block.layout().lineAt(0).naturalTextWidth()  # (bold or not)
            ends.append((rect.left(), rect.left() + width) if c == 0 else
                        (rect.right() - width, rect.right()))  # numbers: right-aligned
        for (_, a_right), (b_left, _) in itertools.pairwise(ends):
            assert b_left - a_right >= 6, (r, ends)
