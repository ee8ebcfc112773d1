"""The network diagram while presenting at 1920x1080: its text is larger than at 1x and never
smaller than at 1.5x (it shrank at 2x, where the step-through below took the column's height
from the diagram), stays on the canvas and no label covers another."""

import pytest
from PySide6.QtCore import QRectF
from PySide6.QtWidgets import QApplication

from app import settings
from tests import helpers
from tests.helpers import play
from widgets import style
from widgets.diagram_layout import BASE_H, BASE_W, FONT_PX, MIN_H


def settle(win):
    for _ in range(3):
        QApplication.processEvents()
    win.layout().activate()
    QApplication.processEvents()


def screen_px(diagram) -> float:
    """The on-screen height (px) of the diagram's body text: its canvas font x canvas scale."""
    s = min(diagram.width() / BASE_W, diagram.height() / BASE_H)
    return diagram._font(FONT_PX).pixelSize() * s


def drawn_texts(diagram) -> list[tuple[str, QRectF]]:
    return helpers.painted_texts(diagram)


@pytest.mark.parametrize("lane", [0, 1])  # ReLU dead after the shock; Leaky ReLU recovering
def test_diagram_text_keeps_its_presentation_size(win, lane):
    win.resize(1920, 1080)  # (a window under 900 px tall presents at 1.5x at most)
    play(win, 1000)
    win.diagram.set_lane(lane)
    settle(win)
    sizes = [screen_px(win.diagram)]
    for scale in settings.SCALES:  # the win fixture ends presentation mode (scale 1 again)
        win.presentation.set_scale(scale)
        win.presentation.set_presentation(True, persist=False)
        settle(win)
        assert win.diagram.isVisible() and style.scales()[0] == scale
        sizes.append(screen_px(win.diagram))
        texts = drawn_texts(win.diagram)
        canvas = QRectF(0, 0, BASE_W, BASE_H)
        for text, rect in texts:
            assert canvas.contains(rect), (scale, text, rect)
        for i, (a, ra) in enumerate(texts):
            for b, rb in texts[i + 1:]:
                assert not ra.intersects(rb), (scale, a, b)
    # larger than at 1x, and never smaller than at 1.5x (it may stop growing there: the
    # step-through below needs the column's height at 2x)
    assert sizes[1] > sizes[0] and min(sizes[1:]) >= sizes[1], sizes
    win.presentation.set_presentation(False, persist=False)
    settle(win)
    assert win.diagram.minimumHeight() == MIN_H
