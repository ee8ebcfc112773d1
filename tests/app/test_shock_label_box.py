"""Labels readable over the curves without hiding them: each shock label's and off-scale label's
text sits on a halo of the plot's background colour over a translucent box of it (light and dark
theme, switched at run time), so a curve running under the label (the loss plot's, at the top
right after a bias shock; a lane's own line where it leaves the scale) stays away from the
letters but shows, faded, between and around them."""

import pyqtgraph as pg
import pytest
from PySide6.QtGui import QColor, QImage, QPainter

from tests.helpers import play, settle
from widgets import style
from widgets.halo_label import BOX_ALPHA, HaloLabel
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


def faded_box(label, th) -> bool:
    """The label's box: the theme's label colour at BOX_ALPHA (after a restyle too)."""
    c = label.fill.color()
    return (label.fill.style() == pg.QtCore.Qt.BrushStyle.SolidPattern
            and (c.red(), c.green(), c.blue(), c.alpha()) == (*th.label_fill[:3], BOX_ALPHA))


def check_halo(qtbot, plots, plot, label, ink: QColor) -> None:
    """A thick red curve right under ``label``'s text: no red pixel touches a letter, and the
    curve still shows (faded) inside the label's rectangle."""
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
        bg = QColor(style.theme().plot_bg)
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
    label = marker.labels["loss"]
    assert isinstance(label, HaloLabel) and label.isVisible()
    check_halo(qtbot, plots, plots.plots["loss"], label, QColor(th.shock))
    assert faded_box(label, th)  # (painted: it takes the theme then)
    for name in PLOTS:  # every plot's label of the marker is drawn the same way
        assert isinstance(marker.labels[name], HaloLabel)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_off_scale_label_halo_keeps_text_clear(win, qtbot, theme):
    """Leaky ReLU's loss falls below the loss plot's lowest decade after ~3,300 steps: its
    "below scale" label sits where its own line leaves the scale."""
    play(win, 4000)
    settle(qtbot)
    if theme != "light":
        win.presentation.set_theme(theme, persist=False)
        play(win, 1)
        settle(qtbot)
    th = style.theme()
    plots = win.plots
    shown = [(li, plot, edge) for (li, plot, edge) in plots._off_shown if plot == "loss"]
    assert shown, plots._off_shown
    li, plot, edge = shown[0]
    label = plots.lanes[li].off[(plot, edge)]
    assert isinstance(label, HaloLabel) and label.isVisible()
    assert "below scale" in label.textItem.toPlainText()
    check_halo(qtbot, plots, plots.plots[plot], label, QColor(plots.lanes[li].color))
    assert faded_box(label, th)


class CountingPainter(QPainter):
    """A painter that counts the paths it is asked to fill and the images it draws."""

    paths = 0
    images = 0

    def drawPath(self, *args):
        self.paths += 1
        super().drawPath(*args)

    def drawImage(self, *args):
        self.images += 1
        super().drawImage(*args)


def test_halos_are_filled_once_not_every_frame(win, qtbot, monkeypatch):
    """A halo is filled into an image once per text, font and colour: a paint draws that image
    (filling the path every paint cost ~0.25 ms a label, a third of the plots' paint)."""
    from widgets import halo_label

    play(win, 4000)  # shock labels, and off-scale labels on the log plots
    settle(qtbot)
    labels = [i for i in win.plots.view.scene().items()
              if isinstance(i, HaloLabel) and i.isVisible()]
    assert len(labels) >= 3
    made = []
    real = halo_label.halo_image
    monkeypatch.setattr(halo_label, "halo_image", lambda *a: made.append(a) or real(*a))
    image = QImage(800, 200, QImage.Format.Format_ARGB32_Premultiplied)
    painter = CountingPainter(image)
    try:
        for label in labels * 3:
            label.paint(painter, None, None)
    finally:
        painter.end()
    assert painter.paths == 0  # no path filled while painting
    assert made == []  # (the view had painted them: every image was made already)
    win.presentation.set_theme("dark", persist=False)  # a new background: each filled anew
    settle(qtbot)
    win.plots.view.viewport().repaint()
    assert 0 < len(made) <= len(labels)
    # each paint on screen draws the label's one image (box, halo and text): its text item is
    # not painted by the view on its own (it was ~0.1 ms a label a frame with the box)
    assert painter.images == 3 * len(labels)
    assert all(not label.textItem.isVisible() for label in labels)


def test_exported_plot_keeps_label_text_as_text(win, qtbot):
    """An SVG export writes a shock label's and an off-scale label's words as text (the screen
    draws them from an image)."""
    from app import export

    play(win, 4000)
    settle(qtbot)
    svg = bytes(export.plot_bytes(win.plots, "loss", "svg")).decode()
    assert "b = " in svg and "below scale" in svg
