"""Optimisers: gradient descent with momentum, and Adam, AdamW and RMSprop.

An optimiser holds a list of parameter tensors and, after ``J.backward()``,
moves each one from its ``.grad``. The loop is the notes' gradient descent;
which examples go into each gradient (all of them, one, or a mini-batch) is
up to the caller, see ``tg.data.batches``. The notes' symbols: alpha the
learning rate, mu the momentum rate, W a parameter and dJ/dW its gradient.
Defaults and update formulas are PyTorch's (``torch.optim``), so a model
trains the same step for step in both.

Every step gives each parameter a new array (``W - ...``), never writing
into the old one: a recorded graph may still hold it.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable

import numpy as np

from .tensor import Tensor


class Optimizer:
    """What every optimiser shares: the parameters, checked once; the
    gradients, checked before any parameter moves; and ``zero_grad``.

    A subclass writes only its maths, ``update(i, W, dW)``: the new values of
    ``params[i]`` from its values W and its gradient dW, both arrays of its
    own shape and dtype. It is called only for parameters that have a
    gradient; state (velocities, averages) lives in per-parameter arrays.
    """

    params: list[Tensor]
    lr: float

    def __init__(self, params: Iterable[Tensor], lr: float) -> None:
        name = type(self).__name__
        self.params = list(params)
        # each tensor's first position (tensors hash by identity)
        position: dict[Tensor, int] = {}
        for i, p in enumerate(self.params):
            if not isinstance(p, Tensor):
                raise TypeError(
                    f"{name}: params[{i}] is a {type(p).__name__}, not a tensor"
                )
            if not p.requires_grad:
                raise ValueError(
                    f"{name}: params[{i}] ({_describe(p)}) does not require "
                    "gradients, so it can never be updated"
                )
            if p in position:
                raise ValueError(
                    f"{name}: params[{position[p]}] and params[{i}] are the same "
                    f"tensor ({_describe(p)}), so every step would move it twice; "
                    "pass each parameter once (model.parameters() does)"
                )
            position[p] = i
        if not self.params:
            raise ValueError(f"{name}: params is empty; pass model.parameters()")
        if not _is_number(lr) or not 0 < lr < np.inf:
            raise ValueError(
                f"{name}: lr (the learning rate) must be a positive number, "
                f"got {lr!r}"
            )
        self.lr = float(lr)

    def _setting(self, what: str, value, low: float, high: float = 1.0) -> float:
        """``value`` as a float, checked to lie in [low, high)."""
        if not _is_number(value) or not low <= value < high:
            raise ValueError(
                f"{type(self).__name__}: {what} must be a number in "
                f"[{low:g}, {high:g}), got {value!r}"
            )
        return float(value)

    def _state(self) -> list[np.ndarray]:
        """One array of zeros per parameter, of its shape and dtype."""
        return [np.zeros_like(p.numpy()) for p in self.params]

    def step(self) -> None:
        """Move every parameter that has a gradient one step downhill.

        Every gradient is checked before any parameter moves, so a bad one
        leaves the model as it was. A parameter frozen since the optimiser
        was made (``requires_grad = False``) stays where it is.
        """
        name = type(self).__name__
        params = self.params
        for i, p in enumerate(params):
            grad, W = p.grad, p._data
            # the usual case, tested inline: this runs for every parameter
            # at every step (an equal dtype that is another object is
            # compared properly by _check_gradient)
            if grad is not None and not (
                type(grad) is np.ndarray
                and grad.shape == W.shape
                and grad.dtype is W.dtype
            ):
                _check_gradient(name, i, p)
        for i, p in enumerate(params):
            grad = p.grad
            # NOTE: a parameter frozen since (requires_grad False) gets no new
            # gradient from backward: what .grad holds is stale, not this step's
            if grad is None or not p._requires_grad:
                continue
            W = p._data
            new = self.update(i, W, grad)
            if (
                type(new) is not np.ndarray
                or new.shape != W.shape
                or new.dtype is not W.dtype
            ):
                new = _checked_update(name, i, p, new)
            # The new array is locked (read-only) at once: the next forward
            # pass will hold it, and so has nothing left to lock. Reading
            # p.data gives a writable copy, as for any array a graph holds.
            new.setflags(False)  # write=False (positionally: faster)
            p._data = new
            p._held = True

    def update(self, i: int, W: np.ndarray, dW: np.ndarray) -> np.ndarray:
        """The new values of params[i], a new array: each optimiser's maths."""
        raise NotImplementedError

    def zero_grad(self) -> None:
        """Forget the gradients, which would otherwise add up across backward()."""
        for p in self.params:
            p.grad = None


class SGD(Optimizer):
    """Gradient descent with (heavy-ball or Nesterov) momentum.

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

    ``nesterov=True`` takes the step from the look-ahead: after V is updated,
    W := W + mu V - alpha dJ/dW (PyTorch's W := W - alpha (dJ/dW + mu v)).
    ``weight_decay`` lambda adds lambda W to the gradient first, the
    gradient of the penalty lambda/2 sum W^2 (PyTorch's L2 weight decay).

    Parameters
    ----------
    params : iterable of tensors that require gradients (``model.parameters()``).
    lr : the learning rate alpha, a positive number.
    momentum : mu, in [0, 1).
    nesterov : use Nesterov momentum (needs ``momentum > 0``).
    weight_decay : lambda >= 0.

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

    momentum: float
    nesterov: bool
    weight_decay: float
    velocities: list[np.ndarray]  # V, one per parameter

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float,
        momentum: float = 0.0,
        nesterov: bool = False,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.momentum = self._setting("momentum", momentum, 0)
        self.weight_decay = self._setting("weight_decay", weight_decay, 0, np.inf)
        if nesterov and self.momentum == 0:
            raise ValueError(
                "SGD: nesterov=True needs a momentum in (0, 1), got momentum=0"
            )
        self.nesterov = bool(nesterov)
        self.velocities = self._state()

    def update(self, i, W, dW):
        if self.weight_decay:
            dW = dW + self.weight_decay * W  # the gradient of lambda/2 sum W^2
        if self.momentum == 0:
            return W - self.lr * dW  # W := W - alpha dJ/dW
        # V := mu V - alpha dJ/dW, in place so V keeps W's dtype
        V = self.velocities[i]
        V *= self.momentum
        V -= self.lr * dW
        if self.nesterov:
            return W + self.momentum * V - self.lr * dW  # the look-ahead
        return W + V


class Adam(Optimizer):
    """Adam: steps scaled by running averages of the gradient and its square.

    With g = dJ/dW (plus lambda W for ``weight_decay`` lambda), decay rates
    (beta1, beta2) = ``betas`` and step count t = 1, 2, ...:

        M := beta1 M + (1 - beta1) g            (mean of g, from 0)
        S := beta2 S + (1 - beta2) g^2          (mean of g^2, from 0)
        W := W - alpha (M / (1 - beta1^t)) / (sqrt(S / (1 - beta2^t)) + eps)

    Dividing by 1 - beta^t corrects the averages' bias towards their
    starting 0 in the first steps. PyTorch's defaults and formula (its eps is
    added to sqrt(S) / sqrt(1 - beta2^t), as here).

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0, -1.0], requires_grad=True)
    >>> opt = tg.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward()
    >>> opt.step()  # the first step is about alpha against the gradient's sign
    >>> w.data.round(6)
    array([ 0.9, -0.9])
    """

    betas: tuple[float, float]
    eps: float
    weight_decay: float
    means: list[np.ndarray]  # M, one per parameter
    squares: list[np.ndarray]  # S, one per parameter
    steps: list[int]  # t, one per parameter: a step without gradient skips it

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        if not isinstance(betas, (tuple, list)) or len(betas) != 2:
            raise ValueError(
                f"{type(self).__name__}: betas must be a pair (beta1, beta2), "
                f"got {betas!r}"
            )
        self.betas = (
            self._setting("betas[0]", betas[0], 0),
            self._setting("betas[1]", betas[1], 0),
        )
        self.eps = self._setting("eps", eps, 0, np.inf)
        self.weight_decay = self._setting("weight_decay", weight_decay, 0, np.inf)
        self.means, self.squares = self._state(), self._state()
        self.steps = [0] * len(self.params)

    def update(self, i, W, dW):
        if self.weight_decay:
            dW = dW + self.weight_decay * W  # L2: the gradient of lambda/2 sum W^2
        return W - self._adam_step(i, dW)

    def _adam_step(self, i, g):
        """alpha M_hat / (sqrt(S_hat) + eps), updating M, S and t in place."""
        beta1, beta2 = self.betas
        self.steps[i] += 1
        t = self.steps[i]
        M, S = self.means[i], self.squares[i]
        M *= beta1
        M += (1 - beta1) * g
        S *= beta2
        S += (1 - beta2) * g * g
        correction1, correction2 = 1 - beta1**t, 1 - beta2**t
        # NOTE: math.sqrt, not np.sqrt: a NumPy float64 scalar would turn a
        # float32 step into float64; a Python float keeps W's dtype
        denominator = np.sqrt(S) / math.sqrt(correction2) + self.eps
        return (self.lr / correction1) * M / denominator


class AdamW(Adam):
    """Adam with decoupled weight decay: W shrinks by the factor
    1 - alpha lambda before Adam's step, instead of lambda W joining the
    gradient (where Adam's scaling would weaken it for large gradients).

        W := W (1 - alpha lambda) - alpha M_hat / (sqrt(S_hat) + eps)

    PyTorch's defaults, ``weight_decay`` lambda = 0.01 among them.

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> (w * 0).sum().backward()  # no gradient: only the decay moves W
    >>> opt.step()
    >>> w.data
    array([0.95])
    """

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
    ) -> None:
        super().__init__(params, lr, betas, eps, weight_decay)

    def update(self, i, W, dW):
        return W * (1 - self.lr * self.weight_decay) - self._adam_step(i, dW)


class RMSprop(Optimizer):
    """RMSprop: steps divided by a running root mean square of the gradient.

    With g = dJ/dW (plus lambda W for ``weight_decay`` lambda) and the
    smoothing constant rho = ``alpha`` (PyTorch's name for it; not the
    learning rate, which is ``lr``):

        S := rho S + (1 - rho) g^2              (from 0)
        W := W - lr g / (sqrt(S) + eps)

    With ``momentum`` mu > 0 the scaled step goes through a buffer B, from 0:
    B := mu B + g / (sqrt(S) + eps), W := W - lr B. PyTorch's defaults and
    formula (its ``centered`` variant is not here).

    >>> import tinygraph as tg
    >>> w = tg.tensor([1.0], requires_grad=True)
    >>> opt = tg.optim.RMSprop([w], lr=0.01, alpha=0.75, eps=0.0)
    >>> (w * w).sum().backward()  # g = 2, S = 0.25 * 4 = 1
    >>> opt.step()
    >>> w.data
    array([0.98])
    """

    alpha: float
    eps: float
    weight_decay: float
    momentum: float
    squares: list[np.ndarray]  # S, one per parameter
    buffers: list[np.ndarray]  # B, one per parameter

    def __init__(
        self,
        params: Iterable[Tensor],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
    ) -> None:
        super().__init__(params, lr)
        self.alpha = self._setting("alpha (the smoothing constant)", alpha, 0)
        self.eps = self._setting("eps", eps, 0, np.inf)
        self.weight_decay = self._setting("weight_decay", weight_decay, 0, np.inf)
        self.momentum = self._setting("momentum", momentum, 0)
        self.squares, self.buffers = self._state(), self._state()

    def update(self, i, W, dW):
        if self.weight_decay:
            dW = dW + self.weight_decay * W  # L2: the gradient of lambda/2 sum W^2
        S = self.squares[i]
        S *= self.alpha
        S += (1 - self.alpha) * dW * dW
        scaled = dW / (np.sqrt(S) + self.eps)
        if self.momentum == 0:
            return W - self.lr * scaled
        B = self.buffers[i]
        B *= self.momentum
        B += scaled
        return W - self.lr * B


def _is_number(value) -> bool:
    return isinstance(value, numbers.Real) and not isinstance(value, bool)


def _describe(p):
    return f"{p.name or 'unnamed'}, shape {p.shape}"


def _checked_update(name, i, p, new):
    """An update's result that is not simply an array of p's shape and dtype:
    an array, if it is a NumPy scalar for a 0-d parameter; else an error."""
    new = np.asarray(new)
    if new.shape != p.shape or new.dtype != p.dtype:
        raise TypeError(
            f"{name}.update gave params[{i}] ({_describe(p)}, {p.dtype}) new "
            f"values of shape {new.shape} and dtype {new.dtype}; an update keeps both"
        )
    return new


def _check_gradient(name, i, p):
    """Raise if ``p.grad``, not the usual array of p's own shape and dtype,
    cannot update p."""
    grad = p.grad
    if not isinstance(grad, (np.ndarray, np.generic)):
        raise TypeError(
            f"{name}.step: params[{i}] ({_describe(p)}) has a gradient of type "
            f"{type(grad).__name__}; .grad must be a NumPy array or None"
        )
    # NOTE: the update would broadcast a (1, n) or (n,) gradient over
    # an (m, n) parameter without complaint, moving every row by the same step.
    if grad.shape != p.shape:
        raise ValueError(
            f"{name}.step: params[{i}] ({p.name or 'unnamed'}) has shape {p.shape} "
            f"but its gradient has shape {grad.shape}; they must match"
        )
    # NOTE: a gradient of another dtype would change the parameter's dtype
    # silently (a float64 step turning a float32 parameter into float64).
    if grad.dtype != p.dtype:
        raise TypeError(
            f"{name}.step: params[{i}] ({_describe(p)}) is {p.dtype} but its "
            f"gradient is {grad.dtype}; a gradient must have its parameter's "
            f"dtype (set .grad to grad.astype(np.{p.dtype}))"
        )
