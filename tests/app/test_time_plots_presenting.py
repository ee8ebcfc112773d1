"""The time plots at every presentation scale and window size: tick labels that never overlap,
shock labels small next to the plots, the z <= 0 label inside its region, and line-style keys
whose labels sit level with their samples, nothing cut off, every style told apart."""

import pytest
from PySide6.QtCore import QPointF
from PySide6.QtWidgets import QApplication

from tests.helpers import play, tick_labels
from widgets.plot_series import PLOTS
from widgets.shock_markers import EVERY_PLOT

CONFIGS = [((1280, 720), None), ((1280, 720), 2.0), ((1920, 1080), None), ((1920, 1080), 2.0)]
IDS = ["720", "720-presenting", "1080", "1080-2x"]


def set_up(win, size, scale, steps=3000):
    """``win`` at ``size``, presenting at ``scale`` (None: not presenting), after ``steps``."""
    win.resize(*size)
    QApplication.processEvents()
    if scale is not None:
        win.presentation.set_scale(scale)
        win.presentation.set_presentation(True, persist=False)
    play(win, steps)
    for _ in range(3):
        QApplication.processEvents()
    win.plots._redraw()
    QApplication.processEvents()
    return win.plots


def shown_plots(plots):
    return [name for name in PLOTS if plots.plots[name].isVisible()]


@pytest.mark.parametrize(("size", "scale"), CONFIGS, ids=IDS)
def test_tick_labels_never_overlap(win, size, scale):
    plots = set_up(win, size, scale, steps=18_000)  # loss and gradients over 12+ decades
    counted = 0
    for name in shown_plots(plots):
        rects = [r for _, r in tick_labels(plots.plots[name].getAxis("left"))]
        assert rects, name  # still labelled
        counted += len(rects)
        for i, a in enumerate(rects):
            for b in rects[i + 1:]:
                assert not a.intersects(b), (name, a, b)
    assert counted >= 2 * len(shown_plots(plots))


@pytest.mark.parametrize(("size", "scale"), CONFIGS, ids=IDS)
def test_shock_labels_stay_small_next_to_the_plots(win, size, scale):
    plots = set_up(win, size, scale)  # the preset's b = -10 at step 300
    marker = plots.markers[0]
    tick_pt = plots.plots["loss"].getAxis("left").style["tickFont"].pointSizeF()
    label_h = marker.labels[PLOTS[0]].textItem.boundingRect().height()
    assert marker.labels[PLOTS[0]].isVisible()  # the top plot always names the shock ...
    assert label_h <= 0.4 * plots.plots[PLOTS[0]].vb.height()
    for name in shown_plots(plots)[1:]:  # ... the others only when they are tall enough
        label = marker.labels[name]
        if label.isVisible():
            assert plots.plots[name].vb.height() >= EVERY_PLOT * label_h, name
        assert marker.lines[name].isVisible()
    if scale == 2.0 and size[1] >= 900:  # really 2x: the labels grow less than the rest
        assert marker.labels[PLOTS[0]].textItem.font().pointSizeF() < tick_pt


@pytest.mark.parametrize(("size", "scale"), CONFIGS, ids=IDS)
@pytest.mark.parametrize("steps", [290, 3000])
def test_z_label_inside_its_region_or_hidden(win, size, scale, steps):
    """Tour stop 2 (step 290, before the shock): z runs ~0.15-0.85 and the shaded z <= 0 region
    is a thin strip under it: no label floating in the z > 0 area. After the shock: the label
    is inside the region."""
    plots = set_up(win, size, scale, steps)
    vb = plots.plots["z"].vb
    lo, hi = vb.viewRange()[1]
    region_top = vb.mapViewToScene(QPointF(0.0, min(0.0, hi))).y()
    bottom = vb.sceneBoundingRect().bottom()
    label = plots.z_label
    if steps == 290:
        assert lo > -0.2 and not label.isVisible()
    else:
        assert label.isVisible()
        r = label.sceneBoundingRect()
        assert region_top - 0.5 <= r.top() and r.bottom() <= bottom + 0.5


@pytest.mark.parametrize(("size", "scale"), CONFIGS, ids=IDS)
def test_keys_level_whole_and_distinct(win, size, scale):
    plots = set_up(win, size, scale)
    plots.set_grad_mode("all")  # (its key: shown outside presentation mode only)
    QApplication.processEvents()
    view = plots.view.mapToScene(plots.view.viewport().rect()).boundingRect()
    for key in (plots.params_key, plots.z_key, plots.a_key, plots.grad_key):
        if not key.isVisible():
            continue
        box = key.sceneBoundingRect().adjusted(-1, -1, 1, 1)
        for sample, label in key.items:
            s, t = sample.sceneBoundingRect(), label.item.sceneBoundingRect()
            assert abs(s.center().y() - t.center().y()) <= 3, label.text
            for r in (s, t):
                assert box.contains(r) and view.contains(r), label.text  # nothing cut off
    patterns = {}
    for sample, label in plots.params_key.items:
        pen = sample.item.opts["pen"]
        patterns[label.text] = (pen.style(), tuple(pen.dashPattern()))
    assert len(set(patterns.values())) == 4
    dash, dash_dot = patterns["w1"][1], patterns["α PReLU"][1]
    assert len(dash_dot) == 4 and dash_dot[0] >= 2 * dash[0]  # a long dash and a dot
