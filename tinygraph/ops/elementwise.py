"""Elementwise functions of one tensor: exp, log, sqrt, abs."""

import numpy as np

from ..op import Op


class Exp(Op):
    """exp(x): d/dx = exp(x), the output itself."""

    name, formula, elementwise = "exp", "exp({0})", True

    def forward(self, x):
        out = np.exp(x)
        return out, out

    def backward(self, grad, out, needs):
        return (grad * out,)


class Log(Op):
    """log(x), natural: d/dx = 1/x.

    NOTE: log of 0 is -inf and of a negative number nan, with NumPy's
    RuntimeWarning; use ``tg.detect_anomaly()`` to stop at the first one.
    """

    name, formula, elementwise = "log", "log({0})", True

    def forward(self, x):
        return np.log(x), x

    def backward(self, grad, x, needs):
        return (grad / x,)


class Sqrt(Op):
    """sqrt(x): d/dx = 1 / (2 sqrt(x))."""

    name, formula, elementwise = "sqrt", "sqrt({0})", True

    def forward(self, x):
        out = np.sqrt(x)
        return out, out

    def backward(self, grad, out, needs):
        return (grad / (2 * out),)


class Abs(Op):
    """|x|: d/dx = sign(x), taken as 0 at x = 0."""

    name, formula, elementwise = "abs", "|{0}|", True

    def forward(self, x):
        return np.abs(x), x

    def backward(self, grad, x, needs):
        return (grad * np.sign(x),)


# These ops have no settings, so one of each serves every node.
_exp, _log, _sqrt, _abs = Exp(), Log(), Sqrt(), Abs()


def exp(x):
    return _exp.apply(x)


def log(x):
    return _log.apply(x)


def sqrt(x):
    return _sqrt.apply(x)


def abs(x):
    return _abs.apply(x)
