"""Gradients as values: ``tg.grad(J, [W, b])``, like ``torch.autograd.grad``.

``backward()`` stores each gradient in ``.grad``; ``grad`` returns them
instead and changes no ``.grad``. With ``create_graph=True`` the backward
pass runs on tensors (each op's local derivative read with tinygraph's own
ops), so every gradient is a Tensor whose graph records how it was
computed: it can be differentiated again and drawn.

>>> import tinygraph as tg
>>> x = tg.tensor([1.0, 2.0], requires_grad=True)
>>> (dy,) = tg.grad((x ** 3).sum(), [x], create_graph=True)   # 3x²
>>> dy.data
array([ 3., 12.])
>>> tg.grad(dy.sum(), [x])[0]                                  # 6x
array([ 6., 12.])
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

import numpy as np

from . import graph
from .maths import numeric, tensors
from .naming import describe
from .tensor import Tensor, TensorLike


def grad(
    outputs: Tensor | Sequence[Tensor],
    inputs: Tensor | Sequence[Tensor],
    grad_outputs: Tensor | np.ndarray | Sequence[TensorLike | None] | None = None,
    create_graph: bool = False,
) -> tuple[np.ndarray | Tensor, ...]:
    """The gradients of ``outputs`` with respect to each of ``inputs``.

    ``outputs`` is a tensor or a list of them (their gradients add up);
    ``grad_outputs`` gives each output's upstream gradient, and may be left
    out for one-element outputs (dJ/dJ = 1). Returns a tuple with one
    gradient per input, in order: a NumPy array, or with
    ``create_graph=True`` a Tensor that can be differentiated again. Every
    input must require gradients; one that the outputs do not depend on
    gets zeros.
    """
    outputs = _as_list(outputs, "outputs")
    inputs = _as_list(inputs, "inputs")
    _check_inputs_require_grad(inputs)
    grad_outputs = _upstream(outputs, grad_outputs, create_graph)
    seeds: dict[Tensor, np.ndarray | Tensor] = {}
    for output, seed in zip(outputs, grad_outputs):
        seeds[output] = seed if output not in seeds else seeds[output] + seed
    # every node's gradient, filled in by the chain rule
    found: dict[Tensor, np.ndarray | Tensor] = {}

    graph.chain_rule(seeds, tensors if create_graph else numeric, found.__setitem__)
    return tuple(_result(found.get(x), x, create_graph) for x in inputs)


def _as_list(tensors_given, what):
    if isinstance(tensors_given, Tensor):
        return [tensors_given]
    if not isinstance(tensors_given, Sequence) or not tensors_given:
        raise TypeError(f"grad: {what} must be a tensor or a non-empty list of tensors")
    for i, x in enumerate(tensors_given):
        if not isinstance(x, Tensor):
            raise TypeError(
                f"grad: {what}[{i}] is a {type(x).__name__}, not a tensor"
            )
    return list(tensors_given)


def _check_inputs_require_grad(inputs):
    """Refuse an input that does not require gradients.

    NOTE: no gradient flows to such a tensor even when the outputs use it
    (the chain rule skips it), so a zero here would be a wrong answer, not
    "unused". PyTorch refuses it too.
    """
    for i, x in enumerate(inputs):
        if not x.requires_grad:
            raise ValueError(
                f"grad: inputs[{i}] ({describe(x)}) does not require gradients, "
                "so no gradient flows to it even where the outputs use it; make "
                "it with requires_grad=True (or set x.requires_grad = True on a "
                "leaf) before computing the outputs"
            )


def _upstream(outputs, grad_outputs, create_graph):
    """Each output's upstream gradient: an array, or a tensor when recording."""
    if grad_outputs is None:
        grad_outputs = [None] * len(outputs)
    elif isinstance(grad_outputs, (Tensor, np.ndarray, numbers.Number)):
        grad_outputs = [grad_outputs]  # one upstream gradient, not a list
    if len(grad_outputs) != len(outputs):
        raise ValueError(
            f"grad: {len(outputs)} outputs but {len(grad_outputs)} grad_outputs"
        )
    seeds = []
    for i, (output, g) in enumerate(zip(outputs, grad_outputs)):
        if not output.requires_grad:
            raise RuntimeError(
                f"grad: outputs[{i}] ({describe(output)}) does not require gradients: "
                "no tensor that requires gradients went into it, or it was made "
                "under no_grad(). (A derivative that comes out constant, such as "
                "that of a linear function, has no graph to differentiate: its "
                "own derivative is 0.)"
            )
        if create_graph and isinstance(g, Tensor) and g.requires_grad:
            _check_recorded_seed(g, output, i)
            seeds.append(g)
            continue
        seed = graph.seed(output, g)
        seeds.append(Tensor._from_op(seed) if create_graph else seed)
    return seeds


def _check_recorded_seed(g, output, i):
    """A grad_outputs tensor that requires gradients is used as it is (the
    gradients depend on it): it must have the output's shape and dtype.

    NOTE: a float64 seed for a float32 output would make every gradient
    float64; a seed that needs no gradient is cast, as an array is.
    """
    if g.shape != output.shape:
        raise ValueError(
            f"grad: grad_outputs[{i}] has shape {g.shape} but outputs[{i}] "
            f"has shape {output.shape}"
        )
    if g.dtype != output.dtype:
        raise TypeError(
            f"grad: grad_outputs[{i}] has dtype {g.dtype} but outputs[{i}] has "
            f"dtype {output.dtype}, so the gradients would be {g.dtype}; make "
            "the upstream gradient in the output's dtype"
        )


def _result(g, x, create_graph):
    if g is None:  # the outputs do not depend on x
        zeros = np.zeros_like(x._data)
        return Tensor._from_op(zeros) if create_graph else zeros
    if create_graph:
        return g
    # A copy: an op may have passed an array on that is someone else's too.
    return np.array(g)
