"""Reductions: sum, mean, max and min over all entries or along axes.

Backward spreads the upstream gradient back over the reduced axes: equally
for sum (each entry counts once), divided by the count for mean, and only to
the largest (smallest) entries for max (min).
"""

from __future__ import annotations

import numpy as np

from ..op import Op
from ..tensor import Tensor, TensorLike


def _axis_text(op):
    text = "" if op.axis is None else f", axis={op.axis}"
    return text + (", keepdims" if op.keepdims else "")


def _normalize_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


class _Reduction(Op):
    """What sum, mean and max share: their settings, and putting back the
    axes they reduced away."""

    __slots__ = ("axis", "keepdims")

    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = _normalize_axis(axis), keepdims

    def render(self, x):
        return f"{self.name}({x}{_axis_text(self)})"

    def _axis_for(self, ndim):
        # NOTE: NumPy's sum and max accept axis 0 or -1 on a 0-d array, its
        # mean does not; PyTorch accepts all three, and so do we.
        return None if ndim == 0 and self.axis in (0, -1) else self.axis

    def expand(self, m, g, x):
        """``g`` with the reduced axes put back as length 1, so that it
        broadcasts against the input ``x``."""
        ndim = m.ndim(x)
        if ndim == 0 or self.keepdims:
            return g
        if self.axis is None:
            return m.reshape(g, (1,) * ndim)
        return m.expand_dims(g, self.axis)


class Sum(_Reduction):
    """sum(x): d/dx = 1 for every entry that was summed."""

    name = "sum"
    rules = ("{g} copied to every entry that was summed",)

    def maths(self, m, x):
        return m.sum(x, axis=self._axis_for(m.ndim(x)), keepdims=self.keepdims)

    def forward(self, x):
        return x.sum(axis=self._axis_for(x.ndim), keepdims=self.keepdims)

    def backward(self, m, g, needs, out, x):
        return (m.broadcast_to(self.expand(m, g, x), m.shape(x)),)


class Mean(_Reduction):
    """mean(x) = sum(x) / n: d/dx = 1/n for every entry averaged."""

    name = "mean"
    rules = ("{g} / n copied to every entry that was averaged",)

    def count(self, m, x):
        """n, the number of entries averaged into each output entry."""
        shape = m.shape(x)
        axis = self._axis_for(len(shape))
        axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
        return int(np.prod([shape[a] for a in axes]))

    def maths(self, m, x):
        total = m.sum(x, axis=self._axis_for(m.ndim(x)), keepdims=self.keepdims)
        return total / self.count(m, x)

    def forward(self, x):
        return x.mean(axis=self._axis_for(x.ndim), keepdims=self.keepdims)

    def backward(self, m, g, needs, out, x):
        return (m.broadcast_to(self.expand(m, g, x) / self.count(m, x), m.shape(x)),)


class Max(_Reduction):
    """max(x): d/dx = 1 at the maximum, 0 elsewhere; ties share it equally.

    A NaN is the maximum of any slice it is in (as in NumPy), so the
    gradient goes to the NaN entries of that slice (as in PyTorch).
    """

    name = "max"
    rules = ("{g} sent to the largest entries, shared equally between ties",)

    def maths(self, m, x):
        return m.max(x, axis=self._axis_for(m.ndim(x)), keepdims=self.keepdims)

    def forward(self, x):
        return x.max(axis=self._axis_for(x.ndim), keepdims=self.keepdims)

    def backward(self, m, g, needs, out, x):
        return (self.expand(m, g, x) * m.winner_share(x, self._axis_for(m.ndim(x))),)


class Min(_Reduction):
    """min(x) = -max(-x): d/dx = 1 at the minimum, 0 elsewhere; ties share it
    equally (and a NaN is the minimum of its slice, as in NumPy)."""

    name = "min"
    rules = ("{g} sent to the smallest entries, shared equally between ties",)

    def maths(self, m, x):
        return -m.max(-x, axis=self._axis_for(m.ndim(x)), keepdims=self.keepdims)

    def forward(self, x):
        return x.min(axis=self._axis_for(x.ndim), keepdims=self.keepdims)

    def backward(self, m, g, needs, out, x):
        # The smallest entries of x are the largest of -x.
        return (self.expand(m, g, x) * m.winner_share(-x, self._axis_for(m.ndim(x))),)


def sum(
    x: TensorLike, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    return Sum(axis, keepdims).apply(x)


def mean(
    x: TensorLike, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    return Mean(axis, keepdims).apply(x)


def max(
    x: TensorLike, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    return Max(axis, keepdims).apply(x)


def min(
    x: TensorLike, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    return Min(axis, keepdims).apply(x)
