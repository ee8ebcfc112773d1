"""The step-through chain-rule panel: engine numbers, phase by phase, dead and live lanes."""

import re

import numpy as np
import pytest

from simulation.health import State
from tests.helpers import bias_shock_sim
from widgets.chain_rule import N_PHASES, ZERO_COLOR, ChainRulePanel, fmt

RELU, LEAKY, PRELU = 0, 1, 2
NUM = r"\(?−?[0-9.]+(?:×10[⁻⁰¹²³⁴⁵⁶⁷⁸⁹]+)?\)?"  # a number as fmt() writes it
_SUPER = str.maketrans("⁻⁰¹²³⁴⁵⁶⁷⁸⁹", "-0123456789")


def parse(text: str) -> float:
    """The inverse of fmt(): '−1.234×10⁻⁵' -> -1.234e-05."""
    s = text.strip().strip("()").replace("−", "-").replace(" ", "")
    if "×10" in s:
        mantissa, exp = s.split("×10")
        return float(f"{mantissa}e{exp.translate(_SUPER)}")
    return float(s)


def find(pattern: str, text: str) -> list[float]:
    """The numbers captured by ``pattern`` (each group a NUM) in ``text``."""
    m = re.search(pattern, text)
    assert m, f"{pattern!r} not in:\n{text}"
    return [parse(g) for g in m.groups()]


def current_phase_text(panel: ChainRulePanel) -> str:
    """The full text of the current phase (the last block the panel shows)."""
    text = panel.plain_text()
    marker = f"\n{panel.phase}\n"
    assert marker in "\n" + text, text
    return ("\n" + text).split(marker, 1)[1]


def walk_to(panel: ChainRulePanel, phase: int) -> str:
    while panel.phase < phase:
        panel.next_phase()
    assert panel.phase == phase
    return current_phase_text(panel)


@pytest.fixture
def panel(qtbot, sim):
    w = ChainRulePanel(sim)
    qtbot.addWidget(w)
    w.resize(420, 500)
    return w


def test_fmt_is_readable_and_exact_zero_is_zero():
    assert fmt(0.0) == "0"
    assert fmt(-0.0) == "0"
    assert fmt(0.01) == "0.01"
    assert fmt(-9.2563791) == "−9.256"
    assert fmt(1.2345e-5) == "1.234×10⁻⁵" or fmt(1.2345e-5) == "1.235×10⁻⁵"
    assert parse(fmt(-6.123456e-7)) == pytest.approx(-6.123e-7, rel=1e-3)
    assert fmt(float("nan")) == "NaN"


def test_relu_dead_update_is_exactly_zero_and_changes_nothing(qtbot, panel, sim):
    snap = sim.current()
    assert snap.state[RELU, 0] == State.DEAD
    panel.set_lane(RELU)
    k = panel.sample
    assert k == int(np.argmax(snap.fb.z[RELU, 0]))  # default: the largest z
    assert snap.fb.z[RELU, 0, k] < 0

    text = walk_to(panel, 5)
    (dadz,) = find(rf"∂a/∂z = f′\({NUM}\) = ({NUM})", text)
    assert dadz == 0.0
    assert f'<span style="color:{ZERO_COLOR}; font-weight:bold">0</span>' in panel.html()
    assert "exactly 0" in text

    text = walk_to(panel, 6)
    assert "= 0 exactly" in text
    dl_da, factor, x1 = find(rf"= ({NUM}) × ({NUM}) × ({NUM}) = 0 exactly", text)
    assert factor == 0.0
    assert dl_da == pytest.approx(snap.fb.dL_da[RELU, 0, k], rel=1e-3)
    assert dl_da != 0.0  # dL/da is not what kills the gradient
    assert x1 == pytest.approx(sim.data.x[k, 0], rel=1e-3)
    g1, g2, gb = find(rf"∂L/∂w₁ = ({NUM}), +∂L/∂w₂ = ({NUM}), +∂L/∂b = ({NUM})", text)
    assert (g1, g2, gb) == (0.0, 0.0, 0.0)
    assert snap.fb.grad_w1[RELU, 0] == 0.0

    text = walk_to(panel, 7)
    old, lr, grad, new = find(rf"w₁ ← ({NUM}) − ({NUM}) × ({NUM}) = ({NUM}) unchanged", text)
    assert grad == 0.0 and new == old
    assert lr == pytest.approx(snap.lr)
    assert old == pytest.approx(snap.params.w1[RELU, 0], rel=1e-3)

    # Next after phase 7 asks for a step; the step leaves w1 exactly where it was.
    w1_before = float(sim.params.w1[RELU, 0])
    panel.request_step.connect(sim.step)
    with qtbot.waitSignal(panel.request_step, timeout=1000):
        panel.next_phase()
    assert panel.phase == 1
    panel.refresh(sim)
    assert panel.phase == 1
    assert float(sim.params.w1[RELU, 0]) == w1_before
    assert sim.current().step == snap.step + 1


def test_leaky_numbers_are_the_engines(panel, sim):
    snap = sim.current()
    fb, p, i = snap.fb, snap.params, LEAKY
    panel.set_lane(LEAKY)
    k = panel.sample
    x1, x2, y = sim.data.x[k, 0], sim.data.x[k, 1], sim.data.y[k]
    rel = 1e-3

    text = current_phase_text(panel)
    w1, sx1, w2, sx2, b = find(rf"= ({NUM})×({NUM}) \+ ({NUM})×({NUM}) (. {NUM})", text)
    assert [w1, sx1, w2, sx2, b] == pytest.approx(
        [p.w1[i, 0], x1, p.w2[i, 0], x2, p.b[i, 0]], rel=rel)
    (z,) = find(rf"\n\s*= ({NUM})(?: +\(z < 0\))?\s*$", text)
    assert z == pytest.approx(fb.z[i, 0, k], rel=rel)

    text = walk_to(panel, 2)
    z2, a = find(rf"a = f\(({NUM})\) = ({NUM})", text)
    assert z2 == pytest.approx(fb.z[i, 0, k], rel=rel)
    assert a == pytest.approx(fb.a[i, 0, k], rel=rel)

    text = walk_to(panel, 3)
    (loss,) = find(rf"samples\s*= ({NUM})", text)
    assert loss == pytest.approx(fb.loss[i, 0], rel=rel)
    a_shown, y_shown, sq = find(rf"\(a − y\)² = \(({NUM}) − ({NUM})\)²\s*= ({NUM})", text)
    assert [a_shown, y_shown] == pytest.approx([fb.a[i, 0, k], y], rel=rel)
    assert sq == pytest.approx((fb.a[i, 0, k] - y) ** 2, rel=rel)

    text = walk_to(panel, 4)
    (dl_da,) = find(rf"/ \d+\s*= ({NUM})", text)
    assert dl_da == pytest.approx(fb.dL_da[i, 0, k], rel=rel)

    text = walk_to(panel, 5)
    assert re.search(r"∂a/∂z = f′\(\S+\) = 0\.01\b", text)
    assert fb.da_dz[i, 0, k] == 0.01
    assert ZERO_COLOR not in panel.html().split("<b>5</b>")[1]  # nothing highlighted as zero

    text = walk_to(panel, 6)
    d1, factor, sx1, prod = find(rf"= ({NUM}) × ({NUM}) × ({NUM}) = ({NUM})", text)
    assert factor == 0.01
    assert d1 == pytest.approx(fb.dL_da[i, 0, k], rel=rel)
    assert prod == pytest.approx(fb.dL_da[i, 0, k] * fb.da_dz[i, 0, k] * x1, rel=rel)
    assert prod != 0.0
    g1, g2, gb = find(rf"∂L/∂w₁ = ({NUM}), +∂L/∂w₂ = ({NUM}), +∂L/∂b = ({NUM})", text)
    assert [g1, g2, gb] == pytest.approx(
        [fb.grad_w1[i, 0], fb.grad_w2[i, 0], fb.grad_b[i, 0]], rel=rel)

    text = walk_to(panel, 7)
    for name, old_v, grad_v in (("w₁", p.w1, fb.grad_w1), ("w₂", p.w2, fb.grad_w2),
                                ("b", p.b, fb.grad_b)):
        old, lr, grad, new = find(rf"{name} ← ({NUM}) − ({NUM}) × ({NUM})\s*= ({NUM})", text)
        assert old == pytest.approx(old_v[i, 0], rel=rel)
        assert lr == pytest.approx(snap.lr, rel=rel)
        assert grad == pytest.approx(grad_v[i, 0], rel=rel)
        assert new == pytest.approx(old_v[i, 0] - snap.lr * grad_v[i, 0], rel=rel)
        assert new != old  # the weight visibly moves
    assert "unchanged" not in text

    # The update shown is the update the engine makes.
    (new_w1,) = find(rf"w₁ ← {NUM} − {NUM} × {NUM}\s*= ({NUM})", text)
    sim.step()
    assert new_w1 == pytest.approx(sim.params.w1[i, 0], rel=rel)


def test_per_sample_products_sum_to_the_engines_gradient(sim):
    """The panel's only arithmetic, dL/da x da/dz x x, summed over samples is the engine's."""
    fb = sim.current().fb
    x = sim.data.x
    for lane in range(sim.n_lanes):
        prod = fb.dL_da[lane, 0] * fb.da_dz[lane, 0]
        assert (prod * x[:, 0]).sum() == pytest.approx(fb.grad_w1[lane, 0], rel=1e-9, abs=1e-15)
        assert (prod * x[:, 1]).sum() == pytest.approx(fb.grad_w2[lane, 0], rel=1e-9, abs=1e-15)
        assert prod.sum() == pytest.approx(fb.grad_b[lane, 0], rel=1e-9, abs=1e-15)
    assert fb.grad_w1[RELU, 0] == 0.0 and fb.grad_w1[LEAKY, 0] != 0.0


def test_prelu_update_shows_alpha_with_its_own_rate(panel, sim):
    snap = sim.current()
    panel.set_lane(PRELU)
    text = walk_to(panel, 7)
    alpha_lr = sim.config.lanes[PRELU].params["alpha_lr"]
    old, rate, grad, new = find(rf"α ← ({NUM}) − ({NUM}) × ({NUM})\s*= ({NUM})", text)
    assert old == pytest.approx(snap.params.alpha[PRELU, 0], rel=1e-3)
    assert rate == pytest.approx(alpha_lr)
    assert grad == pytest.approx(snap.fb.grad_alpha[PRELU, 0], rel=1e-3)
    expected = snap.params.alpha[PRELU, 0] - alpha_lr * snap.fb.grad_alpha[PRELU, 0]
    assert new == pytest.approx(expected, rel=1e-3)


def test_next_after_phase_7_emits_request_step_and_restarts(qtbot, panel):
    walk_to(panel, N_PHASES)
    with qtbot.assertNotEmitted(panel.request_step):
        panel.prev_phase()
        panel.next_phase()
    with qtbot.waitSignal(panel.request_step, timeout=1000):
        panel.next_phase()
    assert panel.phase == 1


def test_back_and_phase_bounds(panel):
    assert panel.phase == 1
    panel.prev_phase()
    assert panel.phase == 1
    walk_to(panel, 4)
    panel.prev_phase()
    assert panel.phase == 3
    text = panel.plain_text()
    assert "Loss" in text and "Backward: ∂L/∂a" not in text  # later phases hidden
    assert "z = " in text  # earlier phases stay visible


def test_lane_change_resets_to_phase_1(panel, sim):
    walk_to(panel, 5)
    panel.set_lane(LEAKY)
    assert panel.phase == 1 and panel.lane == LEAKY
    assert "Leaky ReLU" in panel.text()
    with pytest.raises(IndexError):
        panel.set_lane(sim.n_lanes)


def test_refresh_keeps_the_phase_unless_a_step_was_taken(panel, sim):
    walk_to(panel, 4)
    panel.refresh(sim)
    assert panel.phase == 4
    sim.bias_shock(-3.0)  # new numbers at the same step: phase kept, numbers re-read
    panel.refresh(sim)
    assert panel.phase == 4
    assert re.search(r"b ← −3 − ", walk_to(panel, 7))
    sim.step()
    panel.refresh(sim)
    assert panel.phase == 1
    assert f"step {sim.t:,}" in panel.text()


def test_sample_choice(panel, sim):
    fb = sim.current().fb
    panel.set_lane(LEAKY)
    assert panel.sample == int(np.argmax(fb.z[LEAKY, 0]))
    panel.set_sample(5)
    assert panel.sample == 5
    x1 = sim.data.x[5, 0]
    text = walk_to(panel, 6)
    (shown,) = find(rf"∂z/∂w₁ = x₁ = ({NUM})", text)
    assert shown == pytest.approx(x1, rel=1e-3)
    assert panel.phase == 6  # choosing a sample keeps the phase
    panel.set_sample(None)
    assert panel.sample == int(np.argmax(fb.z[LEAKY, 0]))


def test_new_model_starts_over(panel):
    walk_to(panel, 3)
    other = bias_shock_sim(10)
    panel.set_model(other)
    assert panel.phase == 1
    assert "step 10" in panel.text()
    assert "ALIVE" in panel.text()


def test_grab_is_not_empty(panel):
    walk_to(panel, 7)
    pix = panel.grab()
    assert not pix.isNull() and pix.width() == 420 and pix.height() == 500


@pytest.mark.qt_log_ignore("propagateSizeHints")  # the offscreen plugin, for any top-level window
def test_shown_panel_walks_and_steps_without_warnings(qtbot, sim):
    w = ChainRulePanel(sim)
    qtbot.addWidget(w)
    w.resize(420, 500)
    w.show()
    qtbot.waitExposed(w)
    w.request_step.connect(sim.step)
    w.set_lane(LEAKY)
    for _ in range(2 * N_PHASES):
        w.next_phase()
        w.refresh(sim)
        qtbot.wait(1)
    assert sim.current().step == 1002 and w.phase == 1
    assert not w.grab().isNull()


def test_panel_follows_the_theme_both_ways(panel, qtbot):
    from PySide6.QtWidgets import QApplication

    from app.presentation import make_palette
    from widgets import style
    from widgets.chain_phases import ink

    app = QApplication.instance()
    before = app.palette()
    panel.show()
    qtbot.waitExposed(panel)
    walk_to(panel, 5)  # da/dz = 0 exactly: the red zero

    def switch(name: str) -> str:
        app.setPalette(make_palette(style.set_theme(name)))
        app.processEvents()  # the palette change reaches the panel from the event loop
        return panel._browser.toHtml().lower()

    try:
        shown = switch("dark")
        # (the dark theme's red is lightened to read on the highlight: chain_phases.ink)
        assert style.DARK.highlight_bg.lower() in shown and ink(style.DARK.stop).lower() in shown
        assert ZERO_COLOR.lower() not in shown
        assert panel._browser.palette().base().color().lightness() < 40
        assert panel._browser.palette().text().color().lightness() > 200
        shown = switch("light")
        assert style.LIGHT.highlight_bg.lower() in shown and ZERO_COLOR.lower() in shown
        assert panel._browser.palette().base().color().lightness() > 240
        assert panel.phase == 5  # a theme change is not a step
    finally:
        style.set_theme("light")
        app.setPalette(before)
        app.processEvents()


@pytest.mark.parametrize("height", [170, 700])
def test_the_current_phase_starts_in_view(panel, qtbot, height):
    """A small window (or a large scale factor): the current phase's title and formula are
    shown, not its last lines; with room, the earlier phases above it too."""
    from PySide6.QtCore import QPoint

    panel.resize(420, height)
    panel.show()
    qtbot.waitExposed(panel)
    walk_to(panel, 6)
    browser = panel._browser
    bar = browser.verticalScrollBar()
    # as shown: word joiners (no break after a slash) show nothing, NBSPs show as spaces
    top = browser.cursorForPosition(QPoint(30, 8)).block().text()
    top = top.replace("\u2060", "").replace("\u00a0", " ")
    if height < 300:
        assert 0 < bar.value() < bar.maximum()  # taller than the view: its start at the top
        assert top.startswith("Backward: ∂z/∂w and the product")
    else:
        assert bar.value() == bar.maximum()
        assert top.startswith("z = ")  # phase 1's summary: everything is in view
