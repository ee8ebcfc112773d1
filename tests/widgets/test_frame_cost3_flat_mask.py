"""flat_mask (one comparison per step) keeps exactly the points its definition keeps: an interior
point goes where both neighbours are within eps, NaN and its neighbours stay, anchors stay."""

import numpy as np

from widgets.decimate import flat_mask


def by_definition(y, eps, anchor=None):
    keep = np.ones(y.shape, dtype=bool)
    with np.errstate(invalid="ignore"):
        left = np.abs(y[..., 1:-1] - y[..., :-2]) <= eps
        right = np.abs(y[..., 2:] - y[..., 1:-1]) <= eps
    keep[..., 1:-1] = ~(left & right)
    return keep | anchor if anchor is not None else keep


def test_flat_mask_keeps_what_its_definition_keeps():
    rng = np.random.default_rng(7)
    y = np.cumsum(rng.normal(size=(8, 5, 400)), axis=-1)
    y[:, :, 100:160] = 2.0  # flat
    y[:, :, 200:230] = np.nan  # a gap
    y[3, 1, 300] = np.inf
    y[:, :, 320:340] += rng.normal(scale=1e-3, size=20)  # flat within eps
    eps = rng.uniform(0.01, 0.5, size=(8, 1, 1))
    anchor = np.arange(400) % 16 == 0
    got = flat_mask(y, eps, anchor)
    np.testing.assert_array_equal(got, by_definition(y, eps, anchor))
    np.testing.assert_array_equal(flat_mask(y, 0.05), by_definition(y, 0.05))
    assert not got[0, 0, 101:159][~anchor[101:159]].any()  # the flat stretch thinned
    assert got[..., 199:231].all()  # the gap and its neighbours kept
    assert flat_mask(y[..., :2], 0.1).all()
