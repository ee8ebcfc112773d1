"""The single-neuron tab's three columns (lane cards, time plots, the selected lane's math):
their widths, and folding a side column away where a side panel or presentation mode leaves
no room for it on a narrow window.

:class:`WindowColumns` is a mixin of :class:`app.main_window.MainWindow` (it uses its
``columns`` splitter, ``fold_columns``, ``_folds`` and ``setup_dock``).
"""

from __future__ import annotations

from PySide6.QtCore import QSize, Qt

from app.window_place import keep_size

NARROW = 1600  # px: a narrower window folds the right column while a side panel is open


class WindowColumns:
    """Column widths and folds of the main window."""

    def is_narrow(self) -> bool:
        """Narrower than NARROW: no room for a side panel beside all three columns."""
        return self.width() < NARROW

    def fold(self, column: str, reason: str, on: bool, keep_size: bool = False) -> None:
        """Fold (hide) or unfold one of the side columns ("cards", "right") for ``reason`` (a
        side panel, presentation mode): it is shown again once no reason holds it folded.
        ``keep_size``: a side panel opened or closed, the window keeps its size."""
        size = self.size()
        reasons = self._folds[column]
        (reasons.add if on else reasons.discard)(reason)
        widget = self.fold_columns[column]
        widget.setVisible(not reasons)
        if not reasons and self.columns.sizes()[self.columns.indexOf(widget)] == 0:
            self.fit_columns(sum(self.columns.sizes()))  # unfolded with no width of its own
        if keep_size:
            self.keep_size(size)

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

    def fit_columns(self, width: int) -> None:
        """Split ``width`` between cards, time plots and the selected lane's math: the side
        columns give up some width on a small screen, the time plots keep the most."""
        cards = min(380, max(290, round(width * 0.2)))
        right = min(460, max(360, round(width * 0.24)))
        self.columns.setSizes([cards, max(200, width - cards - right), right])
