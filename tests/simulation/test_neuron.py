"""Network.run: gradients by finite differences, chain-rule factors, population independence."""

import numpy as np
import pytest

from simulation.activations import ACTIVATIONS
from simulation.config import LaneSpec, RunConfig
from simulation.engine import Simulation
from simulation.neuron import Network, Params

NAMES = list(ACTIVATIONS)
# Non-default activation parameters, so the parameters are exercised too (PReLU's is alpha itself).
ALT_PARAMS = {
    "leaky_relu": {"negative_slope": 0.2},
    "elu": {"alpha": 0.7},
    "selu": {"scale": 1.2, "alpha": 1.5},
    "prelu": {"alpha_init": 0.1, "alpha_lr": 0.05},
}
# One neuron per column: mixed-sign z, all-negative z and all-positive z over x in [0, 1]^2.
W1 = [0.8, -1.2, 0.5, -0.7, 1.5, -2.0]
W2 = [-0.6, 0.4, 0.3, -0.2, 1.0, 1.7]
B = [0.1, 0.3, -0.4, -0.1, 0.2, -0.4]
ALPHA = [0.25, 0.1, -0.3, 0.5, 0.05, 1.3]
FIELDS = ("z", "a", "dL_da", "da_dz", "loss", "grad_w1", "grad_w2", "grad_b", "grad_alpha")


def lanes_for(name):
    """The default lane of ``name``, plus one with non-default parameters where it has any."""
    lanes = [LaneSpec(name)]
    if name in ALT_PARAMS:
        lanes.append(LaneSpec(name, dict(ALT_PARAMS[name]), id=f"{name}-alt"))
    return lanes


def make_params(n_lanes, w1=W1, w2=W2, b=B, alpha=ALPHA):
    """Params of shape (n_lanes, P), the same neurons in every lane."""
    rows = [np.tile(np.asarray(v, dtype=float), (n_lanes, 1)) for v in (w1, w2, b, alpha)]
    return Params(*rows)


def make_data(n=16, seed=3):
    rng = np.random.default_rng(seed)
    x = rng.uniform(0.0, 1.0, size=(n, 2))
    y = 0.5 * x[:, 0] + 0.3 * x[:, 1] + 0.1 + rng.normal(0.0, 0.2, size=n)
    return x, y


def column(p, j):
    """Neuron j of every lane, as a population of 1."""
    return Params(*(getattr(p, f)[:, j : j + 1].copy() for f in ("w1", "w2", "b", "alpha")))


def test_parameter_points_are_away_from_the_kink():
    """Precondition of the finite-difference checks: no z within 1e-3 of 0."""
    x, y = make_data()
    net = Network(lanes_for("relu"))
    z = net.run(make_params(1), x, y).z
    assert np.abs(z).min() > 1e-3
    assert (z > 0).any() and (z < 0).any()


GRAD_CASES = [(name, param) for name in NAMES for param in ("w1", "w2", "b", "alpha")
              if param != "alpha" or ACTIVATIONS[name].learnable_alpha]


@pytest.mark.parametrize(("name", "param"), GRAD_CASES)
def test_summed_gradient_matches_finite_difference(name, param):
    """dL/dparam of L = mean((a - y)^2), per (lane, neuron), by central differences."""
    lanes = lanes_for(name)
    net = Network(lanes)
    x, y = make_data()
    p = make_params(len(lanes))
    fb = net.run(p, x, y)
    assert fb.loss.shape == (len(lanes), len(W1))
    h = 1e-6
    plus, minus = p.copy(), p.copy()
    getattr(plus, param)[...] += h
    getattr(minus, param)[...] -= h
    fd = (net.run(plus, x, y).loss - net.run(minus, x, y).loss) / (2 * h)
    grad = getattr(fb, f"grad_{param}")
    assert np.isfinite(grad).all()
    np.testing.assert_allclose(grad, fd, rtol=1e-6, atol=1e-8)
    # A non-trivial check: only ReLU's all-negative neuron (3) and alpha of the all-positive
    # neuron (4) have a zero gradient.
    zero = {3} if name == "relu" else {4} if param == "alpha" else set()
    for j in range(len(W1)):
        assert (grad[:, j] == 0.0).all() if j in zero else (np.abs(grad[:, j]) > 1e-6).all()


@pytest.mark.parametrize("name", [n for n in NAMES if not ACTIVATIONS[n].learnable_alpha])
def test_grad_alpha_is_nan_outside_prelu(name):
    """grad_alpha is NaN for lanes without a learnable slope."""
    x, y = make_data()
    fb = Network(lanes_for(name)).run(make_params(len(lanes_for(name))), x, y)
    assert np.isnan(fb.grad_alpha).all()


@pytest.mark.parametrize("name", NAMES)
def test_chain_rule_factors_are_consistent(name):
    """z, a, dL/da, da/dz per sample, and the sums that make each gradient."""
    lanes = lanes_for(name)
    net = Network(lanes)
    x, y = make_data()
    p = make_params(len(lanes))
    fb = net.run(p, x, y)
    n = len(y)
    shape = (len(lanes), len(W1), n)
    for f in ("z", "a", "dL_da", "da_dz"):
        assert getattr(fb, f).shape == shape
    z = p.w1[..., None] * x[:, 0] + p.w2[..., None] * x[:, 1] + p.b[..., None]
    np.testing.assert_allclose(fb.z, z, rtol=1e-15, atol=1e-15)
    np.testing.assert_allclose(fb.dL_da, 2.0 * (fb.a - y) / n, rtol=1e-13, atol=1e-16)
    np.testing.assert_allclose(fb.loss, np.mean((fb.a - y) ** 2, axis=-1), rtol=1e-13)
    dz = fb.dL_da * fb.da_dz
    np.testing.assert_allclose(fb.grad_w1, np.sum(dz * x[:, 0], axis=-1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fb.grad_w2, np.sum(dz * x[:, 1], axis=-1), rtol=1e-12, atol=1e-15)
    np.testing.assert_allclose(fb.grad_b, np.sum(dz, axis=-1), rtol=1e-12, atol=1e-15)
    if ACTIVATIONS[name].learnable_alpha:
        expected = np.sum(fb.dL_da * np.minimum(fb.z, 0.0), axis=-1)
        np.testing.assert_allclose(fb.grad_alpha, expected, rtol=1e-12, atol=1e-15)


@pytest.mark.parametrize("name", NAMES)
def test_relu_family_kills_the_gradient_only_for_relu(name):
    """All z < 0: ReLU's da/dz is exactly 0, every other activation's is not."""
    x, y = make_data()
    p = make_params(1, w1=[-1.0], w2=[-1.0], b=[-0.5], alpha=[0.25])
    fb = Network([LaneSpec(name)]).run(p, x, y)
    if name == "relu":
        assert (fb.da_dz == 0.0).all() and fb.grad_w1[0, 0] == 0.0 and fb.grad_b[0, 0] == 0.0
    else:
        assert (fb.da_dz != 0.0).all() and fb.grad_b[0, 0] != 0.0


@pytest.mark.parametrize("name", NAMES)
@pytest.mark.parametrize("n", [5, 64])
def test_population_neuron_equals_single_neuron_bitwise(name, n):
    """Each neuron of a population: z, a, dL/da, da/dz, loss, grad_b, grad_alpha as if alone."""
    lanes = lanes_for(name)
    net = Network(lanes)
    x, y = make_data(n)
    p = make_params(len(lanes))
    full = net.run(p, x, y)
    for j in range(len(W1)):
        one = net.run(column(p, j), x, y)
        for f in ("z", "a", "dL_da", "da_dz", "loss", "grad_b", "grad_alpha"):
            np.testing.assert_array_equal(getattr(full, f)[:, j], getattr(one, f)[:, 0],
                                          err_msg=f"{f}, neuron {j}")


def test_population_weight_gradients_equal_single_neuron_bitwise():
    """grad_w1 and grad_w2 of each neuron of a population, bit for bit as if alone."""
    lanes = [LaneSpec(n) for n in NAMES]
    net = Network(lanes)
    x, y = make_data(64)
    p = make_params(len(lanes))
    full = net.run(p, x, y)
    for j in range(len(W1)):
        one = net.run(column(p, j), x, y)
        for f in ("grad_w1", "grad_w2"):
            np.testing.assert_array_equal(getattr(full, f)[:, j], getattr(one, f)[:, 0],
                                          err_msg=f"{f}, neuron {j}")


def test_simulation_population_records_the_same_run_as_one_neuron():
    """Fixed init: every neuron is the same, so neuron 0's history equals the P = 1 history."""
    cfg = RunConfig(steps=200)
    one = Simulation(cfg)
    one.run(cfg.steps)
    many = Simulation(cfg, population=4)
    many.run(cfg.steps)
    np.testing.assert_array_equal(one.history.window(), many.history.window())
