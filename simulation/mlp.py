"""Seed 002's network in numpy: ``D -> hidden (activation, dropout) -> K``, cross-entropy, Adam.

The same layers as the seed's PyTorch models: ``fc1``, activation, ``Dropout`` (inverted: kept
units are scaled by ``1 / (1 - p)`` in training, nothing happens in evaluation), ``fc2``; weights
and biases start as ``nn.Linear``'s default, uniform in ``±1/sqrt(fan_in)``; PReLU has one learned
slope starting at 0.25 (``nn.PReLU()``). Adam has PyTorch's defaults (betas 0.9, 0.999, eps 1e-8).

Randomness is split into streams derived from one seed, so every part can be recomputed alone:
the initial weights (:func:`init_params`), each epoch's batch order (:func:`batch_order`) and each
batch's dropout mask (:func:`dropout_keep`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from simulation import activations

Params = dict[str, np.ndarray]
_INIT, _ORDER, _MASK = 1, 2, 3  # random streams


def init_params(n_in: int, hidden: int, n_out: int, seed: int, activation: str) -> Params:
    """``nn.Linear`` default init (uniform ±1/sqrt(fan_in)); the same draw for every activation."""
    rng = np.random.default_rng([seed, _INIT])
    b1, b2 = 1.0 / np.sqrt(n_in), 1.0 / np.sqrt(hidden)
    p = {"W1": rng.uniform(-b1, b1, (n_in, hidden)), "b1": rng.uniform(-b1, b1, hidden),
         "W2": rng.uniform(-b2, b2, (hidden, n_out)), "b2": rng.uniform(-b2, b2, n_out)}
    if activations.get(activation).learnable_alpha:
        p["alpha"] = np.array(activations.get(activation).defaults["alpha_init"])
    return p


def batch_order(seed: int, epoch: int, n: int) -> np.ndarray:
    """The training-sample order of ``epoch`` (shuffled like ``DataLoader(shuffle=True)``)."""
    return np.random.default_rng([seed, _ORDER, epoch]).permutation(n)


def dropout_keep(seed: int, epoch: int, batch: int, shape: tuple[int, int], p: float) -> np.ndarray:
    """Which hidden units batch ``batch`` of ``epoch`` keeps (True) under dropout rate ``p``."""
    return np.random.default_rng([seed, _MASK, epoch, batch]).random(shape) >= p


def _f(name: str, z: np.ndarray, p: Params) -> np.ndarray:
    act = activations.get(name)
    if act.learnable_alpha:
        return act.value(z, p["alpha"])
    return act.value(z, **activations.function_params(name, act.defaults))


def _df(name: str, z: np.ndarray, p: Params) -> np.ndarray:
    act = activations.get(name)
    if act.learnable_alpha:
        return act.grad(z, p["alpha"])
    return act.grad(z, **activations.function_params(name, act.defaults))


@dataclass
class Forward:
    """The values of one forward pass that the backward pass needs."""

    z: np.ndarray  # (n, hidden) pre-activations
    h: np.ndarray  # (n, hidden) activations
    hd: np.ndarray  # (n, hidden) after dropout
    logits: np.ndarray  # (n, K)


def forward(p: Params, x: np.ndarray, activation: str, keep: np.ndarray | None = None,
            rate: float = 0.0) -> Forward:
    """Logits for ``x``; with ``keep`` (training) dropped units are 0 and kept ones scaled."""
    z = x @ p["W1"] + p["b1"]
    h = _f(activation, z, p)
    hd = h if keep is None else h * keep * (1.0 / (1.0 - rate))
    return Forward(z, h, hd, hd @ p["W2"] + p["b2"])


def cross_entropy(logits: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
    """Mean softmax cross-entropy (``nn.CrossEntropyLoss``) and its gradient in the logits."""
    shifted = logits - logits.max(axis=1, keepdims=True)
    log_sum = np.log(np.exp(shifted).sum(axis=1, keepdims=True))
    log_p = shifted - log_sum
    n = len(y)
    loss = -float(log_p[np.arange(n), y].mean())
    grad = np.exp(log_p)
    grad[np.arange(n), y] -= 1.0
    return loss, grad / n


def loss_and_grads(p: Params, x: np.ndarray, y: np.ndarray, activation: str,
                   keep: np.ndarray | None = None, rate: float = 0.0) -> tuple[float, Params]:
    """The batch loss and dL/dparam for every parameter (backpropagation by hand)."""
    fw = forward(p, x, activation, keep, rate)
    loss, g = cross_entropy(fw.logits, y)
    grads = {"W2": fw.hd.T @ g, "b2": g.sum(axis=0)}
    dh = g @ p["W2"].T
    if keep is not None:
        dh = dh * keep * (1.0 / (1.0 - rate))
    if "alpha" in p:
        grads["alpha"] = np.array(np.sum(dh * activations.prelu_grad_alpha(fw.z)))
    dz = dh * _df(activation, fw.z, p)
    grads["W1"] = x.T @ dz
    grads["b1"] = dz.sum(axis=0)
    return loss, grads


class Adam:
    """``torch.optim.Adam`` (no weight decay, no amsgrad), updating parameters in place."""

    def __init__(self, params: Params, lr: float = 0.001, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8):
        self.lr, (self.beta1, self.beta2), self.eps = lr, betas, eps
        self.t = 0
        self.m = {k: np.zeros_like(v) for k, v in params.items()}
        self.v = {k: np.zeros_like(v) for k, v in params.items()}

    def step(self, params: Params, grads: Params) -> None:
        """One update: bias-corrected first and second moments, then p -= lr m̂ / (sqrt(v̂) + eps)."""
        self.t += 1
        c1, c2 = 1.0 - self.beta1**self.t, 1.0 - self.beta2**self.t
        for k, g in grads.items():
            m, v = self.m[k], self.v[k]
            m *= self.beta1
            m += (1.0 - self.beta1) * g
            v *= self.beta2
            v += (1.0 - self.beta2) * g * g
            params[k] -= self.lr * (m / c1) / (np.sqrt(v / c2) + self.eps)


def hidden_facts(p: Params, x: np.ndarray, activation: str,
                 threshold: float) -> tuple[np.ndarray, np.ndarray]:
    """Per hidden unit over the rows of ``x`` (no dropout): (some activation != 0,
    some |f'(z)| >= threshold). A unit with neither on a whole dataset is dead / stuck there."""
    z = x @ p["W1"] + p["b1"]
    return ((_f(activation, z, p) != 0).any(axis=0),
            (np.abs(_df(activation, z, p)) >= threshold).any(axis=0))
