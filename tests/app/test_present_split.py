"""Presenting at 1920x1080 (1.5x, 1.75x, 2x): the step-through below the network diagram shows
its current phase whole, without scrolling, for the dead ReLU lane after the bias shock (at 2x
it showed ~3.5 lines: the diagram took 400 px of the column), while the diagram's text stays
as large as at 1.5x."""

import pytest
from PySide6.QtWidgets import QApplication

from app import settings
from tests.app.test_diagram_presentation import screen_px, settle
from tests.helpers import play
from widgets import style

RELU = 0


def anchor_top(browser, name: str) -> float:
    """The top (document px) of the block holding anchor ``name``."""
    doc = browser.document()
    block = doc.begin()
    while block.isValid():
        it = block.begin()
        while not it.atEnd():
            if name in it.fragment().charFormat().anchorNames():
                return doc.documentLayout().blockBoundingRect(block).top()
            it += 1
        block = block.next()
    raise AssertionError(f"no anchor {name}")


@pytest.mark.parametrize("scale", [s for s in settings.SCALES if s > 1])
def test_current_phase_fits_without_scrolling(win, scale):
    win.resize(1920, 1080)
    play(win, 3614)
    win.select_lane(RELU)
    win.presentation.set_scale(settings.SCALES[0])
    win.presentation.set_presentation(True, persist=False)
    settle(win)
    reference = screen_px(win.diagram)  # the diagram's text at 1.5x
    win.presentation.set_scale(scale)  # (the win fixture ends presentation mode)
    settle(win)
    assert style.scales()[0] == scale and win.chain.isVisible()
    assert win.diagram.is_dead
    assert screen_px(win.diagram) >= reference - 1e-9
    browser = win.chain._browser
    bar = browser.verticalScrollBar()
    for phase in (1, 5, 7):
        win.chain.set_phase(phase)
        QApplication.processEvents()
        top = anchor_top(browser, f"p{phase}")
        # the phase's first line is in view, and so is the end of the text (its last line)
        assert bar.value() <= top, (scale, phase, bar.value(), top)
        assert bar.value() == bar.maximum(), (scale, phase, bar.value(), bar.maximum())
    column = win.diagram.parentWidget()
    assert win.diagram.height() <= 0.4 * column.height() + 1


def test_split_comes_back_after_presenting(win):
    win.resize(1920, 1080)
    settle(win)
    column = win.diagram.parentWidget()
    before = column.sizes()
    win.presentation.set_scale(2.0)
    win.presentation.set_presentation(True, persist=False)
    settle(win)
    assert column.sizes() != before
    win.presentation.set_presentation(False, persist=False)
    settle(win)
    assert column.sizes() == before
    assert win.chain._spin.isVisible()
