"""The transport bar's lr field says when it limited a typed number; the preset picker is as wide
as its longest name and the description takes the rest of the row, elided to its lines."""

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QFont

from simulation import presets
from simulation.replay import LR_MAX
from tests.helpers import show
from widgets.transport_bar import TransportBar


@pytest.fixture
def bar(qtbot):
    return show(qtbot, TransportBar({p.id: p.description for p in presets.PRESETS.values()}),
                (1280, 90))


def _type(qtbot, box, text):
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


def test_lr_field_offers_the_models_range(bar):
    assert (bar.lr_box.minimum(), bar.lr_box.maximum()) == (0.0, LR_MAX)


def test_typing_an_lr_above_the_maximum_uses_the_maximum_and_says_so(bar, qtbot):
    said, used = [], []
    bar.notice.connect(said.append)
    bar.lr_changed.connect(used.append)
    _type(qtbot, bar.lr_box, "99999")
    assert bar.lr_box.value() == LR_MAX  # not 99 (the keystrokes beyond 100 were dropped)
    assert used == [LR_MAX]
    assert len(said) == 1 and "99999" in said[0] and f"{LR_MAX:g}" in said[0]


def test_typing_an_lr_in_range_says_nothing(bar, qtbot):
    said = []
    bar.notice.connect(said.append)
    _type(qtbot, bar.lr_box, "2.5")
    assert bar.lr_box.value() == 2.5 and said == []


@pytest.mark.parametrize("scale", [1.0, 1.5])
def test_preset_picker_is_as_wide_as_its_longest_name(bar, qtbot, scale):
    font = QFont(bar.font())
    font.setPointSizeF(font.pointSizeF() * scale)
    bar.setFont(font)
    for visible in (True, False):  # (presentation mode on a short window hides the line)
        bar.description.setVisible(visible)
        bar.layout().activate()
        box = bar.preset_box
        assert box.width() == box.sizeHint().width()
        assert box.width() < 0.3 * bar.width()  # not stretched across the row
        if visible:  # the description has the rest of the row
            assert bar.description.geometry().left() < box.geometry().right() + 20
            assert bar.description.geometry().right() > 0.9 * bar.width()


def test_description_on_one_line_is_elided_with_the_whole_text_as_tooltip(bar, qtbot):
    full = presets.get("bias-shock").description
    bar.set_preset("bias-shock")
    bar.set_description_lines(1)
    bar.layout().activate()
    label = bar.description
    rows, cut = label._layout(label.contentsRect().width())
    assert cut and len(rows) == 1 and rows[0].endswith("…")
    assert label.text() == full and label.toolTip() == full
    one_line = label.fontMetrics().lineSpacing()  # the row asks for no more than the picker
    assert label.heightForWidth(label.width()) == one_line <= bar.preset_box.sizeHint().height()
    bar.set_description("short")
    assert label.toolTip() == ""  # nothing cut: no tooltip
    bar.set_description_lines(0)  # as many lines as it needs: the whole text
    bar.set_description(full)
    bar.layout().activate()
    rows, cut = label._layout(label.contentsRect().width())
    assert not cut and "".join(rows).replace(" ", "") == full.replace(" ", "")


# the lr field says when it limited a typed value in the set-up panel's words ("<field> is
# limited to lo … hi: typed became limit."), in the status bar and in its tooltip while it shows
# that limit
@pytest.mark.parametrize(("typed", "sentence"), [
    ("1000", "lr is limited to 0 … 100: 1000 became 100."),
    ("-1", "lr is limited to 0 … 100: -1 became 0.")])
def test_a_limited_lr_is_said_as_the_setup_panel_says_it(bar, qtbot, typed, sentence):
    said = []
    bar.notice.connect(said.append)
    if typed == "-1":
        bar.set_lr(0.5)  # (not at the limit already)
    _type(qtbot, bar.lr_box, typed)
    assert said == [sentence]
    assert bar.lr_box.limit_note() == sentence
    assert bar.lr_box.toolTip().endswith("\n\n" + sentence)


def test_the_tooltip_forgets_the_limit_once_the_field_shows_another_value(bar, qtbot):
    plain = bar.lr_box.toolTip()
    _type(qtbot, bar.lr_box, "1000")
    assert bar.lr_box.toolTip() != plain
    _type(qtbot, bar.lr_box, "2.5")  # typed in range
    assert bar.lr_box.limit_note() == "" and bar.lr_box.toolTip() == plain
    _type(qtbot, bar.lr_box, "-3")
    assert bar.lr_box.limit_note() == "lr is limited to 0 … 100: -3 became 0."
    bar.set_lr(0.1)  # the model's value (a reset, a preset)
    assert bar.lr_box.limit_note() == "" and bar.lr_box.toolTip() == plain

