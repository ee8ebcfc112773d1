"""The network diagram of one lane: dead ReLU greyed and blocked, live lanes with gradients."""

import math

import numpy as np
import pytest
from PySide6.QtGui import QColor

from simulation import presets
from simulation.engine import Simulation
from simulation.health import State
from widgets.network_diagram import (
    G_MAX,
    STOP_COLOR,
    W_MAX,
    NetworkDiagram,
    gradient_width,
    weight_width,
)

RELU, LEAKY, ELU = 0, 1, 3


@pytest.fixture
def diagram(qtbot, sim):
    w = NetworkDiagram(sim)
    qtbot.addWidget(w)
    w.resize(420, 300)
    return w


def count_near(image, color: str, tol: int = 40) -> int:
    """Pixels of ``image`` within ``tol`` (per channel) of ``color``."""
    c = QColor(color)
    img = image.convertToFormat(image.Format.Format_RGB32)
    ptr = img.constBits()
    arr = np.frombuffer(ptr, dtype=np.uint8).reshape(img.height(), img.bytesPerLine())
    px = arr[:, : img.width() * 4].reshape(img.height(), img.width(), 4)  # B, G, R, A
    d = np.abs(px[..., :3].astype(int) - [c.blue(), c.green(), c.red()])
    return int((d <= tol).all(-1).sum())


def test_width_scales():
    assert weight_width(0.0) == 1.0
    assert weight_width(0.5) == pytest.approx(2.0)
    assert weight_width(-10.0) == W_MAX
    assert weight_width(-1.0) == weight_width(1.0)
    assert gradient_width(0.0) == 0.0
    assert gradient_width(1e-9) == 1.0
    assert gradient_width(1.0) == G_MAX
    assert 1.0 < gradient_width(1e-4) < gradient_width(1e-2) < G_MAX
    assert gradient_width(math.nan) == 0.0


def test_relu_is_dead_greyed_and_blocked(diagram, sim):
    snap = sim.current()
    assert snap.state[RELU, 0] == State.DEAD
    diagram.set_lane(RELU)
    assert diagram.is_dead and diagram.state == State.DEAD
    widths = diagram.edge_widths()
    assert widths == {"w1": weight_width(snap.params.w1[RELU, 0]),
                      "w2": weight_width(snap.params.w2[RELU, 0]), "b": W_MAX}  # b = -10
    grads = diagram.gradient_widths()
    assert grads["dL/da"] > 0  # the error still reaches the neuron...
    assert grads["w1"] == grads["w2"] == grads["b"] == 0.0  # ...and stops there


def test_leaky_is_alive_enough_to_carry_gradients(diagram, sim):
    snap = sim.current()
    diagram.set_lane(LEAKY)
    assert not diagram.is_dead
    assert diagram.state == State(int(snap.state[LEAKY, 0]))
    grads = diagram.gradient_widths()
    for name, g in (("w1", snap.fb.grad_w1), ("w2", snap.fb.grad_w2), ("b", snap.fb.grad_b)):
        assert grads[name] == pytest.approx(gradient_width(float(g[LEAKY, 0])))
        assert grads[name] > 0
    # ELU is saturated: its gradients are drawn, but thinner (log scale) than Leaky ReLU's.
    diagram.set_lane(ELU)
    assert diagram.state == State.SATURATED and not diagram.is_dead
    assert 0 < diagram.gradient_widths()["w1"] < grads["w1"]


def test_values_are_the_chosen_samples(diagram, sim):
    fb = sim.current().fb
    diagram.set_lane(LEAKY)
    k = int(np.argmax(fb.z[LEAKY, 0]))
    assert diagram.sample == k
    v = diagram.values()
    assert v == {"x1": sim.data.x[k, 0], "x2": sim.data.x[k, 1], "z": fb.z[LEAKY, 0, k],
                 "a": fb.a[LEAKY, 0, k], "y": sim.data.y[k], "L": fb.loss[LEAKY, 0]}
    diagram.set_sample(3)
    assert diagram.sample == 3 and diagram.values()["x1"] == sim.data.x[3, 0]
    diagram.set_sample(None)
    assert diagram.sample == k
    with pytest.raises(IndexError):
        diagram.set_sample(sim.data.n)
    with pytest.raises(IndexError):
        diagram.set_lane(sim.n_lanes)


def test_refresh_follows_the_model(diagram, sim):
    diagram.set_lane(RELU)
    before = Simulation(presets.get("bias-shock").config(), history_capacity=100)
    before.run(10)
    diagram.refresh(before)  # a different simulation: taken as the new model
    assert not diagram.is_dead and diagram.state == State.ALIVE
    diagram.set_model(sim)
    assert diagram.is_dead
    sim.step()
    diagram.refresh(sim)
    assert diagram.is_dead
    sim.bias_shock(2.0)  # same step, new numbers: every z > 0, ReLU is alive again
    diagram.refresh(sim)
    assert not diagram.is_dead and diagram.values()["z"] > 0


@pytest.mark.parametrize("size", [(420, 300), (600, 400), (300, 215)])
def test_grab_paints_dead_and_live_lanes(diagram, size):
    diagram.resize(*size)
    diagram.set_lane(RELU)
    dead = diagram.grab().toImage()
    assert not dead.isNull() and (dead.width(), dead.height()) == size
    assert count_near(dead, "#FFFFFF", 8) < dead.width() * dead.height()  # something is drawn
    assert count_near(dead, STOP_COLOR, 20) > 40  # the stop mark and "x 0"
    diagram.set_lane(LEAKY)
    live = diagram.grab().toImage()
    assert count_near(live, STOP_COLOR, 20) < 5  # no stop mark (a stray blended pixel at most)
    assert count_near(live, "#5E3C99") > count_near(dead, "#5E3C99")  # more gradient arrows


def test_shown_diagram_repaints_without_warnings(qtbot, diagram, sim):
    diagram.show()
    qtbot.waitExposed(diagram)
    for lane in range(sim.n_lanes):
        diagram.set_lane(lane)
        sim.step()
        diagram.refresh(sim)
        qtbot.wait(1)
    assert not diagram.grab().isNull()


@pytest.fixture
def theme(qtbot):
    """Switch the theme as the app does (style, then the application palette); light after."""
    from PySide6.QtWidgets import QApplication

    from app.presentation import make_palette
    from widgets import style

    app = QApplication.instance()
    before = app.palette()

    def switch(name: str):
        th = style.set_theme(name)
        app.setPalette(make_palette(th))
        app.processEvents()  # the palette change reaches the widgets from the event loop
        return th

    yield switch
    style.set_theme("light")
    app.setPalette(before)
    app.processEvents()


def test_diagram_follows_the_theme_both_ways(diagram, theme):
    diagram.set_lane(RELU)  # dead: the stop mark is drawn
    diagram.show()
    dark = theme("dark")
    image = diagram.grab().toImage()
    assert image.pixelColor(2, 150).lightness() < 40  # a dark page
    assert count_near(image, dark.text, 12) > 100  # light text on it
    assert count_near(image, dark.stop, 20) > 40  # the stop mark in the dark theme's red
    assert count_near(image, STOP_COLOR, 8) < 5
    light = theme("light")
    image = diagram.grab().toImage()
    assert image.pixelColor(2, 150).lightness() > 240
    assert count_near(image, light.text, 12) > 100
    assert count_near(image, dark.stop, 8) < 5 < count_near(image, STOP_COLOR, 20)
