"""A label's halo is the glyphs' coverage widened by an antialiased disc, in the plot's
background colour, premultiplied: checked pixel for pixel against the plain arithmetic."""

from __future__ import annotations

import math

import numpy as np
import pytest
from PySide6.QtCore import QPointF
from PySide6.QtGui import QColor, QFontMetricsF, QImage, QPainter

from widgets.halo_label import HALO_PX, halo_image
from widgets.plot_items import FONT_PT, _font


def _coverage(text: str, font, margin: float, dpr: float) -> np.ndarray:
    """The glyphs' coverage, drawn as halo_image draws them (0-255)."""
    fm = QFontMetricsF(font)
    pad = math.ceil(HALO_PX) + 1
    w = math.ceil((fm.horizontalAdvance(text) + 2 * margin + 2 * pad) * dpr)
    h = math.ceil((fm.height() + 2 * margin + 2 * pad) * dpr)
    ink = QImage(w, h, QImage.Format.Format_Alpha8)
    ink.fill(0)
    p = QPainter(ink)
    p.scale(dpr, dpr)
    p.setFont(font)
    p.setPen(QColor(0, 0, 0))
    p.drawText(QPointF(margin + pad, margin + pad + fm.ascent()), text)
    p.end()
    raw = np.frombuffer(ink.constBits(), np.uint8, count=ink.bytesPerLine() * h)
    return raw.reshape(h, ink.bytesPerLine())[:, :w].astype(float)


def _argb(image: QImage) -> np.ndarray:
    image = image.convertToFormat(QImage.Format.Format_ARGB32_Premultiplied)
    raw = np.frombuffer(image.constBits(), np.uint32, count=image.height() * image.width())
    return raw.reshape(image.height(), image.width())


@pytest.mark.parametrize("dpr", [1.0, 2.0])
@pytest.mark.parametrize("color", ["#ffffff", "#1e1e1e", "#3a6ea5"])
def test_the_halo_is_the_coverage_widened_by_a_disc(qapp, dpr, color):
    text = "↓ ELU below scale at step 10,594: loss = 1.31e-14"
    font = _font(FONT_PT, bold=True)
    image, corner = halo_image(text, font, 2.0, QColor(color), dpr)
    cover = _coverage(text, font, 2.0, dpr)
    radius = HALO_PX * dpr
    r = math.ceil(radius)
    rows, cols = cover.shape
    padded = np.zeros((rows + 2 * r, cols + 2 * r))
    padded[r:r + rows, r:r + cols] = cover
    halo = np.zeros_like(cover)
    for dy in range(-r, r + 1):
        for dx in range(-r, r + 1):
            d = math.hypot(dx, dy)
            if d < radius + 0.5:
                shifted = padded[r + dy:r + dy + rows, r + dx:r + dx + cols]
                halo = np.maximum(halo, np.rint(shifted * min(1.0, radius + 0.5 - d)))
    a = halo.astype(np.uint32)
    c = QColor(color)
    want = (a << 24) | (((a * c.red() + 127) // 255) << 16) | (((a * c.green() + 127) // 255) << 8
                                                               ) | ((a * c.blue() + 127) // 255)
    assert image.devicePixelRatio() == dpr
    assert corner == QPointF(-(math.ceil(HALO_PX) + 1), -(math.ceil(HALO_PX) + 1))
    assert (halo > 0).sum() > (cover > 0).sum()  # (wider than the glyphs)
    np.testing.assert_array_equal(_argb(image), want)


@pytest.mark.parametrize("change", ["text", "font", "color", "width"])
def test_a_label_changed_after_a_paint_paints_what_a_new_one_does(qapp, change):
    """What a label's image is made of is read once after each change of its text item (not at
    every paint): a change of text, font, colour or width still gives the new label's image."""
    from widgets.halo_label import HaloLabel

    def image(label: HaloLabel) -> np.ndarray:
        canvas = QImage(600, 80, QImage.Format.Format_ARGB32_Premultiplied)
        canvas.fill(QColor("white"))
        p = QPainter(canvas)
        try:
            label.paint(p)
        finally:
            p.end()
        return _argb(canvas).copy()

    def made(text: str, pt: float, color: str, width: float) -> HaloLabel:
        label = HaloLabel(text, color=color)
        label.setFont(_font(pt, bold=True))
        label.setTextWidth(width)
        return label

    old = ("↓ ELU below scale at step 10,599: loss = 9.63e-15", FONT_PT, "#e69f00", -1.0)
    new = dict(zip(("text", "font", "color", "width"), (
        "↓ ELU below scale at step 10,617: loss = 9.41e-15", FONT_PT + 3, "#0072b2", 150.0),
        strict=True))
    label = made(*old)
    before = image(label)
    if change == "text":
        label.setText(new["text"])
    elif change == "font":
        label.setFont(_font(new["font"], bold=True))
    elif change == "color":
        label.setColor(new["color"])
    else:
        label.setTextWidth(new["width"])
    args = [new[k] if k == change else v for k, v in zip(new, old, strict=True)]
    after = image(label)
    assert (after != before).any()
    np.testing.assert_array_equal(after, image(made(*args)))
