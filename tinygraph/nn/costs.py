"""Cost functions, each averaging over the m examples (the columns).

Every cost that takes probabilities ``A`` is composed from engine ops in
the order the notes write it, so its graph shows the notes' u-variables;
for binary cross-entropy on a leaf ``A`` the equations read

    u1 = 1 - A,  u2 = log(A),  u3 = log(u1),
    u4 = Y * u2 + (1 - Y) * u3,  u5 = -sum(u4) / m.

Beside each cross-entropy sits a ``_with_logits`` form taking ``Z`` (the
output layer before its sigmoid or softmax). It is one fused node built on
log-sigmoid or log-softmax, so it stays finite when the outputs saturate
(logits of +-1000), where ``log(sigmoid(1000) - 1)`` is log 0. Train with
the fused forms; draw with the composed ones.

``Y`` may be a NumPy array or a tensor of the same shape as ``A``. It is a
constant of the graph, shown as a leaf named "Y". The softmax costs
(``cross_entropy``, ``cross_entropy_with_logits``, ``nll_loss``) also take
class indices, one integer per example (``labels[i]`` is the class of
column i), as PyTorch does; they become the one-hot ``Y`` first, so the
graph and dJ/dZ = (A - Y) / m are the notes' own.
"""

from __future__ import annotations

import numpy as np

from .. import ops
from ..tensor import Tensor, TensorLike


def _output(A: TensorLike, cost: str, what: str = "A") -> Tensor:
    """``A`` as a tensor of shape (outputs, m)."""
    if not isinstance(A, Tensor):
        A = Tensor(A)
    if A.ndim != 2:
        raise ValueError(
            f"{cost}: {what} must be 2-D, (outputs, m) with one column per example, "
            f"got shape {A.shape}"
        )
    if A.shape[1] == 0:
        # the costs average over the m examples: 0/0 has no meaning
        raise ValueError(
            f"{cost}: {what} has no examples (shape {A.shape}); m must be >= 1"
        )
    return A


def _target(Y: TensorLike, A: Tensor, cost: str, what: str = "A") -> Tensor:
    """``Y`` as a graph leaf named "Y", checked against ``A``'s shape."""
    data = Y.numpy() if isinstance(Y, Tensor) else np.asarray(Y)
    if data.dtype.kind not in "biuf":
        raise TypeError(f"{cost}: Y must hold numbers, got dtype {data.dtype}")
    if data.shape != A.shape:
        raise ValueError(
            f"{cost}: Y has shape {data.shape} but {what} has shape {A.shape}; "
            f"they must match (outputs x m examples)"
        )
    if isinstance(Y, Tensor) and Y.requires_grad:
        return Y
    # a constant: in A's dtype, so float64 labels keep a float32 cost float32
    name = Y.name if isinstance(Y, Tensor) and Y.name is not None else "Y"
    if isinstance(Y, Tensor) and Y.dtype == A.dtype and Y.name is not None:
        return Y
    if isinstance(Y, Tensor) and Y.dtype == A.dtype:
        return Y.detach().named(name)  # a leaf that shares Y's values
    # a leaf of its own: a copy, so the caller's array is never made
    # read-only by the graph (see Tensor.data)
    return Tensor._from_op(np.array(data, dtype=A.dtype)).named(name)


def _check_one_row(A, cost, instead, what="A"):
    if A.shape[0] != 1:
        raise ValueError(
            f"{cost}: {what} has shape {A.shape}, but binary classification has "
            f"one output row, shape (1, m); for {A.shape[0]} labels per example "
            f"use {instead}"
        )


def _check_probabilities(A, cost, logits_form):
    _check_unit_interval(
        A.numpy(),
        f"{cost}: A must hold probabilities in [0, 1]",
        f"; to pass the output layer's Z (logits) use {logits_form}",
    )


def _check_labels_in_unit_interval(Y, cost):
    _check_unit_interval(Y.numpy(), f"{cost}: labels Y must lie in [0, 1]")


def _check_unit_interval(data, must, hint=""):
    """Raise ``must`` and what was found unless every entry is in [0, 1]."""
    if not data.size:
        return
    low, high = data.min(), data.max()
    # NOTE: written as "inside" rather than "low < 0 or high > 1": NaN fails
    # every comparison, and min and max are NaN as soon as one entry is.
    if 0 <= low and high <= 1:
        return
    _refuse_nan(data, must)
    raise ValueError(f"{must}, but its values run from {low:.4g} to {high:.4g}{hint}")


def _refuse_nan(data, must):
    """Raise ``must``, with where and how many, if ``data`` holds NaN."""
    nan = np.isnan(data)
    if nan.any():
        first = tuple(int(k) for k in np.argwhere(nan)[0])
        raise ValueError(
            f"{must}, but it holds NaN in {np.count_nonzero(nan)} of its "
            f"{data.size} entries, the first at {first}"
        )


def _check_log_probabilities(log_probs, cost):
    """Raise unless every entry is a log-probability, log a <= 0.

    NOTE: probabilities or logits passed instead have positive entries, and
    the cost would come out a plain number, even a negative one.
    """
    data = log_probs.numpy()
    if not data.size or data.max() <= 0:  # (NaN fails the comparison)
        return
    must = f"{cost}: log_probs must hold log-probabilities, log A <= 0"
    _refuse_nan(data, must)
    first = tuple(int(k) for k in np.argwhere(data > 0)[0])
    raise ValueError(
        f"{must}, but log_probs of shape {data.shape} holds "
        f"{np.count_nonzero(data > 0)} positive entries (the largest "
        f"{data.max():.4g}), the first at {first}; pass log_softmax(Z, axis=0), "
        "or use cross_entropy_with_logits(Z, Y) for logits and "
        "cross_entropy(A, Y) for probabilities"
    )


def _check_columns_sum_to_one(totals, dtype, cost, what):
    """Raise unless every column's total is 1 (to rounding): one example's
    probabilities over the classes.

    NOTE: a softmax over the wrong axis (axis=1, PyTorch's layout) gives
    entries in [0, 1] whose rows sum to 1, not the columns: the cost would be
    a plain number for a model that normalises over the examples.
    """
    bad = np.flatnonzero(~(np.abs(totals - 1) <= np.sqrt(np.finfo(dtype).eps)))
    if bad.size:
        column = int(bad[0])
        raise ValueError(
            f"{cost}: each column of {what} (one example) must hold the "
            f"probabilities of the classes, summing to 1 as softmax(Z, axis=0) "
            f"gives, but column {column} sums to {totals[column]:.4g} ({bad.size} "
            f"of {totals.size} columns); a softmax over axis=1 normalises the "
            "rows (the examples) instead"
        )


def _check_not_probabilities(Z, cost):
    """Raise if the logits Z are softmax probabilities already: entries in
    [0, 1] and every column summing to 1.

    NOTE: a network that ends in a softmax, passed here, is trained on
    softmax(softmax(Z)) without a word (PyTorch has the same trap). One min
    is all the usual case costs: logits almost always have a negative entry.
    """
    data = Z.numpy()
    if Z.shape[0] < 2 or not data.min() >= 0 or not data.max() <= 1:
        return
    totals = data.sum(axis=0)
    if np.all(np.abs(totals - 1) <= np.sqrt(np.finfo(data.dtype).eps)):
        raise ValueError(
            f"{cost}: Z of shape {Z.shape} holds probabilities (entries in [0, 1], "
            "every column summing to 1), not logits: did the network end with a "
            "softmax? Pass Z, the output layer before its softmax, or use "
            "cross_entropy(A, Y) on the probabilities"
        )


def _check_one_hot(Y, cost):
    data = Y.numpy()
    # Fast test, run every step: with exactly m nonzero entries and no
    # column summing to anything but 1, each column holds a single nonzero,
    # and it is 1. (count_nonzero is one C call; .all() is slower here.)
    m = data.shape[1]
    column_sums = data.sum(axis=0)
    if np.count_nonzero(data) == m and not np.count_nonzero(column_sums != 1):
        return
    is_binary = (data == 0) | (data == 1)
    bad = np.flatnonzero(~is_binary.all(axis=0) | (column_sums != 1))
    if bad.size:
        column = int(bad[0])
        raise ValueError(
            f"{cost}: Y must be one-hot, exactly one 1 per column and 0 "
            f"elsewhere, but column {column} is {data[:, column].tolist()} "
            f"({bad.size} bad columns of {m}); for integer labels pass them "
            f"as a 1-D integer array, one class index per example"
        )


def _one_hot_target(Y: TensorLike, A: Tensor, cost: str, what: str = "A") -> Tensor:
    """``Y`` as a one-hot leaf named "Y": checked one-hot, or built from
    class indices (a 1-D integer array, one per example)."""
    if (Y.ndim if isinstance(Y, Tensor) else np.ndim(Y)) != 1:
        Y = _target(Y, A, cost, what)
        _check_one_hot(Y, cost)
        return Y
    labels = Y.numpy() if isinstance(Y, Tensor) else np.asarray(Y)
    n_classes, m = A.shape
    if labels.dtype.kind not in "iu":
        # a tensor is never one: tg.tensor makes integer data float64
        raise TypeError(
            f"{cost}: class indices must be a 1-D integer array, got dtype "
            f"{labels.dtype}; for one-hot labels pass Y of shape {A.shape}"
        )
    if labels.shape != (m,):
        raise ValueError(
            f"{cost}: {labels.shape[0]} class indices for {what} of shape "
            f"{A.shape}; pass one per example, {m} (or one-hot Y of shape "
            f"{A.shape})"
        )
    # NOTE: NumPy would read -1 as the last class: check the range first
    bad = np.flatnonzero((labels < 0) | (labels >= n_classes))
    if bad.size:
        i = int(bad[0])
        raise ValueError(
            f"{cost}: class indices must lie in [0, {n_classes}) for {what} of "
            f"shape {A.shape}, but labels[{i}] is {labels[i]} ({bad.size} out "
            f"of range)"
        )
    # one 1 per column, in the row of its class; in A's dtype, as _target does
    one_hot = np.zeros(A.shape, dtype=A.dtype)
    one_hot[labels, np.arange(m)] = 1
    return Tensor._from_op(one_hot).named("Y")


# ----- costs on outputs, as the notes write them ---------------------------


def mse(A: TensorLike, Y: TensorLike) -> Tensor:
    """The quadratic cost J = 1/(2m) sum (A - Y)^2, summed over outputs too.

    dJ/dA = (A - Y) / m: with an identity output layer that is the
    output error (A - Y) / m of the notes.

    >>> import tinygraph as tg
    >>> A = tg.tensor([[1.0, 2.0]], requires_grad=True)
    >>> J = tg.nn.mse(A, [[0.0, 0.0]])
    >>> J.backward()
    >>> J.item(), A.grad
    (1.25, array([[0.5, 1. ]]))
    """
    A = _output(A, "mse")
    Y = _target(Y, A, "mse")
    m = A.shape[1]
    return ((A - Y) ** 2).sum() / (2 * m)


def binary_cross_entropy(A: TensorLike, Y: TensorLike) -> Tensor:
    """J = -1/m sum(Y log A + (1 - Y) log(1 - A)) for one sigmoid output row.

    A has shape (1, m) and holds probabilities; Y has labels in [0, 1].
    Its graph is the notes' u0 ... u5; with a sigmoid output layer,
    dJ/dZ = (A - Y) / m.

    >>> import tinygraph as tg
    >>> A = tg.tensor([[0.9, 0.2]], requires_grad=True)
    >>> round(tg.nn.binary_cross_entropy(A, [[1, 0]]).item(), 4)
    0.1643
    """
    cost = "binary_cross_entropy"
    A = _output(A, cost)
    _check_one_row(A, cost, "multilabel_bce")
    _check_probabilities(A, cost, "binary_cross_entropy_with_logits")
    Y = _target(Y, A, cost)
    _check_labels_in_unit_interval(Y, cost)
    return ops.neg_mean(_log_likelihoods(A, Y))


def multilabel_bce(A: TensorLike, Y: TensorLike) -> Tensor:
    """Multi-label cross-entropy: one binary cross-entropy per output row,
    summed over the rows, J = sum_j -1/m sum_i (y log a + (1 - y) log(1 - a)).

    Its graph is the notes' u0 ... u6: u5 = -1/m sum over the examples of
    each label, u6 = J their sum. With sigmoid outputs dJ/dZ = (A - Y) / m.

    >>> import tinygraph as tg
    >>> A = tg.tensor([[0.9, 0.2], [0.5, 0.5]], requires_grad=True)
    >>> round(tg.nn.multilabel_bce(A, [[1, 0], [1, 1]]).item(), 4)
    0.8574
    """
    cost = "multilabel_bce"
    A = _output(A, cost)
    _check_probabilities(A, cost, "multilabel_bce_with_logits")
    Y = _target(Y, A, cost)
    _check_labels_in_unit_interval(Y, cost)
    per_label = ops.neg_mean(_log_likelihoods(A, Y), axis=1)
    return per_label.sum()


def _log_likelihoods(A, Y):
    """u1 = 1 - A, u2 = log A, u3 = log u1, u4 = Y u2 + (1 - Y) u3."""
    one_minus_a = 1 - A
    log_a = A.log()
    log_one_minus_a = one_minus_a.log()
    return ops.mix(Y, log_a, log_one_minus_a)


def cross_entropy(A: TensorLike, Y: TensorLike) -> Tensor:
    """Softmax log-loss J = -1/m sum_i sum_j y_ji log a_ji against one-hot Y
    (or class indices, made one-hot first).

    A holds the softmax probabilities, one column per example (each column
    must sum to 1: a softmax over axis=1 is refused). The graph is
    the notes' u1 = log A, u2 = Y * u1, u3 = sum over the classes,
    u4 = -sum(u3) / m; with a softmax output layer dJ/dZ = (A - Y) / m.

    >>> import tinygraph as tg
    >>> A = tg.tensor([[0.7, 0.1], [0.3, 0.9]], requires_grad=True)
    >>> round(tg.nn.cross_entropy(A, [[1, 0], [0, 1]]).item(), 4)
    0.231
    """
    cost = "cross_entropy"
    A = _output(A, cost)
    _check_probabilities(A, cost, "cross_entropy_with_logits")
    Y = _one_hot_target(Y, A, cost)
    _check_columns_sum_to_one(A.numpy().sum(axis=0), A.dtype, cost, "A")
    per_example = (Y * A.log()).sum(axis=0)
    return ops.neg_mean(per_example)


def nll_loss(log_probs: TensorLike, labels: TensorLike) -> Tensor:
    """Negative log-likelihood J = -1/m sum_i log a_(y_i, i), from log A.

    ``log_probs`` is log A, shape (classes, m), as ``log_softmax(axis=0)``
    gives; ``labels`` holds each example's class index y_i (a 1-D integer
    array of length m) or is the one-hot Y. Every entry of log A must be
    <= 0 and each column of A sum to 1: probabilities, logits or a
    log-softmax over the wrong axis are refused.
    ``nll_loss(log_softmax(Z), y)`` is ``cross_entropy_with_logits(Z, y)``,
    masked classes (logit -inf) included.
    The graph is the notes' softmax log-loss from u1 = log A on:
    u2 = Y * u1, u3 = sum over the classes, u4 = -sum(u3) / m.

    >>> import numpy as np
    >>> import tinygraph as tg
    >>> log_a = tg.tensor(np.log([[0.7, 0.1], [0.3, 0.9]]), requires_grad=True)
    >>> round(tg.nn.nll_loss(log_a, np.array([0, 1])).item(), 4)
    0.231
    """
    cost = "nll_loss"
    log_probs = _output(log_probs, cost, "log_probs")
    Y = _one_hot_target(labels, log_probs, cost, "log_probs")
    _check_log_probabilities(log_probs, cost)
    totals = np.exp(log_probs.numpy()).sum(axis=0)  # of A = exp(log A)
    _check_columns_sum_to_one(totals, log_probs.dtype, cost, "exp(log_probs)")
    per_example = _picked(Y, log_probs).sum(axis=0)
    return ops.neg_mean(per_example)


def _picked(Y, log_probs):
    """u2 = Y * u1: each example's log a at its class, 0 elsewhere.

    NOTE: a masked class has log a = -inf, and 0 * -inf is NaN (PyTorch's
    nll_loss picks the entries and gives a finite cost); there the entries
    are picked with ``where`` instead, which has the same values and
    gradient everywhere else.
    """
    data = log_probs.numpy()
    if np.isfinite(data.min()):
        return Y * log_probs
    return ops.where(Y.numpy() != 0, log_probs, 0.0)


# ----- the stable forms, on logits -----------------------------------------


def binary_cross_entropy_with_logits(Z: TensorLike, Y: TensorLike) -> Tensor:
    """``binary_cross_entropy(sigmoid(Z), Y)`` computed from the logits Z.

    Each term is log(1 + exp(z)) - y z, written with log-sigmoid so that no
    probability is rounded to 0 or 1 first; dJ/dZ = (sigmoid(Z) - Y) / m.

    >>> import tinygraph as tg
    >>> Z = tg.tensor([[1000.0, -1000.0]], requires_grad=True)
    >>> J = tg.nn.binary_cross_entropy_with_logits(Z, [[0, 1]])
    >>> J.item()
    1000.0
    """
    cost = "binary_cross_entropy_with_logits"
    Z = _output(Z, cost, "Z")
    _check_one_row(Z, cost, "multilabel_bce_with_logits", "Z")
    Y = _target(Y, Z, cost, "Z")
    _check_labels_in_unit_interval(Y, cost)
    return ops.sigmoid_cross_entropy(Z, Y)


def multilabel_bce_with_logits(Z: TensorLike, Y: TensorLike) -> Tensor:
    """``multilabel_bce(sigmoid(Z), Y)`` computed stably from the logits Z.

    >>> import tinygraph as tg
    >>> Z = tg.tensor([[0.0, 0.0], [0.0, 0.0]], requires_grad=True)
    >>> round(tg.nn.multilabel_bce_with_logits(Z, [[1, 0], [1, 1]]).item(), 4)
    1.3863
    """
    cost = "multilabel_bce_with_logits"
    Z = _output(Z, cost, "Z")
    Y = _target(Y, Z, cost, "Z")
    _check_labels_in_unit_interval(Y, cost)
    return ops.sigmoid_cross_entropy(Z, Y)


def cross_entropy_with_logits(Z: TensorLike, Y: TensorLike) -> Tensor:
    """``cross_entropy(softmax(Z), Y)`` computed from the logits Z with
    log-softmax; dJ/dZ = (softmax(Z) - Y) / m. It is finite for any finite
    logits, and a masked class (logit -inf) whose label is 0 adds nothing.
    Y is one-hot, shape (classes, m), or holds class indices, one per example.

    >>> import tinygraph as tg
    >>> Z = tg.tensor([[1000.0], [-1000.0]], requires_grad=True)
    >>> tg.nn.cross_entropy_with_logits(Z, [[0], [1]]).item()
    2000.0
    >>> masked = tg.tensor([[0.0], [1.0], [float("-inf")]], requires_grad=True)
    >>> round(tg.nn.cross_entropy_with_logits(masked, [[1], [0], [0]]).item(), 4)
    1.3133
    >>> round(tg.nn.cross_entropy_with_logits(masked, [0]).item(), 4)
    1.3133
    """
    cost = "cross_entropy_with_logits"
    Z = _output(Z, cost, "Z")
    Y = _one_hot_target(Y, Z, cost, "Z")
    _check_not_probabilities(Z, cost)
    return ops.softmax_cross_entropy(Z, Y, axis=0, one_hot=True)
