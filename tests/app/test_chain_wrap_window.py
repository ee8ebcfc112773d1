"""The step-through in the main window after a bias shock: every phase of the dead ReLU lane
and the Leaky ReLU lane breaks only between terms, no line wider than its column, at 1280x720
and at 1920x1080, with the normal font and presenting with the 2x font."""

import pytest
from PySide6.QtWidgets import QApplication

from tests.helpers import play
from tests.widgets.test_chain_wrap import LEAKY, RELU, assert_whole_terms
from widgets.chain_phases import N_PHASES


@pytest.mark.parametrize(("size", "scale"), [((1280, 720), None), ((1920, 1080), None),
                                             ((1920, 1080), 2.0)])
def test_phases_after_a_bias_shock_wrap_between_terms(win, size, scale):
    win.resize(*size)
    play(win, 2000)
    win.transport.bias_button.click()
    play(win, 300)
    before = win.presentation.scale
    try:
        if scale:
            win.presentation.set_scale(scale)
            win.presentation.set_presentation(True, persist=False)
        QApplication.processEvents()
        chain = win.chain
        assert chain.isVisible() and chain._browser.font().pointSizeF() >= 13 * (scale or 1)
        for lane in (RELU, LEAKY):
            win.select_lane(lane)
            for phase in range(1, N_PHASES + 1):
                chain.set_phase(phase)
                QApplication.processEvents()
                assert chain._room == chain.room()
                assert_whole_terms(chain, (size, scale, lane, phase))
    finally:
        win.presentation.set_presentation(False, persist=False)
        win.presentation.set_scale(before)
