"""Shock labels readable over the curves without hiding them: each label's text sits on a halo of
the plot's background colour (light and dark theme, switched at run time), so a curve running
under the label (the loss plot's, at the top right after a bias shock) stays away from the
letters but shows between and around them."""

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor

from tests.helpers import play, settle
from widgets import style
from widgets.shock_label import ShockLabel
from widgets.time_plots import PLOTS

RED = QColor("#FF0000")


def reddish(c: QColor) -> bool:
    """A pixel of the red test curve, pure or blended (the shock ink and the halo are grey)."""
    return c.red() - max(c.green(), c.blue()) > 40


def inky(c: QColor, ink: QColor, bg: QColor) -> bool:
    """A pixel of the label's text: nearer its ink than the background, by a clear margin."""
    def dist(a: QColor, b: QColor) -> int:
        return abs(a.red() - b.red()) + abs(a.green() - b.green()) + abs(a.blue() - b.blue())

    return dist(c, ink) * 3 < dist(c, bg)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_shock_label_halo_keeps_text_clear_and_curves_visible(win, qtbot, theme):
    if theme != "light":
        win.presentation.set_theme(theme, persist=False)
    play(win, 1500)  # the bias shock at step 300: its label left of the middle
    settle(qtbot)
    th = style.theme()
    assert th.name == theme
    plots = win.plots
    marker = plots.markers[0]
    plot = plots.plots["loss"]
    label = marker.labels["loss"]
    assert isinstance(label, ShockLabel) and label.isVisible()
    assert label.fill.style() == pg.QtCore.Qt.BrushStyle.NoBrush  # no box, after the restyle too
    # a thick red curve right under the label's text
    rect = label.sceneBoundingRect()
    y = plot.vb.mapSceneToView(rect.center()).y()
    x0, x1 = plots._xrange
    curve = pg.PlotCurveItem([x0, x1], [y, y], pen=pg.mkPen(RED, width=14))
    plot.addItem(curve, ignoreBounds=True)
    settle(qtbot)
    try:
        image = plots.view.grab().toImage()
        dpr = image.devicePixelRatio()
        box = plots.view.mapFromScene(rect).boundingRect().adjusted(2, 2, -2, -2)
        assert box.width() > 10 and box.height() > 5
        ink, bg = QColor(th.shock), QColor(th.plot_bg)
        pixels = {(px, py): image.pixelColor(round(px * dpr), round(py * dpr))
                  for px in range(box.left(), box.right()) for py in range(box.top(), box.bottom())}
        text = [xy for xy, c in pixels.items() if inky(c, ink, bg)]
        assert len(text) > 20  # the label's letters are drawn
        for px, py in text:  # no curve touches a letter: each is ringed by the halo
            for dx in (-1, 0, 1):
                for dy in (-1, 0, 1):
                    c = pixels.get((px + dx, py + dy))
                    assert c is None or not reddish(c), (px + dx, py + dy, c.name())
        # ... while the curve still shows inside the label's rectangle, between the letters
        assert sum(reddish(c) for c in pixels.values()) > box.width()
    finally:
        plot.removeItem(curve)
    for name in PLOTS:  # every plot's label of the marker is drawn the same way
        assert isinstance(marker.labels[name], ShockLabel)
