"""ColumnStep (one block of a population's step) against Network.run, every column and every
output, in the states where it leaves work out: every z < 0 in a lane's columns (after a bias
shock), z exactly +-0, z = +-inf or NaN (diverged), huge but finite z; with and without dropout's
factors; and ColumnDots, einsum's sums along columns."""

import numpy as np
import pytest

from simulation.column_sums import ColumnBuffers, ColumnDots, dots_agree
from simulation.columns import (
    F_ALIVE,
    F_EVERY,
    F_SLOPE,
    F_SOME,
    F_STEEP,
    SATURATION_THRESHOLD,
    ColumnStep,
    finish_flags,
    lane_kinds,
)
from simulation.config import LaneSpec
from simulation.neuron import Network, Params

LANES = [LaneSpec("relu"), LaneSpec("leaky_relu", {"negative_slope": 0.01}),
         LaneSpec("prelu", {"alpha_init": 0.25, "alpha_lr": 0.01}),
         LaneSpec("elu", {"alpha": 1.0}),  # k + c == s: no select
         LaneSpec("selu", {"scale": 1.0507009873554805, "alpha": 1.6732632423543772}),
         LaneSpec("elu", {"alpha": 0.7}, id="elu07"),
         LaneSpec("elu", {"alpha": -0.5}, id="eluneg"),  # c < 0
         LaneSpec("leaky_relu", {"negative_slope": -0.5}, id="lkneg")]
P = 24  # columns per lane


def params(state: str, rng: np.random.Generator) -> Params:
    shape = (len(LANES), P)
    w1, w2, b = (rng.normal(size=shape) for _ in range(3))
    alpha = np.full(shape, np.nan)
    alpha[2] = rng.normal(size=P)
    alpha[2, :3] = (0.0, -0.0, 1e-320)
    if state == "below":  # every z < 0: the branch-uniform paths
        b[:] = -50.0 - np.abs(b)
    elif state == "some-above":  # one column of each lane with z > 0
        b[:] = -50.0 - np.abs(b)
        b[:, 5] = 50.0
    elif state == "zeros":  # z exactly +0 or -0 in some columns
        w1[:, :6] = w2[:, :6] = 0.0
        b[:, :3], b[:, 3:6] = 0.0, -0.0
        b[:, 6:] = -50.0
    elif state == "infinite":  # z = -inf (every z below 0), +-inf, NaN: diverged neurons
        b[:] = -50.0
        b[:, 0] = -np.inf
        w1[:, 1], w2[:, 1] = 1e308, -1e308
        w1[:, 2] = np.nan
        w1[:, 3] = 1e200
    elif state == "huge":  # finite, beyond the bound of "z is finite" (k z kept)
        b[:] = -1e300
    return Params(w1, w2, b, alpha)


def data(n: int, rng: np.random.Generator):
    x = rng.normal(size=(n, 2))
    x[0] = 0.0
    return x, rng.normal(size=n)


def step(net: Network, p: Params, x, y, keep):
    """ColumnStep on every lane's columns: (loss, grads, grad alpha, flags)."""
    n_lanes = len(LANES)
    m = n_lanes * P
    cols = ColumnStep(x, y, np.repeat(np.arange(n_lanes), P), lane_kinds(net),
                      ColumnBuffers(len(y), m))
    par = np.stack([p.w1, p.w2, p.b, p.alpha]).reshape(4, m)
    out, galpha = np.empty((4, m)), np.full(m, np.nan)
    flags = np.zeros((16, m), dtype=bool)
    k = keep.reshape(m, -1).T.copy() if keep is not None else None
    with np.errstate(all="ignore"):
        cols.run(par, out, galpha, flags, None, k)
    return out.reshape(4, n_lanes, P), galpha.reshape(n_lanes, P), flags.reshape(16, n_lanes, P)


def same(a, b):
    np.testing.assert_array_equal(np.asarray(a).view(np.int64), np.asarray(b).view(np.int64))


@pytest.mark.parametrize("n", [5, 37, 50, 64])
@pytest.mark.parametrize("state", ["mixed", "below", "some-above", "zeros", "infinite", "huge"])
@pytest.mark.parametrize("dropout", [False, True])
def test_column_step_is_network_run_bit_for_bit(n, state, dropout):
    rng = np.random.default_rng(n + 7 * len(state) + dropout)
    net = Network(LANES)
    p = params(state, rng)
    x, y = data(n, rng)
    keep = None
    if dropout:
        keep = (rng.random((len(LANES), P, n)) < 0.6) / 0.6
    with np.errstate(all="ignore"):
        ref = net.run(p, x, y, keep)
    out, galpha, flags = step(net, p, x, y, keep)
    with np.errstate(all="ignore"):
        full = net.run(p, x, y)
    same(out[0], full.loss)  # the loss of the full pass, dropout or not
    for row, want in zip(out[1:], (ref.grad_w1, ref.grad_w2, ref.grad_b), strict=True):
        # the sign of an exact zero may differ where a +-0 term is left out (FusedStep)
        np.testing.assert_array_equal(row, want)
        exact = want != 0
        same(row[exact], want[exact])
    same(galpha[2], ref.grad_alpha[2])
    # the flags the health state follows from (the full pass)
    np.testing.assert_array_equal(flags[F_ALIVE], (full.z > 0).any(-1))
    kinds = lane_kinds(net)
    k = np.array([[q.k] for q in kinds]) + np.zeros((1, P))
    k[2] = p.alpha[2]
    s = np.array([[q.s] for q in kinds])
    plain = [i for i, q in enumerate(kinds) if not q.exp]
    finish_flags(flags[:, plain], k[plain], s[plain],
                 np.empty((2, len(plain), P), dtype=bool))
    tmp = flags.copy()
    finish_flags(tmp, k, s, np.empty((2, len(LANES), P), dtype=bool))
    flags[:, plain] = tmp[:, plain]
    d = np.abs(full.da_dz)
    with np.errstate(invalid="ignore"):
        np.testing.assert_array_equal(flags[F_SLOPE], ~(d < 5e-324).all(-1))
        np.testing.assert_array_equal(flags[F_STEEP], ~(d < SATURATION_THRESHOLD).all(-1))
    assert flags[F_SOME].shape == flags[F_EVERY].shape


def test_column_dots_are_einsums_sums_for_any_number_of_samples():
    rng = np.random.default_rng(3)
    for n in (*range(1, 20), 37, 63, 64, 65, 128, 300):
        assert dots_agree(n), n
        m = 11
        a = rng.normal(size=(n, 3 * m)) * np.exp(rng.normal(size=(n, 3 * m)) * 5)
        b = rng.normal(size=(n, 3 * m))
        a[::4, 2] = -0.0
        got = np.empty(m)
        ColumnDots(n, m, ColumnBuffers(n, m), "x")(a[:, m:2 * m], b[:, m:2 * m], got)
        want = np.einsum("pn,pn->p", np.ascontiguousarray(a[:, m:2 * m].T),
                         np.ascontiguousarray(b[:, m:2 * m].T))
        same(got, want)
