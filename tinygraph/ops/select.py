"""Choosing entries: ``where(cond, a, b)``."""

from __future__ import annotations

from ..op import Elementwise
from ..tensor import Tensor, TensorLike


class Where(Elementwise):
    """a where cond is true, else b: d/da = 1 where cond, d/db = 1 elsewhere
    (cond itself is boolean: it has no gradient)."""

    name, formula = "where", "where({0}, {1}, {2})"

    def maths(self, m, cond, a, b):
        return m.where(cond, a, b)

    def derivative(self, m, i, out, cond, a, b):
        return m.where(cond, 1, 0) if i == 1 else m.where(cond, 0, 1)


_where = Where()


def where(cond: TensorLike, a: TensorLike, b: TensorLike) -> Tensor:
    return _where.apply(cond, a, b)
