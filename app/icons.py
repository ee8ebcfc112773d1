"""Icons from a maintained icon set (the Material Design Icons font of fonticon-mdi7), the
application icon, which is one of its glyphs, and the controls Fusion draws too faintly on dark.

An icon without a fixed colour is drawn in the palette's text colour at the moment it is painted,
so it follows the theme (a black glyph vanished on the dark menus). ``ContrastStyle`` outlines
check boxes and radio buttons at 3:1 against the window and gives docks theme-coloured buttons.

``python -m app.icons`` regenerates ``resources/dying-relu-lab.svg`` and ``.png`` from the font.
"""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path
from typing import Any, ClassVar

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRect, QRectF, QSize, Qt
from PySide6.QtGui import (
    QColor,
    QFont,
    QFontDatabase,
    QGuiApplication,
    QIcon,
    QIconEngine,
    QImage,
    QPainter,
    QPainterPath,
    QPalette,
    QPen,
    QPixmap,
)
from PySide6.QtWidgets import QApplication, QProxyStyle, QStyle

from widgets import style as look

APP_GLYPH = "skull-outline"  # MDI: the neuron that died
APP_COLOR = "#D55E00"  # ReLU's lane colour (Okabe-Ito vermillion)
ICON_NAME = "dying-relu-lab"
GLYPH_SCALE = 0.875  # as superqt's font icons: the glyph's share of the icon's height
CONTROL_RATIO = 3.0  # WCAG 1.4.11: the outline of a control against what is around it


# the code points of the icons the app uses, so that opening the window need not import the
# font's whole name table (~7,000 names, ~50 ms); a test checks them against fonticon-mdi7
CODEPOINTS = {
    "close": 0xF0156, "content-save-cog-outline": 0xF145C, "content-save-outline": 0xF0818,
    "dock-window": 0xF10AC, "exit-to-app": 0xF0206, "export-variant": 0xF0B93,
    "file-table-outline": 0xF0C7F, "folder-open-outline": 0xF0DCF,
    "image-multiple-outline": 0xF02EF, "monitor-screenshot": 0xF0E51, "skull-outline": 0xF0BC8,
    "table-arrow-down": 0xF13BB,
}
FONT_FILE = "fonts/materialdesignicons-webfont.ttf"  # inside the fonticon_mdi7 package
_FAMILY: list[str] = []  # the icon font's family, once it is loaded


def _icon_family() -> str:
    """The MDI font's family, loading its file into the application's fonts on the first call
    (directly: superqt's font registry cost ~0.1-0.17 s of start-up to find the same file)."""
    if not _FAMILY:
        spec = importlib.util.find_spec("fonticon_mdi7")  # found, not imported
        if spec is None or not spec.submodule_search_locations:
            raise OSError("the icon font's package fonticon-materialdesignicons7 is missing")
        path = Path(spec.submodule_search_locations[0]) / FONT_FILE
        families = QFontDatabase.applicationFontFamilies(QFontDatabase.addApplicationFont(
            str(path)))
        if not families:
            raise OSError(f"cannot load the icon font {path}")
        _FAMILY.append(families[0])
    return _FAMILY[0]


def _char(name: str) -> str:
    """The MDI character of ``name`` (e.g. 'content-save')."""
    if name in CODEPOINTS:
        return chr(CODEPOINTS[name])
    from fonticon_mdi7 import MDI7

    return str(getattr(MDI7, name.replace("-", "_"))).split(".", 1)[1]  # 'mdi7.<char>'


def _glyph(name: str) -> tuple[str, QFont] | None:
    """The MDI character of ``name`` and its font; None without the icon font."""
    try:
        return _char(name), QFont(_icon_family())
    except Exception:  # the icon font is a dependency; without it, text-only menus still work
        return None


def icon_color(mode: QIcon.Mode, palette: QPalette | None = None) -> QColor:
    """The ink of a theme-following icon in ``mode``: the text colour (highlighted text on a
    highlighted menu row, the disabled text colour when disabled)."""
    pal = palette or QGuiApplication.palette()
    roles, groups = QPalette.ColorRole, QPalette.ColorGroup
    if mode == QIcon.Mode.Disabled:
        return pal.color(groups.Disabled, roles.WindowText)
    if mode == QIcon.Mode.Selected:
        return pal.color(groups.Active, roles.HighlightedText)
    return pal.color(groups.Active, roles.WindowText)


class ThemeIconEngine(QIconEngine):
    """A glyph painted in the palette's colour of the moment (or a fixed one)."""

    def __init__(self, char: str, font: QFont, color: str | None = None):
        super().__init__()
        self.char, self.font, self.color = char, QFont(font), color

    def clone(self) -> QIconEngine:
        return ThemeIconEngine(self.char, self.font, self.color)

    def paint(self, painter: QPainter, rect: QRect, mode: QIcon.Mode, state: QIcon.State) -> None:
        font = QFont(self.font)
        font.setPixelSize(max(1, round(rect.height() * GLYPH_SCALE)))
        painter.save()
        painter.setPen(QColor(self.color) if self.color else icon_color(mode))
        painter.setFont(font)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, self.char)
        painter.restore()

    def pixmap(self, size: QSize, mode: QIcon.Mode, state: QIcon.State) -> QPixmap:
        # drawn anew each time (a few glyphs in a menu): a cached pixmap kept the old theme
        pixmap = QPixmap(size)
        pixmap.fill(Qt.GlobalColor.transparent)
        painter = QPainter(pixmap)
        self.paint(painter, QRect(0, 0, size.width(), size.height()), mode, state)
        painter.end()
        return pixmap


def icon(name: str, color: str | None = None) -> QIcon:
    """The Material Design icon ``name`` (e.g. 'content-save') in ``color``, or, without one,
    in the text colour of the theme in force when it is drawn; an empty icon if unavailable."""
    glyph = _glyph(name)
    if glyph is None:
        return QIcon()
    return QIcon(ThemeIconEngine(*glyph, color))


def control_ink(palette: QPalette) -> QColor:
    """The outline of a check box or radio button: the theme's muted ink, at least 3:1 against
    the window (a disabled control is drawn in the disabled text colour)."""
    window = palette.color(QPalette.ColorRole.Window).name()
    return QColor(look.readable(look.theme().muted, window, CONTROL_RATIO))


class ContrastStyle(QProxyStyle):
    """The application's style (Fusion) with check boxes and radio buttons outlined at 3:1 and
    theme-coloured dock buttons (Fusion's were dark grey on the dark title bar)."""

    _ICONS: ClassVar[dict[QStyle.StandardPixmap, str]] = {
        QStyle.StandardPixmap.SP_TitleBarCloseButton: "close",
        QStyle.StandardPixmap.SP_DockWidgetCloseButton: "close",
        QStyle.StandardPixmap.SP_TitleBarNormalButton: "dock-window"}
    _OUTLINED = (QStyle.PrimitiveElement.PE_IndicatorCheckBox,
                 QStyle.PrimitiveElement.PE_IndicatorRadioButton)

    def drawPrimitive(self, element: QStyle.PrimitiveElement, option: Any, painter: QPainter,
                      widget: Any = None) -> None:
        super().drawPrimitive(element, option, painter, widget)
        if element not in self._OUTLINED:
            return
        enabled = bool(option.state & QStyle.StateFlag.State_Enabled)
        ink = control_ink(option.palette) if enabled else option.palette.color(
            QPalette.ColorGroup.Disabled, QPalette.ColorRole.WindowText)
        painter.save()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(ink, 1.0))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        r = QRectF(option.rect).adjusted(0.5, 0.5, -0.5, -0.5)
        if element == QStyle.PrimitiveElement.PE_IndicatorRadioButton:
            painter.drawEllipse(r)
        else:
            painter.drawRoundedRect(r, 1.0, 1.0)
        painter.restore()

    def standardIcon(self, standard: QStyle.StandardPixmap, option: Any = None,
                     widget: Any = None) -> QIcon:
        name = self._ICONS.get(standard)
        if name is not None:
            ico = icon(name)
            if not ico.isNull():
                return ico
        return super().standardIcon(standard, option, widget)


_style: ContrastStyle | None = None


def install_style(app: QApplication) -> None:
    """Make the application's style a ContrastStyle over the current one (once)."""
    global _style
    if isinstance(app.style(), ContrastStyle):
        return
    _style = ContrastStyle(app.style().name())
    palette = app.palette()
    app.setStyle(_style)
    app.setPalette(palette)  # setStyle resets the palette to the style's own


def resource_dir() -> Path:
    """The folder of the packaged resources (beside ``app/`` in a checkout and in a wheel)."""
    return Path(__file__).resolve().parents[1] / "resources"


def app_icon() -> QIcon:
    """The application icon (an empty icon, never an error, if the files are missing)."""
    ico = QIcon()
    for name in (f"{ICON_NAME}.svg", f"{ICON_NAME}.png"):
        path = resource_dir() / name
        if path.is_file():
            ico.addFile(str(path))
    return ico


def _glyph_path(size: float) -> QPainterPath:
    font = QFont(_icon_family())
    char = _char(APP_GLYPH)
    font.setPixelSize(int(size))
    path = QPainterPath()
    path.addText(QPointF(0, 0), font, char)
    return path


def _paint(p: QPainter, size: int) -> None:
    p.setRenderHint(QPainter.RenderHint.Antialiasing)
    p.setPen(Qt.PenStyle.NoPen)
    p.setBrush(QColor(APP_COLOR))
    p.drawRoundedRect(QRectF(0, 0, size, size), size * 0.18, size * 0.18)
    glyph = _glyph_path(size * 0.78)
    r = glyph.boundingRect()
    glyph.translate(size / 2 - r.center().x(), size / 2 - r.center().y())
    p.setBrush(QColor("white"))
    p.drawPath(glyph)


def render_app_icon(folder: Path, size: int = 256) -> list[Path]:
    """Write the application icon as SVG and PNG into ``folder`` (needs a QGuiApplication)."""
    from PySide6.QtSvg import QSvgGenerator

    from app.files import write_bytes_atomic

    svg_path, png_path = folder / f"{ICON_NAME}.svg", folder / f"{ICON_NAME}.png"
    svg = QBuffer()
    svg.open(QIODevice.OpenModeFlag.WriteOnly)
    gen = QSvgGenerator()
    gen.setOutputDevice(svg)
    gen.setSize(QSize(size, size))
    gen.setViewBox(QRectF(0, 0, size, size))
    gen.setTitle("Dying ReLU Lab")
    gen.setDescription("Material Design Icons 'skull-outline' on vermillion")
    p = QPainter(gen)
    _paint(p, size)
    p.end()
    image = QImage(size, size, QImage.Format.Format_ARGB32)
    image.fill(Qt.GlobalColor.transparent)
    p = QPainter(image)
    _paint(p, size)
    p.end()
    png = QBuffer()
    png.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(png, "PNG")
    write_bytes_atomic(svg_path, bytes(svg.data().data()))  # each file old or new, never half
    write_bytes_atomic(png_path, bytes(png.data().data()))
    return [svg_path, png_path]


if __name__ == "__main__":
    from PySide6.QtGui import QGuiApplication

    _app = QGuiApplication(sys.argv[:1])
    for out in render_app_icon(Path(__file__).resolve().parents[1] / "resources"):
        print(out)
