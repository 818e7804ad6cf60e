"""Activation functions, each one node as in the notes.

Step, sigmoid, tanh and ReLU act entry by entry; softmax and log-softmax
act along one axis (axis 0, the classes, in the features x examples layout).
"""

from __future__ import annotations

import numpy as np

from ..op import Elementwise, Op
from ..tensor import Tensor, TensorLike


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


# These ops have no settings, so one of each serves every node.
_sigmoid, _tanh, _relu, _step = Sigmoid(), Tanh(), ReLU(), Step()


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
