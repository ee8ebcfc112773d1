"""A card whose lane's numbers did not change by a bit (a dead or settled lane) keeps its dots,
curves and numbers, and still counts the steps since the shock; any change of a bit refreshes
it whole. The recovery rows' widths are remembered per font."""

from __future__ import annotations

import dataclasses

import numpy as np
from PySide6.QtGui import QFont

from tests.widgets.test_lane_cards import bias_shock_sim, card_of, make_cards
from widgets.card_text import _TextBlock


def _count_calls(monkeypatch, card, name: str) -> list[int]:
    calls: list[int] = []
    original = getattr(card, name)
    monkeypatch.setattr(card, name, lambda *a, **k: calls.append(1) or original(*a, **k))
    return calls


def test_a_dead_lane_keeps_its_numbers_and_counts_the_steps(qtbot, monkeypatch):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    relu, prelu = card_of(cards, "relu"), card_of(cards, "prelu")
    assert relu.badge.text() == "DEAD"
    numbers, dots = relu.numbers.lines(), relu.dots.getData()
    relu_numbers = _count_calls(monkeypatch, relu, "_update_numbers")
    prelu_numbers = _count_calls(monkeypatch, prelu, "_update_numbers")
    relu_dots = _count_calls(monkeypatch, relu.dots, "setData")
    for k in range(1, 6):
        sim.step()
        cards.refresh(sim)
        since = f"{2700 + k:,} steps since shock"
        assert relu.recovery.lines()[0] == f"cannot recover while dead ({since})"
    assert relu_numbers == [] and relu_dots == []  # (nothing of it changed)
    assert relu.numbers.lines() == numbers
    assert all(np.array_equal(a, b) for a, b in zip(relu.dots.getData(), dots, strict=True))
    assert len(prelu_numbers) == 5  # (its alpha and weights still move)
    # what every card shows is what a new card shows of the same step
    fresh = make_cards(qtbot, sim)
    for old, new in zip(cards.cards, fresh.cards, strict=True):
        assert old.numbers.lines() == new.numbers.lines()
        assert old.recovery.lines() == new.recovery.lines()
        assert old.badge.text() == new.badge.text()
        for a, b in zip(old.dots.getData(), new.dots.getData(), strict=True):
            np.testing.assert_array_equal(a, b)


def test_one_bit_of_a_number_refreshes_the_card(qtbot, monkeypatch):
    sim = bias_shock_sim(3000)
    cards = make_cards(qtbot, sim)
    relu = card_of(cards, "relu")
    i = relu.index
    snap = sim.current()
    calls = _count_calls(monkeypatch, relu, "_update_numbers")
    relu.refresh(dataclasses.replace(snap), bool(sim.events))  # the same numbers, a new snapshot
    assert calls == []
    for field in ("w1", "w2", "b"):
        p = snap.params
        moved = {f.name: getattr(p, f.name).copy() for f in dataclasses.fields(p)}
        moved[field][i, 0] = np.nextafter(moved[field][i, 0], np.inf)
        relu.refresh(dataclasses.replace(snap, params=type(p)(**moved)), bool(sim.events))
        assert len(calls) == 1, field
        calls.clear()
        relu.refresh(snap, bool(sim.events))  # back: a change again
        assert len(calls) == 1, field
        calls.clear()
    z = snap.fb.z.copy()
    z[i, 0, 0] = np.nextafter(z[i, 0, 0], -np.inf)
    relu.refresh(dataclasses.replace(snap, fb=dataclasses.replace(snap.fb, z=z)), bool(sim.events))
    assert len(calls) == 1


def test_remembered_widths_are_the_fonts_and_follow_it(qtbot):
    block = _TextBlock(QFont("DejaVu Sans", 9), "", rows=2)
    qtbot.addWidget(block)
    texts = ["cannot recover while dead (2,701 steps since shock)", "every gradient is exactly 0"]
    for t in texts * 2:
        assert block.widths.horizontalAdvance(t) == block.fontMetrics().horizontalAdvance(t)
    small = block.widths.horizontalAdvance(texts[0])
    block.setFont(QFont("DejaVu Sans", 18))  # (presentation mode)
    assert block.widths.horizontalAdvance(texts[0]) == block.fontMetrics().horizontalAdvance(
        texts[0]) > small
