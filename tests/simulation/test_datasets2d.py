"""The built-in 2-D datasets and the local MNIST reader (with small fake files)."""

import gzip

import numpy as np
import pytest

from simulation import datasets2d, mnist


@pytest.mark.parametrize("name", list(datasets2d.DATASETS))
def test_datasets_are_seeded_shaped_and_labelled(name):
    a = datasets2d.make(name, 300, 100, seed=5)
    b = datasets2d.make(name, 300, 100, seed=5)
    assert np.array_equal(a.x_train, b.x_train) and np.array_equal(a.y_test, b.y_test)
    assert not np.array_equal(a.x_train, datasets2d.make(name, 300, 100, seed=6).x_train)
    assert a.x_train.shape == (300, 2) and a.x_test.shape == (100, 2) and a.n_features == 2
    assert set(np.unique(a.y_train)) == set(range(a.n_classes))
    assert np.abs(a.x_train).max() < 2.5
    counts = np.bincount(a.y_train)
    assert counts.min() > 0.5 * counts.max()  # roughly balanced


def test_circle_and_xor_labels_follow_their_rule():
    c = datasets2d.make("circle", 500, 1, seed=0, noise=0.0)
    r = np.hypot(*c.x_train.T)
    assert (r[c.y_train == 0] <= 0.5).all() and (r[c.y_train == 1] >= 0.7).all()
    x = datasets2d.make("xor", 500, 1, seed=0, noise=0.0)
    assert np.array_equal(x.y_train, (x.x_train[:, 0] * x.x_train[:, 1] > 0).astype(int))


def test_unknown_dataset_and_bad_sizes():
    with pytest.raises(ValueError, match="unknown dataset"):
        datasets2d.make("moons")
    with pytest.raises(ValueError):
        datasets2d.make("xor", 0)


def fake_mnist(rng):
    return {"x_train": rng.integers(0, 256, (20, 28, 28), dtype=np.uint8),
            "y_train": rng.integers(0, 10, 20).astype(np.uint8),
            "x_test": rng.integers(0, 256, (6, 28, 28), dtype=np.uint8),
            "y_test": np.arange(6, dtype=np.uint8)}


def idx_bytes(a: np.ndarray) -> bytes:
    head = bytes([0, 0, 8, a.ndim]) + b"".join(d.to_bytes(4, "big") for d in a.shape)
    return head + a.tobytes()


def test_mnist_npz_is_read_flattened_and_normalized(tmp_path):
    arrays = fake_mnist(np.random.default_rng(0))
    np.savez(tmp_path / "mnist.npz", **arrays)
    split = mnist.load(tmp_path / "mnist.npz", n_train=15)
    assert split.x_train.shape == (15, 784) and split.x_test.shape == (6, 784)
    expected = (arrays["x_train"][:15].reshape(15, -1) / 255.0 - 0.1307) / 0.3081
    np.testing.assert_allclose(split.x_train, expected)
    assert split.n_classes == 10 and list(split.y_test) == list(range(6))


def test_mnist_idx_folder_gz_or_not(tmp_path):
    arrays = fake_mnist(np.random.default_rng(1))
    for key, stem in mnist.IDX_NAMES.items():
        data = idx_bytes(arrays[key])
        if key.startswith("x"):
            (tmp_path / (stem + ".gz")).write_bytes(gzip.compress(data))
        else:
            (tmp_path / stem).write_bytes(data)
    split = mnist.load(tmp_path)
    assert split.x_train.shape == (20, 784)
    np.testing.assert_array_equal(split.y_train, arrays["y_train"])


def test_mnist_errors_are_one_clear_message(tmp_path):
    with pytest.raises(mnist.MnistError, match="does not exist"):
        mnist.load(tmp_path / "nope.npz")
    (tmp_path / "bad.npz").write_bytes(b"not a zip")
    with pytest.raises(mnist.MnistError):
        mnist.load(tmp_path / "bad.npz")
    np.savez(tmp_path / "partial.npz", x_train=np.zeros((2, 28, 28), np.uint8))
    with pytest.raises(mnist.MnistError, match="no array"):
        mnist.load(tmp_path / "partial.npz")
    with pytest.raises(mnist.MnistError, match="no train-images"):
        mnist.load(tmp_path)
    (tmp_path / "x.txt").write_text("hi")
    with pytest.raises(mnist.MnistError, match="neither"):
        mnist.load(tmp_path / "x.txt")
