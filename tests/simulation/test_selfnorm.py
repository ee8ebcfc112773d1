"""Self-normalization: layer statistics against closed forms, a recomputation, the seed case."""

import math

import numpy as np
import pytest

from simulation import activations, selfnorm
from simulation.selfnorm import SelfNormConfig, SelfNormRun, gaussian_moments, mean_field, measure


@pytest.mark.parametrize("var", [0.5, 1.0, 2.0, 7.0])
def test_gaussian_moments_match_closed_forms(var):
    s = math.sqrt(var)
    m, q = gaussian_moments("relu", var)
    assert m == pytest.approx(s / math.sqrt(2 * math.pi), abs=1e-6)
    assert q == pytest.approx(var / 2, abs=1e-6)
    a = 0.01
    m, q = gaussian_moments("leaky_relu", var)
    assert m == pytest.approx((1 - a) * s / math.sqrt(2 * math.pi), abs=1e-6)
    assert q == pytest.approx((1 + a * a) * var / 2, abs=1e-6)


def test_selu_fixed_point_is_mean_0_variance_1():
    """The constants of SELU are chosen so that N(0, 1) maps to mean 0, variance 1."""
    m, q = gaussian_moments("selu", 1.0)
    assert abs(m) < 1e-6 and q == pytest.approx(1.0, abs=1e-6)
    means, variances = mean_field("selu", "lecun", 100)
    assert np.abs(means).max() < 1e-6
    assert np.abs(variances - 1).max() < 1e-6


def test_relu_he_keeps_the_second_moment_at_one_in_the_mean_field():
    means, variances = mean_field("relu", "he", 10)
    assert means[1:] == pytest.approx([1 / math.sqrt(math.pi)] * 10, abs=1e-6)
    assert variances[1:] == pytest.approx([1 - 1 / math.pi] * 10, abs=1e-6)
    _, v = mean_field("relu", "lecun", 10)  # half the gain: the second moment halves per layer
    assert v[10] == pytest.approx((1 - 1 / math.pi) / 2**10, rel=1e-5)


def test_first_layer_is_the_recomputed_forward_pass():
    cfg = SelfNormConfig(depth=2, width=16, samples=5, init="recommended",
                         activations=("relu", "selu"), seed=11)
    stats = measure(cfg)
    rng = np.random.default_rng(11)
    x = rng.standard_normal((5, 16))
    x = (x - x.mean()) / x.std()
    w = rng.standard_normal((16, 16))
    for s, gain in zip(stats, (2.0, 1.0), strict=True):
        h = activations.get(s.activation).value(x @ w * math.sqrt(gain / 16))
        assert s.mean[0] == pytest.approx(0.0, abs=1e-12) and s.var[0] == pytest.approx(1.0)
        assert s.mean[1] == pytest.approx(h.mean()) and s.var[1] == pytest.approx(h.var())
        assert s.dead_fraction[1] == pytest.approx((h == 0).all(axis=0).mean())
    assert stats[0].init == "he" and stats[1].init == "lecun"


def test_wide_layer_one_matches_the_closed_form():
    """ReLU, He: z ~ N(0, 2) per unit, so E[a] = 1/sqrt(pi) and E[a^2] = 1."""
    stats = measure(SelfNormConfig(depth=1, width=512, samples=1000, activations=("relu",)))
    s = stats[0]
    assert s.mean[1] == pytest.approx(1 / math.sqrt(math.pi), abs=0.03)
    assert s.var[1] + s.mean[1] ** 2 == pytest.approx(1.0, abs=0.05)


def test_with_one_sample_dead_means_not_positive():
    s = measure(SelfNormConfig(depth=3, width=200, samples=1, activations=("relu",)))[0]
    assert all(0.3 < d < 0.7 for d in s.dead_fraction[1:])  # about half of z <= 0


def test_selu_lecun_stays_normalized_where_relu_he_does_not():
    cfg = SelfNormConfig(depth=20, width=256, samples=400, activations=("selu", "relu"), seed=1)
    selu_stats, relu_stats = measure(cfg)
    worst_mean, vmin, vmax = selfnorm.drift(selu_stats)
    assert worst_mean < 0.1 and 0.8 < vmin and vmax < 1.2
    assert selfnorm.drift(relu_stats)[0] > 0.4  # ReLU's mean is ~0.56, never 0


def test_chunking_changes_nothing():
    cfg = SelfNormConfig(depth=6, width=32, samples=40, activations=("elu", "relu"), seed=3)
    whole = measure(cfg)
    run = SelfNormRun(cfg)
    while not run.advance(seconds=0.0):
        pass
    assert [s.var for s in run.stats] == [s.var for s in whole]
    assert run.layer == 6 and len(whole[0].mean) == 7


@pytest.mark.parametrize("kwargs", [{"depth": 101}, {"width": 513}, {"samples": 0},
                                    {"init": "xavier"}, {"activations": ()},
                                    {"activations": ("relu", "relu")},
                                    {"activations": ("tanh",)}])
def test_bad_configs_are_refused(kwargs):
    with pytest.raises(ValueError):
        SelfNormConfig(**kwargs)
