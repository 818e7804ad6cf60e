"""Teaching data sets in the features x examples layout.

Every function here returns a ``Dataset``: training columns ``X_train``,
``Y_train`` and held-out test columns ``X_test``, ``Y_test``, with X of shape
(features, m) and Y of shape (outputs, m). It unpacks as
``X_train, Y_train, X_test, Y_test = tg.datasets.moons()``.

Generated sets (no download, reproducible with ``seed``) draw ``m`` training
examples and then ``m_test`` fresh test examples from the same distribution
(by default a quarter of ``m``, so a fifth of all examples are held out):

* ``moons``, ``xor``: binary labels, Y of shape (1, m);
* ``spirals``: k interleaved spiral arms, one-hot Y of shape (k, m);
* ``noisy_linear``: a regression target Y = w^T X + b + noise, shape (1, m);
* ``multilabel``: several independent 0/1 labels per example.

Loaders for real data bundled with scikit-learn (no download):
``digits`` (8x8 handwritten digits, 10 classes, one-hot), ``breast_cancer``
(binary) and ``diabetes`` (regression). They split off ``test_fraction`` of
the examples and standardise with the training set's mean and standard
deviation, so no test statistic leaks into training. scikit-learn is the
optional ``data`` extra: ``pip install -e ".[data]"`` in a checkout.
"""

import numbers
from typing import NamedTuple

import numpy as np


class Dataset(NamedTuple):
    """Training and held-out test columns of a data set."""

    X_train: np.ndarray
    Y_train: np.ndarray
    X_test: np.ndarray
    Y_test: np.ndarray


def _check_size(m, who, least=1):
    if isinstance(m, bool) or not isinstance(m, numbers.Integral) or m < least:
        raise ValueError(f"{who}: m must be an integer >= {least}, got {m!r}")
    return int(m)


def _check_noise(noise, who):
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or noise < 0:
        raise ValueError(f"{who}: noise must be a number >= 0, got {noise!r}")
    return float(noise)


def _sizes(m, m_test, who, least=1):
    """``m`` and ``m_test`` checked; ``m_test`` defaults to a quarter of ``m``."""
    m = _check_size(m, who, least)
    if m_test is None:
        return m, m // 4
    if (
        isinstance(m_test, bool)
        or not isinstance(m_test, numbers.Integral)
        or m_test < 0
    ):
        raise ValueError(f"{who}: m_test must be an integer >= 0, got {m_test!r}")
    return m, int(m_test)


def _drawn(draw, m, m_test):
    """The training columns first, then the test columns, from one stream."""
    return Dataset(*draw(m), *draw(m_test))


def one_hot(labels, n_classes=None):
    """Integer labels (m,) as a one-hot matrix (n_classes, m), one column each.

    >>> one_hot([2, 0, 1])
    array([[0., 1., 0.],
           [0., 0., 1.],
           [1., 0., 0.]])
    """
    labels = np.asarray(labels)
    if (
        labels.ndim != 1
        or labels.dtype.kind not in "iu"
        or (labels.size and labels.min() < 0)
    ):
        raise ValueError(
            f"one_hot: labels must be a 1-D array of integers >= 0, got shape "
            f"{labels.shape} and dtype {labels.dtype}"
        )
    if n_classes is None:
        n_classes = int(labels.max()) + 1 if labels.size else 0
    if labels.size and labels.max() >= n_classes:
        raise ValueError(
            f"one_hot: label {labels.max()} is not below n_classes={n_classes}"
        )
    return np.eye(n_classes)[:, labels]


# ----- generated sets --------------------------------------------------------


def moons(m=200, noise=0.1, *, m_test=None, seed=0):
    """Two interleaving half circles in the plane, labelled 0 and 1.

    Both the training and the test columns are half of each class.

    >>> data = moons(100, seed=0)
    >>> data.X_train.shape, data.Y_train.shape, float(data.Y_train.mean())
    ((2, 100), (1, 100), 0.5)
    >>> data.X_test.shape
    (2, 25)
    """
    m, m_test = _sizes(m, m_test, "moons", least=2)
    noise = _check_noise(noise, "moons")
    rng = np.random.default_rng(seed)

    def draw(n):
        angle = rng.uniform(0, np.pi, size=n)
        labels = (np.arange(n) >= n // 2).astype(float)
        # the upper moon is the arc of the unit circle; the lower one is that
        # arc flipped and shifted by (1, 0.5), so the two hook into each other
        x = np.where(labels == 0, np.cos(angle), 1 - np.cos(angle))
        y = np.where(labels == 0, np.sin(angle), 0.5 - np.sin(angle))
        X = np.stack([x, y]) + noise * rng.normal(size=(2, n))
        return _shuffled(X, labels[np.newaxis, :], rng)

    return _drawn(draw, m, m_test)


def xor(m=200, noise=0.1, *, m_test=None, seed=0):
    """Points near the four corners (+-1, +-1), labelled 1 where the signs
    differ: the problem a single perceptron cannot solve.

    >>> X, Y, X_test, Y_test = xor(8, noise=0.0, seed=0)
    >>> bool(np.all(Y == (X[0] * X[1] < 0)))
    True
    """
    m, m_test = _sizes(m, m_test, "xor")
    noise = _check_noise(noise, "xor")
    rng = np.random.default_rng(seed)

    def draw(n):
        corners = rng.choice([-1.0, 1.0], size=(2, n))
        X = corners + noise * rng.normal(size=(2, n))
        return X, (corners[0] != corners[1]).astype(float)[np.newaxis, :]

    return _drawn(draw, m, m_test)


def spirals(m=300, classes=3, noise=0.2, *, m_test=None, seed=0):
    """``classes`` spiral arms winding out from the origin; one-hot labels.

    >>> data = spirals(90, classes=3, seed=0)
    >>> data.X_train.shape, data.Y_train.shape, data.Y_train.sum(axis=1).tolist()
    ((2, 90), (3, 90), [30.0, 30.0, 30.0])
    """
    m, m_test = _sizes(m, m_test, "spirals")
    noise = _check_noise(noise, "spirals")
    classes = _check_size(classes, "spirals (classes)", least=2)
    rng = np.random.default_rng(seed)

    def draw(n):
        labels = np.arange(n) % classes
        radius = rng.uniform(0.05, 1.0, size=n)
        # each arm turns once as the radius grows; arms are 2 pi / classes apart
        turn = labels / classes + radius
        angle = 2 * np.pi * turn + noise * rng.normal(size=n)
        X = radius * np.stack([np.cos(angle), np.sin(angle)])
        return _shuffled(X, one_hot(labels, classes), rng)

    return _drawn(draw, m, m_test)


def noisy_linear(m=200, n_features=3, noise=0.1, *, m_test=None, seed=0):
    """A regression target Y = w^T X + b + noise, with X ~ N(0, 1).

    The true ``w`` and ``b`` are drawn from the same seed and shared by the
    training and test columns.

    >>> data = noisy_linear(50, n_features=4, seed=1)
    >>> data.X_train.shape, data.Y_train.shape
    ((4, 50), (1, 50))
    """
    m, m_test = _sizes(m, m_test, "noisy_linear")
    n_features = _check_size(n_features, "noisy_linear (n_features)")
    noise = _check_noise(noise, "noisy_linear")
    rng = np.random.default_rng(seed)
    w = rng.normal(size=(1, n_features))
    b = rng.normal()

    def draw(n):
        X = rng.normal(size=(n_features, n))
        return X, w @ X + b + noise * rng.normal(size=(1, n))

    return _drawn(draw, m, m_test)


def multilabel(
    m=200, n_features=4, n_labels=3, noise=0.1, *, m_test=None, seed=0
):
    """Several 0/1 labels per example: label j is 1 where a random linear
    function of the features, plus noise, is positive.

    >>> data = multilabel(40, n_features=5, n_labels=3, seed=0)
    >>> data.X_train.shape, data.Y_train.shape, np.unique(data.Y_train).tolist()
    ((5, 40), (3, 40), [0.0, 1.0])
    """
    m, m_test = _sizes(m, m_test, "multilabel")
    n_features = _check_size(n_features, "multilabel (n_features)")
    n_labels = _check_size(n_labels, "multilabel (n_labels)")
    noise = _check_noise(noise, "multilabel")
    rng = np.random.default_rng(seed)
    W = rng.normal(size=(n_labels, n_features))

    def draw(n):
        X = rng.normal(size=(n_features, n))
        return X, (W @ X + noise * rng.normal(size=(n_labels, n)) > 0).astype(float)

    return _drawn(draw, m, m_test)


def _shuffled(X, Y, rng):
    order = rng.permutation(X.shape[1])
    return X[:, order], Y[:, order]


# ----- real data bundled with scikit-learn -------------------------------------


def _sklearn_datasets(loader):
    try:
        from sklearn import datasets
    except ImportError:
        raise ImportError(
            f"tg.datasets.{loader} needs scikit-learn, which ships the data; "
            'install it with: pip install -e ".[data]" in your tinygraph checkout, '
            "or pip install scikit-learn"
        ) from None
    return datasets


def train_test_split(X, Y, test_fraction=0.2, seed=0):
    """Shuffle the columns and split off ``test_fraction`` of them as a test set.

    >>> X, Y = np.arange(20.0).reshape(2, 10), np.arange(10.0).reshape(1, 10)
    >>> [a.shape for a in train_test_split(X, Y, 0.3)]
    [(2, 7), (1, 7), (2, 3), (1, 3)]
    """
    if isinstance(test_fraction, bool) or not (
        isinstance(test_fraction, numbers.Real) and 0 < test_fraction < 1
    ):
        raise ValueError(
            f"train_test_split: test_fraction must be in (0, 1), got {test_fraction!r}"
        )
    X, Y = np.asarray(X), np.asarray(Y)
    if X.ndim != 2 or Y.ndim not in (1, 2):
        raise ValueError(
            f"train_test_split: X must be 2-D, features x examples, and Y 2-D or "
            f"1-D (class indices), got X {X.shape} and Y {Y.shape}"
        )
    if X.shape[1] != Y.shape[-1]:
        raise ValueError(
            f"train_test_split: X has {X.shape[1]} columns but Y has {Y.shape[-1]}"
            f"; X is {X.shape}, Y is {Y.shape} (one column per example)"
        )
    m = X.shape[1]
    order = np.random.default_rng(seed).permutation(m)
    n_test = max(1, round(test_fraction * m))
    # NOTE: an empty side would train on nothing (or test on nothing) silently
    if n_test >= m:
        raise ValueError(
            f"train_test_split: test_fraction={test_fraction} of {m} examples "
            f"leaves {m - n_test} for training; it needs at least one of each"
        )
    test, train = order[:n_test], order[n_test:]
    return Dataset(X[:, train], Y[..., train], X[:, test], Y[..., test])


def _standardised(split, scale_targets=False):
    """Scale every feature by the training set's mean and standard deviation."""

    def scaler(A):
        mean = A.mean(axis=1, keepdims=True)
        std = A.std(axis=1, keepdims=True)
        # NOTE: a feature constant in training (an always-blank pixel) has
        # std 0; leave its scale alone rather than divide by zero.
        return mean, np.where(std > 0, std, 1.0)

    x_mean, x_std = scaler(split.X_train)
    X_train = (split.X_train - x_mean) / x_std
    X_test = (split.X_test - x_mean) / x_std
    Y_train, Y_test = split.Y_train, split.Y_test
    if scale_targets:
        y_mean, y_std = scaler(Y_train)
        Y_train, Y_test = (Y_train - y_mean) / y_std, (Y_test - y_mean) / y_std
    return Dataset(X_train, Y_train, X_test, Y_test)


def digits(test_fraction=0.2, seed=0):
    """The 1,797 8x8 handwritten digits: X (64, m), one-hot Y (10, m).

    >>> data = digits()
    >>> data.X_train.shape, data.Y_train.shape, data.X_test.shape
    ((64, 1438), (10, 1438), (64, 359))
    """
    bunch = _sklearn_datasets("digits").load_digits()
    X = bunch.data.T.astype(np.float64)
    Y = one_hot(bunch.target, 10)
    return _standardised(train_test_split(X, Y, test_fraction, seed))


def breast_cancer(test_fraction=0.2, seed=0):
    """The Wisconsin breast-cancer set: X (30, m), Y (1, m) with 1 = benign.

    >>> data = breast_cancer()
    >>> data.X_train.shape, data.Y_train.shape
    ((30, 455), (1, 455))
    """
    bunch = _sklearn_datasets("breast_cancer").load_breast_cancer()
    X = bunch.data.T.astype(np.float64)
    Y = bunch.target.astype(np.float64)[np.newaxis, :]
    return _standardised(train_test_split(X, Y, test_fraction, seed))


def diabetes(test_fraction=0.2, seed=0):
    """The diabetes regression set: X (10, m), Y (1, m) disease progression.

    Y is standardised too (with the training mean and standard deviation),
    so a cost of 0.5 under ``mse`` means predicting the mean.

    >>> data = diabetes()
    >>> data.X_train.shape, data.Y_train.shape
    ((10, 354), (1, 354))
    """
    bunch = _sklearn_datasets("diabetes").load_diabetes()
    X = bunch.data.T.astype(np.float64)
    Y = bunch.target.astype(np.float64)[np.newaxis, :]
    return _standardised(
        train_test_split(X, Y, test_fraction, seed), scale_targets=True
    )
