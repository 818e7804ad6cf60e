"""Stable numerics: functions whose plain formula overflows or loses digits.

log1p and expm1 keep the digits of log(1 + x) and exp(x) - 1 for small x;
logsumexp, logaddexp, softplus and log_sigmoid stay finite for large |x|.
erf, the error function, is here too: NumPy has none, and GELU needs it.
Each writes the plain formula as its maths (the symbolic reading shows it)
and, where NumPy needs it, the stable one as its forward pass.
"""

from __future__ import annotations

import math

import numpy as np

from ..op import Elementwise
from ..tensor import Tensor, TensorLike
from .reduce import _Reduction


class LogSumExp(_Reduction):
    """log(sum(exp(x))) over ``axis``: d/dx = exp(x - out), the softmax."""

    name = "logsumexp"
    rules = ("{g} * softmax({0}), the softmax along the summed axes",)

    def maths(self, m, x):
        axis = self._axis_for(m.ndim(x))
        return m.log(m.sum(m.exp(x), axis=axis, keepdims=self.keepdims))

    def forward(self, x):
        # NOTE: exp(1000) overflows; shifting by the largest entry c first,
        # log(sum(exp(x - c))) + c, changes nothing mathematically. An
        # infinite c (a slice of -inf) is not shifted by.
        axis = self._axis_for(x.ndim)
        c = x.max(axis=axis, keepdims=True)
        c = np.where(np.isfinite(c), c, 0)
        with np.errstate(divide="ignore"):  # log(0) = -inf for a slice of -inf
            out = np.log(np.exp(x - c).sum(axis=axis, keepdims=True)) + c
        if self.keepdims:
            return out
        return out.reshape(()) if axis is None else np.squeeze(out, axis=axis)

    def backward(self, m, g, needs, out, x):
        return (self.expand(m, g, x) * m.exp(x - self.expand(m, out, x)),)


class Log1p(Elementwise):
    """log(1 + x), exact for small x: d/dx = 1 / (1 + x)."""

    name, formula = "log1p", "log1p({0})"

    def maths(self, m, x):
        return m.log1p(x)

    def derivative(self, m, i, out, x):
        return 1 / (1 + x)


class Expm1(Elementwise):
    """exp(x) - 1, exact for small x: d/dx = exp(x) = out + 1."""

    name, formula = "expm1", "expm1({0})"

    def maths(self, m, x):
        return m.expm1(x)

    def derivative(self, m, i, out, x):
        return out + 1


class Softplus(Elementwise):
    """log(1 + exp(x)): d/dx = σ(x)."""

    name, formula = "softplus", "softplus({0})"

    def maths(self, m, x):
        return m.log1p(m.exp(x))

    def forward(self, x):
        # NOTE: exp(1000) overflows; logaddexp(0, x) = log(e^0 + e^x) does not.
        return np.logaddexp(0, x)

    def derivative(self, m, i, out, x):
        return m.sigmoid(x)


class LogAddExp(Elementwise):
    """log(exp(a) + exp(b)): d/da = exp(a) / (exp(a) + exp(b)) = σ(a - b),
    d/db = σ(b - a)."""

    name, formula = "logaddexp", "logaddexp({0}, {1})"

    def maths(self, m, a, b):
        return m.log(m.exp(a) + m.exp(b))

    def forward(self, a, b):
        # NOTE: exp overflows for large a or b; NumPy's logaddexp does not.
        return np.logaddexp(a, b)

    def derivative(self, m, i, out, a, b):
        # NOTE: σ(a - b), not the equal exp(a - out): out is rounded, and for
        # a = b = 1e17 it is a itself (log 2 is lost), so the exps read 1 and
        # 1 where the gradient is 1/2 and 1/2; at a = inf, a - out is nan.
        return m.sigmoid(a - b) if i == 0 else m.sigmoid(b - a)


class LogSigmoid(Elementwise):
    """log σ(z) = -log(1 + exp(-z)): d/dz = 1 - σ(z) = σ(-z)."""

    name, formula = "log_sigmoid", "log_sigmoid({0})"

    def maths(self, m, z):
        return m.log_sigmoid(z)  # written in numeric so that exp never overflows

    def derivative(self, m, i, out, z):
        return m.sigmoid(-z)


class Erf(Elementwise):
    """The error function erf(x) = 2/√π ∫₀ˣ exp(-t²) dt: d/dx = 2/√π exp(-x²).
    (GELU's derivative needs it as an op, to be differentiated again.)"""

    name, formula = "erf", "erf({0})"

    def maths(self, m, x):
        return m.erf(x)

    def derivative(self, m, i, out, x):
        return 2 / math.sqrt(math.pi) * m.exp(-x * x)


# These ops have no settings, so one of each serves every node.
_log1p, _expm1, _softplus, _erf = Log1p(), Expm1(), Softplus(), Erf()
_logaddexp, _log_sigmoid = LogAddExp(), LogSigmoid()


def logsumexp(
    x: TensorLike, axis: int | tuple[int, ...] | None = None, keepdims: bool = False
) -> Tensor:
    """log(sum(exp(x))) over ``axis`` (all entries when None), without overflow.

    >>> import tinygraph as tg
    >>> round(tg.logsumexp(tg.tensor([1000.0, 1000.0])).item() - 1000, 6)  # log 2
    0.693147
    """
    return LogSumExp(axis, keepdims).apply(x)


def log1p(x: TensorLike) -> Tensor:
    return _log1p.apply(x)


def expm1(x: TensorLike) -> Tensor:
    return _expm1.apply(x)


def softplus(x: TensorLike) -> Tensor:
    """log(1 + exp(x)), finite for large x.

    >>> import tinygraph as tg
    >>> tg.softplus(tg.tensor([0.0, 1000.0])).data
    array([6.93147181e-01, 1.00000000e+03])
    """
    return _softplus.apply(x)


def logaddexp(a: TensorLike, b: TensorLike) -> Tensor:
    return _logaddexp.apply(a, b)


def log_sigmoid(z: TensorLike) -> Tensor:
    """log(sigmoid(z)), finite for large |z|.

    >>> import tinygraph as tg
    >>> tg.log_sigmoid(tg.tensor([-1000.0, 0.0])).data
    array([-1.00000000e+03, -6.93147181e-01])
    """
    return _log_sigmoid.apply(z)


def erf(x: TensorLike) -> Tensor:
    return _erf.apply(x)
