"""The time plots' off-scale labels follow a change of theme or presentation scale while shown
(they took the look of the moment they were first shown, and kept it)."""

from types import SimpleNamespace

import pyqtgraph as pg
from PySide6.QtGui import QColor

from app.restyle import restyle_items
from tests.widgets.test_time_clipped import diverged_sim
from widgets import style
from widgets.halo_label import BOX_ALPHA

ARGB = QColor.NameFormat.HexArgb


def shown_labels(plots):
    return [(lane, label) for lane in plots.lanes for label in lane.off.values()
            if label.isVisible()]


def test_off_scale_labels_follow_the_theme_and_the_scale(make):
    sim = diverged_sim()
    sim.run(200)
    plots = make(sim)
    before = shown_labels(plots)
    assert before
    size = before[0][1].textItem.font().pointSizeF()
    try:
        style.set_theme("dark")
        style.set_scales(1.5, 1.5)
        restyle_items(SimpleNamespace(plots=plots, cards=SimpleNamespace(_pool=[])), 1.0)
        plots.refresh(sim)
        after = shown_labels(plots)
        assert [label for _, label in after] == [label for _, label in before]  # still shown
        plots.view.grab()  # (a label takes the theme's box colour when painted)
        fill = pg.mkBrush(*style.theme().label_fill[:3], BOX_ALPHA).color().name(ARGB)
        for lane, label in after:
            assert label.fill.color().name(ARGB) == fill
            assert label.textItem.font().pointSizeF() > size
            assert label.textItem.defaultTextColor().name() == pg.mkColor(lane.color).name()
    finally:
        style.set_theme("light")
        style.set_scales(1.0, 1.0)
