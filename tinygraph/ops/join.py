"""Joining and splitting: concatenate (cat) and stack, ops with any number of
inputs; split, a list of getitem views (NumPy's semantics).

Joining moves entries without changing them, so backward cuts the upstream
gradient back into the inputs' pieces: input k's gradient is the slice of g
where input k sits in the output. The slices are Python indexing, which
works on arrays, tensors and SymPy's object arrays alike.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from ..naming import describe
from ..op import Op
from ..tensor import Tensor, TensorLike
from .settings import integer
from .shape import getitem, reshape


def _joined(inputs, axis):
    return f"[{', '.join(inputs)}], axis={axis}"


class Concatenate(Op):
    """x_1, ..., x_n joined end to end along ``axis``: dJ/dx_k is the slice
    of G along ``axis`` where x_k sits."""

    name = "concatenate"
    # One text, as for einsum: maths takes *xs, however many inputs there are.
    rules = ("{g} cut back to this input's part, along the joined axis",)
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def render(self, *xs):
        return f"concatenate({_joined(xs, self.axis)})"

    def maths(self, m, *xs):
        return m.concatenate(xs, axis=self.axis)

    def backward(self, m, g, needs, out, *xs):
        before = (slice(None),) * self.axis  # the axes in front of ``axis``
        grads, start = [], 0
        for x, needed in zip(xs, needs):
            stop = start + m.shape(x)[self.axis]
            grads.append(g[before + (slice(start, stop),)] if needed else None)
            start = stop
        return tuple(grads)


class Stack(Op):
    """x_1, ..., x_n (of one shape) stacked along a new axis ``axis``:
    dJ/dx_k is G at index k of that axis."""

    name = "stack"
    rules = ("{g} at this input's index of the new axis",)
    __slots__ = ("axis",)

    def __init__(self, axis):
        self.axis = axis

    def render(self, *xs):
        return f"stack({_joined(xs, self.axis)})"

    def maths(self, m, *xs):
        return m.stack(xs, axis=self.axis)

    def backward(self, m, g, needs, out, *xs):
        before = (slice(None),) * self.axis
        return tuple(
            g[before + (k,)] if needed else None for k, needed in enumerate(needs)
        )


def _ndim(x):
    return x.ndim if isinstance(x, Tensor) else np.ndim(x)


def _operands(op_name, tensors):
    """The operands as a tuple, refusing a lone tensor or an empty sequence."""
    if isinstance(tensors, (Tensor, np.ndarray)) or not isinstance(
        tensors, Sequence
    ):
        raise TypeError(
            f"{op_name}: give a list or tuple of tensors, not "
            f"{describe(tensors)}"
        )
    if not tensors:
        raise ValueError(f"{op_name}: needs at least one tensor to join")
    return tuple(tensors)


def _axis(op_name, xs, axis, ndim):
    """``axis`` counted from 0 among ``ndim`` axes, or the error naming xs."""
    axis = integer(op_name, "axis", axis)
    if not -ndim <= axis < ndim:
        operands = ", ".join(describe(x) for x in xs)
        raise ValueError(
            f"{op_name}: no axis {axis} to work along for {operands} "
            f"({ndim} axes to choose from)"
        )
    return axis % ndim


def concatenate(tensors: Sequence[TensorLike], axis: int | None = 0) -> Tensor:
    """The tensors joined along an existing ``axis``, as NumPy's concatenate
    (``axis=None`` joins them flattened).

    >>> concatenate([np.ones((2, 3)), np.zeros((2, 1))], axis=1).shape
    (2, 4)
    """
    xs = _operands("concatenate", tensors)
    if axis is None:  # NumPy's: flatten each first
        xs, axis = tuple(reshape(x, -1) for x in xs), 0
    if _ndim(xs[0]) == 0:
        raise ValueError(
            f"concatenate: cannot join {describe(xs[0])}: it has no axis "
            "(use stack to make one)"
        )
    return Concatenate(_axis("concatenate", xs, axis, _ndim(xs[0]))).apply(*xs)


def cat(tensors: Sequence[TensorLike], axis: int | None = 0) -> Tensor:
    """PyTorch's name for concatenate."""
    return concatenate(tensors, axis)


def stack(tensors: Sequence[TensorLike], axis: int = 0) -> Tensor:
    """The tensors, all of one shape, along a new ``axis``, as NumPy's stack.

    >>> stack([np.ones(3), np.zeros(3)]).shape
    (2, 3)
    """
    xs = _operands("stack", tensors)
    return Stack(_axis("stack", xs, axis, _ndim(xs[0]) + 1)).apply(*xs)


def split(
    x: TensorLike, indices_or_sections: int | Sequence[int], axis: int = 0
) -> list[Tensor]:
    """x cut along ``axis`` with NumPy's semantics: an int n gives n equal
    pieces, a list gives the indices to cut at. (PyTorch's split takes the
    pieces' sizes instead.) Each piece is a getitem view of x.

    >>> [p.shape for p in split(np.ones((5, 2)), [1, 3])]
    [(1, 2), (2, 2), (2, 2)]
    """
    shape = x.shape if isinstance(x, Tensor) else np.shape(x)
    axis = _axis("split", [x], axis, len(shape))
    n = shape[axis]
    if isinstance(indices_or_sections, (int, np.integer)):
        sections = int(indices_or_sections)
        if sections <= 0 or n % sections:
            raise ValueError(
                f"split: cannot cut axis {axis} of {describe(x)} (length {n}) "
                f"into {sections} equal pieces"
            )
        cuts = [n // sections * k for k in range(1, sections)]
    elif np.ndim(indices_or_sections) == 0:  # 1.5: neither a count nor a list
        raise TypeError(
            "split: indices_or_sections must be an int (a number of equal "
            f"pieces) or a list of indices, not {indices_or_sections!r}"
        )
    else:
        cuts = [integer("split", "an index to cut at", i) for i in indices_or_sections]
    # Indices past the end give empty pieces, as in NumPy (slices clip them).
    bounds = zip([0, *cuts], [*cuts, n])
    before = (slice(None),) * axis
    return [getitem(x, before + (slice(a, b),)) for a, b in bounds]
