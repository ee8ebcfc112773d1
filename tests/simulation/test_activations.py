"""Activations: values from the seeds, derivatives by finite differences, no warnings."""

import numpy as np
import pytest

from simulation import activations as A  # noqa: N812

Z = np.concatenate([np.linspace(-12, 12, 241), [-1e300, -700.0, 700.0, 1e300]])
SMOOTH_Z = np.array([-9.0, -3.0, -1.0, -0.3, 0.2, 1.0, 2.5, 7.0])  # away from the kink at 0


@pytest.mark.parametrize("name", list(A.ACTIVATIONS))
def test_derivative_matches_finite_difference(name):
    act = A.ACTIVATIONS[name]
    kw = {"alpha": 0.25} if act.learnable_alpha else {}
    h = 1e-6
    fd = (act.value(SMOOTH_Z + h, **kw) - act.value(SMOOTH_Z - h, **kw)) / (2 * h)
    np.testing.assert_allclose(act.grad(SMOOTH_Z, **kw), fd, rtol=1e-6, atol=1e-9)


def test_prelu_derivative_in_alpha_matches_finite_difference():
    h = 1e-6
    fd = (A.prelu(SMOOTH_Z, 0.25 + h) - A.prelu(SMOOTH_Z, 0.25 - h)) / (2 * h)
    np.testing.assert_allclose(A.prelu_grad_alpha(SMOOTH_Z), fd, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize("name", list(A.ACTIVATIONS))
def test_any_finite_z_gives_finite_values_without_warning(name):
    act = A.ACTIVATIONS[name]
    kw = {"alpha": 0.25} if act.learnable_alpha else {}
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # numpy's warnings
        v, d = act.value(Z, **kw), act.grad(Z, **kw)
    assert np.isfinite(v).all() and np.isfinite(d).all()


def test_conventions_at_zero():
    zero = np.array([0.0])
    assert A.relu_grad(zero)[0] == 0.0
    assert A.leaky_relu_grad(zero)[0] == 1.0
    assert A.prelu_grad(zero, 0.25)[0] == 1.0
    assert A.elu_grad(zero)[0] == 1.0


def test_seed_numbers():
    assert A.elu(np.array([-3.0]))[0] == pytest.approx(-0.950, abs=5e-4)
    assert A.elu(np.array([-1.0]))[0] == pytest.approx(-0.632, abs=5e-4)
    assert A.elu(np.array([0.0]))[0] == 0.0 and A.elu(np.array([1.0]))[0] == 1.0
    assert pytest.approx(1.0507, abs=1e-4) == A.SELU_SCALE
    assert pytest.approx(1.6733, abs=1e-4) == A.SELU_ALPHA
    assert A.SELU_SCALE == 1.0507009873554805 and A.SELU_ALPHA == 1.6732632423543772
    assert A.leaky_relu_grad(np.array([-5.0]))[0] == 0.01


def test_elu_gradient_at_minus_nine_is_about_1e_minus_4():
    """The measurement behind 'ELU does not always recover'."""
    assert A.elu_grad(np.array([-9.0]))[0] == pytest.approx(np.exp(-9.0))
    assert 1e-4 < A.elu_grad(np.array([-9.0]))[0] < 1.3e-4


def test_relu_negative_gradient_is_exactly_zero():
    assert (A.relu_grad(np.linspace(-100, 0, 1001)) == 0.0).all()


def test_unknown_activation_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown activation 'tanhh'"):
        A.get("tanhh")


def test_every_derivative_is_written_out():
    """Help, cards, the set-up panel and the step-through show these: no "see formula"."""
    for act in A.ACTIVATIONS.values():
        assert "see" not in act.derivative and act.derivative.strip(), act.name
