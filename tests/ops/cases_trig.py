"""Op-table rows for elementwise maths (trigonometric, hyperbolic, square,
reciprocal, rounding) and the contractions (einsum, tensordot, dot, outer)."""

import numpy as np

import tinygraph as tg
from tinygraph import ops

from .op_case import OpCase

UNARY = [[(5,)], [(3, 4)], [(2, 3, 4)], [()]]

CASES = [
    OpCase("sin", tg.sin, np.sin, UNARY, ops.Sin, low=-3, high=3),
    OpCase("cos", lambda x: x.cos(), np.cos, UNARY, ops.Cos, low=-3, high=3),
    OpCase("tan", tg.tan, np.tan, UNARY, ops.Tan, low=-1.2, high=1.2),
    OpCase("sinh", tg.sinh, np.sinh, UNARY, ops.Sinh),
    OpCase("cosh", lambda x: x.cosh(), np.cosh, UNARY, ops.Cosh),
    OpCase("square", tg.square, np.square, UNARY, ops.Square),
    OpCase(
        "reciprocal", lambda x: x.reciprocal(), np.reciprocal, UNARY, ops.Reciprocal,
        low=0.5, high=2.0,
    ),
    OpCase("floor", tg.floor, np.floor, UNARY, ops.Floor, low=-3, high=3),
    OpCase("ceil", lambda x: x.ceil(), np.ceil, UNARY, ops.Ceil, low=-3, high=3),
    OpCase("round", tg.round, np.round, UNARY, ops.Round, low=-3, high=3),
    OpCase(
        "einsum matmul",
        lambda a, b: tg.einsum("ij,jk->ik", a, b),
        lambda a, b: a @ b,
        [[(3, 4), (4, 2)]],
        ops.Einsum,
    ),
    OpCase(
        "einsum inner product",
        lambda a, b: tg.einsum("i,i->", a, b),
        lambda a, b: np.sum(a * b),
        [[(5,), (5,)]],
        ops.Einsum,
    ),
    OpCase(
        "einsum transpose",
        lambda a: tg.einsum("ij->ji", a),
        lambda a: a.T,
        [[(3, 4)]],
        ops.Einsum,
    ),
    OpCase(
        "einsum column sums",
        lambda a: tg.einsum("ij->j", a),
        lambda a: a.sum(axis=0),
        [[(3, 4)]],
        ops.Einsum,
    ),
    OpCase(
        "einsum batched matmul",
        lambda a, b: tg.einsum("bij,bjk->bik", a, b),
        lambda a, b: a @ b,
        [[(2, 3, 4), (2, 4, 5)]],
        ops.Einsum,
    ),
    OpCase(
        "einsum three operands",
        lambda a, b, c: tg.einsum("ij,jk,k->i", a, b, c),
        lambda a, b, c: a @ b @ c,
        [[(2, 3), (3, 4), (4,)]],
        ops.Einsum,
    ),
    OpCase(
        "tensordot axes 2",
        lambda a, b: tg.tensordot(a, b),
        lambda a, b: np.tensordot(a, b),
        [[(2, 3, 4), (3, 4, 5)]],
        ops.Einsum,
    ),
    OpCase(
        "tensordot paired axes",
        lambda a, b: tg.tensordot(a, b, axes=([0, 2], [2, 1])),
        lambda a, b: np.tensordot(a, b, axes=([0, 2], [2, 1])),
        [[(2, 3, 4), (5, 4, 2)]],
        ops.Einsum,
    ),
    OpCase(
        "dot of vectors and matrices",
        lambda a, b: a.dot(b),
        np.dot,
        [[(5,), (5,)], [(3, 4), (4,)]],
        ops.MatMul,
    ),
    OpCase(
        "dot beyond two axes or with a scalar",
        lambda a, b: tg.dot(a, b),
        np.dot,
        [[(2, 3, 4), (4, 2)], [(3,), (2, 3, 4)], [(), (3,)]],
        ops.Einsum,
    ),
    OpCase(
        "outer",
        lambda a, b: a.outer(b),
        np.outer,
        [[(3,), (4,)]],
        ops.Einsum,
    ),
]
