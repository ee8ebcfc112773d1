"""The single-neuron tab's three columns (lane cards, time plots, the selected lane's math):
their widths, folding a side column away where a side panel or presentation mode leaves no room
for it on a narrow window, and the window's minimum size: the one at which every arrangement of
the columns (the cards, the step-through, the set-up panel, the tour) still has its room.

:class:`WindowColumns` is a mixin of :class:`app.main_window.MainWindow` (it uses its
``columns`` splitter, ``fold_columns``, ``_folds``, ``setup_dock`` and the tour's dock).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize, Qt, Signal
from PySide6.QtWidgets import QApplication, QSplitter, QStyle

from app.window_place import SMALL_SCREEN, keep_size

NARROW = 1600  # px: a narrower window folds the right column while a side panel is open


class Columns(QSplitter):
    """The columns' splitter: its minimum counts its margins (the room the tour's panel lies
    over on a narrow window), and it says when it was resized."""

    resized = Signal()

    def minimumSizeHint(self) -> QSize:
        m = self.contentsMargins()
        return super().minimumSizeHint() + QSize(m.left() + m.right(), m.top() + m.bottom())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.resized.emit()


class WindowColumns:
    """Column widths and folds of the main window, and its minimum size."""

    def is_narrow(self) -> bool:
        """Narrower than NARROW: no room for a side panel beside all three columns."""
        return self.width() < NARROW

    def fold(self, column: str, reason: str, on: bool, keep_size: bool = False) -> None:
        """Fold (hide) or unfold one of the side columns ("cards", "right") for ``reason`` (a
        side panel, presentation mode, "room"): it is shown again once no reason holds it
        folded. ``keep_size``: a side panel opened or closed, the window keeps its size."""
        size = self.size()
        reasons = self._folds[column]
        (reasons.add if on else reasons.discard)(reason)
        widget = self.fold_columns[column]
        widget.setVisible(not reasons)
        if not reasons and self.columns.sizes()[self.columns.indexOf(widget)] == 0:
            self.fit_columns(sum(self.columns.sizes()))  # unfolded with no width of its own
        if keep_size:
            self.keep_size(size)
        if reason != "room":
            self.fold_for_room()

    def fold_for_room(self) -> None:
        """The cards folded while the columns shown with them would be narrower than their
        minimum (the set-up panel and the tour's panel both open on a narrow window): the time
        plots keep their width. (Presenting, presentation mode fits the columns itself.)"""
        tight = not self._presenting() and self.columns_need() > self.columns.width()
        if tight != ("room" in self._folds["cards"]):
            self.fold("cards", "room", tight)

    def columns_need(self) -> int:
        """The width the columns need with the cards shown (unless folded for another reason
        than room), the right column if shown, and the tour's room at their end."""
        cards, plots, right = self._column_minimums()
        handle = self.columns.handleWidth()
        m = self.columns.contentsMargins()
        need = plots + m.left() + m.right()
        if not self._folds["cards"] - {"room"}:
            need += cards + handle
        if not self._folds["right"]:
            need += right + handle
        return need

    def _presenting(self) -> bool:
        pres = getattr(self, "presentation", None)
        return bool(pres is not None and pres.on)

    def _on_setup_shown(self, on: bool) -> None:
        """The set-up panel beside a narrow window's columns: as narrow as it can be, and the
        right column folded while it is open."""
        narrow = on and self.is_narrow()
        self.fold("right", "setup", narrow, keep_size=True)
        if narrow and not self.setup_dock.isFloating():
            self.resizeDocks([self.setup_dock], [self.setup_dock.minimumSizeHint().width()],
                             Qt.Orientation.Horizontal)

    def keep_size(self, size: QSize) -> None:
        """The window keeps ``size`` (see :func:`app.window_place.keep_size`)."""
        keep_size(self, size)

    def _fitted(self, width: int) -> tuple[int, int, int]:
        cards = min(380, max(290, round(width * 0.2)))
        right = min(460, max(360, round(width * 0.24)))
        return cards, max(200, width - cards - right), right

    def fit_columns(self, width: int) -> None:
        """Split ``width`` between cards, time plots and the selected lane's math: the side
        columns give up some width on a small screen, the time plots keep the most."""
        self.columns.setSizes(list(self._fitted(width)))

    # --- the window's minimum size ---------------------------------------------------------------
    def _column_minimums(self) -> tuple[int, int, int]:
        """The least width of the cards (a card's minimum, the scroll bar beside it), the time
        plots and the right column, from their own minimum sizes."""
        scroll = self.fold_columns["cards"]
        cards = (self.cards.minimumSizeHint().width() + 2 * scroll.frameWidth()
                 + scroll.verticalScrollBar().sizeHint().width())
        return (cards, self.plots.minimumSizeHint().width(),
                self.fold_columns["right"].minimumSizeHint().width())

    def arranged_minimum(self) -> QSize:
        """The least size at which every arrangement has its room, from the widgets' minimum
        sizes: the bars; all three columns; the set-up panel beside cards and plots (the right
        column folded); the tour's panel beside plots and the cards or the right column; the
        set-up panel and the tour's panel beside the plots (the cards folded for room)."""
        cards, plots, right = self._column_minimums()
        handle = self.columns.handleWidth()
        edge = max(0, self.tabs.width() - self.columns.width())  # the tab page's frame
        dock = self.setup_dock.minimumSizeHint()
        setup = dock.width() + self.style().pixelMetric(
            QStyle.PixelMetric.PM_DockWidgetSeparatorExtent, None, self)
        bars = max(self.transport.minimumSizeHint().width(),
                   self.statusBar().minimumSizeHint().width(), self.tabs.minimumSizeHint().width())
        width = max(bars, edge + cards + plots + right + 2 * handle,
                    setup + edge + cards + handle + plots)
        tour = getattr(self, "tour_dock", None)
        if tour is not None:
            panel = tour.sizeHint().width()
            for _ in range(2):  # the tour's room: the right column's fitted width, or its own
                room = min(max(panel, self._fitted(width)[2] + handle), 2 * panel)
                width = max(width, edge + max(cards, right) + handle + plots + room,
                            setup + edge + plots + room)
        height = max(self.layout().totalMinimumSize().height(),
                     self.menuBar().sizeHint().height() + dock.height()
                     + self.statusBar().minimumSizeHint().height())
        return QSize(width, height)

    def fit_minimum(self) -> None:
        """The window's minimum size: :meth:`arranged_minimum` (presenting, the layout's own:
        presentation mode folds and squeezes to fit), never more than a 1280x720 screen."""
        for bar in (self.transport, self.statusBar(), self.tabs):
            # their pending relayouts first: a bar's minimum is stale until then (presentation
            # ended, the status bar still asked for its large-font width and grew the window)
            QApplication.sendPostedEvents(bar, QEvent.Type.LayoutRequest)
        if self._presenting():
            least = self.layout().totalMinimumSize()
        else:
            least = self.arranged_minimum()
        least = least.boundedTo(SMALL_SCREEN)
        if least != self.minimumSize():
            self.setMinimumSize(least)
