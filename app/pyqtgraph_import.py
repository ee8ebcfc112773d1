"""Import pyqtgraph without it creating every Qt class up front (~0.1-0.2 s of start-up).

pyqtgraph keeps its own mirrors of QtCore, QtGui and QtWidgets (``pyqtgraph.Qt.QtCore`` ...)
and fills them at import by reading every name of PySide6's modules (``_copy_attrs`` in
``pyqtgraph/Qt/__init__.py``). PySide6 creates a class, and the Python enums in it, the first
time its name is read, so that loop makes ~650 enum classes of which the app uses ~180. Here the
mirrors are made first, as modules that fetch a name from PySide6 when it is first asked for
(and keep it), and PySide6's module listings read empty while pyqtgraph imports, so the loop
copies nothing. The mirrors then hold the same objects, created on demand instead.

:func:`import_pyqtgraph` must run before anything else imports pyqtgraph: ``ensure_app`` calls it
before any window module is imported, the tests' conftest before any test module (a window built
the app's way creating most classes fails ``tests/test_startup_imports.py``). With pyqtgraph
already imported, it only returns it.
"""

from __future__ import annotations

import sys
import types
from collections.abc import Callable

_MIRRORED = ("QtCore", "QtGui", "QtWidgets")


def _mirror(name: str, source: types.ModuleType) -> types.ModuleType:
    """A module standing for ``source`` that fetches (and then keeps) each name on first use."""
    mirror = types.ModuleType(f"pyqtgraph.Qt.{name}")

    def __getattr__(attr: str):  # noqa: N807 (the module hook's name)
        value = getattr(source, attr)
        setattr(mirror, attr, value)
        return value

    def __dir__() -> list[str]:  # noqa: N807
        return sorted(set(dir(source)) | set(vars(mirror)))

    mirror.__getattr__ = __getattr__
    mirror.__dir__ = __dir__
    mirror.__lazy_source__ = source  # (how the tests tell a lazy mirror from pyqtgraph's own)
    return mirror


def import_pyqtgraph() -> types.ModuleType:
    """pyqtgraph, imported with lazy Qt mirrors when it was not imported yet."""
    if "pyqtgraph" in sys.modules:
        return sys.modules["pyqtgraph"]
    import PySide6.QtCore
    import PySide6.QtGui
    import PySide6.QtWidgets

    sources = {name: getattr(PySide6, name) for name in _MIRRORED}
    listings: dict[str, Callable[[], list[str]] | None] = {}
    try:
        for name, source in sources.items():
            sys.modules[f"pyqtgraph.Qt.{name}"] = _mirror(name, source)
            listings[name] = source.__dict__.get("__dir__")
            source.__dir__ = list  # an empty listing while pyqtgraph copies names
        import pyqtgraph
    finally:
        for name, listing in listings.items():
            if listing is None:
                del sources[name].__dir__
            else:
                sources[name].__dir__ = listing
    return pyqtgraph
