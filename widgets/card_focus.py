"""The lane cards and the keyboard: each card is a Tab stop; Space or Enter selects the focused
card's lane (as a click does); Up and Down move the focus to the previous or next card shown and
select its lane (a list's arrow keys: the right column follows the card the focus is on); a ring
is painted on the card with the focus, and the focused card is scrolled into view when the column
of cards scrolls.

Clicks do not give a card the focus (Space stays the window's Play / Pause for mouse users),
except when the focus is on a card already: then it follows the click to the clicked card.

:class:`CardKeys` is attached to one :class:`widgets.card_frame.LaneCard` (an event filter on
it), :class:`FocusRing` is the ring drawn over the card.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QEvent, QObject, QRectF, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import QApplication, QScrollArea, QWidget

from widgets import style

# the ring's colour by theme: a focus blue, unlike the selected card's black (white) border, at
# least 3:1 (WCAG 2 non-text contrast) on a card's background and on a dead card's grey
RING_COLORS = {"light": "#0050B8", "dark": "#7FB2FF"}
RING_WIDTH = 2.0  # px, times the line scale of presentation mode
SELECT_KEYS = (Qt.Key.Key_Space, Qt.Key.Key_Return, Qt.Key.Key_Enter)
MOVE_KEYS = {Qt.Key.Key_Up: -1, Qt.Key.Key_Down: 1}
SCROLL_MARGIN = 6  # px of the column shown above and below a card scrolled into view


def ring_color(theme: style.Theme | None = None) -> str:
    """The focus ring's colour in ``theme`` (default: the theme in force)."""
    return RING_COLORS[(theme or style.theme()).name]


def access_name(label: str, state_name: str) -> str:
    """A card's accessible name: "ReLU lane card: DEAD"."""
    return f"{label} lane card: {state_name}"


class FocusRing(QWidget):
    """A ring just inside the card's border, over its contents (the plot fills its room), shown
    while the card has the focus; it takes no clicks and no focus."""

    def __init__(self, card: QWidget):
        super().__init__(card)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.hide()

    def ring_rect(self) -> QRectF:
        """Where the ring's line runs: 1 px inside the card's border (2 px; the lane's stripe
        on the left, 7 px), so the selected card's border and the ring read apart."""
        half = self.pen_width() / 2
        return QRectF(self.rect()).adjusted(8 + half, 3 + half, -3 - half, -3 - half)

    def pen_width(self) -> float:
        return style.lw(RING_WIDTH)

    def paintEvent(self, event: Any) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(QColor(ring_color()), self.pen_width()))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawRoundedRect(self.ring_rect(), 3, 3)
        painter.end()


class CardKeys(QObject):
    """The keyboard half of a lane card (see the module's docstring): an event filter on it."""

    def __init__(self, card: Any):
        super().__init__(card)
        self.card = card
        self.ring = FocusRing(card)
        card.setFocusPolicy(Qt.FocusPolicy.TabFocus)
        card.installEventFilter(self)
        card.clicked.connect(self._on_clicked)

    def siblings(self) -> list[Any]:
        """The cards of the card's column that are shown, in lane order."""
        parent = self.card.parentWidget()
        if parent is None:
            return [self.card]
        cards = [c for c in parent.findChildren(type(self.card),
                                                options=Qt.FindChildOption.FindDirectChildrenOnly)
                 if c.lane_visible and not c.isHidden()]
        return sorted(cards, key=lambda c: c.index)

    def move(self, step: int) -> bool:
        """Focus and select the card ``step`` places on (-1: the one above); False at an end."""
        cards = self.siblings()
        if self.card not in cards:
            return False
        at = cards.index(self.card) + step
        if not 0 <= at < len(cards):
            return False
        cards[at].setFocus(Qt.FocusReason.TabFocusReason if step > 0
                           else Qt.FocusReason.BacktabFocusReason)
        cards[at].clicked.emit(cards[at].index)
        return True

    def scroll_into_view(self) -> None:
        """Scroll the column of cards (when it scrolls) so that the whole card shows."""
        w = self.card.parentWidget()
        while w is not None and not isinstance(w, QScrollArea):
            w = w.parentWidget()
        if w is not None:
            w.ensureWidgetVisible(self.card, 0, SCROLL_MARGIN)

    def _on_clicked(self, _index: int) -> None:
        focused = QApplication.focusWidget()
        if focused is not self.card and isinstance(focused, type(self.card)):
            self.card.setFocus(Qt.FocusReason.MouseFocusReason)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.FocusIn:
            self.ring.setGeometry(self.card.rect())
            self.ring.raise_()
            self.ring.show()
            if event.reason() not in (Qt.FocusReason.ActiveWindowFocusReason,
                                      Qt.FocusReason.PopupFocusReason):
                self.scroll_into_view()  # (not when the window or a menu gives it back)
        elif kind == QEvent.Type.FocusOut:
            self.ring.hide()
        elif kind == QEvent.Type.Resize and self.ring.isVisible():
            self.ring.setGeometry(self.card.rect())
        elif kind in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress):
            mods = event.modifiers() & ~Qt.KeyboardModifier.KeypadModifier
            key = event.key()
            if mods != Qt.KeyboardModifier.NoModifier or (key not in SELECT_KEYS
                                                          and key not in MOVE_KEYS):
                return False
            event.accept()  # (an override: the key comes to the card, not to Play / Pause)
            if kind == QEvent.Type.KeyPress:
                if key in SELECT_KEYS:
                    self.card.clicked.emit(self.card.index)
                else:
                    self.move(MOVE_KEYS[key])
            return True
        return False
