"""Packaging: the entry point, the pinned icon font, the icon and the desktop entry."""

import configparser
import tomllib

from PySide6.QtGui import QImage

from tests.conftest import ROOT


def test_entry_point_and_pinned_dependencies():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    assert project["scripts"]["dying-relu-lab"] == "app.cli:main"
    assert any(d.startswith("fonticon-materialdesignicons7==") for d in project["dependencies"])


def test_desktop_entry():
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str
    entry.read(ROOT / "resources" / "dying-relu-lab.desktop")
    d = entry["Desktop Entry"]
    assert d["Type"] == "Application" and d["Exec"].startswith("dying-relu-lab")
    assert d["Icon"] == "dying-relu-lab" and "Education" in d["Categories"]


def test_icons(qtbot):
    from app.icons import app_icon, icon

    image = QImage(str(ROOT / "resources" / "dying-relu-lab.png"))
    assert image.width() == image.height() == 256
    assert "<svg" in (ROOT / "resources" / "dying-relu-lab.svg").read_text()
    assert not app_icon().isNull()
    assert not icon("content-save-outline").isNull()  # the font ships in the package: offline
