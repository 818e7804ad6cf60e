"""Finding the first NaN or infinity: ``with tg.detect_anomaly(): ...``.

When switched on, every forward result and every gradient is checked, and the
first non-finite one raises ``FloatingPointError`` naming the operation, the
node's label and equation (``u7 = log(u5)``), the shapes involved and a
summary of the offending values. When off, the engine pays one flag test per
operation.
"""

import contextlib

import numpy as np

# Read by ``Op.apply`` and by the backward driver.
enabled = False


def set_detect_anomaly(on):
    """Switch anomaly detection on or off globally."""
    global enabled
    enabled = bool(on)


@contextlib.contextmanager
def detect_anomaly():
    """Raise at the first NaN or infinity in the forward or backward pass.

    >>> import tinygraph as tg
    >>> x = tg.tensor([1.0, -1.0], requires_grad=True)
    >>> with tg.detect_anomaly():
    ...     y = x.sqrt()  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    FloatingPointError: forward pass: sqrt produced 1 non-finite value ...
    """
    global enabled
    previous = enabled
    enabled = True
    try:
        with np.errstate(all="ignore"):
            yield
    finally:
        enabled = previous


def summarize(array):
    """``2 of 6 entries non-finite (1 nan, 1 inf), finite range [-3, 4]``."""
    array = np.asarray(array)
    finite = np.isfinite(array)
    n_nan = int(np.isnan(array).sum())
    n_inf = int(np.isinf(array).sum())
    text = f"{array.size - int(finite.sum())} of {array.size} entries non-finite"
    text += f" ({n_nan} nan, {n_inf} inf)"
    if finite.any():
        text += f", finite range [{array[finite].min():.4g}, {array[finite].max():.4g}]"
    return text


def _equation(node, root):
    from . import graph

    labels = graph.labels(root)
    return graph.equation(node, labels), labels


def _input_summaries(inputs, labels):
    from .tensor import Tensor

    lines = []
    for x in inputs:
        if isinstance(x, Tensor):
            lines.append(f"  {labels.get(x, '?')} {x.data.shape}: {summarize(x.data)}")
    return "\n".join(lines)


def check_forward(op, result, inputs):
    if np.isfinite(result.data).all():
        return
    from .tensor import Tensor

    probe = result if result.op is not None else Tensor._from_op(result.data, op)
    if result.op is None:
        op.inputs = inputs
    equation, labels = _equation(probe, probe)
    raise FloatingPointError(
        f"forward pass: {op.name} produced {summarize(result.data)}\n"
        f"  at {equation}, output shape {result.data.shape}\n"
        f"inputs:\n{_input_summaries(inputs, labels)}"
    )


def check_backward(node, input_tensor, grad, root):
    if np.isfinite(grad).all():
        return
    equation, labels = _equation(node, root)
    raise FloatingPointError(
        f"backward pass: the gradient that {node.op.name} sends to "
        f"{labels.get(input_tensor, '?')} {input_tensor.data.shape} has {summarize(grad)}\n"
        f"  at {equation}, upstream gradient dJ/d{labels[node]}: {summarize(node.grad)}\n"
        f"inputs:\n{_input_summaries(node.op.inputs, labels)}"
    )
