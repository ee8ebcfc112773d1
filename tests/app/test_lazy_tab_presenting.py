"""A tab built the first time it is shown (``LazyTab``) while presentation mode is already on gets
the presentation fonts too, like the widgets that existed when presentation began, and its page is
laid out for them (the Population page's right column as wide as its table, the plot readable);
leaving presentation brings its fonts back to their normal sizes.

(The `win` fixture's preferences are temporary and it ends presentation mode afterwards.)
"""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QApplication, QWidget

from app.restyle import OWN_FONT
from tests.helpers import catch_up_population, settle, tab_page
from widgets.claim_controls import FONT_PT

LAZY = ("Population", "Dropout network", "Self-normalization", "Activation cost", "Star table",
        "Death map")


def _open(win, title):
    page = tab_page(win, title)
    assert not page.is_built  # first opened now
    win.tabs.setCurrentWidget(page)
    return page.view


def _own_fonts(view):
    """(widget, point size) of the view's widgets that set their own font."""
    return [(w, w.font().pointSizeF()) for w in (view, *view.findChildren(QWidget))
            if w.testAttribute(Qt.WidgetAttribute.WA_SetFont) and not w.property(OWN_FONT)]


def _present(win, qtbot, size, scale):
    """``win`` at ``size``, then presenting at ``scale``."""
    win.resize(*size)
    win.presentation.set_scale(scale)
    win.presentation.set_presentation(True, persist=False)
    settle(qtbot)


SIZES = [((1280, 720), 1.5), ((1920, 1080), 2.0)]


@pytest.mark.parametrize(("size", "scale"), SIZES)
def test_lazy_tabs_first_opened_while_presenting_get_the_large_fonts(win, qtbot, size, scale):
    _present(win, qtbot, size, scale)
    assert win.presentation.font_scale() == scale
    app_pt = QApplication.font().pointSizeF()
    views = {}
    for title in LAZY:
        views[title] = view = _open(win, title)
        settle(qtbot)
        fonts = _own_fonts(view)
        assert fonts or title == "Population", title  # (its column fits its own fonts)
        for w, pt in fonts:  # 10-14 pt texts beside an 10.5 pt application font, both scaled
            assert pt >= 0.9 * app_pt, (title, w, pt, app_pt)
            assert pt == pytest.approx(float(w.property("drlBasePt")) * scale), (title, w)
    pop = views["Population"]  # as large as its column lets it be (test_population_fits_...)
    assert FONT_PT < pop.table.font().pointSizeF() <= FONT_PT * scale
    # presentation ends: the lazily built pages' fonts are back to their normal sizes
    win.presentation.set_presentation(False, persist=False)
    settle(qtbot)
    for title, view in views.items():
        for w, pt in _own_fonts(view):
            assert pt == pytest.approx(float(w.property("drlBasePt"))), (title, w)
    assert pop.table.font().pointSizeF() == pytest.approx(FONT_PT)


@pytest.mark.parametrize(("size", "scale"), SIZES)
def test_population_built_while_presenting_is_laid_out_for_its_fonts(win, qtbot, size, scale):
    _present(win, qtbot, size, scale)
    view = catch_up_population(win, qtbot, _open(win, "Population"), rounds=3)
    assert FONT_PT < view.table.font().pointSizeF() <= FONT_PT * scale
    # the right column as wide as the large table's rows, every text whole, no scrolling
    assert view.side.verticalScrollBar().maximum() == 0
    assert view.table.width() >= view.table.minimumSizeHint().width()
    for label in (view.status, view.table, view.finding, view.strip_title, view.strip_key):
        assert label.heightForWidth(label.width()) <= label.height(), label.text()[:60]
    assert view.side.geometry().right() <= view.width()
    # ... and the plots keep a readable size beside it
    assert view.capacity.vb.width() >= 400 and view.capacity.vb.height() >= 150
    for plot in (view.b_plot, view.z_plot):
        assert plot.vb.width() >= 150 and plot.vb.height() >= 80
