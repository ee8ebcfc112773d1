"""The step-through after a theme change: the header and every coloured text are written at once
in the new theme's inks, each readable (4.5:1) on what it is written on."""

import re

import pytest
from PySide6.QtWidgets import QApplication

from app.presentation import make_palette
from simulation.health import State
from widgets import style
from widgets.chain_phases import N_PHASES
from widgets.chain_rule import ChainRulePanel

RELU, LEAKY = 0, 1
COLOR = re.compile(r"color:\s*(#[0-9a-fA-F]{6})")


@pytest.fixture
def themed():
    """Switches the theme as View ▸ Theme does (the application palette: PaletteChange)."""
    app = QApplication.instance()
    before = app.palette()

    def switch(name: str) -> None:
        app.setPalette(make_palette(style.set_theme(name)))
        app.processEvents()

    yield switch
    style.set_theme("light")
    app.setPalette(before)
    app.processEvents()


def shown_panel(qtbot, sim, lane):
    panel = ChainRulePanel(sim)
    qtbot.addWidget(panel)
    panel.resize(420, 600)
    panel.set_lane(lane)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_header_takes_the_new_themes_state_colour_at_once(qtbot, sim, themed):
    """B_dark.png: 'DEAD' stayed #555555 on the dark page until the next step."""
    panel = shown_panel(qtbot, sim, RELU)
    assert panel._read().state == State.DEAD
    step = panel._read().step
    for name in ("dark", "light", "dark"):
        themed(name)
        assert panel._read().step == step  # no step was taken: the theme change alone
        page = panel.palette().window().color().name()
        colors = COLOR.findall(panel._title.text())
        assert len(colors) == 2, panel._title.text()  # the lane and the state
        _lane_ink, state_ink = colors
        assert state_ink.lower() == style.readable(style.state_color(State.DEAD), page).lower()
        for ink in colors:
            assert style.contrast_ratio(ink, page) >= 4.5, (name, ink, page)
    assert COLOR.findall(panel._title.text())[1].lower() != "#555555"  # (light's grey)


@pytest.mark.parametrize("theme", ["light", "dark"])
@pytest.mark.parametrize("lane", range(5))
def test_every_coloured_text_is_readable(qtbot, sim, themed, theme, lane):
    """Lane names, states, zeros, moves and muted notes, in both themes, on the page, the text
    view and the current phase's highlight."""
    themed(theme)
    panel = shown_panel(qtbot, sim, lane)
    page = panel.palette().window().color().name()
    for ink in COLOR.findall(panel._title.text()):
        assert style.contrast_ratio(ink, page) >= 4.5, (theme, lane, ink, page)
    th = style.theme()
    for phase in range(1, N_PHASES + 1):
        panel.set_phase(phase)
        for ink in COLOR.findall(panel.html()):
            for bg in (th.base, th.highlight_bg):
                assert style.contrast_ratio(ink, bg) >= 4.5, (theme, lane, phase, ink, bg)
