"""Start the app as ``main.py`` does and exit as soon as the main window's first frame is painted.

Run as a script by :mod:`bench.startup` (a fresh interpreter each time). It installs, before the
window is shown, an event filter on the time plots' widgets that notes their first paint (the
largest view, painted last-ish within the first frame) and then, once that frame has been
completely processed, exits at once (``os._exit``, no teardown).
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

T0 = time.perf_counter()
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))


def main() -> None:
    from PySide6.QtCore import QEvent, QObject, QTimer
    from PySide6.QtWidgets import QWidget

    from app import application
    from app.cli import main as cli_main

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, obj, event):
            if not self.done and event.type() == QEvent.Type.Paint:
                self.done = True
                QTimer.singleShot(0, finish)  # after the rest of this frame is painted
            return False

    def finish() -> None:
        print(f"first_frame_s={time.perf_counter() - T0:.4f}", flush=True)
        os._exit(0)

    probe = FirstPaint()
    build = application.create_window

    def create_window(preset_id: str):
        # the probe watches the time plots' widgets only: a filter on the whole application
        # ran Python for each of its ~18,000 events before the first frame: 0.57 of 3.80 G
        # instructions (callgrind, session 19)
        window = build(preset_id)
        for w in (window.plots, *window.plots.findChildren(QWidget)):
            if w.objectName() == "":
                w.installEventFilter(probe)
        return window

    application.create_window = create_window
    sys.exit(cli_main(["--scenario", "bias-shock"]))


if __name__ == "__main__":
    main()
