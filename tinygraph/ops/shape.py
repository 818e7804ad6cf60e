"""Shape operations: reshape, transpose, broadcasting and indexing.

They move entries around without changing them, so backward moves the
gradient back: reshape it, transpose it the other way, or scatter it into
the indexed places (adding where an index repeats).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..naming import describe
from ..op import Op
from ..tensor import Tensor, TensorLike


class Reshape(Op):
    """x viewed with a new shape; the gradient is reshaped back."""

    name = "reshape"
    rules = ("{g} reshaped back to {0}'s shape",)
    __slots__ = ("new_shape",)

    def __init__(self, shape):
        self.new_shape = shape

    def render(self, x):
        return f"reshape({x}, {self.new_shape})"

    def maths(self, m, x):
        return m.reshape(x, self.new_shape)

    def backward(self, m, g, needs, out, x):
        return (m.reshape(g, m.shape(x)),)


class Transpose(Op):
    """x with its axes permuted (reversed by default); the gradient is
    permuted back."""

    name = "transpose"
    rules = ("{g} transposed back",)
    __slots__ = ("axes",)

    def __init__(self, axes=None):
        self.axes = axes

    def render(self, x):
        return f"{x}ᵀ" if self.axes is None else f"transpose({x}, {self.axes})"

    def maths(self, m, x):
        return m.transpose(x, self.axes)

    def backward(self, m, g, needs, out, x):
        # The inverse permutation (argsort is only right for axes >= 0,
        # which the function transpose() makes sure of).
        back = None if self.axes is None else tuple(np.argsort(self.axes))
        return (m.transpose(g, back),)


class BroadcastTo(Op):
    """x stretched to ``shape`` by NumPy's broadcasting rules; the gradient is
    summed back over the stretched axes."""

    name = "broadcast_to"
    rules = ("{g} summed back to {0}'s shape",)
    __slots__ = ("target",)

    def __init__(self, shape):
        self.target = tuple(shape)

    def render(self, x):
        return f"broadcast_to({x}, {self.target})"

    def maths(self, m, x):
        return m.broadcast_to(x, self.target)

    def backward(self, m, g, needs, out, x):
        return (m.sum_to(g, m.shape(x)),)


def _slice_text(part):
    """``1:3``, ``:``, ``::2``: a slice as it was written."""
    start = "" if part.start is None else part.start
    stop = "" if part.stop is None else part.stop
    return f"{start}:{stop}" if part.step is None else f"{start}:{stop}:{part.step}"


def _index_text(index):
    """How an index reads in an equation: ``u1[:, 1:3]``, ``u1[idx[4]]``."""
    parts = index if isinstance(index, tuple) else (index,)

    def one(part):
        if isinstance(part, slice):
            return _slice_text(part)
        if part is Ellipsis:
            return "..."
        if isinstance(part, np.ndarray):
            return f"idx{list(part.shape)}"
        return str(part)

    return ", ".join(one(part) for part in parts)


class GetItem(Op):
    """x[index]: the gradient is scattered back into x's shape; with
    integer-array indexing a repeated index adds up its gradients."""

    name = "getitem"
    rules = ("{g} put back at the selected entries, zeros elsewhere",)
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def render(self, x):
        return f"{x}[{_index_text(self.index)}]"

    def maths(self, m, x):
        return x[self.index]

    def backward(self, m, g, needs, out, x):
        return (m.scatter(g, self.index, m.shape(x)),)


class Scatter(Op):
    """An array of ``shape``, zero except at ``index``, where x is added
    (getitem's backward, as an op so that it can be differentiated again):
    the gradient is read back at ``index``."""

    name = "scatter"
    rules = ("{g} read at the scattered entries",)
    __slots__ = ("index", "target")

    def __init__(self, index, shape):
        self.index, self.target = index, tuple(shape)

    def render(self, x):
        return f"scatter({x}, [{_index_text(self.index)}], {self.target})"

    def maths(self, m, x):
        return m.scatter(x, self.index, self.target)

    def backward(self, m, g, needs, out, x):
        return (g[self.index],)


def reshape(x: TensorLike, *shape: int | Sequence[int]) -> Tensor:
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return Reshape(shape).apply(x)


def transpose(x: TensorLike, *axes: int | Sequence[int]) -> Tensor:
    if len(axes) == 1 and isinstance(axes[0], (tuple, list)):
        axes = tuple(axes[0])
    if axes:
        axes = _permutation(axes, np.ndim(getattr(x, "data", x)), x)
    return Transpose(axes or None).apply(x)


def _permutation(axes, ndim, x):
    """``axes`` with negative entries counted from the end, checked to be a
    permutation of ``0 .. ndim-1`` (backward inverts it with argsort, which
    is only right for non-negative axes)."""
    try:
        normalized = tuple(
            int(a) % ndim if -ndim <= int(a) < ndim else None for a in axes
        )
    except (TypeError, ZeroDivisionError):
        normalized = (None,)
    if None in normalized or sorted(normalized) != list(range(ndim)):
        raise ValueError(
            f"transpose: cannot permute {describe(x)} with axes {tuple(axes)}: "
            f"they must list each of its {ndim} axes once (negative ones count "
            "from the end)"
        )
    return normalized


def broadcast_to(x: TensorLike, shape: int | Sequence[int]) -> Tensor:
    return BroadcastTo(shape).apply(x)


def scatter(x: TensorLike, index, shape: Sequence[int]) -> Tensor:
    return Scatter(index, shape).apply(x)


def getitem(x: TensorLike, index) -> Tensor:
    if isinstance(index, Tensor):
        index = index.data
    if isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, np.ndarray) and index.dtype.kind == "f":
        raise IndexError(
            f"getitem: index arrays must be integers or booleans, got {index.dtype}"
        )
    return GetItem(index).apply(x)
