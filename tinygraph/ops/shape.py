"""Shape operations: reshape, transpose and indexing.

They move entries around without changing them, so backward moves the
gradient back: reshape it, transpose it the other way, or scatter it into
the indexed places (adding where an index repeats).
"""

import numpy as np

from ..op import Op, describe
from ..tensor import Tensor


class Reshape(Op):
    """x viewed with a new shape; the gradient is reshaped back."""

    name = "reshape"
    __slots__ = ("new_shape",)

    def __init__(self, shape):
        self.new_shape = shape

    def render(self, x):
        return f"reshape({x}, {self.new_shape})"

    def forward(self, x):
        return x.reshape(self.new_shape), x.shape

    def backward(self, grad, old_shape, needs):
        return (grad.reshape(old_shape),)


class Transpose(Op):
    """x with its axes permuted (reversed by default); the gradient is
    permuted back."""

    name = "transpose"
    __slots__ = ("axes",)

    def __init__(self, axes=None):
        self.axes = axes

    def render(self, x):
        return f"{x}ᵀ" if self.axes is None else f"transpose({x}, {self.axes})"

    def forward(self, x):
        return np.transpose(x, self.axes), None

    def backward(self, grad, saved, needs):
        if self.axes is None:
            return (np.transpose(grad),)
        return (np.transpose(grad, np.argsort(self.axes)),)


def _is_basic(index):
    """Basic indexing (ints, slices) selects each entry at most once."""
    parts = index if isinstance(index, tuple) else (index,)
    return all(
        isinstance(p, (int, np.integer, slice)) or p is None or p is Ellipsis for p in parts
    )


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
    __slots__ = ("index",)

    def __init__(self, index):
        self.index = index

    def render(self, x):
        return f"{x}[{_index_text(self.index)}]"

    def forward(self, x):
        return x[self.index], x.shape

    def backward(self, grad, shape, needs):
        full = np.zeros(shape, dtype=grad.dtype)
        if _is_basic(self.index):
            full[self.index] = grad
        else:
            np.add.at(full, self.index, grad)
        return (full,)


def reshape(x, *shape):
    if len(shape) == 1 and isinstance(shape[0], (tuple, list)):
        shape = tuple(shape[0])
    return Reshape(shape).apply(x)


def transpose(x, *axes):
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
        normalized = tuple(int(a) % ndim if -ndim <= int(a) < ndim else None for a in axes)
    except (TypeError, ZeroDivisionError):
        normalized = (None,)
    if None in normalized or sorted(normalized) != list(range(ndim)):
        raise ValueError(
            f"transpose: cannot permute {describe(x)} with axes {tuple(axes)}: "
            f"they must list each of its {ndim} axes once (negative ones count "
            "from the end)"
        )
    return normalized


def getitem(x, index):
    if isinstance(index, Tensor):
        index = index.data
    if isinstance(index, tuple):
        index = tuple(i.data if isinstance(i, Tensor) else i for i in index)
    if isinstance(index, list):
        index = np.asarray(index)
    if isinstance(index, np.ndarray) and index.dtype.kind == "f":
        raise IndexError(f"getitem: index arrays must be integers or booleans, got {index.dtype}")
    return GetItem(index).apply(x)
