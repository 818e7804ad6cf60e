"""Matrix multiplication, the heart of a dense layer: Z = W @ A + b; and
contractions (einsum, with tensordot, dot and outer written as einsums)."""

from __future__ import annotations

import numpy as np

from ..naming import describe
from ..op import Op
from ..tensor import Tensor, TensorLike
from .shape import reshape


class MatMul(Op):
    """C = A @ B: dJ/dA = G @ Bᵀ and dJ/dB = Aᵀ @ G, G = dJ/dC.

    Follows ``numpy.matmul``: 1-D operands are promoted to a row (left) or
    a column (right) and leading axes broadcast as a stack of matrices.
    """

    name, formula = "matmul", "{0} @ {1}"
    rules = ("{g} @ {1}ᵀ", "{0}ᵀ @ {g}")

    def maths(self, m, a, b):
        return a @ b

    def backward(self, m, g, needs, out, a, b):
        if a.ndim == 2 and b.ndim == 2:  # the dense-layer case, kept direct
            return (
                g @ b.T if needs[0] else None,
                a.T @ g if needs[1] else None,
            )
        if a.ndim == 1 and b.ndim == 1:  # a dot product
            return g * b, g * a
        # Promote 1-D operands to matrices, as the forward did, and drop the
        # added axis again; the driver sums any broadcast stack axes.
        a2 = m.expand_dims(a, 0) if a.ndim == 1 else a
        b2 = m.expand_dims(b, -1) if b.ndim == 1 else b
        g2 = g
        if a.ndim == 1:
            g2 = m.expand_dims(g2, -2)
        if b.ndim == 1:
            g2 = m.expand_dims(g2, -1)
        grad_a = grad_b = None
        if needs[0]:
            grad_a = g2 @ m.mT(b2)
            grad_a = grad_a[..., 0, :] if a.ndim == 1 else grad_a
        if needs[1]:
            grad_b = m.mT(a2) @ g2
            grad_b = grad_b[..., 0] if b.ndim == 1 else grad_b
        return grad_a, grad_b


# MatMul has no settings, so one serves every node.
_matmul = MatMul()


def matmul(a: TensorLike, b: TensorLike) -> Tensor:
    try:
        return _matmul.apply(a, b)
    except ValueError:
        # Checked only once NumPy has refused, to keep the hot path short.
        _check_shapes(a, b)
        raise


def _check_shapes(a, b):
    """Raise the clearer message for the two usual mistakes, if one is made."""
    shape_a, shape_b = np.shape(a), np.shape(b)
    if len(shape_a) == 0 or len(shape_b) == 0:
        raise ValueError(
            f"matmul: cannot multiply {describe(a)} by {describe(b)}: "
            "matmul needs at least one axis on each side (use * for scalars)"
        ) from None
    inner_a = shape_a[-1]
    inner_b = shape_b[0] if len(shape_b) == 1 else shape_b[-2]
    if inner_a != inner_b:
        raise ValueError(
            f"matmul: cannot multiply {describe(a)} by {describe(b)}: "
            f"the inner dimensions {inner_a} and {inner_b} differ"
        ) from None


# ----- contractions: einsum, and tensordot, dot and outer written as one ----


class Einsum(Op):
    """out = einsum('ij,jk->ik', A, B): a sum of products over the letters
    missing from the output. dJ/dA = einsum('jk,ik->ij', B, G): the same sum
    with A's subscripts and the output's swapped, G = dJ/d(out).

    Each operand's letters must differ (no diagonals) and the output is
    given after ``->``; NumPy's ``...`` is not supported.
    """

    name = "einsum"
    rules = ("einsum of {g} with the other operands, to this operand's subscripts",)
    __slots__ = ("subscripts", "inputs", "output")

    def __init__(self, subscripts):
        self.subscripts = subscripts
        self.inputs, self.output = _parse(subscripts)

    def render(self, *operands):
        return f"einsum('{self.subscripts}', {', '.join(operands)})"

    def maths(self, m, *xs):
        return m.einsum(self.subscripts, *xs)

    def backward(self, m, g, needs, out, *xs):
        grads = []
        for i, needed in enumerate(needs):
            if not needed:
                grads.append(None)
                continue
            others = self.inputs[:i] + self.inputs[i + 1 :] + (self.output,)
            operands = xs[:i] + xs[i + 1 :] + (g,)
            seen = set("".join(others))
            kept = "".join(c for c in self.inputs[i] if c in seen)
            grad = m.einsum(",".join(others) + "->" + kept, *operands)
            if kept != self.inputs[i]:
                # A letter summed in this operand alone ('ij->j'): out does
                # not change with which entry along it moves, so each gets G.
                lost = tuple(k for k, c in enumerate(self.inputs[i]) if c not in seen)
                grad = m.expand_dims(grad, lost)
            if m.shape(grad) != m.shape(xs[i]):
                # NOTE: NumPy's einsum broadcasts a letter of length 1 in one
                # operand against a longer one ('ij,j->i' with b of shape
                # (1,)). Where this operand is the longer one, its gradient
                # came out of length 1 and is copied along; where it is the
                # shorter one, the driver sums the gradient back.
                target = np.broadcast_shapes(m.shape(grad), m.shape(xs[i]))
                grad = m.broadcast_to(grad, target)
            grads.append(grad)
        return tuple(grads)


def _parse(subscripts):
    """'ij,jk->ik' as (('ij', 'jk'), 'ik'), refusing what Einsum cannot do."""
    if not isinstance(subscripts, str):  # (NumPy's sublist form, say)
        raise TypeError(
            f"einsum: subscripts must be a string such as 'ij,jk->ik', "
            f"not {subscripts!r}"
        )
    left, arrow, output = subscripts.replace(" ", "").partition("->")
    inputs = tuple(left.split(","))
    letters = "".join(inputs) + output
    problem = None
    if not arrow:
        problem = "give the output's subscripts after '->'"
    elif not all(c.isalpha() for c in letters):
        problem = "use letters only ('...' is not supported)"
    elif any(len(set(s)) != len(s) for s in (*inputs, output)):
        problem = "a letter may appear only once in each operand and the output"
    elif not set(output) <= set("".join(inputs)):
        problem = "each output letter must appear in an operand"
    if problem:
        raise ValueError(f"einsum: cannot use subscripts {subscripts!r}: {problem}")
    return inputs, output


def einsum(subscripts: str, *operands: TensorLike) -> Tensor:
    einsum_op = Einsum(subscripts)
    if len(operands) != len(einsum_op.inputs):
        raise ValueError(
            f"einsum: subscripts {subscripts!r} name {len(einsum_op.inputs)} "
            f"operands, but {len(operands)} were given"
        )
    return einsum_op.apply(*operands)


def _ndim(x):
    return x.ndim if isinstance(x, Tensor) else np.ndim(x)


def tensordot(a: TensorLike, b: TensorLike, axes=2) -> Tensor:
    """Sum of a * b over the pairs of ``axes`` (the last ``axes`` of a with the
    first of b, for an int), as NumPy's tensordot; recorded as an einsum.

    >>> tensordot(np.ones((2, 3)), np.ones((3, 4)), axes=1).shape
    (2, 4)
    """
    shape_a, shape_b = _shape(a), _shape(b)
    if isinstance(axes, (int, np.integer)):
        # a's last ``axes`` axes with b's first; too many (or a negative
        # count) gives a None, refused below
        k, n = int(axes), len(shape_a)
        axes_a = list(range(n - k, n)) if 0 <= k <= n else [None]
        axes_b = list(range(k))
    else:
        axes_a, axes_b = (np.atleast_1d(side).tolist() for side in axes)
    # NOTE: each axis is checked before it is counted from 0: axis 2 of a
    # matrix must be refused, not read as 2 % 2 = axis 0.
    axes_a, axes_b = _axes_of(axes_a, len(shape_a)), _axes_of(axes_b, len(shape_b))
    pairs = list(zip(axes_a, axes_b))
    if (
        len(axes_a) != len(axes_b)
        or None in axes_a + axes_b
        or len(set(axes_a)) < len(axes_a)
        or len(set(axes_b)) < len(axes_b)
        or any(shape_a[p] != shape_b[q] for p, q in pairs)
    ):
        raise ValueError(
            f"tensordot: cannot contract {describe(a)} with {describe(b)} over "
            f"axes {axes}: the paired axes must exist, each once, and have the "
            "same lengths"
        )
    letters = iter("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ")
    sub_a = [next(letters) for _ in shape_a]
    sub_b = [next(letters) for _ in shape_b]
    for p, q in pairs:
        sub_b[q] = sub_a[p]  # a shared letter is summed over
    free = [c for k, c in enumerate(sub_a) if k not in axes_a]
    free += [c for k, c in enumerate(sub_b) if k not in axes_b]
    subscripts = f"{''.join(sub_a)},{''.join(sub_b)}->{''.join(free)}"
    return Einsum(subscripts).apply(a, b)


def dot(a: TensorLike, b: TensorLike) -> Tensor:
    """NumPy's dot: a's last axis against b's second-to-last (its only one,
    for a vector); a product when either is a scalar. For vectors and
    matrices that is a @ b, and recorded as matmul.

    >>> dot([1.0, 2.0], [3.0, 4.0]).item()
    11.0
    """
    if 1 <= _ndim(a) <= 2 and 1 <= _ndim(b) <= 2:
        return matmul(a, b)
    if _ndim(a) == 0 or _ndim(b) == 0:
        return tensordot(a, b, axes=0)
    return tensordot(a, b, axes=([-1], [max(_ndim(b) - 2, 0)]))


def outer(a: TensorLike, b: TensorLike) -> Tensor:
    """a bᵀ for a and b read as flat vectors (as NumPy's outer).

    >>> outer([1.0, 2.0], [3.0, 4.0, 5.0]).shape
    (2, 3)
    """
    a, b = (x if _ndim(x) == 1 else reshape(x, -1) for x in (a, b))
    return tensordot(a, b, axes=0)


def _shape(x):
    # (x.shape, not x.data's: .data copies the array of a tensor a graph holds)
    return x.shape if isinstance(x, Tensor) else np.shape(x)


def _axes_of(axes, ndim):
    """Each axis counted from 0 among ``ndim`` (negative ones from the end),
    or None for one that is not an integer below ``ndim``."""
    return [
        k % ndim if isinstance(k, (int, np.integer)) and -ndim <= k < ndim else None
        for k in axes
    ]
