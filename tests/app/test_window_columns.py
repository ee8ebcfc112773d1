"""A 1280x720 window with the set-up panel open: the lane cards keep their f(z) plot, its dots and
the z>0 row; the transport bar's minimum width fits the window at normal and presentation fonts,
and it compacts rather than grow the window."""

from PySide6.QtWidgets import QApplication, QWidget

from tests.helpers import play
from widgets.card_frame import PLOT_MIN


def _settle():
    for _ in range(3):
        QApplication.processEvents()


def test_cards_keep_plot_and_dots_with_the_setup_panel_at_720(win):
    play(win, 3206)  # after the bias shock: the dots lie in the shaded z <= 0 region
    win.setup_dock.show()
    _settle()
    assert win.size().toTuple() == (1280, 720) and win.setup_dock.isVisible()
    for card in win.cards.cards:
        assert not card.bare, card.act.label
        assert card.plot.isVisible() and card.plot.height() >= PLOT_MIN, card.act.label
        x, _ = card.dots.getData()
        assert len(x) == 64
        lo, hi = card.plot.getPlotItem().getViewBox().viewRange()[0]
        assert ((x >= lo) & (x <= hi)).all()
        lines = card.numbers.lines()
        assert lines[-1].startswith("z>0"), lines
        assert card.numbers.height() >= len(lines) * card.numbers._line_h  # every row drawn
        assert card.recovery.geometry().top() > card.plot.geometry().bottom()


def _bar_fits(win, size):
    _settle()
    bar = win.transport
    assert win.size().toTuple() == size
    assert bar.minimumSizeHint().width() <= bar.width()
    squeezed = [w for w in bar.findChildren(QWidget) if w.isVisible()
                and w.width() < max(w.minimumSizeHint().width(), w.minimumWidth())]
    assert not squeezed, [(type(w).__name__, w.width()) for w in squeezed]


def test_transport_bar_fits_1280x720_at_normal_and_presentation_fonts(win):
    _bar_fits(win, (1280, 720))
    win.setup_dock.show()
    _bar_fits(win, (1280, 720))
    assert win.transport.shocks_wrapped and not win.transport.compact
    win.setup_dock.hide()
    win.presentation.set_presentation(True, persist=False)
    _bar_fits(win, (1280, 720))
    win.presentation.set_presentation(False, persist=False)
    _bar_fits(win, (1280, 720))
    assert not win.transport.shocks_wrapped and win.transport.play_button.text() == "Play"


def test_transport_bar_compacts_at_2x_beside_the_setup_panel(win):
    """2x fonts (a window 900 px tall) with the set-up panel: the bar drops its buttons' texts
    instead of growing the window past 1280 px (or being squeezed)."""
    win.resize(1280, 1000)
    win.presentation.set_scale(2.0)
    win.presentation.set_presentation(True, persist=False)
    win.setup_dock.show()
    _bar_fits(win, (1280, 1000))
    bar = win.transport
    assert bar.compact and bar.play_button.text() == "" and bar.speed_label.text() == "240/s"
    assert bar.play_button.accessibleName() == "Play"
    win.setup_dock.hide()
    _bar_fits(win, (1280, 1000))
    assert not bar.compact and bar.play_button.text() == "Play"
