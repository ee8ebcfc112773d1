"""The Population tab's right column fitted to the page's height: its texts at presentation's
size while the whole column fits, else at the largest smaller size that does (never under their
normal sizes), so the dropped-versus-dead strip stays in view; presenting, its key goes beside
the strip where presentation's size does not fit with it under the strip.

Presenting at 1280x720 the column (status, table of counts, dropout finding, strip title, strip
and key) needed 662 px in the 440 the page leaves it: it scrolled and the strip lay below the fold.
The sizes are searched with :func:`widgets.capped_label.largest_size` over the heights
:func:`widgets.capped_label.text_height` gives, at the width the table of counts then needs.
"""

from __future__ import annotations

import html
import math

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QFont, QTextDocument
from PySide6.QtWidgets import QGridLayout, QLabel, QWidget

from widgets import style
from widgets.capped_label import OWN_FONT, largest_size, text_height
from widgets.claim_controls import FONT_PT

SLACK = 4  # px of the column's height left over (rounding of the labels' own layouts)
PRESENT_SHARE = 0.45  # of the page's width: the column's at least where presenting's size
# does not fit (its texts wrap onto fewer lines: 11 pt at 1280x720 did not fit at the table's
# width, 509 px; the plots beside it had 522 px before the column fitted)


def table_width(text: str, f: QFont) -> int:
    """The width of the table in ``text`` (HTML: a style, words that wrap, then a table whose
    rows do not wrap) in ``f``; 0 if it has none."""
    if "<table" not in text:
        return 0
    style = text[:text.index("</style>") + len("</style>")] if "</style>" in text else ""
    doc = QTextDocument()
    doc.setDefaultFont(f)
    doc.setDocumentMargin(0)
    doc.setHtml(style + text[text.index("<table"):])
    return math.ceil(doc.idealWidth())


def rich(label: QLabel) -> str:
    """``label``'s text as HTML (a plain text escaped)."""
    text = label.text()
    return text if label.textFormat() == Qt.TextFormat.RichText else html.escape(text)


class ColumnFit(QObject):
    """Fits the fonts of ``texts`` ((label, normal pt) in ``column``, a
    :class:`widgets.population_plots.SideColumn`) to the column's height whenever it is resized,
    a text changes (:meth:`fit`) or presentation's fonts change. ``table`` (one of the texts)
    sets the column's width. ``grid`` holds the strip (a widget that takes the height the others
    leave, its minimum height at least) at (0, 0) and its key (one of the texts) under it, or
    beside it where presentation's size does not fit so: ``keys`` are the key's texts for under
    and beside (a code a line)."""

    def __init__(self, column: QWidget, texts: list[tuple[QLabel, float]], table: QLabel,
                 grid: QGridLayout, keys: tuple[str, str]):
        super().__init__(column)
        self.column, self.texts, self.table = column, texts, table
        self._normal_pt = {id(label): pt for label, pt in texts}  # (by label)
        self.grid, self.keys = grid, keys
        self.strip = grid.itemAtPosition(0, 0).widget()
        self.key = grid.itemAtPosition(1, 0).widget()
        self.beside = False  # the key beside the strip (else under it)
        self.size = FONT_PT * 1.0  # the size of the FONT_PT texts now
        self._fitting = False
        self.share = 0  # px: the column's width at least (presenting, where the texts shrink)
        self._shown: tuple[bool, ...] = ()  # which of the column's widgets were shown at the fit
        self._memo: dict[tuple, int] = {}  # laid-out widths and heights by (text, pt, width)
        for label, _ in texts:
            label.setProperty(OWN_FONT, True)  # (presentation does not scale them itself)
        column.installEventFilter(self)
        column.widget().installEventFilter(self)  # (a new text: its LayoutRequest)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        kind = event.type()
        if watched is not self.column:
            if kind == QEvent.Type.LayoutRequest:
                self.check()
        elif kind in (QEvent.Type.Resize, QEvent.Type.ApplicationFontChange):
            self.fit()
        return False

    def _layout(self, what: str, text: str, f: QFont, width: int = 0) -> int:
        """:func:`table_width` (``what`` "w") or :func:`text_height` ("h"), remembered."""
        key = (what, text, f.pointSizeF(), f.bold(), width)
        if key not in self._memo:
            if len(self._memo) > 256:
                self._memo.clear()
            self._memo[key] = (table_width(text, f) if what == "w"
                               else text_height(text, f, width))
        return self._memo[key]

    def _shown_now(self) -> tuple[bool, ...]:
        layout, inner = self.column.widget().layout(), self.column.widget()
        return tuple(item.widget().isVisibleTo(inner) for item in
                     (layout.itemAt(i) for i in range(layout.count())) if item.widget())

    def check(self) -> None:
        """A text changed (a frame's new counts): fitted again only if the column no longer
        fits at the size in force or a widget was shown or hidden (one layout of the texts,
        not the search: the texts change a dozen times a second while the lanes run)."""
        if self._fitting:
            return
        if (self._shown_now() != self._shown
                or self.height_at(self.size, self.beside) > self.column.height()):
            self.fit()

    def _font(self, label: QLabel, normal_pt: float, size: float) -> QFont:
        """``label``'s font with the FONT_PT texts at ``size``: ``normal_pt`` scaled as they
        are, but FONT_PT at least while presenting (the key's 10 pt is small on a projector)."""
        f = QFont(label.font())
        pt = normal_pt * size / FONT_PT
        f.setPointSizeF(max(pt, FONT_PT) if style.scales()[0] > 1 else pt)
        return f

    def width_at(self, size: float) -> int:
        """The column's width with its texts at ``size``: the table's rows (they do not wrap),
        or ``share``, whichever is wider (see SideColumn.fit)."""
        pt = self._normal_pt[id(self.table)]
        least = self._layout("w", self.table.text(), self._font(self.table, pt, size))
        return max(self.column.width_for(least), self.share)

    def height_at(self, size: float, beside: bool) -> int:
        """The height the column's contents need with the texts at ``size``, the key
        ``beside`` the strip or under it."""
        layout = self.column.widget().layout()
        m = layout.contentsMargins()
        width = self.width_at(size) - m.left() - m.right()
        pts = self._normal_pt
        total, shown = m.top() + m.bottom(), 0
        for i in range(layout.count()):
            item = layout.itemAt(i)
            w = item.widget()
            if w is not None and not w.isVisibleTo(self.column.widget()):
                continue
            shown += 1
            if w is not None and id(w) in pts:
                total += self._layout("h", rich(w), self._font(w, pts[id(w)], size), width)
            elif item.layout() is self.grid:
                key = self._layout("h", self.keys[beside],
                                   self._font(self.key, pts[id(self.key)], size), width)
                least = self.strip.minimumHeight()
                total += max(least, key) if beside else least + self.grid.verticalSpacing() + key
            elif w is not None:
                total += max(w.minimumHeight(), w.minimumSizeHint().height())
        return total + layout.spacing() * max(shown - 1, 0) + SLACK

    def place_key(self, beside: bool) -> None:
        """The key beside the strip, a code a line, or under it."""
        if beside != self.beside or self.key.text() != self.keys[beside]:
            self.beside = beside
            self.grid.removeWidget(self.key)
            self.grid.addWidget(self.key, *((0, 1) if beside else (1, 0)))
            self.key.setText(self.keys[beside])

    def fit(self) -> None:
        """The texts at the largest size, presentation's at most and FONT_PT at least, at which
        the whole column fits its height (FONT_PT, and the column scrolls, where none does).
        Where presentation's size does not fit, the key goes beside the strip, and where it
        still does not, the column is PRESENT_SHARE of the page wide at least."""
        room = self.column.height()
        if self._fitting or room <= 0:
            self.column.fit()
            return
        self._fitting = True
        try:
            self.share = 0
            scale = style.scales()[0]
            full = FONT_PT * scale
            beside = scale > 1 and self.height_at(full, False) > room
            page = self.column.parentWidget()
            if beside and page is not None and self.height_at(full, True) > room:
                self.share = round(PRESENT_SHARE * page.width())
            size = largest_size(lambda s: self.height_at(s, beside) <= room, self.size, FONT_PT)
            self.size, self._shown = size, self._shown_now()
            self.column.least = self.width_at(size)  # (the width the heights were found at)
            self.place_key(beside)
            # fitting, no scroll bar: shown, it took the width the texts were fitted at (they
            # wrapped onto more lines, and the column scrolled by as much)
            self.column.setVerticalScrollBarPolicy(
                Qt.ScrollBarPolicy.ScrollBarAlwaysOff if self.height_at(size, beside) <= room
                else Qt.ScrollBarPolicy.ScrollBarAsNeeded)
            for label, pt in self.texts:
                f = self._font(label, pt, size)
                if f != label.font():
                    label.setFont(f)
            self.column.fit()
        finally:
            self._fitting = False
