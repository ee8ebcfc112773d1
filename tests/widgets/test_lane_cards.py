"""Lane cards: badges, dots, curves, numbers and recovery lines follow the real engine."""

from __future__ import annotations

import gc
import re

import numpy as np
import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtWidgets import QWidget

from simulation import activations, presets
from simulation.config import LaneSpec, RunConfig, ShockSpec
from simulation.engine import Simulation
from simulation.health import State
from widgets.lane_card import (
    Z_RANGE,
    LaneCard,
    LaneCards,
    default_z_range,
    fmt_approx,
    fmt_grad,
    fmt_param,
)
from widgets.palette import STATE_COLORS


def bias_shock_sim(steps: int) -> Simulation:
    sim = Simulation(presets.get("bias-shock").config(), history_capacity=20000)
    sim.run(steps)
    return sim


_HOSTS: list[QWidget] = []  # the hosts of this test's cards, held until its teardown


@pytest.fixture(autouse=True)
def _hold_hosts():
    """Hold the cards' hosts past the test's return (qtbot holds only weak references). Held
    by the cards alone, a host and its cards are a garbage cycle, and the collector once freed
    them inside a card's own event handler, in pytest-qt's processEvents after the test
    ("Internal C++ object (_TextBlock) already deleted")."""
    yield
    _HOSTS.clear()  # after qtbot's teardown (this autouse fixture was set up before it)


def make_cards(qtbot, sim: Simulation, size=(360, 900)) -> LaneCards:
    # Collect the previous tests' widgets now. Their C++ objects were deleted at teardown; if
    # the cyclic GC frees their Python wrappers later, in the middle of painting new plots,
    # PySide6 6.11 + pyqtgraph 0.14 can segfault ("Internal C++ object (AxisItem) already
    # deleted" in AxisItem.paint, then a crash in QPainter::restore).
    gc.collect()
    # A layout-less host window: the offscreen platform warns ("does not support
    # propagateSizeHints") when a top-level window gets a minimum size from its layout.
    host = QWidget()
    qtbot.addWidget(host)
    host.resize(*size)
    cards = LaneCards(sim, host)
    _HOSTS.append(host)  # keep the host (and so the cards) alive for the test
    cards.resize(*size)
    host.show()
    qtbot.waitExposed(host)
    cards.refresh(sim)
    return cards


def card_of(cards: LaneCards, name: str) -> LaneCard:
    return next(c for c in cards.cards if c.spec.activation == name)


def parse_numbers(text: str) -> dict[str, float]:
    """The numbers a card shows, read back from its text."""
    num = r"([+-]?(?:\d+(?:\.\d*)?(?:e[+-]?\d+)?|inf|nan))"
    out: dict[str, float] = {}
    patterns = {"w1": rf"w1 {num}", "w2": rf"w2 {num}", "b": rf"^b\s+{num}",
                "alpha": rf"α\s+{num}", "loss": rf"loss\s+{num}", "grad_norm": rf"\|∇L\|\s+{num}",
                "max_slope": rf"max\|f′\|\s+{num}"}
    for key, pat in patterns.items():
        m = re.search(pat, text, re.MULTILINE)
        if m:
            out[key] = float(m.group(1))
    m = re.search(r"z>0\s+(\d+)% \((\d+)/(\d+)\)", text)
    if m:
        out["share_pct"], out["alive"], out["n"] = (float(g) for g in m.groups())
    return out


# --- formatting -------------------------------------------------------------------------------
def test_exact_zero_is_written_0_never_small():
    assert fmt_grad(0.0) == "0"
    assert fmt_grad(-0.0) == "0"
    assert fmt_grad(1e-300) == "1.00e-300"
    assert fmt_grad(-3.45e-3) == "-3.45e-03"
    assert fmt_param(-10.0) == "-10.000"
    assert fmt_param(2.5e8) == "+2.5e8"
    assert fmt_param(-6.89e197) == "-6.9e197"
    assert fmt_param(float("inf")) == "+inf"
    assert fmt_approx(1.4191e-4) == "1e-4"
    assert fmt_approx(7.27e-4) == "7e-4"


# --- states -----------------------------------------------------------------------------------
def test_before_the_shock_every_lane_is_alive(qtbot):
    sim = bias_shock_sim(299)
    cards = make_cards(qtbot, sim)
    assert [c.badge.text() for c in cards.cards] == ["ALIVE"] * 5
    assert [c.name.text() for c in cards.cards] == ["ReLU", "Leaky ReLU", "PReLU", "ELU", "SELU"]
    for card in cards.cards:
        assert card.recovery.lines()[0].startswith("no shock yet")
        assert STATE_COLORS[State.ALIVE] in card.badge.styleSheet()


def test_after_the_bias_shock_relu_dead_leaky_alive_elu_saturated(qtbot):
    sim = bias_shock_sim(3000)
    snap = sim.current()
    cards = make_cards(qtbot, sim)
    assert card_of(cards, "relu").badge.text() == "DEAD"
    assert card_of(cards, "leaky_relu").badge.text() == "ALIVE"
    assert card_of(cards, "elu").badge.text() == "SATURATED"
    for i, card in enumerate(cards.cards):
        state = State(int(snap.state[i, 0]))
        assert card.badge.text() == state.name
        assert STATE_COLORS[state] in card.badge.styleSheet()
        assert card.badge.font().pointSizeF() >= 14 and card.badge.font().bold()

    relu, leaky, elu = (card_of(cards, n) for n in ("relu", "leaky_relu", "elu"))
    # DEAD looks different: the whole card is greyed, not only the badge
    assert relu.styleSheet() != leaky.styleSheet()
    assert relu.plot.backgroundBrush().color() != leaky.plot.backgroundBrush().color()
    assert relu.recovery.lines() == ["cannot recover while dead (2,700 steps since shock)",
                                     "every gradient is exactly 0"]
    rec = snap.recoveries[1]
    assert rec.steps is not None and rec.steps > 0
    assert leaky.recovery.lines() == [f"recovered in {rec.steps:,} steps"]
    # the saturation explanation comes from the real max |da/dz| and the z where it occurs
    d = np.abs(snap.fb.da_dz[3, 0])
    j = int(np.argmax(d))
    slope = f"{d[j]:.0e}".split("e")
    expected = (f"slope ≈ {slope[0]}e{int(slope[1])} at z = {snap.fb.z[3, 0][j]:.0f}: "
                "stuck in practice")
    assert elu.recovery.lines()[1] == expected
    assert expected == "slope ≈ 1e-4 at z = -9: stuck in practice"


def test_shock_not_yet_stepped_is_not_called_unaffected(qtbot):
    sim = bias_shock_sim(100)
    sim.bias_shock(-10.0)  # applied now; no step has recorded it yet
    cards = make_cards(qtbot, sim)
    relu = card_of(cards, "relu")
    assert relu.badge.text() == "DEAD"
    assert relu.recovery.lines()[0] == "cannot recover while dead (0 steps since shock)"


def test_a_harmless_shock_reads_unaffected(qtbot):
    sim = bias_shock_sim(200)
    sim.bias_shock(0.1)
    sim.run(5)
    cards = make_cards(qtbot, sim)
    for card in cards.cards:
        assert card.badge.text() == "ALIVE"
        assert card.recovery.lines() == ["stayed alive through the shock"]


# --- plot -------------------------------------------------------------------------------------
def test_dots_are_the_current_samples_on_the_curve(qtbot):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    snap = sim.current()
    for i, card in enumerate(cards.cards):
        x, y = card.dots.getData()
        np.testing.assert_array_equal(x, snap.fb.z[i, 0])
        np.testing.assert_array_equal(y, snap.fb.a[i, 0])
        lo, hi = card.plot.getPlotItem().getViewBox().viewRange()[0]
        assert lo <= x.min() and x.max() <= hi
    sim.run(7)
    cards.refresh(sim)
    snap = sim.current()
    for i, card in enumerate(cards.cards):
        np.testing.assert_array_equal(card.dots.getData()[0], snap.fb.z[i, 0])


def test_curves_are_the_activation_functions(qtbot):
    sim = bias_shock_sim(10)
    cards = make_cards(qtbot, sim)
    for spec, card in zip(sim.config.lanes, cards.cards, strict=True):
        if spec.activation == "prelu":
            continue
        act = activations.get(spec.activation)
        kw = activations.function_params(spec.activation, spec.params)
        zs, f = card.value_curve.getData()
        np.testing.assert_array_equal(f, act.value(zs, **kw))
        np.testing.assert_array_equal(card.grad_curve.getData()[1], act.grad(zs, **kw))
        assert 0.0 in zs  # the kink is drawn where it is
        lo, _ = card.region.getRegion()
        assert lo < zs.min() and card.region.getRegion()[1] == 0.0


def test_prelu_curve_follows_alpha(qtbot):
    sim = bias_shock_sim(0)
    cards = make_cards(qtbot, sim)
    prelu = card_of(cards, "prelu")
    zs, f = prelu.value_curve.getData()
    np.testing.assert_array_equal(f, activations.prelu(zs, 0.25))
    sim.run(400)  # after the shock PReLU's alpha goes negative
    cards.refresh(sim)
    alpha = float(sim.current().params.alpha[2, 0])
    assert alpha < 0
    zs, f = prelu.value_curve.getData()
    np.testing.assert_array_equal(f, activations.prelu(zs, alpha))
    np.testing.assert_array_equal(prelu.grad_curve.getData()[1], activations.prelu_grad(zs, alpha))
    assert f[0] > 0  # a negative slope: f(z) > 0 for z < 0


def test_curves_are_not_recomputed_every_frame(qtbot, monkeypatch):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    calls = {"curve": 0, "dots": 0}
    for card in cards.cards:
        orig_curve, orig_dots = card.value_curve.setData, card.dots.setData

        def counting_curve(*a, _o=orig_curve, **k):
            calls["curve"] += 1
            return _o(*a, **k)

        def counting_dots(*a, _o=orig_dots, **k):
            calls["dots"] += 1
            return _o(*a, **k)

        monkeypatch.setattr(card.value_curve, "setData", counting_curve)
        monkeypatch.setattr(card.dots, "setData", counting_dots)
    cards.refresh(sim)  # same snapshot: nothing at all
    assert calls == {"curve": 0, "dots": 0}
    sim.step()
    cards.refresh(sim)
    # at most PReLU's curve (alpha moved, redrawn once it moves 1/32 px on screen, see
    # test_card_curve_tolerance); the dead ReLU's dots did not move: not re-set
    assert calls["curve"] <= 1
    assert calls["dots"] == 4


def test_z_range_holds_the_samples_and_does_not_breathe(qtbot):
    assert default_z_range(presets.get("bias-shock").config()) == Z_RANGE == (-12.0, 4.0)
    assert default_z_range(presets.get("healthy").config()) == (-4.0, 4.0)
    assert default_z_range(presets.get("mild-bias-shock").config()) == (-4.0, 4.0)
    sim = Simulation(presets.get("healthy").config(), history_capacity=20000)
    sim.run(50)
    cards = make_cards(qtbot, sim)
    card = cards.cards[0]
    vb = card.plot.getPlotItem().getViewBox()
    assert tuple(vb.viewRange()[0]) == pytest.approx((-4.0, 4.0))
    sim.bias_shock(-10.0)  # pressed live: the samples jump to z = -9.x, the range follows
    cards.refresh(sim)
    lo, hi = vb.viewRange()[0]
    assert lo <= sim.current().fb.z[0, 0].min() and hi == pytest.approx(4.0)
    assert card.off_chart.isHidden()
    grown = card._zrange
    sim.run(3)
    cards.refresh(sim)
    assert card._zrange == grown  # small moves do not change the axis


def test_samples_off_the_chart_are_said_so(qtbot):
    sim = bias_shock_sim(100)
    cards = make_cards(qtbot, sim)
    sim.lr_shock(value=1e6, steps=5)
    sim.run(10)
    cards.refresh(sim)
    relu = card_of(cards, "relu")  # z ~ -4e8 after the blow-up: no dot can be drawn
    assert not relu.off_chart.isHidden()
    assert relu.off_chart.text() == "64 of 64 samples off the chart"
    assert len(relu.dots.getData()[0]) == 0


# --- numbers ----------------------------------------------------------------------------------
@pytest.mark.parametrize("steps", [299, 301, 3000])
def test_numbers_are_the_engines(qtbot, steps):
    sim = bias_shock_sim(steps)
    cards = make_cards(qtbot, sim)
    snap = sim.current()
    for i, card in enumerate(cards.cards):
        shown = parse_numbers(card.numbers.text())
        p, fb = snap.params, snap.fb
        for key, val in (("w1", p.w1[i, 0]), ("w2", p.w2[i, 0]), ("b", p.b[i, 0])):
            assert shown[key] == pytest.approx(val, abs=5e-4)
        if card.spec.activation == "prelu":
            assert shown["alpha"] == pytest.approx(p.alpha[i, 0], abs=5e-4)
        else:
            assert "alpha" not in shown
        assert shown["loss"] == pytest.approx(fb.loss[i, 0], rel=5e-3)
        grads = [fb.grad_w1[i, 0], fb.grad_w2[i, 0], fb.grad_b[i, 0]]
        if card.spec.activation == "prelu":
            grads.append(fb.grad_alpha[i, 0])
        assert shown["grad_norm"] == pytest.approx(np.linalg.norm(grads), rel=5e-3)
        max_slope = np.abs(fb.da_dz[i, 0]).max()
        assert shown["max_slope"] == pytest.approx(max_slope, rel=5e-3)
        z = fb.z[i, 0]
        assert (shown["alive"], shown["n"]) == ((z > 0).sum(), z.size)
        if max_slope == 0:
            assert re.search(r"^max\|f′\| 0$", card.numbers.text(), re.MULTILINE)
            assert re.search(r"^\|∇L\|\s+0$", card.numbers.text(), re.MULTILINE)


# --- interaction ------------------------------------------------------------------------------
def test_clicking_a_card_selects_it_and_emits_its_index(qtbot):
    sim = bias_shock_sim(10)
    cards = make_cards(qtbot, sim)
    with qtbot.waitSignal(cards.lane_selected) as blocker:
        qtbot.mouseClick(cards.cards[3].name, Qt.MouseButton.LeftButton)
    assert blocker.args == [3]
    assert cards.cards[3].is_selected() and cards.selected() == 3
    # a click on the plot (a QGraphicsView that would swallow it) selects too
    plot = cards.cards[1].plot.viewport()
    with qtbot.waitSignal(cards.lane_selected) as blocker:
        qtbot.mouseClick(plot, Qt.MouseButton.LeftButton, pos=QPoint(20, 20))
    assert blocker.args == [1]
    assert [c.is_selected() for c in cards.cards] == [False, True, False, False, False]
    with qtbot.waitSignal(cards.lane_selected) as blocker:
        qtbot.mouseClick(cards.cards[4], Qt.MouseButton.LeftButton)
    assert blocker.args == [4]
    cards.select(-1)
    assert not any(c.is_selected() for c in cards.cards)


def test_select_highlights_without_emitting(qtbot):
    sim = bias_shock_sim(10)
    cards = make_cards(qtbot, sim)
    before = cards.cards[2].styleSheet()
    with qtbot.assertNotEmitted(cards.lane_selected):
        cards.select(2)
    assert cards.cards[2].is_selected() and cards.cards[2].styleSheet() != before


def test_set_model_with_other_lanes_rebuilds(qtbot):
    sim = bias_shock_sim(10)
    cards = make_cards(qtbot, sim)
    cards.select(4)
    old = list(cards.cards)
    cfg = RunConfig(steps=600, lanes=[LaneSpec("relu"), LaneSpec("gelu")],
                    shocks=[ShockSpec(300, "bias_shock", {"b": -10.0})])
    other = Simulation(cfg, history_capacity=20000)
    other.run(600)
    cards.set_model(other)
    cards.refresh(other)
    assert [c.name.text() for c in cards.cards] == ["ReLU", "GELU"]
    # cards are reconfigured, not deleted (deleting pyqtgraph widgets at run time is risky)
    assert cards.cards == old[:2]
    assert all(c.isHidden() for c in old[2:])
    assert cards.sizeHint().height() < 3 * old[0].sizeHint().height()
    assert cards.selected() == -1  # lane 4 no longer exists
    gelu = cards.cards[1]
    zs, f = gelu.value_curve.getData()
    np.testing.assert_array_equal(f, activations.gelu(zs))
    assert "GELU" in gelu.name.toolTip() and "GELU" in gelu.plot.toolTip()
    assert gelu.color == "#56B4E9"  # GELU's colour, no trace of Leaky ReLU's blue
    assert "#0072B2" not in gelu.styleSheet() + gelu.name.styleSheet()
    assert cards.cards[0].badge.text() == "DEAD"
    snap = other.current()
    assert cards.cards[1].badge.text() == State(int(snap.state[1, 0])).name
    np.testing.assert_array_equal(cards.cards[1].dots.getData()[0], snap.fb.z[1, 0])
    # refresh with a new simulation without set_model also rebuilds; the old cards come back
    sim5 = bias_shock_sim(3)
    cards.refresh(sim5)
    assert cards.cards == old
    assert [c.badge.text() for c in cards.cards] == ["ALIVE"] * 5
    assert [c.recovery.lines()[0][:12] for c in cards.cards] == ["no shock yet"] * 5
    assert not any(c.isHidden() for c in cards.cards)
    np.testing.assert_array_equal(cards.cards[4].dots.getData()[0], sim5.current().fb.z[4, 0])


def test_set_lane_visible(qtbot):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    cards.set_lane_visible("elu", False)
    cards.set_lane_visible(0, False)
    assert cards.cards[3].isHidden() and cards.cards[0].isHidden()
    sim.run(5)
    cards.refresh(sim)
    cards.set_lane_visible(3, True)
    assert not cards.cards[3].isHidden()
    np.testing.assert_array_equal(cards.cards[3].dots.getData()[0], sim.current().fb.z[3, 0])
    with pytest.raises(KeyError):
        cards.set_lane_visible("tanh", True)
    # a hidden lane stays hidden when the simulation is replaced (e.g. by reset)
    cards.set_model(bias_shock_sim(3))
    assert cards.cards[0].isHidden() and not cards.cards[0].lane_visible
    assert not cards.cards[3].isHidden()
    assert cards.sizeHint().height() < 5 * cards.cards[1].sizeHint().height()


def test_tooltips_explain_badge_and_shaded_region(qtbot):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    relu = card_of(cards, "relu")
    assert relu.badge.toolTip().startswith("DEAD: every gradient is exactly 0")
    for word in ("ALIVE", "RECOVERING", "SATURATED", "DIVERGED"):
        assert word in relu.badge.toolTip()
    assert "z ≤ 0" in relu.region.toolTip() and "exactly 0" in relu.region.toolTip()
    assert "z ≤ 0" in relu.plot.toolTip()


def test_compact_when_short(qtbot):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim, size=(360, 900))
    assert not any(c.compact for c in cards.cards)
    assert all(c.height() >= 160 for c in cards.cards)
    full = len(cards.cards[0].numbers.lines())
    cards.resize(360, 600)
    qtbot.waitUntil(lambda: all(c.compact for c in cards.cards))
    assert all(c.height() >= 110 for c in cards.cards)
    assert len(cards.cards[0].numbers.lines()) < full
    assert card_of(cards, "relu").recovery.lines() == [
        "every gradient is exactly 0: cannot recover"]
    cards.resize(360, 900)
    qtbot.waitUntil(lambda: not any(c.compact for c in cards.cards))
    assert cards.minimumSizeHint().height() <= 600


def test_cards_render_at_both_sizes(qtbot):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    for size in ((360, 900), (360, 600)):
        cards.resize(*size)
        qtbot.wait(1)
        img = cards.grab().toImage()
        assert (img.width(), img.height()) == size
        for card in cards.cards:  # every card lies inside the column, nothing below its bottom
            assert card.geometry().bottom() < size[1]
            assert card.recovery.geometry().bottom() < card.height()


# --- robustness -------------------------------------------------------------------------------
def test_diverged_lane_shows_diverged_without_warnings(qtbot):
    sim = bias_shock_sim(100)
    cards = make_cards(qtbot, sim)
    sim.lr_shock(value=1e6, steps=5)
    seen = set()
    for _ in range(150):
        sim.step()
        cards.refresh(sim)
        snap = sim.current()
        for i, card in enumerate(cards.cards):
            assert card.badge.text() == State(int(snap.state[i, 0])).name
        seen |= {c.badge.text() for c in cards.cards}
        if sim.t % 10 == 0:
            cards.grab()  # paint too: huge values must not break drawing
    assert "DIVERGED" in seen
    diverged = [c for c in cards.cards if c.badge.text() == "DIVERGED"]
    assert diverged
    for card in diverged:  # the step it blew up at and why (simulation.engine.divergence_cause)
        div = sim.divergence[card.index]
        full = f"blew up at step {div['step']:,}: {div['cause']}"
        lines = card.recovery.lines()
        # in full: on one line, or wrapped onto both (in place of "not recovered yet")
        assert lines[-1] == full or " ".join(lines) == full, lines
        fm = card.recovery.fontMetrics()
        assert all(fm.horizontalAdvance(line) <= card.recovery.width() for line in lines)
        assert "overflowed" in div["cause"] or "NaN" in div["cause"]
        x, y = card.dots.getData()
        assert np.isfinite(x).all() and np.isfinite(y).all()
    cards.grab()


def test_many_refreshes_do_not_crash(qtbot):
    # PySide6 6.12.0 crashed pyqtgraph after ~1,600 setData calls; 6.11.3 is pinned for this.
    sim = bias_shock_sim(0)
    cards = make_cards(qtbot, sim)
    for k in range(3000):
        sim.step()
        cards.refresh(sim)
        if k % 100 == 0:
            qtbot.wait(0)
    cards.grab()
    snap = sim.current()
    for i, card in enumerate(cards.cards):
        np.testing.assert_array_equal(card.dots.getData()[0], snap.fb.z[i, 0])
    assert [c.badge.text() for c in cards.cards][:2] == ["DEAD", "ALIVE"]


def test_a_negative_slope_keeps_its_sign_in_the_why_line(qtbot):
    sim = bias_shock_sim(400)  # after the shock PReLU's alpha is negative, its z all <= 0
    cards = make_cards(qtbot, sim)
    prelu = card_of(cards, "prelu")
    snap = sim.current()
    alpha = float(snap.params.alpha[2, 0])
    assert alpha < 0 and prelu._state.name == "RECOVERING"
    why = prelu._why(snap, prelu._values(snap))[0]
    # f' = alpha where z < 0: "slope -5e-2 still moves it", not "slope 5e-2"
    assert f"slope {alpha:.0e}".replace("e-0", "e-") in why, why
