"""Test helpers: NumPy references for activations and costs, one-hot labels
and an independent finite-difference oracle.

Written with NumPy only, so a bug in the engine (or in ``tg.gradcheck``)
cannot make them agree with autodiff. They follow the notes' layout: one
column per example, classes along axis 0, ``m = A.shape[1]``.
"""

import numpy as np

# ----- activations ------------------------------------------------------------


def np_sigmoid(z):
    """sigma(z) = 1 / (1 + e^-z), elementwise."""
    return 1 / (1 + np.exp(-z))


def np_log_sigmoid(z):
    """log sigma(z) = -log(1 + e^-z), without overflow for large |z|."""
    return -np.logaddexp(0, -z)


def np_relu(z):
    """max(z, 0), elementwise."""
    return np.maximum(z, 0)


def np_softmax(z, axis=0):
    """e^z / sum(e^z) along ``axis``, shifted by the max so e^z cannot overflow."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def np_log_softmax(z, axis=0):
    """z - log sum(e^z) along ``axis``, shifted by the max so e^z cannot overflow."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


# ----- costs, as the notes write them ---------------------------------------------


def np_mse(A, Y):
    """J = (1/2m) sum((A - Y)^2)."""
    return np.sum((A - Y) ** 2) / (2 * A.shape[1])


def np_bce(A, Y):
    """J = -(1/m) sum(Y log A + (1 - Y) log(1 - A)), binary or multi-label."""
    return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / A.shape[1]


def np_cross_entropy(A, Y):
    """J = -(1/m) sum(Y log A), for softmax outputs A and one-hot Y."""
    return -np.sum(Y * np.log(A)) / A.shape[1]


# ----- data and derivatives -----------------------------------------------------


def random_one_hot(K, m, rng):
    """m one-hot columns of K classes, each class drawn uniformly from ``rng``."""
    return np.eye(K)[:, rng.integers(0, K, size=m)]


def numeric_grad(f, arrays, index, upstream, eps=1e-6):
    """Central differences of sum(f(*arrays) * upstream) w.r.t. arrays[index].

    ``f`` maps float64 arrays to an array; ``upstream`` weighs each output
    entry, as an upstream gradient would.
    """
    arrays = [np.array(a, dtype=np.float64) for a in arrays]
    x = arrays[index]
    grad = np.zeros_like(x)
    for entry in np.ndindex(*x.shape):
        saved = x[entry]
        x[entry] = saved + eps
        above = np.sum(np.asarray(f(*arrays)) * upstream)
        x[entry] = saved - eps
        below = np.sum(np.asarray(f(*arrays)) * upstream)
        x[entry] = saved
        grad[entry] = (above - below) / (2 * eps)
    return grad
