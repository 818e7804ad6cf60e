"""Elementwise functions of one tensor: exp, log, sqrt, abs, sign."""

from __future__ import annotations

from ..op import Elementwise
from ..tensor import Tensor, TensorLike


class Exp(Elementwise):
    """exp(x): d/dx = exp(x), the output itself."""

    name, formula = "exp", "exp({0})"

    def maths(self, m, x):
        return m.exp(x)

    def derivative(self, m, i, out, x):
        return out


class Log(Elementwise):
    """log(x), natural: d/dx = 1/x.

    NOTE: log of 0 is -inf and of a negative number nan, with NumPy's
    RuntimeWarning; use ``tg.detect_anomaly()`` to stop at the first one.
    """

    name, formula = "log", "log({0})"

    def maths(self, m, x):
        return m.log(x)

    def derivative(self, m, i, out, x):
        return 1 / x


class Sqrt(Elementwise):
    """sqrt(x): d/dx = 1 / (2 sqrt(x)), in terms of the output."""

    name, formula = "sqrt", "sqrt({0})"

    def maths(self, m, x):
        return m.sqrt(x)

    def derivative(self, m, i, out, x):
        return 1 / (2 * out)


class Abs(Elementwise):
    """|x|: d/dx = sign(x), taken as 0 at x = 0."""

    name, formula = "abs", "|{0}|"

    def maths(self, m, x):
        return m.abs(x)

    def derivative(self, m, i, out, x):
        return m.sign(x)


class Sign(Elementwise):
    """sign(x): -1, 0 or 1. Its derivative is 0 wherever it has one."""

    name, formula = "sign", "sign({0})"

    def maths(self, m, x):
        return m.sign(x)

    def derivative(self, m, i, out, x):
        return 0


# These ops have no settings, so one of each serves every node.
_exp, _log, _sqrt, _abs, _sign = Exp(), Log(), Sqrt(), Abs(), Sign()


def exp(x: TensorLike) -> Tensor:
    return _exp.apply(x)


def log(x: TensorLike) -> Tensor:
    return _log.apply(x)


def sqrt(x: TensorLike) -> Tensor:
    return _sqrt.apply(x)


def abs(x: TensorLike) -> Tensor:
    return _abs.apply(x)


def sign(x: TensorLike) -> Tensor:
    return _sign.apply(x)
