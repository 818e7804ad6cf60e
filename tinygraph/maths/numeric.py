"""The numeric reading: an op's maths on NumPy arrays.

Each name here is the NumPy function itself, or a few lines of NumPy where
the plain formula would overflow, so ``backward()`` makes the same NumPy
calls as a hand-written backward pass would.
"""

import math
from functools import lru_cache

import numpy as np

exp, log, sqrt, abs, sign, tanh = np.exp, np.log, np.sqrt, np.abs, np.sign, np.tanh
maximum, minimum, where = np.maximum, np.minimum, np.where
log1p, expm1 = np.log1p, np.expm1
_erf_of_each = np.frompyfunc(math.erf, 1, 1)


def erf(x):
    """The error function, entry by entry. NumPy has none, so Python's
    math.erf runs on each entry: exact, but a Python loop (slow when large)."""
    x = np.asarray(x)
    return np.asarray(_erf_of_each(x), dtype=np.result_type(x, 1.0))


equal, greater_equal, logical_and = np.equal, np.greater_equal, np.logical_and
reshape, transpose, expand_dims, broadcast_to = (
    np.reshape, np.transpose, np.expand_dims, np.broadcast_to,
)
shape, ndim = np.shape, np.ndim
sin, cos, tan, sinh, cosh = np.sin, np.cos, np.tan, np.sinh, np.cosh
floor, ceil, round = np.floor, np.ceil, np.round
cumsum, einsum = np.cumsum, np.einsum
concatenate, stack = np.concatenate, np.stack


def prod(x, axis=None, keepdims=False):
    return np.prod(x, axis=axis, keepdims=keepdims)


def positive(x):
    """1 where x > 0, else 0 (as booleans: ``g * positive(x)`` is a float array)."""
    return x > 0


def sigmoid(z):
    """1 / (1 + exp(-z)), computed so that exp never overflows."""
    # NOTE: exp(-z) overflows for z << 0; exp(-|z|) never does, and
    # e / (1 + e) is the same sigmoid written for negative z.
    e = np.exp(-np.abs(z))
    return np.where(z >= 0, 1 / (1 + e), e / (1 + e))


def log_sigmoid(z):
    """log(sigmoid(z)) = -log(1 + exp(-z)), computed so that exp never overflows."""
    # NOTE: min(z, 0) - log(1 + exp(-|z|)) equals it for both signs of z.
    return np.minimum(z, 0) - np.log1p(np.exp(-np.abs(z)))


def log_softmax(z, axis):
    """z - log(sum(exp(z))) along ``axis``; the max is taken out first so exp
    cannot overflow (it changes nothing mathematically)."""
    shifted = z - z.max(axis=axis, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=axis, keepdims=True))


def softmax(z, axis):
    """exp(z) / sum(exp(z)) along ``axis``, with the max taken out first."""
    e = np.exp(z - z.max(axis=axis, keepdims=True))
    return e / e.sum(axis=axis, keepdims=True)


def sum(x, axis=None, keepdims=False):
    return np.sum(x, axis=axis, keepdims=keepdims)


def mT(x):
    """The matrix transpose of the last two axes (of a stack of matrices)."""
    return np.swapaxes(x, -1, -2)


def scatter(g, index, shape):
    """An array of ``shape``, zero except at ``index``, where ``g`` is added
    (a repeated index adds up)."""
    full = np.zeros(shape, dtype=g.dtype)
    if _is_basic(index):
        full[index] = g  # each entry selected at most once: no adding needed
    else:
        np.add.at(full, index, g)
    return full


def _is_basic(index):
    """Basic indexing (ints, slices) selects each entry at most once."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis
        for p in parts
    )


def max(x, axis=None, keepdims=False):
    return np.max(x, axis=axis, keepdims=keepdims)


def winner_share(x, axis):
    """1/k at the k entries of each slice (along ``axis``) equal to the
    slice's maximum, 0 elsewhere; a NaN counts as the maximum of its slice,
    as it is NumPy's."""
    top = x.max(axis=axis, keepdims=True)
    winners = x == top
    count = winners.sum(axis=axis, keepdims=True)
    if not count.all():  # only where the maximum is NaN (NaN != NaN)
        winners = np.where(np.isnan(top), np.isnan(x), winners)
        count = winners.sum(axis=axis, keepdims=True)
    return winners / count


# The same pairs of shapes come back every training step.
@lru_cache(maxsize=4096)
def broadcast_axes(grad_shape, shape):
    """The axes of ``grad_shape`` that broadcasting added to or stretched in
    ``shape``."""
    extra = len(grad_shape) - len(shape)
    stretched = (
        i + extra for i, n in enumerate(shape) if n == 1 and grad_shape[i + extra] != 1
    )
    return tuple(range(extra)) + tuple(stretched)


def sum_to(g, shape):
    """``g`` summed over the axes that broadcasting stretched ``shape`` along,
    so it has ``shape``: dJ/dx for an x that was broadcast."""
    # (np.add.reduce is what g.sum calls, without its Python wrapper.)
    summed = np.add.reduce(g, axis=broadcast_axes(g.shape, shape), keepdims=True)
    # keepdims leaves added leading axes as length 1; a reshape drops them.
    return summed if summed.shape == shape else summed.reshape(shape)
