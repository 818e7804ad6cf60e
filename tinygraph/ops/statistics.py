"""Statistics: variance and standard deviation, product, cumulative sum.

Variance and standard deviation follow NumPy: ``ddof`` (PyTorch's
``correction``) is subtracted from the count n, and defaults to 0 (PyTorch's
default is 1).
"""

from __future__ import annotations

import math

import numpy as np

from ..op import Op
from ..tensor import Tensor, TensorLike
from .reduce import _Reduction


class Var(_Reduction):
    """var(x) = sum((x - mean(x))²) / (n - ddof):
    d/dx = 2 (x - mean(x)) / (n - ddof)."""

    name = "var"
    rules = ("{g} · 2 (x - mean) / (n - ddof), for each entry",)
    __slots__ = ("ddof",)

    def __init__(self, axis=None, ddof=0, keepdims=False):
        super().__init__(axis, keepdims)
        self.ddof = ddof

    def render(self, x):
        ddof = f", ddof={self.ddof}" if self.ddof else ""
        return super().render(x)[:-1] + ddof + ")"

    def count(self, m, x):
        """n, the number of entries in each slice the variance is taken over."""
        shape = m.shape(x)
        axis = self._axis_for(len(shape))
        axes = range(len(shape)) if axis is None else np.atleast_1d(axis).tolist()
        # NOTE: checked here, where shape[5] would raise a bare IndexError
        # ("index 5 is out of bounds for axis 0") before NumPy saw the axis.
        if not all(-len(shape) <= a < len(shape) for a in axes):
            raise ValueError(f"axis {axis} is out of range for {len(shape)} axes")
        return math.prod(shape[a] for a in axes)

    def dof(self, m, x):
        """n - ddof, the degrees of freedom; there must be some left."""
        n = self.count(m, x)
        if n - self.ddof <= 0:
            raise ValueError(f"ddof={self.ddof} leaves no degrees of freedom in {n}")
        return n - self.ddof

    def deviation(self, m, x):
        """x - mean(x) along the axes."""
        axis = self._axis_for(m.ndim(x))
        return x - m.sum(x, axis=axis, keepdims=True) / self.count(m, x)

    def maths(self, m, x):
        d = self.deviation(m, x)
        axis = self._axis_for(m.ndim(x))
        return m.sum(d * d, axis=axis, keepdims=self.keepdims) / self.dof(m, x)

    def backward(self, m, g, needs, out, x):
        # No term for mean(x)'s own change: the deviations sum to 0.
        return (self.expand(m, g, x) * (2 * self.deviation(m, x)) / self.dof(m, x),)


class Std(Var):
    """std(x) = sqrt(var(x)): d/dx = (x - mean(x)) / ((n - ddof) std(x)),
    in terms of the output, and 0 where std(x) = 0 (as PyTorch).

    NOTE: where std(x) = 0 every x - mean(x) is 0 too, so the formula reads
    0/0 = nan. std is not differentiable there (as |x| at 0); like PyTorch
    we take 0, which central differences also give.
    """

    name = "std"
    rules = ("{g} · (x - mean) / ((n - ddof) std), for each entry",)

    def maths(self, m, x):
        return m.sqrt(super().maths(m, x))

    def backward(self, m, g, needs, out, x):
        # d sqrt(v) = dv / (2 sqrt(v)): Var's backward, with g / (2 std).
        with np.errstate(divide="ignore", invalid="ignore"):  # replaced at std 0
            g = m.where(m.equal(out, 0), 0, g / (2 * out))
        return super().backward(m, g, needs, out, x)


class Prod(_Reduction):
    """prod(x): d/dx_k = the product of the other entries.

    NOTE: not prod(x) / x_k, which is 0/0 where x_k = 0; the product of
    the others is formed directly, as prod over j of (x_j if j != k else 1).
    """

    name = "prod"
    rules = ("{g} · the product of the other entries",)

    def __init__(self, axis=None, keepdims=False):
        if not (axis is None or isinstance(axis, (int, np.integer))):
            raise ValueError(f"prod: axis must be an int or None, not {axis!r}")
        super().__init__(axis, keepdims)

    def maths(self, m, x):
        return m.prod(x, axis=self._axis_for(m.ndim(x)), keepdims=self.keepdims)

    def backward(self, m, g, needs, out, x):
        axis = self._axis_for(m.ndim(x))
        flat = m.reshape(x, (-1,)) if axis is None else x
        axis = 0 if axis is None else axis % m.ndim(x)
        n = m.shape(flat)[axis]
        # others[.., k, ..] = prod over j of (x[.., j, ..], with 1 at j = k):
        # x gets a new axis k before axis j, and the diagonal k = j is 1.
        rest = (1,) * (m.ndim(flat) - axis - 1)
        diagonal = np.eye(n, dtype=bool).reshape((n, n) + rest)
        others = m.prod(m.where(diagonal, 1, m.expand_dims(flat, axis)), axis=axis + 1)
        if self.axis is None:
            others = m.reshape(others, m.shape(x))
        return (self.expand(m, g, x) * others,)


class Cumsum(Op):
    """y_k = x_0 + ... + x_k along ``axis`` (over the flattened x for None):
    dJ/dx_k = G_k + ... + G_(n-1), a cumulative sum of G = dJ/dy from the
    end."""

    name = "cumsum"
    rules = ("{g} summed from the end: each entry gets the gradients after it",)
    __slots__ = ("axis",)

    def __init__(self, axis=None):
        self.axis = axis

    def render(self, x):
        return f"cumsum({x})" if self.axis is None else f"cumsum({x}, axis={self.axis})"

    def maths(self, m, x):
        if self.axis is None:
            return m.cumsum(m.reshape(x, (-1,)), 0)
        return m.cumsum(x, self.axis)

    def backward(self, m, g, needs, out, x):
        axis = 0 if self.axis is None else self.axis % m.ndim(g)
        flip = (slice(None),) * axis + (slice(None, None, -1),)
        grad = m.cumsum(g[flip], axis)[flip]
        return (grad if self.axis is not None else m.reshape(grad, m.shape(x)),)


def _ddof(op_name, ddof, correction):
    """NumPy's ddof or PyTorch's correction: the same number, given once."""
    if correction is None:
        return ddof
    if ddof not in (0, correction):
        raise ValueError(f"{op_name}: give ddof or correction, not both")
    return correction


def var(
    x: TensorLike,
    axis: int | tuple[int, ...] | None = None,
    ddof: int = 0,
    keepdims: bool = False,
    *,
    correction: int | None = None,
) -> Tensor:
    """Variance, sum((x - mean)²) / (n - ddof), as ``np.var``.

    >>> var([1.0, 2.0, 3.0, 4.0], ddof=1).item()  # 5 / 3
    1.6666666666666667
    """
    return Var(axis, _ddof("var", ddof, correction), keepdims).apply(x)


def std(
    x: TensorLike,
    axis: int | tuple[int, ...] | None = None,
    ddof: int = 0,
    keepdims: bool = False,
    *,
    correction: int | None = None,
) -> Tensor:
    """Standard deviation, sqrt(var(x, axis, ddof)), as ``np.std``.

    >>> std([1.0, 3.0]).item()
    1.0
    """
    return Std(axis, _ddof("std", ddof, correction), keepdims).apply(x)


def prod(x: TensorLike, axis: int | None = None, keepdims: bool = False) -> Tensor:
    """The product of the entries, along ``axis`` (all of them for None)."""
    return Prod(axis, keepdims).apply(x)


def cumsum(x: TensorLike, axis: int | None = None) -> Tensor:
    """Running sums along ``axis`` (of the flattened x for None), as ``np.cumsum``."""
    return Cumsum(axis).apply(x)
