"""The nodes that cost functions are built from.

Two kinds live here:

* the notes' composite cost nodes, so a cost's graph has the notes'
  u-variables one for one: ``mix`` is ``u4 = Y * u2 + (1 - Y) * u3`` and
  ``neg_mean`` is ``u5 = -(1/m) sum_i u4``;
* fused, numerically stable costs that take logits ``Z`` instead of
  probabilities. They never form ``log(sigmoid(z))`` or ``log(softmax(z))``
  from rounded probabilities, so logits of +-1000 give finite costs, and
  their backward is the closed form dJ/dZ = (A - Y) / m.

Layout: features x examples, so ``m`` is the number of columns and softmax
runs over axis 0 (the classes).
"""

from __future__ import annotations

import math

import numpy as np

from ..maths import numeric
from ..naming import describe
from ..op import Elementwise, Op
from ..tensor import Tensor, TensorLike


def _examples(shape):
    """The number of examples: the last axis (1 for a scalar or vector)."""
    return shape[-1] if len(shape) >= 2 else 1


# ----- the notes' composite cost nodes -------------------------------------


class Mix(Elementwise):
    """y * a + (1 - y) * b: d/dy = a - b, d/da = y, d/db = 1 - y.

    The notes' ``u4 = y u2 + (1 - y) u3`` of the cross-entropy graphs, one
    node as the notes draw it.
    """

    name = "mix"

    def render(self, y, a, b):
        return f"{y} * {a} + (1 - {y}) * {b}"

    def maths(self, m, y, a, b):
        return y * a + (1 - y) * b

    def derivative(self, m, i, out, y, a, b):
        return (a - b, y, 1 - y)[i]


class NegMean(Op):
    """-(1/n) sum(x) over ``axis`` (all entries when None), n = ``count``, the
    number of entries averaged: d/dx = -1/n for every entry.

    The notes' ``J = -(1/m) sum_i u_i``, one node as the notes draw it.
    """

    name = "neg_mean"
    rules = ("-{g} / n copied to every entry that was averaged",)
    __slots__ = ("axis", "count")

    def __init__(self, axis, count):
        self.axis, self.count = axis, count

    def render(self, x):
        axis = "" if self.axis is None else f", axis={self.axis}"
        return f"-sum({x}{axis}) / {self.count}"

    def maths(self, m, x):
        return -m.sum(x, axis=self.axis) / self.count

    def backward(self, m, g, needs, out, x):
        if self.axis is not None:
            g = m.expand_dims(g, self.axis)
        return (m.broadcast_to(-g / self.count, m.shape(x)),)


# ----- fused, numerically stable costs on logits -------------------------


def _labels_like(y, z):
    """The labels Y in the shape of the logits Z: Y may broadcast to Z's
    shape (one column of labels for every example), but not stretch Z.

    NOTE: a transposed Y, (m, K) against Z's (K, m), would otherwise be
    summed against the wrong entries (np.vdot reads both flat) or broadcast
    Z to (m, m) (m times the cost): a plain number, silently wrong. NumPy's
    error here names both shapes, and Op.apply adds the op and its operands.
    """
    return y if np.shape(y) == z.shape else np.broadcast_to(y, z.shape)


class SigmoidCrossEntropy(Op):
    """J = -(1/m) sum(Y log sigmoid(Z) + (1 - Y) log(1 - sigmoid(Z))).

    With log sigmoid(z) = -softplus(-z) and log(1 - sigmoid(z)) = -softplus(z),
    each term is softplus(z) - y z, which stays finite for any finite z
    (logits of +-1e308 included). An infinite logit gives the limit, with
    0 log 0 = 0 as in the softmax cost: its term is 0 where the label
    agrees (z = inf, y = 1) and inf where it does not (PyTorch gives nan
    for some of these: 0 * inf).
    dJ/dZ = (sigmoid(Z) - Y) / m and dJ/dY = -Z / m. The sum runs over
    every entry, so one row is binary cross-entropy and several rows are
    multi-label cross-entropy summed over the labels.
    """

    name = "bce_with_logits"
    rules = ("({g} / m) * (sigmoid({0}) - {1})", "-({g} / m) * {0}")

    def render(self, z, y):
        return f"bce_with_logits({z}, {y})"

    def maths(self, m, z, y):
        terms = y * m.log_sigmoid(z) + (1 - y) * m.log_sigmoid(-z)
        return -m.sum(terms) / _examples(m.shape(z))

    def forward(self, z, y):
        y = _labels_like(y, z)
        # softplus(z) - y z, with softplus(z) = -log sigmoid(-z)
        terms = -numeric.log_sigmoid(-z) - y * z
        # NOTE: divide before summing: terms near the largest float (logits of
        # 1e308) would overflow their sum even where their mean fits.
        cost = np.sum(terms / _examples(z.shape))
        if not math.isfinite(cost):
            cost = self._careful_cost(z, y)
        return np.asarray(cost, dtype=terms.dtype)

    @staticmethod
    def _careful_cost(z, y):
        """The cost where an infinite logit made a term nan (inf - inf, or
        0 * inf): each of y log sigmoid(z) and (1 - y) log sigmoid(-z) is
        counted only where its weight is not 0 (0 log 0 = 0)."""
        terms = np.zeros(z.shape, np.result_type(y, z))
        np.multiply(y, numeric.log_sigmoid(z), out=terms, where=y != 0)
        rest = np.zeros_like(terms)
        np.multiply(1 - y, numeric.log_sigmoid(-z), out=rest, where=y != 1)
        return -np.sum((terms + rest) / _examples(z.shape)) + 0.0  # not -0.0

    def backward(self, m, g, needs, out, z, y):
        scale = g / _examples(m.shape(z))  # J is a scalar: one number
        return (
            (m.sigmoid(z) - y) * scale if needs[0] else None,
            -z * scale if needs[1] else None,
        )


class SoftmaxCrossEntropy(Op):
    """J = -(1/m) sum(Y log softmax(Z)), softmax over ``axis`` (the classes).

    log softmax(z) = z - max(z) - log sum exp(z - max(z)) never rounds a
    probability to 0 first, and a term with label 0 counts as 0 (0 log 0 = 0),
    so the cost is finite for any finite logits and for masked ones (-inf)
    whose label is 0. It is inf only where an example's cost is too large for
    a float (a label on a masked class, say), and nan only where a column of
    Z has no softmax (every logit -inf, or one +inf or nan).
    dJ/dZ = (softmax(Z) sum_classes(Y) - Y) / m, which is the notes'
    (A - Y) / m when each column of Y sums to 1 (``one_hot=True`` says the
    caller has checked that), and dJ/dY = -log softmax(Z) / m.
    """

    name = "cross_entropy_with_logits"
    rules = (
        "({g} / m) * (softmax({0}) * sum({1}) - {1})",
        "-({g} / m) * log_softmax({0})",
    )
    keeps = True  # the softmax, which backward needs and forward has on the way
    __slots__ = ("axis", "one_hot")

    def __init__(self, axis=0, one_hot=False):
        self.axis = axis
        self.one_hot = one_hot

    def render(self, z, y):
        return f"cross_entropy_with_logits({z}, {y})"

    def examples(self, shape):
        """m, the number of examples: every axis but the classes'."""
        return math.prod(shape) // max(shape[self.axis], 1)

    def maths(self, m, z, y):
        return -m.sum(y * m.log_softmax(z, self.axis)) / self.examples(m.shape(z))

    def forward(self, z, y):
        y = _labels_like(y, z)
        shifted = z - z.max(axis=self.axis, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=self.axis, keepdims=True)
        log_a = shifted - np.log(total)
        m = self.examples(z.shape)
        # sum(Y log A) over every entry, as one dot product
        cost = -np.vdot(y, log_a) / m
        if not math.isfinite(cost):
            cost = self._careful_cost(y, log_a, m)
        return np.asarray(cost, dtype=log_a.dtype), exp / total

    @staticmethod
    def _careful_cost(y, log_a, m):
        """The cost where the dot product could not give it: a masked logit
        (-inf), or one over 1.8e308 below its column's max, has log a = -inf.
        Where its label is 0 the term is 0 log 0 = 0, but 0 * -inf is nan in
        floating point, so multiply only where y != 0; and divide before
        summing, so terms near the largest float cannot overflow a sum whose
        mean fits."""
        terms = np.zeros(log_a.shape, np.result_type(y, log_a))
        np.multiply(y, log_a, out=terms, where=y != 0)
        terms /= m
        return -terms.sum()

    def backward(self, m, g, needs, out, z, y, kept=None):
        scale = g / self.examples(z.shape)  # J is a scalar: one number
        grad_z = grad_y = None
        if needs[0]:
            # the notes' A, kept by the numeric forward pass
            a = m.softmax(z, self.axis) if kept is None else kept
            if not self.one_hot:  # scale by each column's total label weight
                a = a * m.sum(y, axis=self.axis, keepdims=True)
            grad_z = (a - y) * scale
        if needs[1]:
            grad_y = -m.log_softmax(z, self.axis) * scale
        return grad_z, grad_y


# These ops have no settings, so one of each serves every node.
_mix, _sigmoid_cross_entropy = Mix(), SigmoidCrossEntropy()


def mix(y: TensorLike, a: TensorLike, b: TensorLike) -> Tensor:
    return _mix.apply(y, a, b)


def neg_mean(x: TensorLike, axis: int | tuple[int, ...] | None = None) -> Tensor:
    """-(1/n) sum(x) over ``axis``, n the number of entries averaged."""
    shape = np.shape(x)
    axes = range(len(shape)) if axis is None else np.atleast_1d(axis)
    try:
        count = math.prod(shape[a] for a in axes)
    except (IndexError, TypeError):
        raise ValueError(
            f"neg_mean: cannot apply to {describe(x)}: it has no axis {axis}"
        ) from None
    return NegMean(axis, count).apply(x)


def sigmoid_cross_entropy(z: TensorLike, y: TensorLike) -> Tensor:
    return _sigmoid_cross_entropy.apply(z, y)


def softmax_cross_entropy(
    z: TensorLike, y: TensorLike, axis: int = 0, one_hot: bool = False
) -> Tensor:
    return SoftmaxCrossEntropy(axis, one_hot).apply(z, y)
