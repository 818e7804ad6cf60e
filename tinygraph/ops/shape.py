"""Shape operations: reshape, transpose, broadcasting, tiling, padding and
indexing.

They move entries around without changing them, so backward moves the
gradient back: reshape it, transpose it the other way, or scatter it into
the indexed places (adding where an index repeats).
"""

from __future__ import annotations

import operator
from collections.abc import Sequence

import numpy as np

from ..naming import describe
from ..op import Op
from ..tensor import Tensor, TensorLike
from .settings import integer, number


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


class Tile(Op):
    """x copied ``reps`` times along each axis (NumPy's tile, PyTorch's
    repeat); the gradient adds up the copies.

    Each axis of length s copied r times is read as a pair of axes (r, s):
    forward broadcasts x along the r axes, backward sums g over them.
    """

    name = "tile"
    rules = ("{g} summed over the copies",)
    __slots__ = ("reps",)

    def __init__(self, reps):
        self.reps = tuple(reps)

    def render(self, x):
        return f"tile({x}, {self.reps})"

    def pairs(self, shape):
        """x's shape and the reps, padded to one length with leading 1s (as
        NumPy does), and the (r, s) pairs."""
        k = max(len(shape), len(self.reps))
        shape = (1,) * (k - len(shape)) + tuple(shape)
        reps = (1,) * (k - len(self.reps)) + self.reps
        return shape, tuple(n for r, s in zip(reps, shape) for n in (r, s))

    def maths(self, m, x):
        shape, pairs = self.pairs(m.shape(x))
        spread = m.reshape(x, tuple(n for s in shape for n in (1, s)))
        copies = m.broadcast_to(spread, pairs)
        return m.reshape(copies, tuple(r * s for r, s in zip(pairs[::2], pairs[1::2])))

    def backward(self, m, g, needs, out, x):
        _, pairs = self.pairs(m.shape(x))
        summed = m.sum(m.reshape(g, pairs), axis=tuple(range(0, len(pairs), 2)))
        return (m.reshape(summed, m.shape(x)),)


class Pad(Op):
    """x with a border of ``value`` around it (NumPy's constant pad); the
    gradient is g with the border cut off."""

    name = "pad"
    rules = ("{g} with the border cut off",)
    __slots__ = ("widths", "value")

    def __init__(self, widths, value=0):
        self.widths, self.value = widths, value

    def render(self, x):
        value = f", {self.value}" if self.value else ""
        return f"pad({x}, {self.widths}{value})"

    def inside(self, shape):
        """Where x sits in the padded output."""
        return tuple(slice(b, b + n) for (b, _), n in zip(self.widths, shape))

    def maths(self, m, x):
        shape = m.shape(x)
        padded = tuple(b + n + a for (b, a), n in zip(self.widths, shape))
        out = m.scatter(x, self.inside(shape), padded)  # zeros around x
        if self.value:
            border = np.ones(padded, dtype=bool)
            border[self.inside(shape)] = False
            out = m.where(border, self.value, out)
        return out

    def backward(self, m, g, needs, out, x):
        return (g[self.inside(m.shape(x))],)


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


def _one_or_many(args):
    """A shape or a list of axes, given as numbers or as one argument:
    (2, 3) from f(x, 2, 3), f(x, (2, 3)), f(x, [2, 3]) or, as NumPy takes
    it, f(x, np.array([2, 3]))."""
    if len(args) == 1 and isinstance(args[0], (tuple, list, np.ndarray)):
        if np.ndim(args[0]) > 0:  # (a 0-d array is one number)
            return tuple(args[0])
    return args


def reshape(x: TensorLike, *shape: int | Sequence[int]) -> Tensor:
    shape = _one_or_many(shape)
    return Reshape(shape).apply(x)


def transpose(x: TensorLike, *axes: int | Sequence[int]) -> Tensor:
    axes = _one_or_many(axes)
    if axes:
        axes = _permutation(axes, len(_shape(x)), x)
    return Transpose(axes or None).apply(x)


def _permutation(axes, ndim, x):
    """``axes`` with negative entries counted from the end, checked to be a
    permutation of ``0 .. ndim-1`` (backward inverts it with argsort, which
    is only right for non-negative axes)."""
    try:
        axes = [operator.index(a) for a in axes]  # 1.5 is no axis: no int()
        normalized = tuple(a % ndim if -ndim <= a < ndim else None for a in axes)
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
    return Scatter(_own_index(index), shape).apply(x)


def getitem(x: TensorLike, index) -> Tensor:
    return GetItem(_own_index(index)).apply(x)


def _own_index(index):
    """An index with its arrays copied (see ``_index_array``)."""
    if isinstance(index, tuple):
        return tuple(_index_array(part) for part in index)
    return _index_array(index)


def _index_array(part):
    """One part of an index, with an array, a list or a tensor of indices
    turned into an array of its own.

    NOTE: a copy, so that changing the caller's index array after the forward
    pass (shuffling it in place for the next batch) cannot move where the
    backward pass puts the gradient.
    """
    if isinstance(part, Tensor):
        part = part.numpy()  # copied below
    if not isinstance(part, (list, np.ndarray)):
        return part  # an int, a slice, None or ...: nothing to change later
    array = np.array(part)
    if array.size == 0 and array.dtype.kind == "f":
        array = array.astype(np.intp)  # x[[]]: NumPy reads [] as no indices
    if array.dtype.kind == "f":
        raise IndexError(
            f"getitem: index arrays must be integers or booleans, got {array.dtype}"
        )
    return array


# ----- functions that are a reshape, a transpose or a broadcast -------------


def _shape(x):
    # (x.shape, not x.data's: .data copies the array of a tensor a graph holds)
    return x.shape if isinstance(x, Tensor) else np.shape(x)


def flatten(x: TensorLike, start_dim: int = 0, end_dim: int = -1) -> Tensor:
    """Axes ``start_dim`` to ``end_dim`` merged into one (PyTorch's flatten):
    a reshape.

    >>> flatten(np.ones((2, 3, 4)), 1).shape
    (2, 12)
    """
    shape = _shape(x) or (1,)
    start, end = (_axis("flatten", x, a, len(shape)) for a in (start_dim, end_dim))
    if start > end:  # NOTE: shape[2:2] is empty, and would add an axis of 1
        raise ValueError(
            f"flatten: cannot merge axes {start_dim} to {end_dim} of {describe(x)}: "
            f"start_dim (axis {start}) comes after end_dim (axis {end})"
        )
    merged = int(np.prod(shape[start : end + 1]))
    return reshape(x, shape[:start] + (merged,) + shape[end + 1 :])


def squeeze(x: TensorLike, axis: int | Sequence[int] | None = None) -> Tensor:
    """x without its axes of length 1 (only ``axis``, if given): a reshape."""
    shape = _shape(x)
    if axis is None:
        drop = [k for k, n in enumerate(shape) if n == 1]
    else:
        drop = [_axis("squeeze", x, a, len(shape)) for a in np.atleast_1d(axis)]
    for k in drop:
        if shape[k] != 1:
            raise ValueError(
                f"squeeze: cannot squeeze axis {k} of {describe(x)}: "
                f"its length is {shape[k]}, not 1"
            )
    return reshape(x, tuple(n for k, n in enumerate(shape) if k not in drop))


def expand_dims(x: TensorLike, axis: int | Sequence[int]) -> Tensor:
    """x with new axes of length 1 at ``axis`` (NumPy's expand_dims): a reshape."""
    shape = _shape(x)
    try:
        new_shape = np.expand_dims(np.empty(shape, dtype=bool), axis).shape
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"expand_dims: cannot add axis {axis} to {describe(x)}: {err}"
        ) from None
    return reshape(x, new_shape)


def unsqueeze(x: TensorLike, dim: int) -> Tensor:
    """PyTorch's name for expand_dims with one axis."""
    return expand_dims(x, dim)


def swapaxes(x: TensorLike, axis1: int, axis2: int) -> Tensor:
    """x with two axes swapped: a transpose."""
    ndim = len(_shape(x))
    axes = list(range(ndim))
    a, b = (_axis("swapaxes", x, k, ndim) for k in (axis1, axis2))
    axes[a], axes[b] = axes[b], axes[a]
    return transpose(x, axes)


def expand(x: TensorLike, *shape: int | Sequence[int]) -> Tensor:
    """PyTorch's name for broadcast_to; -1 keeps that axis's length."""
    shape = _one_or_many(shape)
    old = _shape(x)
    offset = len(shape) - len(old)
    target = tuple(
        old[k - offset] if n == -1 and k >= offset else n for k, n in enumerate(shape)
    )
    return broadcast_to(x, target)


def tile(x: TensorLike, reps: int | Sequence[int]) -> Tensor:
    """x copied ``reps`` times along each axis, as NumPy's tile.

    >>> tile([1.0, 2.0], 2).data
    array([1., 2., 1., 2.])
    """
    reps = tuple(integer("tile", "reps", r) for r in np.atleast_1d(reps).tolist())
    if any(r < 0 for r in reps):
        raise ValueError(f"tile: cannot copy {describe(x)} {reps} times")
    return Tile(reps).apply(x)


def repeat(x: TensorLike, *sizes: int | Sequence[int]) -> Tensor:
    """PyTorch's repeat: tile (not NumPy's repeat, which repeats each entry)."""
    sizes = _one_or_many(sizes)
    if len(sizes) < len(_shape(x)):
        raise ValueError(
            f"repeat: {describe(x)} needs a number of copies for each of its "
            f"{len(_shape(x))} axes, got {sizes}"
        )
    return tile(x, sizes)


def pad(x: TensorLike, pad_width, constant_values: float = 0) -> Tensor:
    """x with a border of ``constant_values``: ``pad_width`` as NumPy's (an
    int, a (before, after) pair, or one pair per axis).

    >>> pad([1.0, 2.0], (1, 2)).data
    array([0., 1., 2., 0., 0.])
    """
    ndim = len(_shape(x))
    try:
        widths = np.broadcast_to(np.asarray(pad_width), (ndim, 2))
    except (ValueError, TypeError) as err:
        raise ValueError(
            f"pad: cannot pad {describe(x)} by {pad_width}: give an int, a "
            f"(before, after) pair, or one pair for each axis ({err})"
        ) from None
    if widths.dtype.kind not in "iu":  # 1.5 must not be read as 1
        raise TypeError(f"pad: pad_width must be integers, not {pad_width!r}")
    if (widths < 0).any():
        raise ValueError(
            f"pad: cannot pad {describe(x)} by negative widths {pad_width}"
        )
    widths = tuple((int(b), int(a)) for b, a in widths)
    if not isinstance(constant_values, (int, float, np.number)):
        raise TypeError(
            f"pad: constant_values must be one number, not {constant_values!r}"
        )
    return Pad(widths, number("pad", "constant_values", constant_values)).apply(x)


def _axis(op_name, x, axis, ndim):
    """``axis`` counted from 0, or the error naming the op and x's shape."""
    axis = integer(op_name, "axis", axis)
    if not -ndim <= axis < ndim:
        raise ValueError(
            f"{op_name}: {describe(x)} has no axis {axis} (it has {ndim})"
        )
    return axis % ndim
