"""Elementwise maths of one tensor: trigonometric and hyperbolic functions,
square and reciprocal, and the rounding functions.

Each local derivative is written in terms of the input or the output;
floor, ceil and round are constant between their jumps, so their
derivative is 0 wherever it has one (as in PyTorch).
"""

from __future__ import annotations

from ..op import Elementwise
from ..tensor import Tensor, TensorLike

# ----- trigonometric and hyperbolic ------------------------------------------


class Sin(Elementwise):
    """sin(x): d/dx = cos(x)."""

    name, formula = "sin", "sin({0})"

    def maths(self, m, x):
        return m.sin(x)

    def derivative(self, m, i, out, x):
        return m.cos(x)


class Cos(Elementwise):
    """cos(x): d/dx = -sin(x)."""

    name, formula = "cos", "cos({0})"

    def maths(self, m, x):
        return m.cos(x)

    def derivative(self, m, i, out, x):
        return -m.sin(x)


class Tan(Elementwise):
    """tan(x): d/dx = 1 + tan²(x), in terms of the output."""

    name, formula = "tan", "tan({0})"

    def maths(self, m, x):
        return m.tan(x)

    def derivative(self, m, i, out, x):
        return 1 + out * out


class Sinh(Elementwise):
    """sinh(x) = (eˣ - e⁻ˣ) / 2: d/dx = cosh(x)."""

    name, formula = "sinh", "sinh({0})"

    def maths(self, m, x):
        return m.sinh(x)

    def derivative(self, m, i, out, x):
        return m.cosh(x)


class Cosh(Elementwise):
    """cosh(x) = (eˣ + e⁻ˣ) / 2: d/dx = sinh(x)."""

    name, formula = "cosh", "cosh({0})"

    def maths(self, m, x):
        return m.cosh(x)

    def derivative(self, m, i, out, x):
        return m.sinh(x)


# ----- powers ----------------------------------------------------------------


class Square(Elementwise):
    """x²: d/dx = 2x."""

    name, formula = "square", "{0}²"

    def maths(self, m, x):
        return x * x

    def derivative(self, m, i, out, x):
        return 2 * x


class Reciprocal(Elementwise):
    """1/x: d/dx = -1/x², which is -out², in terms of the output."""

    name, formula = "reciprocal", "1 / {0}"

    def maths(self, m, x):
        return 1 / x

    def derivative(self, m, i, out, x):
        return -(out * out)


# ----- rounding: derivative 0 between the jumps ------------------------------


class Floor(Elementwise):
    """floor(x), the largest integer <= x: d/dx = 0 (undefined at integers)."""

    name, formula = "floor", "⌊{0}⌋"

    def maths(self, m, x):
        return m.floor(x)

    def derivative(self, m, i, out, x):
        return 0


class Ceil(Elementwise):
    """ceil(x), the smallest integer >= x: d/dx = 0 (undefined at integers)."""

    name, formula = "ceil", "⌈{0}⌉"

    def maths(self, m, x):
        return m.ceil(x)

    def derivative(self, m, i, out, x):
        return 0


class Round(Elementwise):
    """round(x), halves to the even integer (as NumPy): d/dx = 0 (undefined
    at the halves)."""

    name, formula = "round", "round({0})"

    def maths(self, m, x):
        return m.round(x)

    def derivative(self, m, i, out, x):
        return 0


# These ops have no settings, so one of each serves every node.
_sin, _cos, _tan, _sinh, _cosh = Sin(), Cos(), Tan(), Sinh(), Cosh()
_square, _reciprocal = Square(), Reciprocal()
_floor, _ceil, _round = Floor(), Ceil(), Round()


def sin(x: TensorLike) -> Tensor:
    return _sin.apply(x)


def cos(x: TensorLike) -> Tensor:
    return _cos.apply(x)


def tan(x: TensorLike) -> Tensor:
    return _tan.apply(x)


def sinh(x: TensorLike) -> Tensor:
    return _sinh.apply(x)


def cosh(x: TensorLike) -> Tensor:
    return _cosh.apply(x)


def square(x: TensorLike) -> Tensor:
    return _square.apply(x)


def reciprocal(x: TensorLike) -> Tensor:
    return _reciprocal.apply(x)


def floor(x: TensorLike) -> Tensor:
    return _floor.apply(x)


def ceil(x: TensorLike) -> Tensor:
    return _ceil.apply(x)


def round(x: TensorLike) -> Tensor:
    return _round.apply(x)
