"""The step-through panel's text: its header and phases laid out for the text column's width
and font (formulas break only between terms), written in the theme's inks made readable on
the page, and read back as plain text (mixed into :class:`widgets.chain_rule.ChainRulePanel`)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

from PySide6.QtGui import QFont, QFontMetricsF, QTextDocument

from simulation import activations
from widgets import style
from widgets.chain_header import header_widest, wrap_terms
from widgets.chain_phases import (
    N_PHASES,
    WJ,
    next_button,
    number_column,
    past_step_notes,
    phase_html,
    text_room,
)
from widgets.shown_key import shown_key

if TYPE_CHECKING:
    from widgets.chain_numbers import _Numbers


class ChainText:
    """What the panel writes, and where; the panel gives ``_read``, ``_sim``, ``_phase``,
    ``rewound``, its widgets (``_title``, ``_browser``, ``_spin``, ...) and ``_ruler``."""

    def text(self) -> str:
        """What the panel shows, as plain text (header and phases)."""
        self._render_if_dirty()
        return self._title_plain + "\n" + self.plain_text()

    def header_lines(self) -> list[str]:
        """The header's lines as shown, plain text (it wraps when it is too wide)."""
        self._render_if_dirty()
        return self._title.lines()

    def html(self) -> str:
        """The rich text of the phases shown (as built, before Qt rewrites it)."""
        return phase_html(self._read(), self._phase, after=self._notes())

    def plain_text(self) -> str:
        """The phases only, as plain text, a line per line of a formula (not as wrapped)."""
        doc = QTextDocument()
        doc.setHtml(self.html())
        return doc.toPlainText().replace(WJ, "")  # word joiners show nothing

    def room(self) -> float:
        """The width (px) of the phases' text column: no line of a formula is wider."""
        browser = self._browser
        return text_room(browser.viewport().width(), browser.document().documentMargin(),
                         self._numbers_width())

    def _numbers_width(self) -> int:
        bold = QFont(self._browser.font())
        bold.setBold(True)
        return number_column(QFontMetricsF(bold).horizontalAdvance(str(N_PHASES)))

    def _notes(self) -> list[str]:
        """The lines that end phase 7 of a rewound step (what its button does instead)."""
        if self._phase != N_PHASES or not self.rewound:
            return []
        return past_step_notes(self._read().step, self._continue_offered)

    def _header_widest(self) -> list[list[str]]:
        assert self._sim is not None
        labels = [activations.get(lane.activation).label for lane in self._sim.config.lanes]
        return header_widest(labels, self._read().step)

    def _set_button(self, nb: _Numbers) -> None:
        """Next; at phase 7 Apply, or for a rewound step what can be done instead."""
        text, tip, enabled = next_button(self._phase, nb.step, self.rewound,
                                         self._continue_offered)
        self._next.setText(text)
        self._next.setToolTip(tip)
        self._next.setEnabled(enabled)

    def _render_if_dirty(self) -> None:
        if self._rendering or not self._dirty:
            return
        self._rendering = True  # (setHtml shows or hides the scroll bar: the view's width
        try:                     # changes on the way; laid out again for the width it ends at)
            for _ in range(3):
                self._render()
                if self.room() == self._room:
                    break
        finally:
            self._rendering = False

    def _render(self) -> None:
        self._dirty = False
        nb = self._read()
        page = self.palette().window().color().name()  # what the header is written on
        color = style.readable(style.lane_color(nb.activation), page)
        state_color = style.readable(style.state_color(nb.state), page)
        self._title.set_pieces([
            (f'<b style="color:{color}">{escape(nb.label)}</b>', nb.label),
            (f'<span style="color:{state_color}; font-weight:bold">{nb.state.name}</span>',
             nb.state.name),
            (f"step {nb.step:,}", f"step {nb.step:,}")], self._header_widest())
        self._title_plain = f"{nb.label}  {nb.state.name}  step {nb.step:,}"
        if self._spin.value() != nb.sample:  # (setValue repaints the box even when the same)
            self._spin.blockSignals(True)
            self._spin.setValue(nb.sample)
            self._spin.blockSignals(False)
        self._phase_label.set_texts(f"phase {self._phase} / {N_PHASES}",
                                    f"{self._phase}/{N_PHASES}")
        self._back.setEnabled(self._phase > 1)
        self._set_button(nb)
        self._ruler.set_font(self._browser.font())  # (the document's, once it has it)
        self._room = room = self.room()
        numbers, notes = self._numbers_width(), self._notes()
        # (a dead lane's phases read the same step after step: its page is not written again)
        page = (shown_key(nb), self._phase, room, numbers, tuple(notes), style.theme(),
                self._browser.font().key(), self._browser.viewport().height())
        if page == self._page_key:
            return
        self._page_key = page
        html = phase_html(nb, self._phase, lambda line: wrap_terms(line, room, self._ruler),
                          numbers, notes)
        if html != self._html_shown:  # (laying the page out again cost ~0.35 ms a frame)
            self._html_shown = html
            self._browser.setHtml(html)
        # The current phase is the last one shown: scrolled to the end, so it is in view; where
        # it is taller than the view (a small window, a large scale factor) its start is shown
        # (its title and formula), not its last lines.
        self._browser.scrollToAnchor(f"p{self._phase}")
