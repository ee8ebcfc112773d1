"""Frames repaint only what changed in the time plots (a strip at the curves' ends, a label whose
text changed): what the screen holds after many such frames is, pixel for pixel, what a full
repaint of the plots draws; through shocks, a hidden lane, another gradient mode and a ring
history that slides."""

import numpy as np
from PySide6.QtCore import QEvent, QObject
from PySide6.QtWidgets import QApplication

from tests.helpers import backing_store, play
from widgets.halo_label import HaloLabel


def _screen(win) -> np.ndarray:
    """The time plots' pixels as the window's backing store holds them."""
    vp = win.plots.view.viewport()
    at = vp.mapTo(win, vp.rect().topLeft())
    return backing_store(win)[at.y():at.y() + vp.height(), at.x():at.x() + vp.width()].copy()


def _labels_and_ranges(win) -> tuple:
    """The plots' ranges and the texts and places of their labels over the curves."""
    labels = [(i.textItem.toPlainText(), i.pos().x(), i.pos().y())
              for i in win.plots.view.scene().items() if isinstance(i, HaloLabel) and i.isVisible()]
    return win.plots._xrange, dict(win.plots._yrange), sorted(labels)


def _frames(win, n: int, steps: int = 17) -> None:
    for _ in range(n):
        play(win, steps)
        QApplication.processEvents()


def _same_as_full_repaint(win) -> None:
    seen = _screen(win)
    win.plots.view.viewport().repaint()
    full = _screen(win)
    ys, xs = np.nonzero(seen != full)
    assert len(xs) == 0, (len(xs), xs.min(), xs.max(), ys.min(), ys.max())


def test_frames_show_what_a_full_repaint_shows(win):
    win.resize(1600, 900)
    QApplication.processEvents()
    _frames(win, 30)  # the scheduled bias shock at step 300: markers, labels
    _same_as_full_repaint(win)
    # a frame that moves no range and changes no label's text repaints a strip at the end
    _frames(win, 10, 1000)
    vp = win.plots.view.viewport()
    regions = []

    class Regions(QObject):
        def eventFilter(self, obj, event):
            if event.type() == QEvent.Type.Paint:
                regions.append(event.region().boundingRect())
            return False

    spy = Regions()
    vp.installEventFilter(spy)
    widths = []
    try:
        for _ in range(40):
            state = _labels_and_ranges(win)
            regions.clear()
            play(win, 17)
            QApplication.processEvents()
            if state == _labels_and_ranges(win) and regions:
                widths.append(max(r.width() for r in regions))
    finally:
        vp.removeEventFilter(spy)
    assert len(widths) >= 3 and max(widths) < vp.width() // 8, (widths, vp.width())
    _same_as_full_repaint(win)
    win.controller.bias_shock(-6.0)  # a live shock: a new marker and its labels
    _frames(win, 40)
    _same_as_full_repaint(win)
    lane = win.controller.sim.config.lanes[1].id
    win.plots.set_lane_visible(lane, False)
    _frames(win, 20)
    _same_as_full_repaint(win)
    win.plots.set_lane_visible(lane, True)
    win.plots.set_grad_mode("all")
    _frames(win, 20)
    _same_as_full_repaint(win)
    win.controller.lr_shock(factor=10.0)
    _frames(win, 40, 100)
    _same_as_full_repaint(win)


def test_a_sliding_history_shows_what_a_full_repaint_shows(win):
    sim = win.controller.sim
    sim.run(sim.history.capacity - 200)  # the ring fills up, then slides
    _frames(win, 60, 23)
    assert len(sim.history.window()) == sim.history.capacity
    _same_as_full_repaint(win)


def test_z_range_holds_still_while_the_band_grows_at_both_ends(win):
    """About 10,500 steps into the bias-shock run z's band grows slowly at its top and bottom:
    the z plot's range flipped between two ranges every frame (it grew one edge and pulled the
    other in), so the plot bounced by a unit 60 times a second and was repainted whole."""
    _frames(win, 30)
    _frames(win, 10, 1000)
    changes = 0
    for _ in range(20):
        before = win.plots._yrange["z"]
        _frames(win, 1)
        changes += win.plots._yrange["z"] != before
    assert changes <= 2, changes


def test_a_label_repainted_far_from_the_strip_leaves_the_other_plots_a_strip(win, monkeypatch):
    """A label whose text changes every frame (ELU's loss below the scale, about 10,500 steps
    into the bias-shock run, "at step ..."), at the top of the loss plot, far from the strip at
    the curves' ends: Qt gives every curve an exposed rect reaching from the label to the
    strip, yet the curves of the plots under it repaint their strip only; the screen is what a
    full repaint draws."""
    from widgets import plot_items

    win.resize(1600, 900)
    QApplication.processEvents()
    win.controller.sim.run(10_400)
    _frames(win, 3)
    parts: list[tuple[float, float]] = []  # (width of the part repainted, of the curve's bounds)
    real = plot_items.painted_part

    def spy(p, rect, exposed):
        part = real(p, rect, exposed)
        parts.append((exposed.width(), -1.0 if part is None else part.width(), rect.width()))
        return part

    monkeypatch.setattr(plot_items, "painted_part", spy)
    refined = 0
    for _ in range(60):
        before = _labels_and_ranges(win)
        parts.clear()
        _frames(win, 1)
        after = _labels_and_ranges(win)
        if before[:2] == after[:2] and before[2] != after[2]:  # a label's text, no range
            refined += sum(0 <= part < 0.1 * whole for _, part, whole in parts)
    assert refined >= 10, refined
    _same_as_full_repaint(win)


def _live_pairs(win, n: int, steps: int = 17) -> None:
    """``n`` pairs of live frames of ``steps`` steps each (the other views and the first part
    of the time plots' refresh, then the rest of it and their painting)."""
    sim = win.controller.sim
    for _ in range(2 * n):
        sim.run(steps)
        win.draw(sim, live=True)
        QApplication.processEvents()
    assert win._turn == 0  # (the plots' turn last: nothing left for the next frame)


def test_live_turns_show_what_a_full_repaint_shows(win):
    """Live frames in turns (the plots' points worked out in one frame, given to the curves and
    painted in the next): after each pair, the screen is what a full repaint draws."""
    win.resize(1600, 900)
    win.draw(win.controller.sim)
    win._turn = 0
    _live_pairs(win, 20)  # the scheduled bias shock at step 300
    _same_as_full_repaint(win)
    _live_pairs(win, 5, 1000)
    _live_pairs(win, 20)
    _same_as_full_repaint(win)
    win.controller.bias_shock(-6.0)
    _live_pairs(win, 20)
    _same_as_full_repaint(win)


def test_live_turns_on_a_sliding_history_show_what_a_full_repaint_shows(win):
    """A full ring history sliding under live turns (its oldest rows overwritten between the
    two parts of the time plots' refresh): the screen is what a full repaint draws."""
    sim = win.controller.sim
    sim.run(sim.history.capacity - 200)
    win.draw(sim)
    win._turn = 0
    _live_pairs(win, 30, 23)
    assert len(sim.history.window()) == sim.history.capacity
    _same_as_full_repaint(win)
    _live_pairs(win, 10, 3)  # (a range that holds still: the split refresh, the ring full)
    _same_as_full_repaint(win)


def test_a_whole_repaint_skips_finding_the_part_of_each_curve_repainted(win, monkeypatch):
    """A paint of the whole viewport (every other frame while the history slides at top
    speed) paints every curve and band whole without asking which part of it is repainted
    (~70 µs a curve); a paint of a strip still finds each curve's points there; the flag is
    down outside the paint."""
    from PySide6.QtCore import QRect

    from widgets import plot_items

    sim = win.controller.sim
    sim.run(sim.history.capacity + 500)  # (a sliding ring)
    _frames(win, 4, 23)
    asked, parts = [], []
    real_part, real_points = plot_items.painted_part, plot_items.exposed_points
    monkeypatch.setattr(plot_items, "painted_part",
                        lambda *args: asked.append(1) or real_part(*args))

    def points(*args):
        part = real_points(*args)
        parts.append(part)
        return part

    monkeypatch.setattr(plot_items, "exposed_points", points)
    vp = win.plots.view.viewport()
    vp.repaint(QRect(0, 0, vp.width() // 2 + 40, vp.height()))  # (over half: a part is asked)
    assert asked and any(isinstance(p, slice) for p in parts)
    assert plot_items._WHOLE_PAINT == [False]
    asked.clear()
    parts.clear()
    vp.repaint()
    assert asked == [] and parts == []
    assert plot_items._WHOLE_PAINT == [False]
    _same_as_full_repaint(win)
