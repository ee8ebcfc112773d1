"""A label showing the longest of its texts that fits: the step-through's "phase 7 / 7" was
clipped to "ohase 7 / 7" between its buttons at a 2x presentation font."""

from PySide6.QtWidgets import QApplication

from tests.helpers import open_window, play
from widgets.fitted_label import FittedLabel


def test_the_longest_text_that_fits(qtbot):
    label = FittedLabel("phase 7 / 7", "7/7")
    qtbot.addWidget(label)
    label.show()
    qtbot.waitExposed(label)
    fm = label.fontMetrics()
    label.resize(fm.horizontalAdvance("phase 7 / 7") + 10, 30)
    assert label.text() == "phase 7 / 7"
    label.resize(fm.horizontalAdvance("7/7") + 4, 30)
    assert label.text() == "7/7"
    label.set_texts("phase 2 / 7", "2/7")
    assert label.text() == "2/7"


def test_the_phase_counter_is_never_clipped(qtbot):
    w = open_window(qtbot, (1920, 1080))
    play(w, 1225)
    w.presentation.set_presentation(True, persist=False)
    before = w.presentation.scale  # (set_scale stores the choice: put back below)
    w.presentation.set_scale(2.0)
    w.select_lane(1)
    for _ in range(6):
        w.chain.next_phase()
    sizes = w.columns.sizes()  # the right column as narrow as presentation makes it at 1.5x
    w.columns.setSizes([sizes[0], sizes[1] + sizes[2] - 460, 460])
    QApplication.processEvents()
    label = w.chain._phase_label
    assert label.text() in ("phase 7 / 7", "7/7")
    assert label.fontMetrics().horizontalAdvance(label.text()) <= label.contentsRect().width()
    w.presentation.set_scale(before)
    w.presentation.set_presentation(False, persist=False)
