"""Choosing entries: ``where(cond, a, b)``, ``maximum``, ``minimum``, ``clip``,
and the indices ``argmax`` and ``argmin``.

At a tie or a bound the gradient follows PyTorch: a tie between maximum's
(or minimum's) inputs shares it equally, and clip passes it at the bounds.
"""

from __future__ import annotations

import numpy as np

from ..naming import describe
from ..op import Elementwise
from ..tensor import Tensor, TensorLike
from .settings import number


class Where(Elementwise):
    """a where cond is true, else b: d/da = 1 where cond, d/db = 1 elsewhere
    (cond itself is boolean: it has no gradient)."""

    name, formula = "where", "where({0}, {1}, {2})"

    def maths(self, m, cond, a, b):
        return m.where(cond, a, b)

    def derivative(self, m, i, out, cond, a, b):
        if i == 0:
            # NOTE: a float cond that requires grad (where(z, a, b) reads z as
            # z != 0) gets 0: out does not change as cond moves, except
            # where it jumps. (Read as b's derivative, z got G where z = 0.)
            return 0
        return m.where(cond, 1, 0) if i == 1 else m.where(cond, 0, 1)


_where = Where()


def where(cond: TensorLike, a: TensorLike, b: TensorLike) -> Tensor:
    return _where.apply(cond, a, b)


def _share(m, a, b):
    """d max(a, b)/da: 1 where a > b, 0 where a < b, 1/2 at a tie.

    (1 + sign(a - b)) / 2 is 1, 1/2 or 0 as a >, = or < b, in a's dtype.
    NOTE: a tie is found with equal(a, b), not with sign(a - b) = 0: two equal
    infinities tie, but inf - inf is nan (and so was their gradient).
    """
    with np.errstate(invalid="ignore"):  # inf - inf, replaced by the where
        return m.where(m.equal(a, b), 0.5, (1 + m.sign(a - b)) / 2)


class Maximum(Elementwise):
    """max(a, b) entry by entry: d/da = 1 where a > b, 0 where a < b, and a tie
    shares the gradient equally (1/2 each), as PyTorch does."""

    name, formula = "maximum", "maximum({0}, {1})"

    def maths(self, m, a, b):
        return m.maximum(a, b)

    def derivative(self, m, i, out, a, b):
        return _share(m, a, b) if i == 0 else _share(m, b, a)


class Minimum(Elementwise):
    """min(a, b) entry by entry: d/da = 1 where a < b, 0 where a > b, and a tie
    shares the gradient equally (1/2 each), as PyTorch does."""

    name, formula = "minimum", "minimum({0}, {1})"

    def maths(self, m, a, b):
        return m.minimum(a, b)

    def derivative(self, m, i, out, a, b):
        return _share(m, b, a) if i == 0 else _share(m, a, b)


class Clip(Elementwise):
    """min(max(x, low), high): d/dx = 1 where low <= x <= high (the bounds
    included, as PyTorch's clamp), else 0. A bound of None is no bound."""

    name = "clip"
    __slots__ = ("low", "high")

    def __init__(self, low=None, high=None):
        if low is None and high is None:
            raise ValueError("clip: give a lower bound, an upper bound or both")
        self.low, self.high = low, high

    def render(self, x):
        return f"clip({x}, {self.low}, {self.high})"

    def maths(self, m, x):
        if self.low is not None:
            x = m.maximum(x, self.low)
        return x if self.high is None else m.minimum(x, self.high)

    def derivative(self, m, i, out, x):
        if self.low is None:
            return m.where(m.greater_equal(self.high, x), 1, 0)
        inside = m.greater_equal(x, self.low)
        if self.high is not None:
            inside = m.logical_and(inside, m.greater_equal(self.high, x))
        return m.where(inside, 1, 0)


_maximum, _minimum = Maximum(), Minimum()


def maximum(a: TensorLike, b: TensorLike) -> Tensor:
    return _maximum.apply(a, b)


def minimum(a: TensorLike, b: TensorLike) -> Tensor:
    return _minimum.apply(a, b)


def clip(x: TensorLike, min: float | None = None, max: float | None = None) -> Tensor:
    """x with entries below ``min`` raised to it and above ``max`` lowered to it.

    >>> import tinygraph as tg
    >>> tg.clip(tg.tensor([-2.0, 0.5, 3.0]), 0, 1).data
    array([0. , 0.5, 1. ])

    A bound may be a tensor; where it is the output, it gets the gradient
    (as PyTorch's clamp).
    """
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        return _clip_to_tensors(x, min, max)
    return Clip(number("clip", "min", min), number("clip", "max", max)).apply(x)


def _clip_to_tensors(x, low, high):
    """clip with a tensor for a bound, as two wheres: the bound is an operand
    of the graph, not a setting of the op, so its gradient is not lost.

    d/dx = 1 where low <= x <= high (as Clip), d/dlow = 1 where x < low,
    d/dhigh = 1 where the output was above high.
    """
    out = x if isinstance(x, Tensor) else np.asarray(x)
    if low is not None:
        out = where(out < low, low, out)  # a comparison records nothing
    if high is not None:
        out = where(out > high, high, out)
    return out


# ----- indices of the largest and smallest entries ------------------------


def argmax(x: TensorLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The index of the largest entry (along ``axis``): an integer tensor,
    which records nothing (an index has no gradient).

    >>> import tinygraph as tg
    >>> tg.argmax(tg.tensor([[1.0, 5.0], [3.0, 2.0]]), axis=0).data
    array([1, 0])
    """
    return _indices(np.argmax, x, axis, keepdims)


def argmin(x: TensorLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The index of the smallest entry (along ``axis``): an integer tensor,
    which records nothing.

    >>> import tinygraph as tg
    >>> tg.argmin(tg.tensor([[1.0, 5.0], [3.0, 2.0]]), axis=1).data
    array([0, 1])
    """
    return _indices(np.argmin, x, axis, keepdims)


def _indices(find, x, axis, keepdims):
    values = x.numpy() if isinstance(x, Tensor) else np.asarray(x)
    try:
        found = find(values, axis=axis, keepdims=keepdims)
    except (ValueError, TypeError) as err:  # AxisError is a ValueError
        raise type(err)(
            f"{find.__name__}: cannot apply to {describe(x)} with axis={axis}: {err}"
        ) from err
    return Tensor._from_op(np.asarray(found))
