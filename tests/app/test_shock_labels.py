"""Shock labels in the main window: wholly inside their plots in presentation mode at 1280x720
(short plots, big labels), for shocks at one step and for a shock at the newest step."""

from PySide6.QtWidgets import QApplication

from tests.helpers import play
from widgets.time_plots import PLOTS


def labels_outside(plots):
    """(plot, kind, step) of every label not wholly inside its (shown) plot's view box, or not
    shown on the top plot (short plots show the labels there only)."""
    out = []
    for name in PLOTS:
        if not plots.plots[name].isVisible():  # the a plot, in presentation mode
            continue
        box = plots.plots[name].vb.sceneBoundingRect().adjusted(-0.5, -0.5, 0.5, 0.5)
        for marker in plots.markers:
            label = marker.labels[name]
            if not label.isVisible() and name != PLOTS[0]:
                continue
            if not (label.isVisible() and box.contains(label.sceneBoundingRect())):
                out.append((name, marker.event["kind"], marker.event["step"]))
    return out


def test_labels_inside_the_plots_in_presentation_mode(win, qtbot):
    play(win, 1700)
    win.presentation.action.trigger()  # F5
    assert win.presentation.on
    c = win.controller
    c.weight_shock(-2.0, -2.0)  # three shocks at step 1700, paused: at the right edge
    c.bias_shock(-10.0)
    c.lr_shock(factor=3.0, steps=2)
    QApplication.processEvents()
    qtbot.wait(20)
    assert win.plots.markers[-1].labels["z"].toPlainText() == "lr ×3"
    assert labels_outside(win.plots) == []
    play(win, 1500)  # now in the middle of the plots
    QApplication.processEvents()
    qtbot.wait(20)
    assert labels_outside(win.plots) == []


def test_marker_labels_let_the_curves_show_and_stay_readable():
    """A label's box lay over the curves at the top of the loss plot (after a bias shock every
    loss is near 1) and hid them at 78 % opacity: at most 60 % now, so a curve under it shows,
    and the label's ink keeps 4.5:1 against the box on the plot's background. (The box of the
    off-scale labels; the shock markers' labels have a halo instead: test_shock_label_box.)"""
    from PySide6.QtGui import QColor

    from widgets import style

    for th in (style.LIGHT, style.DARK):
        r, g, b, a = th.label_fill
        assert a / 255 <= 0.6
        u, k = QColor(th.plot_bg), a / 255
        box = QColor(round(r * k + u.red() * (1 - k)), round(g * k + u.green() * (1 - k)),
                     round(b * k + u.blue() * (1 - k))).name()
        assert style.contrast_ratio(th.shock, box) >= 4.5, th.name
