"""Wrapping in the step-through, between pieces, never inside one: the header (lane, state and
step) and the lines of the formulas (:func:`wrap_terms`: between terms, in balanced lines)."""

from __future__ import annotations

import itertools
import math
import re
from collections.abc import Sequence

from PySide6.QtCore import QEvent, QSize, Qt
from PySide6.QtGui import QFont, QFontMetricsF, QTextDocument
from PySide6.QtWidgets import QLabel

from simulation.health import State
from widgets.fitted_label import TextWidths

_DIGITS = re.compile(r"\d")


class Header(QLabel):
    """Lane, state and step: on one line where they fit, else wrapped between them (never
    inside one), again whenever the width or the font changes (presentation mode).

    The breaks are chosen for the widest text each piece may take (``set_pieces``' ``widest``:
    any lane's name, any state, a longer step number), so the header keeps its lines, and its
    height, as the state word or the step number changes."""

    GAP = "  "  # between the pieces, as plain text (" &nbsp;" in the rich text)

    def __init__(self) -> None:
        super().__init__()
        self.setTextFormat(Qt.TextFormat.RichText)
        self._pieces: list[tuple[str, str]] = []  # (rich text, plain text)
        self._widest: list[list[str]] = []  # the plain texts each piece may take
        self._lines: list[str] = []
        self._widths: TextWidths | None = None  # in bold, the current font (see needed_width)
        # (size hint, minimum size hint) of the text with its digits as 0: a new step number
        # (every frame) changes no line and no height; QLabel lays the rich text out again
        # for each hint (~70 µs a hint, read every frame by the LayoutShield around it)
        self._hints: tuple[str, QSize, QSize] | None = None

    def set_pieces(self, pieces: list[tuple[str, str]],
                   widest: Sequence[Sequence[str]] | None = None) -> None:
        """Show ``pieces`` (rich text, plain text); ``widest``: for each piece, the other plain
        texts it may take, whose widest the line breaks make room for."""
        self._pieces = pieces
        self._widest = [list(w) for w in widest] if widest is not None else []
        self._wrap()

    def lines(self) -> list[str]:
        """The lines shown, as plain text."""
        return list(self._lines)

    def needed_width(self, text: str) -> float:
        """The width ``text`` takes, measured in bold (the widest the header writes it)."""
        if self._widths is None:
            font = QFont(self.font())
            font.setBold(True)
            self._widths = TextWidths(QFontMetricsF(font), limit=2000)  # (a step per step)
        return self._widths.horizontalAdvance(text)

    def _room_for(self, i: int) -> str:
        """The widest plain text piece ``i`` may take (its own, or one of its ``widest``)."""
        texts = [self._pieces[i][1], *(self._widest[i] if i < len(self._widest) else ())]
        return max(texts, key=self.needed_width)

    def _wrap(self) -> None:
        room = self.contentsRect().width() - 2  # a pixel of rounding either side
        rows: list[list[int]] = [[]]
        for i in range(len(self._pieces)):
            trial = self.GAP.join(self._room_for(k) for k in [*rows[-1], i])
            if rows[-1] and self.needed_width(trial) > room:
                rows.append([])
            rows[-1].append(i)
        self._lines = [self.GAP.join(self._pieces[k][1] for k in row) for row in rows]
        html = "<br>".join(" &nbsp;".join(self._pieces[k][0] for k in row) for row in rows)
        if html != self.text():  # (the same lines in other inks too: a theme change)
            self.setText(html)

    def _hinted(self) -> tuple[str, QSize, QSize]:
        key = _DIGITS.sub("0", self.text())
        if self._hints is None or self._hints[0] != key:
            self._hints = (key, super().sizeHint(), super().minimumSizeHint())
        return self._hints

    def sizeHint(self) -> QSize:
        return QSize(self._hinted()[1])

    def minimumSizeHint(self) -> QSize:
        return QSize(self._hinted()[2])

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._wrap()

    def changeEvent(self, event) -> None:
        if event.type() in (QEvent.Type.FontChange, QEvent.Type.StyleChange):
            self._hints = None
        super().changeEvent(event)
        if event.type() == QEvent.Type.FontChange:
            self._widths = None
            self._wrap()


def header_widest(labels: Sequence[str], step: int) -> list[list[str]]:
    """The widest texts each piece of the header (lane, state, step) may take: any of the
    lanes' ``labels``, any state, a step number of at least 7 digits."""
    digits = max(len(str(step)), 7)
    return [list(labels), [s.name for s in State], [f"step {int('8' * digits):,}"]]


# --- formulas: lines broken between terms, balanced ---------------------------------------------
NBSP = "\u00a0"
_TOKEN = re.compile(r"<[^>]*>|&#?\w+;|.", re.S)  # a tag, an entity or one character
_SPACE_LIKE = (" ", NBSP, "&nbsp;")
_KIND = {"=": 1, "←": 1, "+": 2, "−": 2, "×": 3, "/": 3}  # a break before the operator
_PENALTY = (0.0, 0.5, 1.0, 2.0)  # after a comma or between words; before =, ←; +, −; ×, /
_SAFETY = 3.0  # px: rounding of the widths summed piece by piece
_MAX_TRIALS = 20000
MIN_ROOM = 60.0  # px: a text column narrower is folded away, not laid out


class Ruler:
    """Widths of rich-text pieces in one font, as Qt lays them out (cached)."""

    def __init__(self) -> None:
        self._doc = QTextDocument()
        self._doc.setDocumentMargin(0)
        self._cache: dict[str, float] = {}
        self.wrapped: dict[tuple[str, float], str] = {}  # wrap_terms' answers, this font

    @property
    def font(self) -> QFont:
        return self._doc.defaultFont()

    def set_font(self, font: QFont) -> None:
        if font != self._doc.defaultFont():
            self._doc.setDefaultFont(font)
            self._cache.clear()
            self.wrapped.clear()

    def width(self, html: str) -> float:
        if html not in self._cache:
            if len(self._cache) > 5000:  # (numbers change every step)
                self._cache.clear()
            self._doc.setHtml(html)
            self._cache[html] = self._doc.idealWidth()
        return self._cache[html]


def _kind(shown: list[str], n: int) -> int:
    """The kind of the break at the space ``shown[n]``: 1-3 before an operator, else 0."""
    ahead = shown[n + 1:n + 6]
    if len(ahead) > 1 and ahead[0] in _KIND and ahead[1] in _SPACE_LIKE:
        return _KIND[ahead[0]]
    word = "".join(ahead).replace("&nbsp;", NBSP)
    return 1 if word.startswith(("if" + NBSP, "else" + NBSP, "if ", "else ")) else 0


def _atoms(html: str) -> tuple[list[str], list[str], list[int]]:
    """``html`` cut at its breakable spaces: the pieces, the tags open where each starts, and
    the kind of each break (:func:`_kind`)."""
    toks = _TOKEN.findall(html)
    shown = [t for t in toks if not t.startswith("<")]
    pieces, prefixes, kinds = [""], [""], []
    open_tags: list[str] = []
    n = -1
    for t in toks:
        if t.startswith("</"):
            if open_tags:
                open_tags.pop()
        elif t.startswith("<"):
            if not t.endswith("/>") and not t.lower().startswith("<br"):
                open_tags.append(t)
        else:
            n += 1
            if t == " ":
                kinds.append(_kind(shown, n))
                pieces.append("")
                prefixes.append("".join(open_tags))
                continue
        pieces[-1] += t
    return pieces, prefixes, kinds


def _allowed(widths: list[float], kinds: list[int], gap: float, room: float,
             indent: float) -> list[int]:
    """The breaks a formula may take: between words and after commas; before an operator only
    inside a stretch between those that does not fit on a line of its own."""
    allowed, start = [], 0
    for k in [*(k for k, c in enumerate(kinds) if c == 0), len(widths) - 1]:
        if sum(widths[start:k + 1]) + gap * (k - start) + (indent if start else 0.0) > room:
            allowed += range(start, k)
        if k < len(kinds):
            allowed.append(k)
        start = k + 1
    return sorted(set(allowed))


def _best(widths, kinds, gap, room, indent, allowed) -> list[int] | None:
    """The fewest lines that fit (None: a piece is wider than a line); among those, the breaks
    least inside terms and the most even lines."""
    def spans(breaks):
        starts = [0, *(b + 1 for b in breaks)]
        ends = [*breaks, len(widths) - 1]
        return [sum(widths[s:e + 1]) + gap * (e - s) + (indent if i else 0.0)
                for i, (s, e) in enumerate(zip(starts, ends, strict=True))]

    for count in range(len(allowed) + 1):
        if math.comb(len(allowed), count) > _MAX_TRIALS:
            break
        best, best_cost = None, math.inf
        for breaks in itertools.combinations(allowed, count):
            lines = spans(breaks)
            if max(lines) > room:
                continue
            cost = (sum(_PENALTY[kinds[b]] for b in breaks)
                    + 2.0 * (max(lines) - min(lines)) / room)
            if cost < best_cost:
                best, best_cost = list(breaks), cost
        if best is not None:
            return best
    return None


def wrap_terms(html: str, room: float, ruler: Ruler) -> str:
    """``html`` (one line of a formula, its breakable spaces as in ``chain_phases.formula``) in
    lines of at most ``room`` px: broken only at those spaces, in as few and as even lines as
    fit, continued with a deeper indent. A piece wider than a line is written smaller (the
    whole line, so its terms stay alike)."""
    key = (html, room)
    if key not in ruler.wrapped:
        if len(ruler.wrapped) > 2000:
            ruler.wrapped.clear()
        ruler.wrapped[key] = _wrap(html, room, ruler)
    return ruler.wrapped[key]


def _wrap(html: str, room: float, ruler: Ruler) -> str:
    if room < MIN_ROOM or ruler.width(html) <= room - _SAFETY:  # (a folded column: as is)
        return html
    pieces, prefixes, kinds = _atoms(html)
    lead = len(re.match(r"(?:&nbsp;|\u00a0)*", pieces[0]).group(0).replace("&nbsp;", NBSP))
    indent_html = "&nbsp;" * (lead + (4 if any(kinds) else 0))  # a formula goes on deeper
    widths = [ruler.width(p + s) for p, s in zip(prefixes, pieces, strict=True)]
    gap = ruler.width(f"x{NBSP}x") - ruler.width("xx")
    indent = ruler.width(indent_html)
    every = list(range(len(kinds)))
    target = room - _SAFETY
    for _ in range(4):  # the lines measured whole: narrower where the pieces' sum was short
        breaks = _best(widths, kinds, gap, target, indent,
                       _allowed(widths, kinds, gap, target, indent))
        if breaks is None:  # (a stretch between commas fits a line, but not with the indent)
            breaks = _best(widths, kinds, gap, target, indent, every)
        if breaks is None:
            break
        out = _joined(pieces, breaks, indent_html)
        excess = ruler.width(out) - (room - 1.0)
        if excess <= 0:
            return out
        target -= excess + 1.0
    # a piece wider than a line: the line smaller, every break allowed
    widest = max(w + (indent if i else 0.0) for i, w in enumerate(widths))
    scale = max(min((room - _SAFETY) / widest, 1.0) * 0.95, 0.3)
    scaled = [w * scale for w in widths]
    breaks = _best(scaled, kinds, gap * scale, room - _SAFETY, indent * scale, every) or every
    font = ruler.font
    size = (f"{font.pointSizeF() * scale:.2f}pt" if font.pointSizeF() > 0
            else f"{max(round(font.pixelSize() * scale), 1)}px")
    return f'<span style="font-size:{size}">{_joined(pieces, breaks, indent_html)}</span>'



def _joined(pieces: list[str], breaks: list[int], indent_html: str) -> str:
    out = pieces[0]
    for k, piece in enumerate(pieces[1:]):
        out += ("<br>" + indent_html if k in breaks else " ") + piece
    return out
