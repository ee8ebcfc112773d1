"""Start the GUI: QApplication, look and feel, the main window; or save a screenshot and exit."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from app.cli import UsageError, check_output
from simulation import presets
from simulation.config import ConfigError

APP_NAME = "Dying ReLU Lab"


def configure_pyqtgraph() -> None:
    from app.pyqtgraph_import import import_pyqtgraph

    pg = import_pyqtgraph()

    pg.setConfigOptions(antialias=True, background="w", foreground="k", useOpenGL=False)


def create_window(preset_id: str):
    """The main window with ``preset_id`` loaded and ready (the QApplication must exist)."""
    from app import preset_note
    from app.controller import LiveController
    from app.main_window import MainWindow

    try:
        config = presets.get(preset_id).config()
    except ConfigError as e:
        raise UsageError(str(e)) from None
    controller = LiveController(config)
    # a second process steps at high speeds, so this one can draw (the tests' default: inline)
    if os.environ.get("DYING_RELU_LAB_STEPPER", "process") != "inline":
        controller.use_stepper_process()
    window = MainWindow(controller, preset_id)
    controller.setParent(window)
    preset_note.follow(window)  # the preset line says when the run is no longer the preset's
    return window


def ensure_app():
    from PySide6.QtGui import QFont
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    if app is None:
        # Qt's raster engine hands every fill or image copy of 96 or more rows (a plot's
        # background, a shaded region) to a thread pool and waits for it: on a 2-core machine
        # the hand-off costs more than the fill, ~1 ms of a ~6 ms paint of the time plots
        os.environ.setdefault("QT_NO_GUI_THREADPOOL", "1")
        app = QApplication(sys.argv[:1])
        app.setApplicationName(APP_NAME)
        app.setDesktopFileName("dying-relu-lab")
        app.setOrganizationName("Dying ReLU Lab")
    if app.font().pointSizeF() < 10.5:  # (also on a QApplication made elsewhere: the tests')
        font = QFont(app.font())
        font.setPointSizeF(10.5)
        app.setFont(font)
    configure_pyqtgraph()
    from app import icons

    icons.install_style(app)  # before any widget: a style set later re-polishes every widget
    return app


def save_screenshot(window, steps: int, path: Path) -> None:
    """Run ``steps`` steps in the real window, draw, and save the whole window as PNG."""
    app = ensure_app()
    window.controller.sim.run(steps)
    window.controller.frame.emit(window.controller.sim)
    app.processEvents()
    pixmap = window.grab()
    tmp = path.with_name(f".{path.name}.tmp.png")
    if not pixmap.save(str(tmp), "PNG"):
        tmp.unlink(missing_ok=True)
        raise UsageError(f"--screenshot: could not write {str(path)!r}")
    tmp.replace(path)


def run_gui(args: argparse.Namespace) -> int:
    """Open the window (or take a screenshot when --screenshot is given); the exit status."""
    shot = check_output(args.screenshot, (".png",)) if args.screenshot else None
    if args.steps is not None and shot is None:
        raise UsageError("--steps needs --screenshot (the live window runs until you stop it)")
    from app.window_place import DESIGN_SIZE, place, remember_on_close

    app = ensure_app()
    window = create_window(args.scenario)
    if shot is not None:  # a screenshot is of the design size unless asked otherwise
        window.resize(*(args.size or DESIGN_SIZE.toTuple()))
    else:
        from app.settings import preferences

        place(window, args.size, preferences())
        remember_on_close(window, preferences())
    window.show()
    if getattr(args, "open", None):
        from app.files import FileError
        from app.workshop import open_at_start

        try:
            open_at_start(window, args.open)
        except FileError as e:
            window.close()
            raise UsageError(f"--open: {e}") from None
    if shot is not None:
        app.processEvents()
        save_screenshot(window, args.steps or 0, shot)
        window.close()
        return 0
    return app.exec()
