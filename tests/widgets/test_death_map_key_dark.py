"""The death map's key keeps its swatches' colours when restyled to the dark theme (the white
"never knocked out" swatch became the dark plot background: invisible before a sweep)."""

from widgets import style
from widgets.death_map_images import UNTOUCHED_COLOR, css_rgb, legend_text


def test_restyling_to_dark_keeps_the_white_swatch():
    text = legend_text(2000)
    old = style.theme().name
    style.set_theme("dark")
    try:
        swapped = style._swap_hex(text, style.color_map())
    finally:
        style.set_theme(old)
    assert swapped == text
    white = css_rgb(UNTOUCHED_COLOR)
    assert white == "rgb(255, 255, 255)"
    assert f"color:{white}; background:{white}'>██</span>&nbsp;never&nbsp;knocked" in swapped
