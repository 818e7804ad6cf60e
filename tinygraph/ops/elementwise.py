"""Elementwise functions of one tensor: exp, log, sqrt, abs."""

import numpy as np

from ..op import Op


class Exp(Op):
    """exp(x): d/dx = exp(x), the output itself."""

    name, formula, elementwise = "exp", "exp({0})", True
    __slots__ = ("out",)

    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, grad):
        return (grad * self.out,)


class Log(Op):
    """log(x), natural: d/dx = 1/x.

    NOTE: log of 0 is -inf and of a negative number nan, with NumPy's
    RuntimeWarning; use ``tg.detect_anomaly()`` to stop at the first one.
    """

    name, formula, elementwise = "log", "log({0})", True
    __slots__ = ("x",)

    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, grad):
        return (grad / self.x,)


class Sqrt(Op):
    """sqrt(x): d/dx = 1 / (2 sqrt(x))."""

    name, formula, elementwise = "sqrt", "sqrt({0})", True
    __slots__ = ("out",)

    def forward(self, x):
        self.out = np.sqrt(x)
        return self.out

    def backward(self, grad):
        return (grad / (2 * self.out),)


class Abs(Op):
    """|x|: d/dx = sign(x), taken as 0 at x = 0."""

    name, formula, elementwise = "abs", "|{0}|", True
    __slots__ = ("x",)

    def forward(self, x):
        self.x = x
        return np.abs(x)

    def backward(self, grad):
        return (grad * np.sign(self.x),)


def exp(x):
    return Exp().apply(x)


def log(x):
    return Log().apply(x)


def sqrt(x):
    return Sqrt().apply(x)


def abs(x):
    return Abs().apply(x)
