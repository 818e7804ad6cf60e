"""Mini-batches of examples, which are columns in the features x examples layout.

The batch size picks the notes' flavour of gradient descent: ``m`` (every
example in one batch) is batch gradient descent, 1 is online (stochastic)
gradient descent, anything between is mini-batch gradient descent.
"""

from __future__ import annotations

import numbers
from collections.abc import Iterator

import numpy as np

from .tensor import Tensor, TensorLike


def _columns_of(data, name, labels=False):
    array = np.asarray(data)
    if array.ndim == 1 and labels:
        return array  # class indices, one per example, as the costs take them
    if array.ndim != 2:
        also = " (or 1-D class indices, one per example)" if labels else ""
        raise ValueError(
            f"batches: {name} must be 2-D, features x examples{also}, got shape "
            f"{array.shape}"
        )
    return array


def _take(data, array, columns):
    """The chosen columns (entries of 1-D labels), as the same kind of object
    as ``data``."""
    chosen = array[..., columns]
    if isinstance(data, Tensor):
        return Tensor(chosen, name=data.name)
    return chosen


def batches(
    X: TensorLike,
    Y: TensorLike,
    batch_size: int,
    shuffle: bool = True,
    rng: int | np.random.Generator | None = None,
) -> Iterator[tuple[Tensor | np.ndarray, Tensor | np.ndarray]]:
    """Yield ``(X_batch, Y_batch)`` pairs of columns, covering every example once.

    Parameters
    ----------
    X, Y : arrays or tensors of shape (features, m) and (outputs, m); Y
        may also hold class indices, shape (m,), as the softmax costs take.
    batch_size : positive integer; the last batch may be smaller. A size of
        m or more gives one batch (batch gradient descent), 1 gives online
        gradient descent.
    shuffle : visit the columns in a random order.
    rng : None (fresh entropy), an integer seed or a ``numpy.random.Generator``.
        NOTE: an integer seed gives the same order on every call, so every
        epoch alike; pass one Generator, made once, for a new order each epoch.

    Tensors come back as new leaf tensors of the same name (no graph);
    arrays as arrays.

    Examples
    --------
    >>> import numpy as np
    >>> import tinygraph as tg
    >>> X, Y = np.arange(10.0).reshape(2, 5), np.arange(5.0).reshape(1, 5)
    >>> [xb.shape for xb, yb in tg.data.batches(X, Y, 2, shuffle=False)]
    [(2, 2), (2, 2), (2, 1)]
    """
    if (
        isinstance(batch_size, bool)
        or not isinstance(batch_size, numbers.Integral)
        or batch_size < 1
    ):
        raise ValueError(
            f"batches: batch_size must be a positive integer, got {batch_size!r}"
        )
    x_array = _columns_of(X, "X")
    y_array = _columns_of(Y, "Y", labels=True)
    m = x_array.shape[1]
    if m == 0:
        # NOTE: no batch at all: a training loop would run no step, silently
        raise ValueError(
            f"batches: X has no examples (shape {x_array.shape}); there is "
            "nothing to train on"
        )
    if y_array.shape[-1] != m:
        raise ValueError(
            f"batches: X has {m} columns (examples) but Y has {y_array.shape[-1]}; "
            f"X is {x_array.shape}, Y is {y_array.shape}"
        )
    if shuffle:
        if rng is not None and not isinstance(
            rng, (numbers.Integral, np.random.Generator)
        ):
            raise TypeError(
                "batches: rng must be None, an integer seed or a numpy.random.Generator"
            )
        order = np.random.default_rng(rng).permutation(m)
    else:
        order = np.arange(m)
    return _batches(X, Y, x_array, y_array, order, int(batch_size))


def _batches(X, Y, x_array, y_array, order, batch_size):
    # A separate generator, so bad arguments fail at the call, not at the loop.
    for start in range(0, len(order), batch_size):
        columns = order[start : start + batch_size]
        yield _take(X, x_array, columns), _take(Y, y_array, columns)
