"""An exported figure carries the keys the live plot shows beside it (line styles, band and
mean), its key text as large as its axis text in PNG and SVG, and labelled end ticks."""

import xml.etree.ElementTree as ET

import pytest

from app import export
from tests.helpers import play
from widgets.plot_axes import pow10_label


def _texts(svg: bytes) -> list[tuple[str, str]]:
    """(text, font-size) of every text element of an SVG."""
    out = []
    for el in ET.fromstring(svg).iter():
        if el.tag.endswith("text"):
            out.append(("".join(el.itertext()).strip(), el.get("font-size", "")))
    return out


@pytest.mark.parametrize(("name", "entries"), [
    ("params", ["b", "w1", "w2", "α PReLU"]), ("z", ["min–max", "mean"]), ("a", ["mean"])])
def test_figures_carry_the_live_plots_keys(win, name, entries):
    play(win, 400)
    texts = [t for t, _ in _texts(export.plot_bytes(win.plots, name, "svg"))]
    live = [label.text for _, label in getattr(win.plots, f"{name}_key").items]
    assert live == entries
    lanes = ["ReLU", "Leaky ReLU", "PReLU", "ELU", "SELU"]
    at = texts.index("SELU")  # the lane key, then the styles' (α split off "PReLU" in SVG)
    assert texts[at - 4:at + 1] == lanes
    assert "".join(texts[at + 1:]).replace(" ", "") == "".join(entries).replace(" ", "")


def test_gradient_figure_has_the_styles_key_only_when_the_live_plot_shows_it(win):
    play(win, 400)
    assert "∂L/∂w1" not in {t for t, _ in _texts(export.plot_bytes(win.plots, "grad", "svg"))}
    win.plots.set_grad_mode("all")
    texts = {t for t, _ in _texts(export.plot_bytes(win.plots, "grad", "svg"))}
    assert {"∂L/∂b", "∂L/∂w1", "∂L/∂w2"} <= texts


def test_key_text_is_as_large_as_the_tick_text(win):
    """In the SVG the key was 14 pt beside 11-pt ticks; in the PNG (drawn at twice the size) the
    key ignored the scale and came out half as big as the axis text."""
    play(win, 400)
    texts = _texts(export.plot_bytes(win.plots, "params", "svg"))
    tick = {size for t, size in texts if t in ("0", "100", "200")}
    key = {size for t, size in texts if t in ("ReLU", "SELU", "w1", "w2")}
    assert len(tick) == 1 and key == tick
    with export._as_figure(win.plots, "params") as p:
        keys = [p.layout.itemAt(row, 1) for row in (4, 5)]
        assert all(keys)
        flag = keys[0].GraphicsItemFlag.ItemIgnoresTransformations
        assert not any(k.flags() & flag for k in keys)  # scaled with the PNG's painter


def test_loss_axis_labels_its_lowest_and_highest_decades(win):
    play(win, 400)
    axis = win.plots.plots["loss"].getAxis("left")
    svg = export.plot_bytes(win.plots, "loss", "svg")
    labels = {t for t, _ in _texts(svg)}
    lo, hi = win.plots._decades["loss"]
    assert axis.floor == lo
    assert pow10_label(lo) in labels  # the lines lie between 10^lo and the next decade
    assert pow10_label(hi) in labels
    # the window's range is given back: a quarter decade below, the shock label's room above
    bottom, top = win.plots.plots["loss"].vb.viewRange()[1]
    assert (bottom, top) == pytest.approx(win.plots._yrange["loss"])
    assert bottom == pytest.approx(lo - 0.25) and top >= hi + 0.25
