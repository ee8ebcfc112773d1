"""The weight shock's two fields have visible labels naming their parameter ("Set w1 to"), above
them: the set-up panel is no wider than before (labels beside the fields widened the panel and
the window's minimum, and broke the 1280x720 layouts)."""

from PySide6.QtWidgets import QLabel

from tests.helpers import settle

# measured before the labels (offscreen, the tests' fonts): the panel's and, with the set-up dock
# shown, the window's least widths
PANEL_WIDTH = 292
WINDOW_MIN_WIDTH = 892


def buddies(panel, field) -> list[QLabel]:
    return [lab for lab in panel.findChildren(QLabel) if lab.buddy() is field]


def test_each_shock_field_has_a_visible_label_naming_it(win, qtbot):
    win.setup_dock.show()
    settle(qtbot)
    panel = win.setup
    for field, name in ((panel.shock_w1, "w1"), (panel.shock_w2, "w2")):
        (label,) = buddies(panel, field)
        assert label.isVisible() and label.width() >= label.sizeHint().width()
        assert name in label.text().split()
        # above its field, over the same column
        top = label.mapTo(panel, label.rect().bottomLeft()).y()
        assert top <= field.mapTo(panel, field.rect().topLeft()).y()
        assert abs(label.mapTo(panel, label.rect().topLeft()).x()
                   - field.mapTo(panel, field.rect().topLeft()).x()) <= 2


def test_the_labels_do_not_widen_the_panel_or_the_window(win, qtbot):
    win.setup_dock.show()
    settle(qtbot)
    panel = win.setup
    assert panel.minimumSizeHint().width() <= PANEL_WIDTH
    assert panel.sizeHint().width() <= PANEL_WIDTH
    assert win.minimumSizeHint().width() <= WINDOW_MIN_WIDTH
