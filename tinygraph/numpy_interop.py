"""NumPy functions called on tensors: ``np.exp(t)``, ``array * t``, ``np.sum(t)``.

NumPy hands such calls to the tensor: ufuncs (``np.exp``, and the operators
with an array on the left, ``array * t`` being ``np.multiply(array, t)``)
through ``Tensor.__array_ufunc__`` (NEP 13), other functions (``np.sum``)
through ``Tensor.__array_function__`` (NEP 18). Both come here.

A function tinygraph has runs as its op, so the graph records it. One whose
result carries no gradient (``np.shape``, ``np.all``) reads the values.
Any other raises a TypeError saying what to write instead: turning the
tensor into an array would quietly return a plain array, and no gradient
would flow back through it.

>>> import numpy as np
>>> import tinygraph as tg
>>> x = tg.tensor([0.0, 1.0], requires_grad=True)
>>> np.exp(x)
tensor([1.        , 2.71828183], op=exp)
>>> np.sort(x)  # doctest: +ELLIPSIS
Traceback (most recent call last):
TypeError: np.sort does not work on tensors (tensor of shape (2,)); tinygraph has no ...
"""

import functools
import inspect
import operator
from collections.abc import Callable
from typing import Any

import numpy as np

from . import ops
from .op import describe
from .tensor import Tensor

# ----- what tinygraph has --------------------------------------------------


def _comparison(compare, mirrored):
    """``np.less(a, b)`` and friends, as the Tensor comparisons.

    With an array on the left, ``a < b`` would hand the array straight back
    to NumPy, and so to here again; ask the tensor ``b > a`` instead.
    """
    return lambda a, b: compare(a, b) if isinstance(a, Tensor) else mirrored(b, a)


# Ufuncs, called with the same operands: np.exp(t) is tg.exp(t).
# Comparisons give boolean tensors that record nothing.
_UFUNCS = {
    np.add: ops.add,
    np.subtract: ops.sub,
    np.multiply: ops.mul,
    np.true_divide: ops.div,  # also np.divide, the same ufunc
    np.power: ops.pow,
    np.negative: ops.neg,
    np.matmul: ops.matmul,
    np.exp: ops.exp,
    np.log: ops.log,
    np.sqrt: ops.sqrt,
    np.absolute: ops.abs,  # also np.abs
    np.tanh: ops.tanh,
    np.sin: ops.sin,
    np.cos: ops.cos,
    np.tan: ops.tan,
    np.sinh: ops.sinh,
    np.cosh: ops.cosh,
    np.square: ops.square,
    np.reciprocal: ops.reciprocal,
    np.floor: ops.floor,
    np.ceil: ops.ceil,
    np.rint: ops.round,  # halves to even, as np.round
    np.maximum: ops.maximum,
    np.minimum: ops.minimum,
    np.log1p: ops.log1p,
    np.expm1: ops.expm1,
    np.logaddexp: ops.logaddexp,
    np.sign: ops.sign,
    np.less: _comparison(operator.lt, operator.gt),
    np.less_equal: _comparison(operator.le, operator.ge),
    np.greater: _comparison(operator.gt, operator.lt),
    np.greater_equal: _comparison(operator.ge, operator.le),
    np.equal: _comparison(operator.eq, operator.eq),
    np.not_equal: _comparison(operator.ne, operator.ne),
}


def _values(x):
    """A tensor's array (not copied); anything else as it is."""
    return np.asarray(x) if isinstance(x, Tensor) else x


def _where(condition, x, y):
    """np.where(condition, x, y) as tg.where; np.where(condition) alone gives
    the indices of the true entries, which carry no gradient: read them."""
    if x is None and y is None:
        return np.where(_values(condition))
    if x is None or y is None:
        raise TypeError("np.where: give both x and y, or neither")
    return ops.where(condition, x, y)


def _pad(array, pad_width, mode="constant", kwargs=None):
    """np.pad with a constant border (its only mode tinygraph has)."""
    extra = dict(kwargs or {})
    value = extra.pop("constant_values", 0)
    if mode != "constant" or extra:
        refused = ([] if mode == "constant" else ["mode"]) + list(extra)
        raise _cannot_honour("np.pad", describe(array), refused, np.pad)
    return ops.pad(array, pad_width, value)


# Other functions. Each takes the arguments it can honour, under NumPy's
# names; any other argument is refused.
_FUNCTIONS: dict[Callable[..., Any], Callable[..., Tensor]] = {
    np.sum: lambda a, axis=None, keepdims=False: ops.sum(a, axis, keepdims),
    np.mean: lambda a, axis=None, keepdims=False: ops.mean(a, axis, keepdims),
    np.max: lambda a, axis=None, keepdims=False: ops.max(a, axis, keepdims),
    np.amax: lambda a, axis=None, keepdims=False: ops.max(a, axis, keepdims),
    np.reshape: lambda a, shape: ops.reshape(a, shape),
    np.transpose: lambda a, axes=None: ops.transpose(a, axes or ()),  # () reverses
    np.dot: ops.dot,
    np.min: lambda a, axis=None, keepdims=False: ops.min(a, axis, keepdims),
    np.amin: lambda a, axis=None, keepdims=False: ops.min(a, axis, keepdims),
    np.clip: lambda a, a_min=None, a_max=None, min=None, max=None: ops.clip(
        a, a_min if min is None else min, a_max if max is None else max
    ),
    # Integer tensors that record nothing, as comparisons are.
    np.argmax: lambda a, axis=None, keepdims=False: ops.argmax(a, axis, keepdims),
    np.argmin: lambda a, axis=None, keepdims=False: ops.argmin(a, axis, keepdims),
    # Statistics, shapes, rounding and contractions.
    np.var: lambda a, axis=None, ddof=0, keepdims=False, correction=None: ops.var(
        a, axis, ddof, keepdims, correction=correction
    ),
    np.std: lambda a, axis=None, ddof=0, keepdims=False, correction=None: ops.std(
        a, axis, ddof, keepdims, correction=correction
    ),
    np.prod: lambda a, axis=None, keepdims=False: ops.prod(a, axis, keepdims),
    np.cumsum: lambda a, axis=None: ops.cumsum(a, axis),
    np.round: lambda a: ops.round(a),  # decimals=0 only
    np.around: lambda a: ops.round(a),
    np.squeeze: lambda a, axis=None: ops.squeeze(a, axis),
    np.expand_dims: lambda a, axis: ops.expand_dims(a, axis),
    np.swapaxes: lambda a, axis1, axis2: ops.swapaxes(a, axis1, axis2),
    np.tile: lambda A, reps: ops.tile(A, reps),
    np.pad: _pad,
    np.outer: lambda a, b: ops.outer(a, b),
    np.tensordot: lambda a, b, axes=2: ops.tensordot(a, b, axes),
    # optimize= changes only the order of the sums, not the result.
    np.einsum: lambda operands, optimize=False: ops.einsum(*operands),
    np.concatenate: lambda arrays, axis=0: ops.concatenate(arrays, axis),
    np.stack: lambda arrays, axis=0: ops.stack(arrays, axis),
    np.where: lambda condition, x=None, y=None: _where(condition, x, y),
    np.split: lambda ary, indices_or_sections, axis=0: ops.split(
        ary, indices_or_sections, axis
    ),
    np.broadcast_to: lambda array, shape: ops.broadcast_to(array, shape),
}

# Functions whose results carry no gradient (shapes, indices, truth values)
# run on the tensors' values: there is no graph for them to cut.
_READ_OUTS = {
    np.shape, np.ndim, np.size, np.all, np.any,
    np.allclose, np.isclose, np.array_equal, np.count_nonzero,
}

# How to write a NumPy function (or a ufunc's method) in tinygraph, for the
# error messages: those above, and some tinygraph has no op for but composes.
_SPELLINGS = {
    np.add: "a + b or tg.add(a, b)",
    np.subtract: "a - b or tg.sub(a, b)",
    np.multiply: "a * b or tg.mul(a, b)",
    np.true_divide: "a / b or tg.div(a, b)",
    np.power: "a ** b or tg.pow(a, b)",
    np.negative: "-t or tg.neg(t)",
    np.matmul: "a @ b or tg.matmul(a, b)",
    np.exp: "tg.exp(t) or t.exp()",
    np.log: "tg.log(t) or t.log()",
    np.sqrt: "tg.sqrt(t) or t.sqrt()",
    np.absolute: "tg.abs(t) or t.abs()",
    np.tanh: "tg.tanh(t) or t.tanh()",
    np.less: "a < b",
    np.less_equal: "a <= b",
    np.greater: "a > b",
    np.greater_equal: "a >= b",
    np.equal: "a == b",
    np.not_equal: "a != b",
    np.sum: "tg.sum(t, axis, keepdims) or t.sum(axis, keepdims)",
    np.mean: "tg.mean(t, axis, keepdims) or t.mean(axis, keepdims)",
    np.max: "tg.max(t, axis, keepdims) or t.max(axis, keepdims)",
    np.amax: "tg.max(t, axis, keepdims) or t.max(axis, keepdims)",
    np.reshape: "tg.reshape(t, shape) or t.reshape(shape)",
    np.transpose: "tg.transpose(t, axes), t.transpose(axes) or t.T",
    np.dot: "tg.dot(a, b), or a @ b for vectors and matrices",
    np.square: "tg.square(t) or t.square()",
    np.reciprocal: "tg.reciprocal(t) or t.reciprocal()",
    np.maximum: "tg.maximum(a, b)",
    np.minimum: "tg.minimum(a, b)",
    np.min: "tg.min(t, axis, keepdims) or t.min(axis, keepdims)",
    np.amin: "tg.min(t, axis, keepdims) or t.min(axis, keepdims)",
    np.clip: "tg.clip(t, min, max) or t.clip(min, max)",
    np.argmax: "tg.argmax(t, axis) or t.argmax(axis)",
    np.argmin: "tg.argmin(t, axis) or t.argmin(axis)",
    np.log1p: "tg.log1p(t) or t.log1p()",
    np.expm1: "tg.expm1(t) or t.expm1()",
    np.logaddexp: "tg.logaddexp(a, b)",
    np.var: "tg.var(t, axis, ddof, keepdims) or t.var(axis, ddof, keepdims)",
    np.std: "tg.std(t, axis, ddof, keepdims) or t.std(axis, ddof, keepdims)",
    np.ravel: "t.reshape(-1)",
    np.squeeze: "tg.squeeze(t, axis) or t.squeeze(axis)",
    np.expand_dims: "tg.expand_dims(t, axis) or t.unsqueeze(axis)",
    np.swapaxes: "tg.swapaxes(t, axis1, axis2) or t.swapaxes(axis1, axis2)",
    np.prod: "tg.prod(t, axis, keepdims) or t.prod(axis, keepdims)",
    np.cumsum: "tg.cumsum(t, axis) or t.cumsum(axis)",
    np.round: "tg.round(t) or t.round() (to whole numbers)",
    np.around: "tg.round(t) or t.round() (to whole numbers)",
    np.tile: "tg.tile(t, reps) or t.repeat(*reps)",
    np.pad: "tg.pad(t, pad_width, constant_values)",
    np.outer: "tg.outer(a, b)",
    np.tensordot: "tg.tensordot(a, b, axes)",
    np.einsum: "tg.einsum(subscripts, *operands)",
    np.concatenate: "tg.concatenate(tensors, axis) or tg.cat(tensors, axis)",
    np.stack: "tg.stack(tensors, axis)",
    np.where: "tg.where(condition, a, b)",
    np.split: "tg.split(t, indices_or_sections, axis)",
    np.broadcast_to: "tg.broadcast_to(t, shape) or t.broadcast_to(shape)",
    np.sign: "tg.sign(t) or t.sign()",
    np.sin: "tg.sin(t) or t.sin()",
    np.cos: "tg.cos(t) or t.cos()",
    (np.add, "reduce"): "t.sum(axis=0)",
    (np.maximum, "reduce"): "t.max(axis=0)",
}

# ----- the two entry points ------------------------------------------------


def array_ufunc(ufunc, method, inputs, kwargs):
    """``np.exp(t)``, ``array * t``: tinygraph's op for ``ufunc``, or a TypeError."""
    function = _UFUNCS.get(ufunc)
    # The hot path, as in array * t: one look-up and one call.
    if function is not None and method == "__call__" and not kwargs:
        return function(*inputs)
    name = _name(ufunc)
    operands = " and ".join(describe(x) for x in inputs)
    if method != "__call__":  # np.add.reduce(t), np.add.outer(t, t), ...
        raise _not_on_tensors(f"{name}.{method}", operands, (ufunc, method))
    if function is None:
        raise _not_on_tensors(name, operands, ufunc)
    raise _cannot_honour(name, operands, kwargs, ufunc)


# inspect.signature takes tens of microseconds: work each one out once.
_signature = functools.cache(inspect.signature)


def array_function(func, types, args, kwargs):
    """``np.sum(t, axis=0)``: tinygraph's function for ``func``, or a TypeError."""
    if func in _READ_OUTS:
        return func(*map(_values, args), **{k: _values(v) for k, v in kwargs.items()})
    function = _FUNCTIONS.get(func)
    name = _name(func)
    if function is None:
        raise _not_on_tensors(name, _tensors_in(args, kwargs), func)
    # NumPy has checked the call against the signature already.
    numpy_signature = _signature(func)
    given = numpy_signature.bind(*args, **kwargs).arguments
    takes = _signature(function).parameters
    # An argument passed as NumPy's default (out=None) asks for nothing more.
    refused = [
        key
        for key, value in given.items()
        if key not in takes and value is not numpy_signature.parameters[key].default
    ]
    if refused:
        raise _cannot_honour(name, _tensors_in(args, kwargs), refused, func)
    return function(**{key: value for key, value in given.items() if key in takes})


# ----- error messages ------------------------------------------------------


def _name(func):
    """How the caller wrote ``func``: ``np.exp``, ``np.linalg.norm``."""
    module = getattr(func, "__module__", None)  # None for another library's ufunc
    if module is None:
        return func.__name__
    return f"{module.replace('numpy', 'np', 1)}.{func.__name__}"


def _instead(name, key):
    """What to write instead of the NumPy call ``name``."""
    spelling = _SPELLINGS.get(key)
    if spelling is not None:
        return f"use {spelling}"
    return (
        f"tinygraph has no equivalent of {name} yet. To leave the graph on "
        f"purpose, pass np.asarray(t) or t.numpy() instead of t: "
        f"the result is a plain array and no gradient flows back through it"
    )


def _not_on_tensors(name, operands, key):
    """The TypeError for a NumPy function tinygraph has no op for."""
    return TypeError(
        f"{name} does not work on tensors ({operands}); {_instead(name, key)}"
    )


def _cannot_honour(name, operands, keywords, key):
    """The TypeError for arguments such as out= that tinygraph cannot honour."""
    why = ""
    if "out" in keywords:
        why = (
            ": each result is a new tensor, never written into an array "
            "(arr += t asks for that, so write arr = arr + t)"
        )
    return TypeError(
        f"{name} on {operands}: tinygraph cannot honour "
        f"{', '.join(k + '=' for k in keywords)}{why}; {_instead(name, key)}"
    )


def _tensors_in(args, kwargs):
    """The tensors a call was given, also in lists: ``'W' of shape (3, 2)``."""
    return " and ".join(describe(x) for x in _tensors([*args, *kwargs.values()]))


def _tensors(items):
    for x in items:
        if isinstance(x, Tensor):
            yield x
        elif isinstance(x, (list, tuple)):
            yield from _tensors(x)
