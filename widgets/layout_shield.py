"""A holder that keeps a label's per-frame text changes from relaying out the whole window.

A QLabel asks its parent's layout for room at every ``setText`` (``updateGeometry``), and each
layout that re-activates asks its own parent in turn (``QLayout::activate`` ends with
``updateGeometry`` unconditionally): the step-through's header, whose step number changes every
frame, relaid out the splitter, the tab widget and the main window once a frame (~400 layout
requests in 400 frames; the frame ~2 ms slower). A :class:`LayoutShield` holds one widget with
no layout of its own, so the child's requests stop at the shield; it passes one on only when the
child's size hints or size policy (what its parent's layout reads) really changed.
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QSize
from PySide6.QtWidgets import QWidget


class LayoutShield(QWidget):
    """Holds ``child`` at its own size (no layout); the layout around sees the child's hints."""

    def __init__(self, child: QWidget, parent: QWidget | None = None):
        super().__init__(parent)
        self.child = child
        child.setParent(self)
        self.setSizePolicy(child.sizePolicy())
        self._hints = self._read_hints()

    def _read_hints(self) -> tuple:
        """What the layout around reads of the child: its hints and policy (for a child whose
        width policy is Ignored, only the heights: its width hint changes with every text)."""
        c = self.child
        policy = c.sizePolicy()
        hint, least = c.sizeHint(), c.minimumSizeHint()
        if policy.horizontalPolicy() == policy.Policy.Ignored:
            hint, least = QSize(0, hint.height()), QSize(0, least.height())
        return (hint, least, c.minimumSize(), c.maximumSize(), policy.horizontalPolicy(),
                policy.verticalPolicy(), c.isHidden())

    def sizeHint(self) -> QSize:
        return self.child.sizeHint()

    def minimumSizeHint(self) -> QSize:
        return self.child.minimumSizeHint()

    def hasHeightForWidth(self) -> bool:
        return self.child.hasHeightForWidth()

    def heightForWidth(self, width: int) -> int:
        return self.child.heightForWidth(width)

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self.child.setGeometry(self.rect())

    def event(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.LayoutRequest:  # (posted by the child's updateGeometry)
            hints = self._read_hints()
            if hints != self._hints:
                self._hints = hints
                self.setSizePolicy(self.child.sizePolicy())
                self.updateGeometry()
                parent = self.parentWidget()
                if parent is not None and parent.layout() is not None:
                    parent.layout().activate()  # now, as a child's own request would have been
            return True
        return super().event(event)
