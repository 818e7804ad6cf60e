"""Activation functions, each one node as in the notes.

Step, sigmoid, tanh and ReLU act entry by entry; softmax and log-softmax
act along one axis (axis 0, the classes, in the features x examples layout).
"""

import numpy as np

from ..op import Op


class Sigmoid(Op):
    """sigma(z) = 1 / (1 + exp(-z)): d/dz = sigma(z) (1 - sigma(z))."""

    name, formula, elementwise = "sigmoid", "sigmoid({0})", True

    def forward(self, z):
        # NOTE: exp(-z) overflows for z << 0; exp(-|z|) never does, and
        # e/(1+e) is the same sigmoid written for negative z.
        e = np.exp(-np.abs(z))
        out = np.where(z >= 0, 1 / (1 + e), e / (1 + e))
        return out, out

    def backward(self, grad, out, needs):
        return (grad * out * (1 - out),)


class Tanh(Op):
    """tanh(z): d/dz = 1 - tanh(z)^2."""

    name, formula, elementwise = "tanh", "tanh({0})", True

    def forward(self, z):
        out = np.tanh(z)
        return out, out

    def backward(self, grad, out, needs):
        return (grad * (1 - out * out),)


class ReLU(Op):
    """max(0, z): d/dz = 1 where z > 0, else 0 (0 at z = 0, as in the notes)."""

    name, formula, elementwise = "relu", "relu({0})", True

    def forward(self, z):
        # maximum, not where(z > 0, z, 0): a NaN stays NaN (bad data must show)
        return np.maximum(z, 0), z > 0

    def backward(self, grad, positive, needs):
        return (grad * positive,)


class Step(Op):
    """Heaviside step: 1 where z >= 0, else 0. Its derivative is 0 everywhere
    it exists, so no gradient flows through it (the perceptron's problem)."""

    name, formula, elementwise = "step", "step({0})", True

    def forward(self, z):
        return np.greater_equal(z, 0).astype(np.result_type(z, 1.0)), None

    def backward(self, grad, saved, needs):
        return (np.zeros_like(grad),)


class Softmax(Op):
    """a = exp(z) / sum(exp(z)) along ``axis``.

    Backward is the Jacobian-vector product a * (g - sum(g * a)) along the
    axis, which avoids building the Jacobian diag(a) - a a^T.
    """

    name = "softmax"
    __slots__ = ("axis",)

    def __init__(self, axis=0):
        self.axis = axis

    def render(self, z):
        return f"softmax({z}, axis={self.axis})"

    def forward(self, z):
        # NOTE: subtracting the max changes nothing mathematically and keeps
        # exp from overflowing.
        e = np.exp(z - z.max(axis=self.axis, keepdims=True))
        a = e / e.sum(axis=self.axis, keepdims=True)
        return a, a

    def backward(self, grad, a, needs):
        return (a * (grad - (grad * a).sum(axis=self.axis, keepdims=True)),)


class LogSoftmax(Op):
    """log(softmax(z)) = z - logsumexp(z): d/dz applied to g is
    g - softmax(z) * sum(g)."""

    name = "log_softmax"
    __slots__ = ("axis",)

    def __init__(self, axis=0):
        self.axis = axis

    def render(self, z):
        return f"log_softmax({z}, axis={self.axis})"

    def forward(self, z):
        shifted = z - z.max(axis=self.axis, keepdims=True)
        out = shifted - np.log(np.exp(shifted).sum(axis=self.axis, keepdims=True))
        return out, out

    def backward(self, grad, out, needs):
        softmax = np.exp(out)
        return (grad - softmax * grad.sum(axis=self.axis, keepdims=True),)


# These ops have no settings, so one of each serves every node.
_sigmoid, _tanh, _relu, _step = Sigmoid(), Tanh(), ReLU(), Step()


def sigmoid(z):
    return _sigmoid.apply(z)


def tanh(z):
    return _tanh.apply(z)


def relu(z):
    return _relu.apply(z)


def step(z):
    return _step.apply(z)


def softmax(z, axis=0):
    return Softmax(axis).apply(z)


def log_softmax(z, axis=0):
    return LogSoftmax(axis).apply(z)
