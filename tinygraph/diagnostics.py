"""How healthy is training? Plain functions that return numbers.

Each takes NumPy arrays (or tensors) and returns floats, so a script, a
test or the training page (``visualize.training_page``) can use them alike:

* ``gradient_norm(*grads)``: sqrt(sum of dW_ij^2) over the arrays given,
  the size of one layer's gradient;
* ``update_ratio(before, after)``: ||W_after - W_before|| / ||W_before||,
  how far one optimiser step moved a layer compared with its size (about
  1e-3 is the usual rule of thumb for a healthy step);
* ``saturated_share(A, activation)``: the share of sigmoid or tanh outputs
  near their flat ends, where the local derivative is close to 0;
* ``dead_share(A)``: the share of ReLU units that output 0 for every
  example of the batch, so that no gradient reaches their weights;
* ``histogram(values)``: NumPy's histogram of the finite entries;
* ``accuracy(output, Y)``: the share of examples classified right;
* ``health_warnings(layers)``: plain sentences for the layers whose
  gradients vanish or explode, whose units saturate or die.

The notes (Wedgwood, the section on activation functions) show why this
matters: backpropagation multiplies the error by g'(z) once per layer, and
the logistic function's derivative is at most 1/4, so in a deep sigmoid
network the gradient shrinks layer after layer towards the input.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from .tensor import Tensor

# Outputs within this distance of an activation's asymptotes count as
# saturated: there sigmoid'(z) = a (1 - a) < 0.0099 (its peak is 1/4) and
# tanh'(z) = 1 - a^2 < 0.0199 (its peak is 1).
SATURATION_TOLERANCE = 0.01
# The flat ends of each squashing activation.
FLAT_ENDS = {"sigmoid": (0.0, 1.0), "tanh": (-1.0, 1.0)}
# A layer whose gradient norm is under 1/100 of the output layer's has a
# vanishing gradient; over 100 times, an exploding one.
VANISHING = 1e-2
EXPLODING = 1e2
# One step that moves a layer's parameters by more than 10% of their size.
UPDATE_TOO_BIG = 0.1
# More than half of a layer's units saturated or dead.
TOO_MANY = 0.5


def _array(values, who: str) -> np.ndarray:
    if isinstance(values, Tensor):
        return values.numpy()
    array = np.asarray(values)
    if array.dtype == object or not np.issubdtype(array.dtype, np.number):
        raise TypeError(
            f"{who}: expected an array of numbers, got {type(values).__name__} "
            f"of dtype {array.dtype}"
        )
    return array


def gradient_norm(*grads) -> float:
    """The Frobenius norm of the arrays taken together: sqrt(sum g^2).

    A layer's gradient norm is ``gradient_norm(W.grad, b.grad)``. NaN when
    any entry is NaN, inf when any is infinite.

    >>> import numpy as np
    >>> gradient_norm(np.array([[3.0, 0.0]]), np.array([[4.0]]))
    5.0
    """
    if not grads:
        raise ValueError("gradient_norm: no arrays given")
    arrays = [_array(g, "gradient_norm").astype(np.float64, copy=False)
              for g in grads]
    # NOTE: g^2 overflows float64 for |g| > 1e154 (and underflows to 0 for
    # |g| < 1e-162), so the sum is taken of (g / s)^2, s the largest |g|:
    # ||g|| = s sqrt(sum (g/s)^2). An inf or NaN entry keeps s = 1.
    scale = max((float(np.max(np.abs(a))) for a in arrays if a.size), default=0.0)
    if not 0.0 < scale < math.inf:
        scale = 1.0
    with np.errstate(over="ignore"):  # beside an inf entry: inf all the same
        squares = sum(float(np.sum(np.square(a / scale))) for a in arrays)
    return scale * math.sqrt(squares)


def update_ratio(before, after) -> float:
    """How far one step moved the parameters: ||after - before|| / ||before||.

    ``before`` and ``after`` are sequences of arrays of matching shapes (a
    layer's W and b) or one array each. A layer that starts at exactly 0
    and moves gets inf; one that does not move gets 0.

    >>> import numpy as np
    >>> round(update_ratio(np.array([3.0, 4.0]), np.array([3.0, 4.05])), 12)
    0.01
    """
    before = _as_list(before)
    after = _as_list(after)
    if len(before) != len(after):
        raise ValueError(
            f"update_ratio: {len(before)} arrays before the step but "
            f"{len(after)} after it"
        )
    moved = []
    for i, (old, new) in enumerate(zip(before, after)):
        old = _array(old, "update_ratio")
        new = _array(new, "update_ratio")
        if old.shape != new.shape:
            raise ValueError(
                f"update_ratio: array {i} has shape {old.shape} before the step "
                f"but {new.shape} after it"
            )
        moved.append(new.astype(np.float64) - old)
    step, size = gradient_norm(*moved), gradient_norm(*before)
    if size == 0.0:
        return 0.0 if step == 0.0 else math.inf
    return step / size


def _as_list(arrays):
    if isinstance(arrays, (list, tuple)):
        return list(arrays)
    return [arrays]


def saturated_share(A, activation: str, tolerance: float = SATURATION_TOLERANCE):
    """The share of entries of ``A`` = g(Z) within ``tolerance`` of g's flat ends.

    ``activation`` is ``"sigmoid"`` (flat towards 0 and 1) or ``"tanh"``
    (flat towards -1 and 1). Entries that are NaN count as not saturated.

    >>> import numpy as np
    >>> saturated_share(np.array([[0.001, 0.5], [0.3, 0.995]]), "sigmoid")
    0.5
    """
    if activation not in FLAT_ENDS:
        raise ValueError(
            f"saturated_share: activation must be one of {sorted(FLAT_ENDS)}, "
            f"got {activation!r}"
        )
    A = _array(A, "saturated_share")
    if A.size == 0:
        raise ValueError(f"saturated_share: A of shape {A.shape} is empty")
    low, high = FLAT_ENDS[activation]
    near = (A <= low + tolerance) | (A >= high - tolerance)
    return float(np.mean(near))


def dead_share(A) -> float:
    """The share of ReLU units (rows of A) that are 0 for every example.

    In the features x examples layout a unit is a row. A dead unit passes
    no gradient back (relu'(z) = 0 for z <= 0), so its weights stop moving.

    >>> import numpy as np
    >>> dead_share(np.array([[0.0, 0.0], [0.0, 2.0], [1.0, 3.0], [0.0, 0.0]]))
    0.5
    """
    A = _array(A, "dead_share")
    if A.ndim != 2 or A.size == 0:
        raise ValueError(
            f"dead_share: A must be units x examples with at least one of each, "
            f"got shape {A.shape}"
        )
    return float(np.mean(np.all(A <= 0, axis=1)))


@dataclass
class Histogram:
    """Counts of the finite values in each bin; ``edges`` has one more entry.

    ``nonfinite`` counts the NaN and infinite values left out.
    """

    counts: np.ndarray
    edges: np.ndarray
    nonfinite: int = 0


def histogram(values, bins: int = 30) -> Histogram:
    """``numpy.histogram`` of the finite entries of ``values``.

    >>> import numpy as np
    >>> h = histogram(np.array([0.0, 0.1, 0.9, np.nan]), bins=2)
    >>> h.counts.tolist(), h.edges.tolist(), h.nonfinite
    ([2, 1], [0.0, 0.45, 0.9], 1)
    """
    values = _array(values, "histogram").ravel()
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        counts, edges = np.zeros(bins, dtype=np.int64), np.linspace(0.0, 1.0, bins + 1)
    else:
        counts, edges = np.histogram(finite, bins=bins)
    return Histogram(counts, edges, int(values.size - finite.size))


def accuracy(output, Y, outputs: str = "logits", multilabel: bool = False) -> float:
    """The share of examples (columns) whose predicted class is the label.

    ``output`` is the network's last layer, classes x examples. With one
    row, the prediction is class 1 when the logit is > 0 (``outputs=
    "logits"``) or the probability is > 1/2 (``"probabilities"``), and
    ``Y`` holds 0/1 labels; with several rows it is the largest row, and
    ``Y`` is one-hot. With ``multilabel`` each row is a yes/no label of its
    own, read like one row, and the result is the share of labels right.
    An output that is NaN predicts nothing, so it counts as wrong.

    >>> import numpy as np
    >>> accuracy(np.array([[2.0, -1.0, 0.5]]), np.array([[1, 1, 1]]))
    0.6666666666666666
    """
    if outputs not in ("logits", "probabilities"):
        raise ValueError(
            f"accuracy: outputs must be 'logits' or 'probabilities', got {outputs!r}"
        )
    output, Y = _array(output, "accuracy"), _array(Y, "accuracy")
    if output.ndim != 2 or output.shape != Y.shape or output.shape[1] == 0:
        raise ValueError(
            f"accuracy: output of shape {output.shape} and Y of shape {Y.shape} "
            "must be the same (classes, m) with m >= 1"
        )
    # NOTE: NaN > 0 is False and argmax picks a NaN: a diverged network
    # would score the share of one class, so NaN outputs are masked out.
    predicted = ~np.isnan(output)
    if output.shape[0] == 1 or multilabel:
        threshold = 0.0 if outputs == "logits" else 0.5
        right = (output > threshold) == (Y > 0.5)
        return float(np.mean(right & predicted))
    right = output.argmax(axis=0) == Y.argmax(axis=0)
    return float(np.mean(right & predicted.all(axis=0)))


def _times(factor: float) -> str:
    """A factor as a whole number while it reads as one: 5000, 1.8e+86."""
    return f"{factor:.0f}" if factor < 1e6 else f"{factor:.2g}"


@dataclass
class LayerHealth:
    """What ``health_warnings`` reads about one layer (None where unknown)."""

    name: str
    gradient_norm: float
    update_ratio: float | None = None
    activation: str | None = None
    saturated: float | None = None  # the share saturated (sigmoid, tanh) or dead


def health_warnings(layers: list[LayerHealth]) -> list[str]:
    """Plain sentences about what is going wrong, layer by layer.

    ``layers`` runs from the input to the output; each layer's gradient
    norm is compared with the output layer's (the last), where
    backpropagation starts.

    >>> layers = [LayerHealth("Layer 1", 1e-5), LayerHealth("Layer 2", 0.1)]
    >>> for warning in health_warnings(layers):
    ...     print(warning)
    Layer 1: the gradient vanishes: its norm 1e-05 is 1/10000 of the output
    layer's (0.1), so its weights barely learn.
    """
    warnings = []
    output = layers[-1].gradient_norm if layers else math.nan
    for layer in layers:
        norm = layer.gradient_norm
        if not math.isfinite(norm):
            warnings.append(
                f"{layer.name}: the gradient is not finite ({norm}): it has "
                "exploded, or a NaN reached the cost."
            )
            continue
        if layer is not layers[-1] and math.isfinite(output) and output > 0:
            ratio = norm / output
            if ratio == 0.0:
                # every ReLU unit of the layer dead, say: no 1/ratio to write
                warnings.append(
                    f"{layer.name}: the gradient is exactly 0 (the output "
                    f"layer's is {output:.3g}), so its weights do not learn."
                )
            elif ratio < VANISHING:
                warnings.append(
                    f"{layer.name}: the gradient vanishes: its norm {norm:.3g} is "
                    f"1/{_times(1 / ratio)} of the output layer's ({output:.3g}), "
                    "so its weights barely learn."
                )
            elif ratio > EXPLODING:
                warnings.append(
                    f"{layer.name}: the gradient explodes: its norm {norm:.3g} is "
                    f"{_times(ratio)} times the output layer's ({output:.3g})."
                )
        ratio = layer.update_ratio
        if ratio is not None and ratio > UPDATE_TOO_BIG:
            warnings.append(
                f"{layer.name}: one step changed its parameters by "
                f"{_times(100 * ratio)}% of "
                "their size: the step is too big (lower the learning rate)."
            )
        share = layer.saturated
        if share is not None and share > TOO_MANY:
            if layer.activation == "relu":
                warnings.append(
                    f"{layer.name}: {share:.0%} of its ReLU units are dead (0 for "
                    "every example), so no gradient flows through them."
                )
            else:
                warnings.append(
                    f"{layer.name}: {share:.0%} of its {layer.activation} outputs "
                    "sit on the flat ends, where the derivative is nearly 0."
                )
    return warnings
