"""Activation functions, as functions and as modules.

The notes' activations: identity (regression outputs), step (the
perceptron), sigmoid, tanh, ReLU and softmax (over axis 0, the classes, in
the features x examples layout); and, as in PyTorch, leaky ReLU, ELU, GELU,
SiLU, softsign and hardtanh. Each function is one node of the graph,
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


def leaky_relu(z: TensorLike, negative_slope: float = 0.01) -> Tensor:
    """g(z) = z for z > 0, else s z; g'(z) = 1 for z > 0, else s."""
    return ops.leaky_relu(z, negative_slope)


def elu(z: TensorLike, alpha: float = 1.0) -> Tensor:
    """g(z) = z for z > 0, else α (exp(z) - 1); g'(z) = 1 for z > 0, else α exp(z)."""
    return ops.elu(z, alpha)


def gelu(z: TensorLike) -> Tensor:
    """g(z) = z Φ(z), Φ the normal distribution function; g'(z) = Φ(z) + z φ(z)."""
    return ops.gelu(z)


def silu(z: TensorLike) -> Tensor:
    """g(z) = z σ(z); g'(z) = σ(z) (1 + z (1 - σ(z)))."""
    return ops.silu(z)


def softsign(z: TensorLike) -> Tensor:
    """g(z) = z / (1 + |z|); g'(z) = 1 / (1 + |z|)^2."""
    return ops.softsign(z)


def hardtanh(z: TensorLike, min_val: float = -1.0, max_val: float = 1.0) -> Tensor:
    """g(z) = z clipped to [min_val, max_val]; g'(z) = 1 strictly inside, else 0."""
    return ops.hardtanh(z, min_val, max_val)


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


class LeakyReLU(Module):
    """z where z > 0, else ``negative_slope`` * z.

    >>> import tinygraph as tg
    >>> tg.nn.LeakyReLU(0.1)(tg.tensor([[-2.0, 3.0]])).data
    array([[-0.2,  3. ]])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, z: TensorLike) -> Tensor:
        return leaky_relu(z, self.negative_slope)

    def extra_repr(self) -> str:
        return f"negative_slope={self.negative_slope}"


class ELU(Module):
    """z where z > 0, else ``alpha`` * (exp(z) - 1).

    >>> import tinygraph as tg
    >>> tg.nn.ELU()(tg.tensor([[0.0, 3.0]])).data
    array([[0., 3.]])
    """

    def __init__(self, alpha: float = 1.0) -> None:
        super().__init__()
        self.alpha = alpha

    def forward(self, z: TensorLike) -> Tensor:
        return elu(z, self.alpha)

    def extra_repr(self) -> str:
        return f"alpha={self.alpha}"


class GELU(Module):
    """z Φ(z), with Φ the normal distribution function (the exact erf form).

    >>> import tinygraph as tg
    >>> tg.nn.GELU()(tg.tensor([[0.0, 1.0]])).data.round(4)
    array([[0.    , 0.8413]])
    """

    def forward(self, z: TensorLike) -> Tensor:
        return gelu(z)


class SiLU(Module):
    """z σ(z), also called swish.

    >>> import tinygraph as tg
    >>> tg.nn.SiLU()(tg.tensor([[0.0]])).data
    array([[0.]])
    """

    def forward(self, z: TensorLike) -> Tensor:
        return silu(z)


class Softsign(Module):
    """z / (1 + |z|).

    >>> import tinygraph as tg
    >>> tg.nn.Softsign()(tg.tensor([[-1.0, 3.0]])).data
    array([[-0.5 ,  0.75]])
    """

    def forward(self, z: TensorLike) -> Tensor:
        return softsign(z)


class Hardtanh(Module):
    """z clipped to [``min_val``, ``max_val``].

    >>> import tinygraph as tg
    >>> tg.nn.Hardtanh()(tg.tensor([[-2.0, 0.5, 2.0]])).data
    array([[-1. ,  0.5,  1. ]])
    """

    def __init__(self, min_val: float = -1.0, max_val: float = 1.0) -> None:
        super().__init__()
        self.min_val, self.max_val = min_val, max_val

    def forward(self, z: TensorLike) -> Tensor:
        return hardtanh(z, self.min_val, self.max_val)

    def extra_repr(self) -> str:
        return f"min_val={self.min_val}, max_val={self.max_val}"
