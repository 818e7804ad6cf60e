"""The differentiable reading: an op's maths on tensors, with tinygraph's ops.

Evaluated with these functions, an op's local derivative is itself a graph
of recorded operations, so a gradient computed this way can be
differentiated again (``tg.grad(..., create_graph=True)``) and drawn.
Each name does what the NumPy function of the same name in ``numeric``
does.
"""

import numpy as np

from .. import ops
from ..tensor import Tensor
from . import numeric


def _entrywise(name):
    """tinygraph's op ``name``; on constants alone, NumPy's (``numeric``).

    NOTE: a function of constants is a constant, and it must stay one: as
    an op's result it would be a float64 (or integer) tensor, and a float32
    gradient multiplied by it would turn float64 (where(c, 1, 0) in clip's
    derivative, log(2) in that of 2 ** x). A constant array is cast to the
    dtype of the tensor it meets, as every constant operand is.
    """
    op, on_arrays = getattr(ops, name), getattr(numeric, name)

    def apply(*xs):
        if any(isinstance(x, Tensor) and x.requires_grad for x in xs):
            return op(*xs)
        return on_arrays(*(_array(x) for x in xs))

    apply.__name__ = name
    return apply


exp, log, sqrt = _entrywise("exp"), _entrywise("log"), _entrywise("sqrt")
abs, sign, tanh = _entrywise("abs"), _entrywise("sign"), _entrywise("tanh")
sigmoid, where = _entrywise("sigmoid"), _entrywise("where")
sin, cos, tan = _entrywise("sin"), _entrywise("cos"), _entrywise("tan")
sinh, cosh = _entrywise("sinh"), _entrywise("cosh")
floor, ceil, round = _entrywise("floor"), _entrywise("ceil"), _entrywise("round")
maximum, minimum = _entrywise("maximum"), _entrywise("minimum")
log1p, expm1, erf = _entrywise("log1p"), _entrywise("expm1"), _entrywise("erf")
sum, broadcast_to, scatter = ops.sum, ops.broadcast_to, ops.scatter
prod, cumsum, einsum = ops.prod, ops.cumsum, ops.einsum
concatenate, stack = ops.concatenate, ops.stack


# Comparisons give boolean tensors, which record nothing.
def equal(x, y):
    return x == y if isinstance(x, Tensor) else np.equal(x, _array(y))


def greater_equal(x, y):
    return x >= y if isinstance(x, Tensor) else np.greater_equal(x, _array(y))


def logical_and(x, y):
    return x & y if isinstance(x, Tensor) else np.logical_and(x, _array(y))


def shape(x):
    return x.shape if isinstance(x, Tensor) else np.shape(x)


def ndim(x):
    return len(shape(x))


def positive(x):
    """1 where x > 0, else 0: a boolean tensor, which records nothing (its
    derivative is zero wherever it has one)."""
    return x > 0


def softmax(z, axis):
    return ops.softmax(z, axis)


def log_softmax(z, axis):
    return ops.log_softmax(z, axis)


def reshape(x, new_shape):
    return ops.reshape(x, new_shape)


def transpose(x, axes=None):
    return ops.transpose(x, axes) if axes is not None else ops.transpose(x)


def expand_dims(x, axis):
    return ops.reshape(x, np.expand_dims(np.empty(shape(x), dtype=bool), axis).shape)


def mT(x):
    axes = list(range(ndim(x)))
    axes[-2], axes[-1] = axes[-1], axes[-2]
    return ops.transpose(x, axes)


def sum_to(g, target_shape):
    axes = numeric.broadcast_axes(shape(g), tuple(target_shape))
    summed = ops.sum(g, axis=axes, keepdims=True) if axes else g
    if shape(summed) == tuple(target_shape):
        return summed
    return ops.reshape(summed, target_shape)


def winner_share(x, axis):
    """As ``numeric.winner_share``, from the values: a constant, since which
    entries are the maximum does not change under a small change of x."""
    return numeric.winner_share(_array(x), axis)


def _array(x):
    return x._data if isinstance(x, Tensor) else np.asarray(x)
