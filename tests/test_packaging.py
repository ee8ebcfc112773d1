"""Packaging: the entry point, the pinned icon font, the icon and the desktop entry."""

import configparser
import tomllib

import pytest
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


def test_the_wheel_ships_the_code_the_resources_and_the_entry_point(tmp_path):
    """What `pipx install .` installs: built here, offline, from a copy of the sources."""
    import shutil
    import subprocess
    import sys
    import zipfile

    pytest.importorskip("setuptools")
    src = tmp_path / "src"
    junk = shutil.ignore_patterns("__pycache__", "*.pyc", "*.egg-info")
    for name in ("app", "widgets", "simulation", "resources"):
        shutil.copytree(ROOT / name, src / name, ignore=junk)
    for name in ("main.py", "pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, src / name)
    (src / "resources" / "notes.txt~").write_text("an editor's backup: must not ship")
    done = subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-index",
                           "--no-build-isolation", "-q", "-w", str(tmp_path / "dist"), str(src)],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr[-2000:]
    (wheel,) = (tmp_path / "dist").glob("dying_relu_lab-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    shipped = {f"resources/{p.name}" for p in (ROOT / "resources").iterdir()
               if p.is_file() and p.suffix != ".pyc"}
    assert shipped <= names, f"not packaged: {sorted(shipped - names)}"
    assert "resources/notes.txt~" not in names
    for module in ("main.py", "app/cli.py", "app/icons.py", "widgets/style.py",
                   "simulation/engine.py"):
        assert module in names
    info = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    entry = zipfile.ZipFile(wheel).read(info).decode()
    assert "dying-relu-lab = app.cli:main" in entry
