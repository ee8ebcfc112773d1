"""Keyboard focus in the window: Tab passes over the lane cards, their scroll area and the time
plots' view (pictures: they do nothing with keys, and a focus there showed nothing)."""

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QGraphicsView, QWidget


def test_tab_skips_the_cards_in_the_window(win):
    """From the Single neuron tab bar, Tab goes straight on to the time plots' controls."""
    w = win.nextInFocusChain()
    takers = []
    for _ in range(300):
        if (w.isVisible() and w.isEnabled() and w.focusPolicy() & Qt.FocusPolicy.TabFocus
                and win.columns.isAncestorOf(w)):
            takers.append(w)
        w = w.nextInFocusChain()
        if w is win:
            break
    assert takers
    assert not any(win.fold_columns["cards"] is t or win.fold_columns["cards"].isAncestorOf(t)
                   for t in takers)
    assert not any(isinstance(t, QGraphicsView) or isinstance(t.parentWidget(), QGraphicsView)
                   for t in takers), takers


def test_every_field_the_keyboard_reaches_has_a_name(win):
    """A screen reader names each slider, spin box and combo box (a tooltip is not a name)."""
    from PySide6.QtWidgets import QAbstractSlider, QAbstractSpinBox, QComboBox

    kinds = (QAbstractSlider, QAbstractSpinBox, QComboBox)
    fields = [w for w in win.findChildren(QWidget) if isinstance(w, kinds) and w.isVisible()
              and w.focusPolicy() & Qt.FocusPolicy.TabFocus
              and (win.transport.isAncestorOf(w) or win.columns.isAncestorOf(w))]
    assert len(fields) >= 7
    assert [w for w in fields if not w.accessibleName()] == []
