"""Both themes, read off what is drawn: menu icons, dock buttons, check boxes and radio buttons
at 3:1 against the window (WCAG 1.4.11), lane names at 4.5:1; they follow a theme change.

(On the dark theme the File menu's icons were black on dark grey, the set-up dock's buttons and
unchecked boxes nearly invisible, and the advisor's radio buttons too.)
"""

import pytest
from PySide6.QtGui import QColor, QIcon, QImage
from PySide6.QtWidgets import QAbstractButton, QApplication, QCheckBox, QStyle, QStyleOptionButton

from app import help as help_menu
from widgets import style


def ink_contrast(image: QImage, background: str, rect=None) -> float:
    """The largest contrast of a pixel of ``image`` (in ``rect``; transparency over
    ``background``) against ``background``."""
    bg = QColor(background)
    r = rect if rect is not None else image.rect()
    best = 1.0
    for x in range(max(r.left(), 0), min(r.right() + 1, image.width())):
        for y in range(max(r.top(), 0), min(r.bottom() + 1, image.height())):
            c = image.pixelColor(x, y)
            a = c.alphaF()
            mixed = QColor.fromRgbF(c.redF() * a + bg.redF() * (1 - a),
                                    c.greenF() * a + bg.greenF() * (1 - a),
                                    c.blueF() * a + bg.blueF() * (1 - a))
            best = max(best, style.contrast_ratio(mixed.name(), background))
    return best


def file_icons(win):
    menu = win.file_menu
    actions = [a for a in menu.actions() if not a.icon().isNull()]
    assert len(actions) >= 5
    return actions


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_file_menu_icons_read_on_the_menu(win, theme):
    win.presentation.set_theme(theme, persist=False)
    QApplication.processEvents()
    window = QApplication.palette().window().color().name()
    assert window == style.theme().window.lower()
    for action in file_icons(win):
        image = action.icon().pixmap(20, 20).toImage()
        assert ink_contrast(image, window) >= 3.0, (theme, action.text())
        disabled = action.icon().pixmap(20, 20, QIcon.Mode.Disabled).toImage()
        assert ink_contrast(disabled, window) > 1.5  # disabled: dimmer, still there


def test_icons_follow_a_theme_change(win):
    """The same QIcon objects, drawn after the change: dark ink on light, light ink on dark."""
    actions = file_icons(win)
    for theme in ("dark", "light", "dark"):
        win.presentation.set_theme(theme, persist=False)
        QApplication.processEvents()
        for action in actions:
            image = action.icon().pixmap(20, 20).toImage()
            assert ink_contrast(image, style.theme().window) >= 3.0, (theme, action.text())


def test_dock_buttons_read_on_dark(win, qtbot):
    win.presentation.set_theme("dark", persist=False)
    win.setup_dock.show()
    QApplication.processEvents()
    buttons = [b for b in win.setup_dock.findChildren(QAbstractButton)
               if b.parent() is win.setup_dock]
    assert len(buttons) == 2  # float and close
    for button in buttons:
        assert button.isVisible()
        image = button.grab().toImage()
        assert ink_contrast(image, style.DARK.window) >= 3.0, button.toolTip()


def indicator_rect(widget):
    opt = QStyleOptionButton()
    opt.initFrom(widget)
    element = (QStyle.SubElement.SE_CheckBoxIndicator if isinstance(widget, QCheckBox)
               else QStyle.SubElement.SE_RadioButtonIndicator)
    return widget.style().subElementRect(element, opt, widget)


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_unchecked_boxes_and_radio_buttons_are_outlined(win, theme):
    win.presentation.set_theme(theme, persist=False)
    win.setup_dock.show()
    dialog = help_menu.show_help(win, 1)
    QApplication.processEvents()
    window = style.theme().window
    boxes = [win.setup.random_init, win.setup.lane_checks["gelu"]]
    radios = [b for b in dialog.panel.advisor.problem[1].buttons() if not b.isChecked()]
    assert radios and not any(b.isChecked() for b in boxes)
    for widget in boxes + radios:
        image = widget.grab().toImage()
        assert ink_contrast(image, window, indicator_rect(widget)) >= 3.0, (theme, widget.text())
