"""Keyboard focus in the window: Tab stops at each lane card shown, in lane order (Space or
Enter selects it: tests/app/test_card_keyboard.py), and passes over the cards' scroll area and
the time plots' view (pictures: they do nothing with keys, and a focus there showed nothing)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView, QWidget


def _tab_stops(win):
    """The widgets of the Single neuron tab's columns Tab stops at, in the order it does."""
    w = win.nextInFocusChain()
    takers = []
    for _ in range(300):
        if (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and win.columns.isAncestorOf(w)):
            takers.append(w)
        w = w.nextInFocusChain()
        if w is win:
            break
    return takers


def test_tab_stops_at_each_card_in_order_in_the_window(win):
    """Every card shown is a Tab stop, in lane order, before the time plots' controls; the
    cards' scroll area and the time plots' view are not."""
    win.set_lane_visible("elu", False)
    takers = _tab_stops(win)
    scroll = win.fold_columns["cards"]
    cards = [t for t in takers if scroll.isAncestorOf(t)]
    shown = [c for c in win.cards.cards if c.lane_visible]
    assert len(shown) == len(win.cards.cards) - 1
    assert cards == shown
    assert takers[:len(shown)] == shown  # (the first column first)
    assert [c.index for c in cards] == sorted(c.index for c in cards)
    assert scroll not in takers and scroll.viewport() not in takers
    assert not any(isinstance(t, QGraphicsView) or isinstance(t.parentWidget(), QGraphicsView)
                   for t in takers), takers
    assert len(takers) > len(cards)  # the time plots' controls come next


def test_every_field_the_keyboard_reaches_has_a_name(win):
    """A screen reader names each slider, spin box and combo box (a tooltip is not a name)."""
    from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox

    kinds = (QAbstractSlider, QAbstractSpinBox, QComboBox)
    fields = [w for w in win.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()
              and w.focusPolicy() & Qt.FocusPolicy.TabFocus
              and (win.transport.isAncestorOf(w) or win.columns.isAncestorOf(w))]
    assert len(fields) >= 7
    assert [w for w in fields if not w.accessibleName()] == []
