"""The 2 -> 128 -> K network: finite-difference gradients, dropout, Adam, the training loop."""

import numpy as np
import pytest

from simulation import datasets2d, mlp
from simulation.activations import ACTIVATIONS
from simulation.dropout_net import DropoutExperiment, RunSpec, seed_specs


def small_problem(activation: str, seed: int = 0):
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(8, 3))
    y = rng.integers(0, 3, 8)
    p = mlp.init_params(3, 6, 3, seed, activation)
    for k in p:  # larger weights than the default init: more curvature, a sharper check
        p[k] = np.array(p[k] * 3.0)
    return p, x, y


def numeric_grad(p, x, y, activation, keep, rate, eps=1e-6):
    out = {}
    for k, v in p.items():
        g = np.zeros_like(v)
        it = np.nditer(v, flags=["multi_index"])
        for _ in it:
            i = it.multi_index
            old = v[i].item()
            v[i] = old + eps
            up = mlp.loss_and_grads(p, x, y, activation, keep, rate)[0]
            v[i] = old - eps
            down = mlp.loss_and_grads(p, x, y, activation, keep, rate)[0]
            v[i] = old
            g[i] = (up - down) / (2 * eps)
        out[k] = g
    return out


@pytest.mark.parametrize("activation", list(ACTIVATIONS))
@pytest.mark.parametrize("rate", [0.0, 0.5])
def test_gradients_match_finite_differences(activation, rate):
    p, x, y = small_problem(activation)
    keep = mlp.dropout_keep(5, 1, 0, (8, 6), rate) if rate else None
    _, grads = mlp.loss_and_grads(p, x, y, activation, keep, rate)
    num = numeric_grad(p, x, y, activation, keep, rate)
    assert set(grads) == set(p)
    for k in p:
        np.testing.assert_allclose(grads[k], num[k], rtol=1e-5, atol=1e-7, err_msg=k)
    if activation == "prelu":
        assert "alpha" in grads and grads["alpha"].shape == ()


def test_cross_entropy_of_equal_logits_is_log_k():
    loss, grad = mlp.cross_entropy(np.zeros((4, 5)), np.array([0, 1, 2, 4]))
    assert loss == pytest.approx(np.log(5))
    np.testing.assert_allclose(grad.sum(axis=1), 0.0, atol=1e-15)


def test_dropout_masks_are_recomputable_and_scaled():
    a = mlp.dropout_keep(7, 3, 2, (64, 128), 0.5)
    assert np.array_equal(a, mlp.dropout_keep(7, 3, 2, (64, 128), 0.5))
    assert not np.array_equal(a, mlp.dropout_keep(7, 3, 3, (64, 128), 0.5))
    assert 0.45 < a.mean() < 0.55
    p, x, _ = small_problem("relu")
    keep = mlp.dropout_keep(7, 3, 2, (8, 6), 0.5)
    fw = mlp.forward(p, x, "relu", keep, 0.5)
    np.testing.assert_array_equal(fw.hd, np.where(keep, fw.h * 2.0, 0.0))
    np.testing.assert_array_equal(mlp.forward(p, x, "relu").hd, fw.h)


def test_adam_first_steps_on_a_known_case():
    """With a constant gradient g, bias correction makes every step lr * g / (|g| + eps)."""
    p = {"w": np.array([1.0, -2.0, 0.5])}
    g = {"w": np.array([0.5, -0.1, 0.0])}
    adam = mlp.Adam(p, lr=0.1)
    adam.step(p, g)
    np.testing.assert_allclose(p["w"], [0.9, -1.9, 0.5], rtol=1e-7)
    adam.step(p, g)
    np.testing.assert_allclose(p["w"], [0.8, -1.8, 0.5], rtol=1e-7)
    # a different second gradient, by hand: m = 0.9 m1 + 0.1 g2, v = 0.999 v1 + 0.001 g2^2
    p = {"w": np.array([0.0])}
    adam = mlp.Adam(p, lr=0.01)
    adam.step(p, {"w": np.array([1.0])})
    adam.step(p, {"w": np.array([3.0])})
    m = (0.9 * 0.1 * 1.0 + 0.1 * 3.0) / (1 - 0.9**2)
    v = (0.999 * 0.001 * 1.0 + 0.001 * 9.0) / (1 - 0.999**2)
    first = -0.01 * 1.0 / (1.0 + 1e-8)
    assert p["w"][0] == pytest.approx(first - 0.01 * m / (np.sqrt(v) + 1e-8), rel=1e-12)


def test_one_epoch_is_the_recomputed_loop():
    """Batches, masks, gradients and Adam, redone by hand from the seed, give the same weights."""
    split = datasets2d.make("xor", 150, 50, seed=4)
    exp = DropoutExperiment(split, [RunSpec("relu", 0.5)], epochs=1, seed=9, hidden=16)
    exp.run()
    p = mlp.init_params(2, 16, 2, 9, "relu")
    adam = mlp.Adam(p, lr=0.001)
    order = mlp.batch_order(9, 1, 150)
    losses = []
    for b in range(3):
        idx = order[b * 64:(b + 1) * 64]
        keep = mlp.dropout_keep(9, 1, b, (len(idx), 16), 0.5)
        loss, grads = mlp.loss_and_grads(p, split.x_train[idx], split.y_train[idx], "relu",
                                         keep, 0.5)
        adam.step(p, grads)
        losses.append(loss)
    for k in p:
        np.testing.assert_array_equal(exp.runs[0].params[k], p[k])
    h = exp.histories[0]
    assert h.train_loss == [pytest.approx(np.mean(losses), rel=1e-12)]
    z = split.x_train @ p["W1"] + p["b1"]
    assert h.dead == [int((z <= 0).all(axis=0).sum())]
    pred = (split.x_test @ p["W1"] + p["b1"]).clip(0) @ p["W2"] + p["b2"]
    assert h.test_accuracy == [pytest.approx(100 * (pred.argmax(1) == split.y_test).mean())]


def test_a_unit_below_zero_everywhere_is_counted_dead():
    split = datasets2d.make("circle", 100, 20, seed=0)
    exp = DropoutExperiment(split, [RunSpec("relu"), RunSpec("elu")], epochs=1, seed=0, hidden=8)
    for run in exp.runs:
        run.params["W1"][:, :3] = 0.0
        run.params["b1"][:3] = -10.0
    exp.advance(units=len(exp.runs))  # the counts before training
    relu, elu = exp.histories
    z = split.x_train @ exp.runs[0].params["W1"] + exp.runs[0].params["b1"]
    assert relu.initial_dead == int((z <= 0).all(axis=0).sum()) >= 3
    assert elu.initial_dead == 0  # ELU(-10) = e^-10 - 1 != 0: never "dead" by the seed's test
    assert elu.initial_stuck == 3  # but |ELU'(-10)| = e^-10 < 1e-3: stuck


def test_runs_share_their_start_and_chunking_changes_nothing():
    split = datasets2d.make("spiral", 120, 60, seed=1)
    specs = seed_specs()
    whole = DropoutExperiment(split, specs, epochs=2, seed=2, hidden=12)
    whole.run()
    sliced = DropoutExperiment(split, specs, epochs=2, seed=2, hidden=12)
    while not sliced.advance(units=3):
        pass
    assert sliced.units_done == sliced.total_units and sliced.progress == 1.0
    for a, b in zip(whole.histories, sliced.histories, strict=True):
        assert a.train_loss == b.train_loss and a.dead == b.dead
    start = [mlp.init_params(2, 12, 3, 2, s.activation) for s in specs]
    assert all(np.array_equal(s["W1"], start[0]["W1"]) for s in start)


@pytest.mark.parametrize("kwargs", [{"epochs": 0}, {"hidden": 0}, {"batch_size": 1.5}])
def test_bad_experiments_are_refused(kwargs):
    split = datasets2d.make("xor", 10, 10)
    with pytest.raises(ValueError):
        DropoutExperiment(split, [RunSpec("relu")], **kwargs)
    with pytest.raises(ValueError):
        RunSpec("relu", 1.0)
    with pytest.raises(ValueError):
        DropoutExperiment(split, [RunSpec("relu"), RunSpec("relu")])
