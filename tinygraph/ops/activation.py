"""Activation functions, each one node as in the notes.

Step, sigmoid, tanh and ReLU act entry by entry; softmax and log-softmax
act along one axis (axis 0, the classes, in the features x examples layout).
Beyond the notes, as PyTorch has them: leaky ReLU, ELU, GELU, SiLU,
softsign and hardtanh, entry by entry.
"""

from __future__ import annotations

import math

import numpy as np

from ..op import Elementwise, Op
from ..tensor import Tensor, TensorLike
from .settings import number


class Sigmoid(Elementwise):
    """σ(z) = 1 / (1 + exp(-z)): dσ/dz = σ(z) (1 - σ(z)), the notes' a(1 - a)."""

    name, formula = "sigmoid", "sigmoid({0})"

    def maths(self, m, z):
        return m.sigmoid(z)

    def derivative(self, m, i, out, z):
        return out * (1 - out)


class Tanh(Elementwise):
    """tanh(z): d/dz = 1 - tanh(z)²."""

    name, formula = "tanh", "tanh({0})"

    def maths(self, m, z):
        return m.tanh(z)

    def derivative(self, m, i, out, z):
        return 1 - out * out


class ReLU(Elementwise):
    """max(0, z): d/dz = 1 where z > 0, else 0 (0 at z = 0, as in the notes)."""

    name, formula = "relu", "relu({0})"

    def maths(self, m, z):
        # maximum, not where(z > 0, z, 0): a NaN stays NaN (bad data must show)
        return m.maximum(z, 0)

    def derivative(self, m, i, out, z):
        return m.positive(z)


class Step(Elementwise):
    """Heaviside step: 1 where z >= 0, else 0. Its derivative is 0 everywhere
    it exists, so no gradient flows through it (the perceptron's problem)."""

    name, formula = "step", "step({0})"

    def maths(self, m, z):
        return m.where(m.greater_equal(z, 0), 1, 0)

    def forward(self, z):
        return np.greater_equal(z, 0).astype(np.result_type(z, 1.0))

    def derivative(self, m, i, out, z):
        return 0


class Softmax(Op):
    """a = exp(z) / sum(exp(z)) along ``axis``.

    Backward is the Jacobian-vector product a * (g - sum(g * a)) along the
    axis, which avoids building the Jacobian diag(a) - a aᵀ.
    """

    name = "softmax"
    rules = ("{out} * ({g} - sum({g} * {out}))",)
    __slots__ = ("axis",)

    def __init__(self, axis=0):
        self.axis = axis

    def render(self, z):
        return f"softmax({z}, axis={self.axis})"

    def maths(self, m, z):
        return m.softmax(z, self.axis)

    def backward(self, m, g, needs, a, z):
        return (a * (g - m.sum(g * a, axis=self.axis, keepdims=True)),)


class LogSoftmax(Op):
    """log(softmax(z)) = z - logsumexp(z): d/dz applied to g is
    g - softmax(z) * sum(g), with softmax(z) = exp(out)."""

    name = "log_softmax"
    rules = ("{g} - softmax({0}) * sum({g})",)
    __slots__ = ("axis",)

    def __init__(self, axis=0):
        self.axis = axis

    def render(self, z):
        return f"log_softmax({z}, axis={self.axis})"

    def maths(self, m, z):
        return m.log_softmax(z, self.axis)

    def backward(self, m, g, needs, out, z):
        return (g - m.exp(out) * m.sum(g, axis=self.axis, keepdims=True),)


# ----- more activations (PyTorch's torch.nn.functional) ------------------


class LeakyReLU(Elementwise):
    """z where z > 0, else s z (s the negative slope): d/dz = 1 where z > 0,
    else s (s at z = 0, as PyTorch)."""

    name = "leaky_relu"
    __slots__ = ("negative_slope",)

    def __init__(self, negative_slope=0.01):
        self.negative_slope = negative_slope

    def render(self, z):
        return f"leaky_relu({z}, {self.negative_slope})"

    def maths(self, m, z):
        return m.where(m.greater_equal(0, z), self.negative_slope * z, z)

    def derivative(self, m, i, out, z):
        return m.where(m.greater_equal(0, z), self.negative_slope, 1)


class ELU(Elementwise):
    """z where z > 0, else α (exp(z) - 1): d/dz = 1 where z > 0, else
    α exp(z) = out + α."""

    name = "elu"
    __slots__ = ("alpha",)

    def __init__(self, alpha=1.0):
        self.alpha = alpha

    def render(self, z):
        return f"elu({z}, {self.alpha})"

    def maths(self, m, z):
        # NOTE: min(z, 0), so the branch not taken cannot overflow for large z.
        negative = self.alpha * m.expm1(m.minimum(z, 0))
        return m.where(m.greater_equal(0, z), negative, z)

    def derivative(self, m, i, out, z):
        return m.where(m.greater_equal(0, z), out + self.alpha, 1)


class GELU(Elementwise):
    """z Φ(z), Φ(z) = (1 + erf(z / √2)) / 2 the normal distribution function
    (the exact form, PyTorch's default): d/dz = Φ(z) + z φ(z), with the normal
    density φ(z) = exp(-z² / 2) / √(2π)."""

    name, formula = "gelu", "gelu({0})"

    def maths(self, m, z):
        return z * (1 + m.erf(z / math.sqrt(2))) / 2

    def derivative(self, m, i, out, z):
        cdf = (1 + m.erf(z / math.sqrt(2))) / 2
        return cdf + z * m.exp(-z * z / 2) / math.sqrt(2 * math.pi)


class SiLU(Elementwise):
    """z σ(z) (also called swish): d/dz = σ(z) + z σ(z) (1 - σ(z))
    = σ(z) + out (1 - σ(z))."""

    name, formula = "silu", "silu({0})"

    def maths(self, m, z):
        return z * m.sigmoid(z)

    def derivative(self, m, i, out, z):
        s = m.sigmoid(z)
        return s + out * (1 - s)


class Softsign(Elementwise):
    """z / (1 + |z|): d/dz = 1 / (1 + |z|)²."""

    name, formula = "softsign", "softsign({0})"

    def maths(self, m, z):
        return z / (1 + m.abs(z))

    def derivative(self, m, i, out, z):
        return 1 / ((1 + m.abs(z)) * (1 + m.abs(z)))


class Hardtanh(Elementwise):
    """z clipped to [low, high]: d/dz = 1 strictly inside, 0 outside and at
    the bounds themselves (as PyTorch's hardtanh, unlike its clamp)."""

    name = "hardtanh"
    __slots__ = ("min_val", "max_val")

    def __init__(self, min_val=-1.0, max_val=1.0):
        self.min_val, self.max_val = min_val, max_val

    def render(self, z):
        return f"hardtanh({z}, {self.min_val}, {self.max_val})"

    def maths(self, m, z):
        return m.minimum(m.maximum(z, self.min_val), self.max_val)

    def derivative(self, m, i, out, z):
        at_or_above = m.where(m.greater_equal(z, self.max_val), 0, 1)
        return m.where(m.greater_equal(self.min_val, z), 0, at_or_above)


# These ops have no settings, so one of each serves every node.
_sigmoid, _tanh, _relu, _step = Sigmoid(), Tanh(), ReLU(), Step()
_gelu, _silu, _softsign = GELU(), SiLU(), Softsign()


def sigmoid(z: TensorLike) -> Tensor:
    return _sigmoid.apply(z)


def tanh(z: TensorLike) -> Tensor:
    return _tanh.apply(z)


def relu(z: TensorLike) -> Tensor:
    return _relu.apply(z)


def step(z: TensorLike) -> Tensor:
    return _step.apply(z)


def softmax(z: TensorLike, axis: int = 0) -> Tensor:
    return Softmax(axis).apply(z)


def log_softmax(z: TensorLike, axis: int = 0) -> Tensor:
    return LogSoftmax(axis).apply(z)


def leaky_relu(z: TensorLike, negative_slope: float = 0.01) -> Tensor:
    slope = number("leaky_relu", "negative_slope", negative_slope)
    return LeakyReLU(slope).apply(z)


def elu(z: TensorLike, alpha: float = 1.0) -> Tensor:
    return ELU(number("elu", "alpha", alpha)).apply(z)


def gelu(z: TensorLike) -> Tensor:
    return _gelu.apply(z)


def silu(z: TensorLike) -> Tensor:
    return _silu.apply(z)


def softsign(z: TensorLike) -> Tensor:
    return _softsign.apply(z)


def hardtanh(z: TensorLike, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    low = number("hardtanh", "min_val", min_val)
    high = number("hardtanh", "max_val", max_val)
    return Hardtanh(low, high).apply(z)
