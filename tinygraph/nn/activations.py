"""Activation functions, as functions and as modules.

The notes' activations: identity (regression outputs), step (the
perceptron), sigmoid, tanh, ReLU and softmax (over axis 0, the classes, in
the features x examples layout). Each function is one node of the graph,
the engine's op of the same name; ``identity`` adds no node at all.
"""

from __future__ import annotations

from .. import ops
from ..tensor import Tensor, TensorLike
from .module import Module


def identity(z: TensorLike) -> TensorLike:
    """g(z) = z, g'(z) = 1: returns ``z`` itself, adding no node."""
    return z


def step(z: TensorLike) -> Tensor:
    """g(z) = 1 where z >= 0, else 0; g'(z) = 0, so nothing flows back."""
    return ops.step(z)


def sigmoid(z: TensorLike) -> Tensor:
    """g(z) = 1 / (1 + exp(-z)), g'(z) = g(z) (1 - g(z))."""
    return ops.sigmoid(z)


def tanh(z: TensorLike) -> Tensor:
    """g(z) = tanh(z), g'(z) = 1 - tanh(z)^2."""
    return ops.tanh(z)


def relu(z: TensorLike) -> Tensor:
    """g(z) = max(0, z), g'(z) = 1 for z > 0, else 0."""
    return ops.relu(z)


def softmax(z: TensorLike, axis: int = 0) -> Tensor:
    """a_j = exp(z_j) / sum_k exp(z_k) along ``axis`` (the classes)."""
    return ops.softmax(z, axis)


class Identity(Module):
    """The identity activation, for regression outputs.

    >>> import tinygraph as tg
    >>> z = tg.tensor([[1.0, -2.0]])
    >>> tg.nn.Identity()(z) is z
    True
    """

    def forward(self, z: TensorLike) -> TensorLike:
        return identity(z)


class Step(Module):
    """The Heaviside step of the perceptron: 1 where z >= 0, else 0.

    >>> import tinygraph as tg
    >>> tg.nn.Step()(tg.tensor([[-1.0, 0.0, 2.0]])).data
    array([[0., 1., 1.]])
    """

    def forward(self, z: TensorLike) -> Tensor:
        return step(z)


class Sigmoid(Module):
    """The logistic sigmoid, 1 / (1 + exp(-z)).

    >>> import tinygraph as tg
    >>> tg.nn.Sigmoid()(tg.tensor([[0.0]])).data
    array([[0.5]])
    """

    def forward(self, z: TensorLike) -> Tensor:
        return sigmoid(z)


class Tanh(Module):
    """The hyperbolic tangent.

    >>> import tinygraph as tg
    >>> tg.nn.Tanh()(tg.tensor([[0.0]])).data
    array([[0.]])
    """

    def forward(self, z: TensorLike) -> Tensor:
        return tanh(z)


class ReLU(Module):
    """The rectifier max(0, z).

    >>> import tinygraph as tg
    >>> tg.nn.ReLU()(tg.tensor([[-1.0, 3.0]])).data
    array([[0., 3.]])
    """

    def forward(self, z: TensorLike) -> Tensor:
        return relu(z)


class Softmax(Module):
    """Softmax along ``axis`` (default 0: the classes, one column per example).

    >>> import tinygraph as tg
    >>> tg.nn.Softmax()(tg.tensor([[0.0], [0.0]])).data
    array([[0.5],
           [0.5]])
    """

    def __init__(self, axis: int = 0) -> None:
        super().__init__()
        self.axis = axis

    def forward(self, z: TensorLike) -> Tensor:
        return softmax(z, self.axis)

    def extra_repr(self) -> str:
        return f"axis={self.axis}"
