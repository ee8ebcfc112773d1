"""Presentation mode's layout: the columns fitted for the large fonts (the cards just wide enough
for name and badge, the plots the most room, the right column folded on a narrow window), the
right column split between the network diagram and the step-through, and the preset's
description fitted on a short window. Refitted whenever the columns resize, so a window has the
layout presenting at its size gives, in whatever order it was resized and presented.

:class:`PresentationFit` is a mixin of :class:`app.presentation.Presentation` (its ``window``,
``on``, ``_base_font``, ``_sizes``, ``_right_sizes``, ``_refitting``, ``_fit_width`` and
``_split_height``).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QSplitter

from app import settings
from app.restyle import OWN_FONT, fitted_font
from widgets import style

SHORT = 900  # px: a window less tall presents at 1.5x at most, its description fitted
DESCRIPTION_LINES = 2  # presenting on a short window: the description's room, in large lines


class PresentationFit:
    """The columns and the description fitted for presentation mode (see the module)."""

    def _columns_resized(self) -> None:
        """Presenting, the columns resized (the window resized, a dock beside them): refitted
        for their new width, and the right column split for its new height, so the window has
        the layout presenting at its size gives, in whatever order it was resized and presented
        (shrunk after presenting, the right column stayed open and squeezed the time plots to
        ~180 px)."""
        if not self.on or self._refitting:
            return
        self._refitting = True
        try:
            for _ in range(3):  # (a fold may change the window's minimum, and so its width)
                if self.window.columns.width() == self._fit_width:
                    break
                self._fit_columns()
            column = self.window.fold_columns["right"]
            if column.height() != self._split_height:
                self._split_right(column)
        finally:
            self._refitting = False

    def fit_columns(self) -> None:
        """Refit the columns (a dock opened or closed beside them)."""
        if self.on:
            self.window.layout().activate()
            self._sizes, saved = None, self._sizes
            self._fit_columns()
            self._sizes = saved

    def refit(self) -> None:
        """The window is shown (and its columns fitted): presenting, the columns are fitted for
        presentation, and the shown widths are the ones to come back to."""
        if self.on:
            w = self.window
            w.fold("right", "presentation", False)  # the widths with every column shown ...
            w.fit_columns(w.width())
            self._sizes = None  # ... are the ones to come back to
            self._fit_columns()

    def _fit_columns(self) -> None:
        """Presenting: the cards column just wide enough for name and badge, the plots the
        most room; back to the previous widths afterwards."""
        w = self.window
        split = w.tabs.widget(0)
        if not isinstance(split, QSplitter) or split.count() != 3:
            return
        w.transport.set_description_lines(0)  # all the lines it needs (its font fits them)
        self._fit_description()
        column = w.fold_columns["right"]
        if not self.on:
            w.fold("right", "presentation", False)
            if self._sizes is not None:
                split.setSizes(self._sizes)
                self._sizes = None
            if self._right_sizes is not None:
                column.setSizes(self._right_sizes)
                self._right_sizes = None
            return
        self._fit_width = split.width()
        if self._sizes is None:
            self._sizes = split.sizes()
        if self._right_sizes is None:
            self._right_sizes = column.sizes()
        total = sum(split.sizes()) or w.width()
        card = w.cards._pool[0]
        cards = (card.name.fontMetrics().horizontalAdvance("Leaky ReLU")
                 + card.badge.sizeHint().width() + 60)
        # narrow screens (a 1280x720 projector): the plots need the room more than the
        # step-through column; it is folded (its large-font minimum size would not fit)
        # until presentation mode ends
        # (decided on the width all three columns would share: the same whether the right
        # column is folded or not, so the same in whatever order the window was sized)
        shown = split.contentsRect().width() - 2 * split.handleWidth()
        narrow = (shown if shown > 0 else total) < 1500
        w.fold("right", "presentation", narrow)
        # the width the shown columns share, once the splitter has laid out the fold
        QApplication.sendPostedEvents(split, QEvent.Type.LayoutRequest)
        total = sum(split.sizes()) or total
        # the right column widens with the font scale (as wide as the step-through's controls
        # made it at 2x): its formulas and header keep their lines, the phase its height
        grow = max(1.0, style.scales()[0] / settings.SCALES[0])
        right = 0 if narrow else int(total * min(0.24 * grow, 0.3))
        split.setSizes([cards, max(total - cards - right, 200), right])
        self._split_right(column)

    def _fit_description(self) -> None:
        """Presenting on a short window (a 1280x720 projector): the preset's description, the
        sentence telling the room what will happen, whole and in at most DESCRIPTION_LINES lines
        of the large font (its four lines took the plots' height): in a smaller font where it
        needs more, down to the normal size, where it takes the lines it needs."""
        label = self.window.transport.description
        if self.on and self.window.height() < SHORT and self._base_font is not None:
            width = label.contentsRect().width()
            if width <= 0:
                return
            font = fitted_font(label.text(), width, QApplication.font(),
                               self._base_font.pointSizeF(), DESCRIPTION_LINES)
            label.setProperty(OWN_FONT, True)
            if font != label.font():
                label.setFont(font)
        elif label.property(OWN_FONT):
            label.setProperty(OWN_FONT, False)
            label.setFont(QFont())  # the application's again

    def _split_right(self, column: QSplitter) -> None:
        """Presenting: the network diagram as tall as it asks (its canvas at the base size, at
        most 40 % of the column: ``NetworkDiagram.min_height``), the step-through the rest, so
        its current phase shows whole without scrolling, at 2x too."""
        if not column.isVisible():
            return
        self._split_height = column.height()
        total = sum(column.sizes())
        diagram = self.window.diagram
        diagram._fit_min_height()
        if total > 0:
            column.setSizes([diagram.min_height(), total - diagram.min_height()])
