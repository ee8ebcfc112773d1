"""The lane cards' state badges keep their padding in the real window: 1280x720 with and
without the set-up panel, presenting, and 1920x1080."""

from PySide6.QtWidgets import QApplication

from tests.widgets.test_card_badge import assert_padded


def _settle():
    for _ in range(4):
        QApplication.processEvents()


def test_badges_keep_their_padding_at_720_1080_and_presenting(win):
    for setup in (False, True):
        win.setup_dock.setVisible(setup)
        for on in (False, True):
            win.presentation.set_presentation(on, persist=False)
            _settle()
            for card in win.cards.cards:
                assert_padded(card)
    win.presentation.set_presentation(False, persist=False)
    win.setup_dock.hide()
    win.resize(1920, 1080)
    _settle()
    for card in win.cards.cards:
        assert_padded(card)
