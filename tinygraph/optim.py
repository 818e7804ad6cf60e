"""Optimisers: gradient descent with momentum.

An optimiser holds a list of parameter tensors and updates their ``data``
in place from their ``.grad`` after ``J.backward()``. The loop is the
notes' gradient descent; which examples go into each gradient (all of them,
one, or a mini-batch) is up to the caller, see ``tg.data.batches``.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterable

import numpy as np

from .tensor import Tensor


class SGD:
    """Gradient descent with (heavy-ball) momentum.

    With learning rate alpha = ``lr`` and momentum rate mu = ``momentum`` (the
    notes' symbols), every ``step()`` updates each parameter W with its
    gradient dJ/dW through a velocity V that starts at 0:

        V := mu V - alpha dJ/dW
        W := W + V

    so V is a running, exponentially decaying sum of past steps. With
    ``momentum=0`` this is W := W - alpha dJ/dW, plain gradient descent
    (batch, mini-batch or online depending on the examples in J). For a
    fixed learning rate it equals PyTorch's form v := mu v + dJ/dW,
    W := W - alpha v (with V = -alpha v).

    Parameters
    ----------
    params : iterable of tensors that require gradients (``model.parameters()``).
    lr : the learning rate alpha, a positive number.
    momentum : mu, in [0, 1).

    Examples
    --------
    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.SGD([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()
    >>> w.data
    array([0.8])
    """

    params: list[Tensor]
    lr: float
    momentum: float
    velocities: list[np.ndarray]  # V, one per parameter

    def __init__(
        self, params: Iterable[Tensor], lr: float, momentum: float = 0.0
    ) -> None:
        self.params = list(params)
        # each tensor's first position (tensors hash by identity)
        position: dict[Tensor, int] = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"SGD: params[{i}] is a {type(p).__name__}, not a tensor"
                )
            if not p.requires_grad:
                raise ValueError(
                    f"SGD: params[{i}] ({_describe(p)}) does not require "
                    "gradients, so it can never be updated"
                )
            if p in position:
                raise ValueError(
                    f"SGD: params[{position[p]}] and params[{i}] are the same "
                    f"tensor ({_describe(p)}), so every step would move it twice; "
                    "pass each parameter once (model.parameters() does)"
                )
            position[p] = i
        if not self.params:
            raise ValueError("SGD: params is empty; pass model.parameters()")
        if (
            isinstance(lr, bool)
            or not isinstance(lr, numbers.Real)
            or not 0 < lr < np.inf
        ):
            raise ValueError(
                f"SGD: lr (the learning rate) must be a positive number, got {lr!r}"
            )
        if (
            isinstance(momentum, bool)
            or not isinstance(momentum, numbers.Real)
            or not 0 <= momentum < 1
        ):
            raise ValueError(
                f"SGD: momentum must be a number in [0, 1), got {momentum!r}"
            )
        self.lr = float(lr)
        self.momentum = float(momentum)
        self.velocities = [np.zeros_like(p.data) for p in self.params]

    def step(self) -> None:
        """Move every parameter that has a gradient one step downhill.

        Every gradient is checked before any parameter moves, so a bad one
        leaves the model as it was.
        """
        for i, p in enumerate(self.params):
            _check_gradient(i, p)
        # Each update makes a new array (p.numpy() reads the values without
        # copying them): a graph that used the old values keeps them.
        for p, v in zip(self.params, self.velocities):
            if p.grad is None:
                continue
            if self.momentum == 0:
                p.data = p.numpy() - self.lr * p.grad  # W := W - alpha dJ/dW
                continue
            # V := mu V - alpha dJ/dW, in place so V keeps W's dtype
            v *= self.momentum
            v -= self.lr * p.grad
            p.data = p.numpy() + v

    def zero_grad(self) -> None:
        """Forget the gradients, which would otherwise add up across backward()."""
        for p in self.params:
            p.grad = None


def _describe(p):
    return f"{p.name or 'unnamed'}, shape {p.shape}"


def _check_gradient(i, p):
    """``p.grad`` must be None or an array of p's own shape and dtype."""
    grad = p.grad
    if grad is None:
        return
    values = p.numpy()
    if (
        type(grad) is np.ndarray
        and grad.shape == values.shape
        and grad.dtype == values.dtype
    ):
        return  # the usual case, checked first
    if not isinstance(grad, (np.ndarray, np.generic)):
        raise TypeError(
            f"SGD.step: params[{i}] ({_describe(p)}) has a gradient of type "
            f"{type(grad).__name__}; .grad must be a NumPy array or None"
        )
    # NOTE: the in-place update would broadcast a (1, n) or (n,) gradient over
    # an (m, n) parameter without complaint, moving every row by the same step.
    if grad.shape != p.shape:
        raise ValueError(
            f"SGD.step: params[{i}] ({p.name or 'unnamed'}) has shape {p.shape} "
            f"but its gradient has shape {grad.shape}; they must match"
        )
    # NOTE: a gradient of another dtype would be cast silently by the in-place
    # update (a float64 step rounded into a float32 parameter, say).
    if grad.dtype != p.dtype:
        raise TypeError(
            f"SGD.step: params[{i}] ({_describe(p)}) is {p.dtype} but its "
            f"gradient is {grad.dtype}; a gradient must have its parameter's "
            f"dtype (set .grad to grad.astype(np.{p.dtype}))"
        )
