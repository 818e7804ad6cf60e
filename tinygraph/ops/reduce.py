"""Reductions: sum, mean and max over all entries or along axes.

Backward spreads the upstream gradient back over the reduced axes: equally
for sum (each entry counts once), divided by the count for mean, and only to
the largest entries for max.
"""

import numpy as np

from ..op import Op


def _axis_text(op):
    text = "" if op.axis is None else f", axis={op.axis}"
    return text + (", keepdims" if op.keepdims else "")


def _normalize_axis(axis):
    return tuple(axis) if isinstance(axis, list) else axis


def _expand(grad, op, shape):
    """Put back the axes that ``op`` reduced away from an input of ``shape``,
    as length-1 axes, so ``grad`` broadcasts against the input."""
    if not shape:  # a 0-d input: axis 0 or -1 reduced nothing away
        return grad
    if op.axis is None or op.keepdims:
        return grad if op.axis is not None else np.reshape(grad, (1,) * len(shape))
    return np.expand_dims(grad, op.axis)


class Sum(Op):
    """sum(x): d/dx = 1 for every entry that was summed."""

    name = "sum"
    __slots__ = ("axis", "keepdims")

    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = _normalize_axis(axis), keepdims

    def render(self, x):
        return f"sum({x}{_axis_text(self)})"

    def forward(self, x):
        return x.sum(axis=self.axis, keepdims=self.keepdims), x.shape

    def backward(self, grad, shape, needs):
        return (np.broadcast_to(_expand(grad, self, shape), shape),)


class Mean(Op):
    """mean(x) = sum(x) / n: d/dx = 1/n for every entry averaged."""

    name = "mean"
    __slots__ = ("axis", "keepdims")

    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = _normalize_axis(axis), keepdims

    def render(self, x):
        return f"mean({x}{_axis_text(self)})"

    def forward(self, x):
        # NOTE: NumPy's sum and max accept axis 0 or -1 on a 0-d array, its
        # mean does not; PyTorch accepts both, and so do we.
        axis = None if x.ndim == 0 and self.axis in (0, -1) else self.axis
        out = x.mean(axis=axis, keepdims=self.keepdims)
        count = x.size // np.size(out) if np.size(out) else 1
        return out, (x.shape, count)

    def backward(self, grad, saved, needs):
        shape, count = saved
        return (np.broadcast_to(_expand(grad, self, shape) / count, shape),)


class Max(Op):
    """max(x): d/dx = 1 at the maximum, 0 elsewhere; ties share it equally.

    A NaN is the maximum of any slice it is in (as in NumPy), so the
    gradient goes to the NaN entries of that slice (as in PyTorch).
    """

    name = "max"
    __slots__ = ("axis", "keepdims")

    def __init__(self, axis=None, keepdims=False):
        self.axis, self.keepdims = _normalize_axis(axis), keepdims

    def render(self, x):
        return f"max({x}{_axis_text(self)})"

    def forward(self, x):
        top = x.max(axis=self.axis, keepdims=True)
        winners = x == top
        count = winners.sum(axis=self.axis, keepdims=True)
        if not count.all():  # only where the maximum is NaN (NaN != NaN)
            winners = np.where(np.isnan(top), np.isnan(x), winners)
            count = winners.sum(axis=self.axis, keepdims=True)
        share = winners / count
        out = top if self.keepdims else np.squeeze(top, axis=self.axis)
        return out, (x.shape, share)

    def backward(self, grad, saved, needs):
        shape, share = saved
        return (_expand(grad, self, shape) * share,)


def sum(x, axis=None, keepdims=False):
    return Sum(axis, keepdims).apply(x)


def mean(x, axis=None, keepdims=False):
    return Mean(axis, keepdims).apply(x)


def max(x, axis=None, keepdims=False):
    return Max(axis, keepdims).apply(x)
