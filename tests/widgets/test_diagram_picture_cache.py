"""The network diagram's cached picture (everything but the header's step): a frame painted from
the cache shows what a full paint shows, and a changed number is painted anew."""

import numpy as np
from PySide6.QtGui import QImage

from simulation import presets
from simulation.engine import Simulation
from simulation.health import State
from widgets.network_diagram import NetworkDiagram


def pixels(widget) -> np.ndarray:
    img = widget.grab().toImage().convertToFormat(QImage.Format.Format_RGB32)
    a = np.frombuffer(img.constBits(), np.uint8, img.sizeInBytes())
    return a.reshape(img.height(), -1, 4)[:, :img.width()].copy()


def shocked() -> Simulation:
    sim = Simulation(presets.get("bias-shock").config())
    sim.run(400)  # past the bias shock: the ReLU lane (0) is dead
    return sim


def make(qtbot, sim) -> NetworkDiagram:
    d = NetworkDiagram(sim)
    qtbot.addWidget(d)
    d.resize(460, 320)
    return d


def count_renders(d: NetworkDiagram) -> list[int]:
    n = [0]
    render = d._render_picture

    def counted():
        n[0] += 1
        return render()

    d._render_picture = counted
    return n


def test_cached_frame_equals_a_full_paint(qtbot):
    sim = shocked()
    d = make(qtbot, sim)
    assert d.state == State.DEAD
    d.grab()
    renders = count_renders(d)
    sim.run(17)  # a dead lane: only the step changes
    d.refresh(sim)
    cached = pixels(d)
    assert renders[0] == 0  # painted from the cache
    fresh = make(qtbot, sim)  # the same state, painted in full
    assert fresh._picture is None
    assert np.array_equal(cached, pixels(fresh))


def test_step_and_changed_numbers_are_repainted(qtbot):
    sim = shocked()
    d = make(qtbot, sim)
    before = pixels(d)
    sim.run(17)
    d.refresh(sim)
    after = pixels(d)
    assert not np.array_equal(before, after)  # the step's digits changed
    fresh = make(qtbot, sim)
    assert np.array_equal(after, pixels(fresh))
    renders = count_renders(d)
    d.set_lane(2)  # a live lane: other numbers, a new picture
    live = pixels(d)
    assert renders[0] == 1
    assert np.array_equal(live, pixels(_lane(qtbot, sim, 2)))


def _lane(qtbot, sim, lane: int) -> NetworkDiagram:
    d = make(qtbot, sim)
    d.set_lane(lane)
    return d


def test_theme_and_font_changes_drop_the_picture(qtbot):
    from PySide6.QtGui import QFont

    sim = shocked()
    d = make(qtbot, sim)
    d.grab()
    renders = count_renders(d)
    font = QFont(d.font())
    font.setPixelSize(font.pixelSize() + 3 if font.pixelSize() > 0 else 20)
    d.setFont(font)
    d.grab()
    assert renders[0] == 1


def test_a_dead_lanes_frame_repaints_the_step_only(qtbot):
    from PySide6.QtWidgets import QApplication

    from tests.helpers import backing_store, paint_regions

    sim = shocked()
    d = make(qtbot, sim)
    d.show()
    qtbot.waitExposed(d)
    QApplication.processEvents()
    regions = paint_regions(d)
    for steps in (1, 17, 9_000, 17):  # the step's text grows by a digit and a comma
        regions.clear()
        sim.run(steps)
        d.refresh(sim)
        QApplication.processEvents()
        assert len(regions) == 1
        r = bounds(regions[0])
        assert r.width() * r.height() < d.width() * d.height() // 10, r  # the header's step
        seen = backing_store(d)
        d.repaint()  # the whole diagram
        assert np.array_equal(seen, backing_store(d)), steps
    sim.run(1)
    d.set_lane(1)  # another lane: all of it anew
    regions.clear()
    QApplication.processEvents()
    assert regions and bounds(regions[-1]) == d.rect()


def bounds(rects):
    """The bounding rect of a paint event's rects."""
    out = rects[0]
    for r in rects[1:]:
        out = out.united(r)
    return out
