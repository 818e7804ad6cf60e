"""The arithmetic operators: ``+ - * / **`` and unary minus.

All of them broadcast like NumPy and act entry by entry; the backward
driver sums each gradient back to its operand's shape, so the derivatives
below are written per entry.
"""

from __future__ import annotations

import numpy as np

from ..op import Elementwise
from ..tensor import Tensor, TensorLike


class Add(Elementwise):
    """a + b: d/da = 1, d/db = 1."""

    name, formula = "add", "{0} + {1}"

    def maths(self, m, a, b):
        return a + b

    def derivative(self, m, i, out, a, b):
        return 1


class Sub(Elementwise):
    """a - b: d/da = 1, d/db = -1."""

    name, formula = "sub", "{0} - {1}"

    def maths(self, m, a, b):
        return a - b

    def derivative(self, m, i, out, a, b):
        return 1 if i == 0 else -1


class Mul(Elementwise):
    """a * b: d/da = b, d/db = a."""

    name, formula = "mul", "{0} * {1}"

    def maths(self, m, a, b):
        return a * b

    def derivative(self, m, i, out, a, b):
        return b if i == 0 else a


class Div(Elementwise):
    """a / b: d/da = 1/b, d/db = -a/b²."""

    name, formula = "div", "{0} / {1}"

    def maths(self, m, a, b):
        return a / b

    def derivative(self, m, i, out, a, b):
        return 1 / b if i == 0 else -a / (b * b)


class Pow(Elementwise):
    """a ** b: d/da = b a^(b-1), d/db = a^b log(a)."""

    name, formula = "pow", "{0} ** {1}"

    def maths(self, m, a, b):
        return a**b

    def derivative(self, m, i, out, a, b):
        # NOTE: NumPy warns for log(0) and 0^-1; both are replaced below.
        with np.errstate(divide="ignore", invalid="ignore"):
            if i == 0:
                # Where b = 0, a^b is the constant 1: d/da = 0, though
                # b a^(b-1) would read 0 * inf = nan at a = 0.
                return m.where(m.equal(b, 0), 0, b * a ** (b - 1))
            # At a = 0 with b >= 0 the limit of a^b log(a) is 0 (PyTorch's
            # value too); log(a) itself is -inf there.
            at_zero = m.logical_and(m.equal(a, 0), m.greater_equal(b, 0))
            return m.where(at_zero, 0, out * m.log(a))


class Neg(Elementwise):
    """-a: d/da = -1."""

    name, formula = "neg", "-{0}"

    def maths(self, m, a):
        return -a

    def derivative(self, m, i, out, a):
        return -1


# These ops have no settings, so one of each serves every node.
_add, _sub, _mul, _div, _pow, _neg = Add(), Sub(), Mul(), Div(), Pow(), Neg()


def add(a: TensorLike, b: TensorLike) -> Tensor:
    return _add.apply(a, b)


def sub(a: TensorLike, b: TensorLike) -> Tensor:
    return _sub.apply(a, b)


def mul(a: TensorLike, b: TensorLike) -> Tensor:
    return _mul.apply(a, b)


def div(a: TensorLike, b: TensorLike) -> Tensor:
    return _div.apply(a, b)


def pow(a: TensorLike, b: TensorLike) -> Tensor:
    return _pow.apply(a, b)


def neg(a: TensorLike) -> Tensor:
    return _neg.apply(a)
