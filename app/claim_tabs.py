"""The tabs that measure the seeds' claims beyond the single neuron, added to the main window.

Each tab's view is built the first time the tab is shown, so the window opens as fast as before.
Its page keeps it in the theme in force: built in it, and brought over to a new theme when the
application palette changes (see ``LazyTab.apply_theme``). The activation-cost and star-table
tabs share one :class:`simulation.cost.SharedCost` per window: the star table reuses the cost tab's
timing, so the two show the same numbers.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, Protocol

from PySide6.QtCore import QEvent
from PySide6.QtWidgets import QApplication, QVBoxLayout, QWidget

from app.restyle import scale_widget_fonts
from simulation.cost import SharedCost
from widgets import style


class _TabHost(Protocol):
    def add_tab(self, widget: QWidget, title: str, tooltip: str) -> None: ...


class LazyTab(QWidget):
    """A tab page that builds its view (``factory()``) when first shown or asked for."""

    def __init__(self, factory: Callable[[], QWidget]):
        super().__init__()
        self._factory = factory
        self._view: QWidget | None = None
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)

    @property
    def is_built(self) -> bool:
        return self._view is not None

    @property
    def view(self) -> QWidget:
        """The view, built now if it was not yet."""
        return self.build()

    def build(self) -> QWidget:
        """Build the view unless it exists; the view."""
        if self._view is None:
            self._view = self._factory()
            self.layout().addWidget(self._view)
            style.restyle(self._view)  # (pyqtgraph's defaults may be another theme's)
            self._present(self._view)
        return self._view

    @staticmethod
    def _present(view: QWidget) -> None:
        """Built while presenting: the view's own fonts (its texts, tables) scaled as
        presentation mode scaled those of the widgets there when it began (it only reaches the
        widgets that exist then), and the page laid out again for them."""
        scale = style.scales()[0]
        if scale == 1.0:
            return
        scale_widget_fonts(view, scale)
        QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest)
        view.updateGeometry()

    def showEvent(self, event: Any) -> None:
        self.build()
        super().showEvent(event)

    def changeEvent(self, event: Any) -> None:
        if event.type() == QEvent.Type.PaletteChange:
            self.apply_theme()
        super().changeEvent(event)

    def apply_theme(self) -> None:
        """Bring the view (if built) to the theme in force: the view's own ``apply_theme`` if it
        has one; else its plots and style sheets are restyled and it is drawn again (texts
        written in the theme's colours are rewritten)."""
        view = self._view
        if view is None:
            return
        own = getattr(view, "apply_theme", None)
        if callable(own):
            own(style.theme())
            return
        style.restyle(view)
        refresh = getattr(view, "refresh", None)
        if callable(refresh):
            refresh()


def _selfnorm(shared: SharedCost) -> QWidget:
    from widgets.selfnorm_view import SelfNormView
    return SelfNormView()


def _dropout(shared: SharedCost) -> QWidget:
    from widgets.dropout_view import DropoutView
    return DropoutView()


def _cost(shared: SharedCost) -> QWidget:
    from widgets.cost_view import CostView
    return CostView(shared)


def _claims(shared: SharedCost) -> QWidget:
    from widgets.claims_view import ClaimsView
    return ClaimsView(shared)


TABS: tuple[tuple[Callable[[SharedCost], QWidget], str, str], ...] = (
    (_selfnorm, "Self-normalization",
     "Tutorial 000: does SELU keep mean 0 and variance 1 across layers? Measured."),
    (_dropout, "Dropout network",
     "Tutorial 002: a 2 → 128 → K network (K: one output per class) with and without dropout: "
     "loss, accuracy, dead units"),
    (_cost, "Activation cost",
     "Tutorial 000: ReLU 1.0×, Leaky 1.1×, ELU 1.5×? Timed on this machine"),
    (_claims, "Star table", "Tutorial 000's star table beside the stars this app measures "
     "(numpy activation cost, the network, the death map, the presets)"),
)


def install_claim_tabs(window: _TabHost) -> list[LazyTab]:
    """Add the self-normalization, dropout-network, activation-cost and star-table tabs (the
    last two sharing one timing)."""
    pages = []
    shared = SharedCost()
    for factory, title, tooltip in TABS:
        page = LazyTab(partial(factory, shared))
        window.add_tab(page, title, tooltip)
        pages.append(page)
    return pages
