"""Matrix multiplication, the heart of a dense layer: Z = W @ A + b."""

from __future__ import annotations

import numpy as np

from ..naming import describe
from ..op import Op
from ..tensor import Tensor, TensorLike


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
