"""Start the app as ``main.py`` does and exit as soon as the main window's first frame is painted.

Run as a script by :mod:`bench.startup` (a fresh interpreter each time). It installs, before the
app's own code runs, an event filter on the QApplication that notes the first paint of the time
plots (the largest view, painted last-ish within the first frame) and then, once that frame has
been completely processed, exits at once (``os._exit``, no teardown).
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

    from app import application
    from app.cli import main as cli_main

    app = application.ensure_app()

    class FirstPaint(QObject):
        done = False

        def eventFilter(self, obj, event):
            if not self.done and event.type() == QEvent.Type.Paint and obj.objectName() == "":
                from widgets.time_plots import TimePlots

                parent = obj.parent()
                while parent is not None and not isinstance(parent, TimePlots):
                    parent = parent.parent()
                if parent is not None:
                    self.done = True
                    QTimer.singleShot(0, finish)  # after the rest of this frame is painted
            return False

    def finish() -> None:
        print(f"first_frame_s={time.perf_counter() - T0:.4f}", flush=True)
        os._exit(0)

    probe = FirstPaint()
    app.installEventFilter(probe)
    sys.exit(cli_main(["--scenario", "bias-shock"]))


if __name__ == "__main__":
    main()
