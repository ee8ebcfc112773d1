"""The lane cards by keyboard: Space or Enter on the focused card selects its lane (as a click
does, and not the window's Play / Pause); Up and Down move the focus and the selection to the
card shown above or below; a ring shows the focused card in the light and dark themes and in
presentation mode; each card is named by its lane and state; a card focused in a column that
scrolls is scrolled into view."""

import pytest
from PySide6.QtCore import QPoint, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QApplication, QScrollArea

from tests.helpers import play, settle, show
from widgets import style
from widgets.card_focus import RING_COLORS, ring_color


def _focus(qtbot, win, card):
    """``card`` focused in the active window, as Tab would."""
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    card.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(card.hasFocus)
    settle(qtbot)


def _ring_pixels(card):
    """How many pixels of the card's grab are the focus ring's colour (within a little)."""
    image = card.grab().toImage()
    want = QColor(ring_color())
    dpr = image.devicePixelRatio()
    count = 0
    y = round(card.height() / 2 * dpr)
    for x in range(image.width()):  # a row across the card's middle: the ring's two sides
        c = image.pixelColor(x, y)
        if (abs(c.red() - want.red()) + abs(c.green() - want.green())
                + abs(c.blue() - want.blue())) <= 24:
            count += 1
    return count


@pytest.mark.parametrize("key", [Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter])
def test_space_or_enter_selects_the_focused_cards_lane(win, qtbot, key):
    cards = win.cards.cards
    win.select_lane(0)
    _focus(qtbot, win, cards[2])
    assert win.cards.selected() == 0
    qtbot.keyClick(cards[2], key)
    assert win.cards.selected() == 2
    assert cards[2].is_selected() and not cards[0].is_selected()
    assert win.diagram._lane == 2 and win.chain._lane == 2  # the right column follows
    assert not win.controller.running  # Space selected: it did not start the run


def test_up_and_down_move_focus_and_selection_over_the_cards_shown(win, qtbot):
    win.set_lane_visible("prelu", False)  # lane 2: skipped
    cards = win.cards.cards
    win.select_lane(0)
    _focus(qtbot, win, cards[0])
    qtbot.keyClick(cards[0], Qt.Key.Key_Up)  # the first card: stays
    assert cards[0].hasFocus() and win.cards.selected() == 0
    seen = []
    for _ in range(len(cards)):
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
        seen.append((QApplication.focusWidget(), win.cards.selected()))
    shown = [c for c in cards if c.lane_visible]
    assert [w for w, _ in seen] == shown[1:] + [shown[-1]] * 2  # the last card: stays
    assert [i for _, i in seen] == [c.index for c in shown[1:]] + [shown[-1].index] * 2
    qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert cards[3].hasFocus() and win.cards.selected() == 3 and win.chain._lane == 3
    assert not win.controller.running


def test_a_click_focuses_a_card_only_when_a_card_has_the_focus(win, qtbot):
    """Space stays Play / Pause after a click on a card; a keyboard user's focus follows a
    click from card to card."""
    cards = win.cards.cards
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    qtbot.mouseClick(cards[1], Qt.MouseButton.LeftButton, pos=QPoint(40, 20))
    assert win.cards.selected() == 1 and not cards[1].hasFocus()
    _focus(qtbot, win, cards[0])
    qtbot.mouseClick(cards[3], Qt.MouseButton.LeftButton, pos=QPoint(40, 20))
    assert win.cards.selected() == 3 and cards[3].hasFocus()


def test_the_focused_card_shows_a_ring_in_every_look(win, qtbot):
    cards = win.cards.cards
    assert _ring_pixels(cards[1]) == 0
    _focus(qtbot, win, cards[1])
    light = _ring_pixels(cards[1])
    assert light >= 4  # both sides, 2 px each
    qtbot.keyClick(cards[1], Qt.Key.Key_Down)
    assert cards[2].hasFocus() and _ring_pixels(cards[1]) == 0 and _ring_pixels(cards[2]) >= 4
    win.presentation.set_theme("dark", persist=False)
    settle(qtbot)
    assert ring_color() == RING_COLORS["dark"]
    assert _ring_pixels(cards[2]) >= 4
    win.presentation.set_theme("light", persist=False)
    win.presentation.set_presentation(True, persist=False)
    settle(qtbot, 4)
    assert win.fold_columns["cards"].isVisible()
    _focus(qtbot, win, cards[2])
    assert _ring_pixels(cards[2]) > light  # thicker, with the presentation's lines


def test_the_ring_reads_on_every_card_background():
    """At least 3:1 (WCAG 2, non-text) on a card and on a dead card, in both themes."""
    for th in (style.LIGHT, style.DARK):
        for bg in (th.card_bg, th.dead_bg):
            assert style.contrast_ratio(RING_COLORS[th.name], bg) >= 3.0, (th.name, bg)


def test_each_card_is_named_by_its_lane_and_state(win):
    names = [c.accessibleName() for c in win.cards.cards]
    assert names[0] == "ReLU lane card: ALIVE"
    assert all(n.endswith(": ALIVE") and " lane card" in n for n in names)
    play(win, 1500)  # the bias shock at step 300 kills ReLU for good
    relu = win.cards.cards[0]
    assert relu.state.name == "DEAD"
    assert relu.accessibleName() == "ReLU lane card: DEAD"
    assert [c.accessibleName() for c in win.cards.cards] == [
        f"{c.act.label} lane card: {c.state.name}" for c in win.cards.cards]
    assert "exactly 0" in relu.accessibleDescription()


def test_a_focused_card_scrolls_into_view(qtbot):
    """A column of cards taller than its scroll area: Down to the last card scrolls it into
    view, Up back to the first scrolls back."""
    from tests.helpers import bias_shock_sim
    from widgets.lane_card import LaneCards

    cards = LaneCards(bias_shock_sim(10))
    cards.setMinimumHeight(len(cards.cards) * 170)  # (a card's full height and more)
    scroll = QScrollArea()
    scroll.setFocusPolicy(Qt.FocusPolicy.NoFocus)
    scroll.setWidget(cards)
    scroll.setWidgetResizable(True)
    show(qtbot, scroll, (360, 300))
    scroll.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is scroll)
    first, last = cards.cards[0], cards.cards[-1]
    first.setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.waitUntil(first.hasFocus)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0 and bar.value() == 0
    for _ in cards.cards[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert last.hasFocus() and cards.selected() == last.index

    def shown(card):
        top = card.mapTo(scroll.viewport(), QPoint(0, 0)).y()
        return top >= 0 and top + card.height() <= scroll.viewport().height()

    assert bar.value() > 0 and shown(last)
    for _ in cards.cards[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Up)
    assert first.hasFocus() and bar.value() == 0 and shown(first)


def test_a_card_tabbed_to_in_the_window_scrolls_into_view(win, qtbot):
    """The window's column of cards made taller than its room: Tab from the tab bar reaches
    the first card at the top; Down to the last card scrolls the column to show it whole."""
    scroll = win.fold_columns["cards"]
    win.cards.setMinimumHeight(3 * scroll.viewport().height())
    settle(qtbot)
    bar = scroll.verticalScrollBar()
    assert bar.maximum() > 0
    bar.setValue(bar.maximum())  # scrolled away from the first card
    win.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is win)
    win.tabs.tabBar().setFocus(Qt.FocusReason.TabFocusReason)
    qtbot.keyClick(win.tabs.tabBar(), Qt.Key.Key_Tab)
    first, last = win.cards.cards[0], win.cards.cards[-1]
    assert first.hasFocus() and bar.value() == 0

    def whole(card):
        top = card.mapTo(scroll.viewport(), QPoint(0, 0)).y()
        return top >= 0 and top + card.height() <= scroll.viewport().height()

    for _ in win.cards.cards[1:]:
        qtbot.keyClick(QApplication.focusWidget(), Qt.Key.Key_Down)
    assert last.hasFocus()
    assert bar.value() > 0 and whole(last) and win.cards.selected() == last.index
    win.cards.setMinimumHeight(0)
