"""Icons from a maintained icon set (Material Design Icons, through superqt's font icons), and the
application icon, which is one of its glyphs.

``python -m app.icons`` regenerates ``resources/dying-relu-lab.svg`` and ``.png`` from the font.
"""

from __future__ import annotations

import sys
from pathlib import Path

from PySide6.QtCore import QBuffer, QIODevice, QPointF, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QIcon, QImage, QPainter, QPainterPath

APP_GLYPH = "skull-outline"  # MDI: the neuron that died
APP_COLOR = "#D55E00"  # ReLU's lane colour (Okabe-Ito vermillion)
ICON_NAME = "dying-relu-lab"


def icon(name: str, color: str | None = None) -> QIcon:
    """The Material Design icon ``name`` (e.g. 'content-save'); an empty icon if unavailable."""
    try:
        from superqt.fonticon import icon as font_icon

        return font_icon(f"mdi7.{name}", color=color) if color else font_icon(f"mdi7.{name}")
    except Exception:  # the icon font is a dependency; without it, text-only menus still work
        return QIcon()


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
    import fonticon_mdi7
    from fonticon_mdi7 import MDI7

    fonts = Path(fonticon_mdi7.__file__).parent / "fonts"
    font_file = next(fonts.glob("*.ttf"))
    font_id = QFontDatabase.addApplicationFont(str(font_file))
    family = QFontDatabase.applicationFontFamilies(font_id)[0]
    char = str(getattr(MDI7, APP_GLYPH.replace("-", "_"))).split(".", 1)[1]
    font = QFont(family)
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
