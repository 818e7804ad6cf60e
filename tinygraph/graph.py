"""The computation graph: traversal, u-variable labels, equations, backward.

Nodes are tensors; each keeps its ``op`` and its ``inputs``. Every walk here is
iterative, so graphs hundreds of thousands of nodes deep need no recursion.
Topological order is creation order, which is deterministic and numbers the
u-variables in the order the code wrote them, as the notes do:

>>> import tinygraph as tg
>>> a = tg.tensor([0.2, 0.7], requires_grad=True)
>>> J = (1 - a).log().sum()
>>> print("\\n".join(tg.graph.equations(J)))
u1 = 1 - u0
u2 = log(u1)
u3 = sum(u2)
"""

from dataclasses import dataclass, field
from functools import lru_cache
from heapq import heapify, heappop, heappush

import numpy as np

from . import anomaly, modes
from .derivation import derivation, derive
from .maths import numeric, tensors
from .naming import (
    equation,
    equations,
    labels,
    nodes,
    operand_text,
    operand_texts,
    returned,
)
from .scopes import scope
from .tensor import Tensor

__all__ = [
    "nodes", "labels", "equation", "equations", "operand_text", "operand_texts",
    "scope", "backward", "backward_steps", "Step", "Contribution",
    "derivation", "derive",
]


# ----- the backward pass ------------------------------------------------


def backward(root, grad=None):
    """Fill ``.grad`` of every node ``root`` depends on with dJ/d(node).

    Leaves accumulate across calls (``+=``, like PyTorch); every
    intermediate node holds its gradient from this pass only.
    """
    _check_requires_grad(root, "backward")
    dJ_droot = seed(root, grad)
    if modes.current().detect_anomaly:
        anomaly.check_seed(root, dJ_droot)
    chain_rule({root: dJ_droot}, numeric)


def _accumulate_into_leaf(node, g, shared):
    """``leaf.grad += g``, on a copy of ``g`` where it is also someone else's
    array (``shared``, or a view)."""
    if shared or g.base is not None:
        g = g.copy()
    if node.grad is None:
        node.grad = g
        return
    if type(node.grad) is not np.ndarray or node.grad.shape != g.shape:
        raise ValueError(
            f"backward: {_who(node)} of shape {node.shape} already has a "
            f".grad of shape {np.shape(node.grad)}, so the new gradient cannot be "
            "added to it; set .grad to None or to an array of the tensor's shape"
        )
    total = _add(node.grad, g)
    if modes.current().detect_anomaly and not np.isfinite(total).all():
        anomaly.check_accumulated(node, node.grad, g)
    node.grad = total


def chain_rule(seeds, m, keep=None):
    """Push gradients back from ``seeds`` ({node: dJ/d(node)}) through the graph.

    ``m`` is the reading the ops' derivatives are evaluated in: ``numeric``
    (arrays) or ``maths.tensors`` (a gradient that is itself recorded).
    Each node that receives a gradient is visited once, with all of it, and
    each of its inputs that needs a gradient gets its share: what the op's
    local derivative makes of dJ/d(node), added to what the input has from
    its other uses. Each node's gradient is handed to ``keep(node, grad)``,
    or, when there is no ``keep`` (``backward()``), stored in ``.grad``.
    """
    on_arrays = m is numeric
    check = on_arrays and modes.current().detect_anomaly
    root = next(iter(seeds))
    grads = dict(seeds)
    # Visit the nodes latest-made first. Every consumer of a node was made
    # after it, so by the time a node comes up, all the gradient it will get
    # has arrived (PyTorch's engine orders its queue the same way). Only
    # nodes made by an op are queued: a leaf has nothing to pass on, so its
    # gradient is summed in ``grads`` and stored once the queue is empty.
    # (Creation numbers are unique, a copied or unpickled tensor being a new
    # leaf with its own, so the queue never has to compare two tensors.)
    queue = [(-node._order, node) for node in seeds if node._op is not None]
    heapify(queue)
    # An op may pass its upstream gradient on unchanged (addition does), so
    # the same array can reach a leaf; a leaf gets its own copy of such an
    # array, so that updating ``leaf.grad`` in place is safe.
    passed_on = set()
    while queue:
        node = heappop(queue)[1]
        g = grads.pop(node)
        if check:
            if not np.isfinite(g).all():
                anomaly.check_sum(node, g, root)
            anomaly.check_saved(node, root)
        if keep is None:
            node.grad = g
        else:
            keep(node, g)
        op = node._op
        needs = node._needs
        values = node._saved if on_arrays else _live_values(node)
        # (Calls spelled out for one and two inputs: a call with *values
        # costs more, and this line runs once per node.)
        if len(values) == 2:
            partials = op.backward(m, g, needs, values[0], values[1])
        elif len(values) == 3:
            partials = op.backward(m, g, needs, values[0], values[1], values[2])
        else:
            partials = op.backward(m, g, needs, *values)
        if type(partials) is not tuple or len(partials) != len(needs):
            partials = _one_per_input(node, partials)
        for x, needed, dx in zip(node.inputs, needs, partials):
            if not needed:
                continue
            like = x._data
            if not on_arrays:
                dx = _fit_tensor(dx, x, node)
            # (``is not`` for the dtype: one C comparison; an equal dtype
            # that is another object goes through _fit, which compares it.)
            elif (
                type(dx) is not np.ndarray
                or dx.shape != like.shape
                or dx.dtype is not like.dtype
            ):
                # Summed back over broadcast axes, cast to the input's dtype.
                dx = _fit(dx, like, node, x)
            elif dx is g:
                passed_on.add(id(g))
            if check:
                anomaly.check_backward(node, x, dx, root)
            if x in grads:
                # Fan-out: a node used twice sums the gradients of both uses.
                grads[x] = _add(grads[x], dx) if on_arrays else grads[x] + dx
            else:
                grads[x] = dx
                if x._op is not None:
                    heappush(queue, (-x._order, x))
    # What is left are the leaves' gradients, each complete now.
    for leaf, g in grads.items():
        if check and not np.isfinite(g).all():
            anomaly.check_sum(leaf, g, root)
        if keep is not None:
            keep(leaf, g)
        elif leaf.grad is None and g.base is None and id(g) not in passed_on:
            leaf.grad = g  # the usual case: the first gradient, its own array
        else:
            _accumulate_into_leaf(leaf, g, id(g) in passed_on)


def _live_values(node):
    """The node and its inputs as tensors (constants as they are), for a
    backward pass that is itself recorded; refused if a tensor's values
    changed since the forward pass (the saved arrays hold those)."""
    out, *arrays = node._saved
    values = (node, *node.inputs)
    for x, array in zip(values, (out, *arrays)):
        if isinstance(x, Tensor) and x._data is not array and not np.array_equal(
            x._data, array, equal_nan=True
        ):
            raise RuntimeError(
                f"{node.op.name}: the values of {_who(x)} changed after the forward "
                "pass used them; a recorded gradient (create_graph=True) is built "
                "from the tensors themselves, so run the forward pass again"
            )
    return values


def _check_requires_grad(root, caller):
    if not root._requires_grad:
        raise RuntimeError(
            f"{caller}: this tensor does not require gradients (none of its "
            "inputs has requires_grad=True, or it was made under no_grad())"
        )


def _add(a, b):
    """a + b as an array (NumPy gives a scalar for two 0-d arrays)."""
    total = a + b
    return total if type(total) is np.ndarray else np.asarray(total)


def _one_per_input(node, partials):
    """``partials`` as a tuple, after checking that an op's backward gave one
    gradient per input (a bare array would be split along its first axis)."""
    arity = len(node._needs)
    if isinstance(partials, (tuple, list)) and len(partials) == arity:
        return tuple(partials)
    op = node.op
    raise TypeError(
        f"{op.name}: {type(op).__name__}.backward must return a tuple with one "
        f"gradient (or None) per input, {arity} here, but it returned "
        f"{returned(partials)}"
    )


def seed(root, grad):
    """dJ/dJ = 1 for a one-element root, else the caller's upstream gradient
    (copied: it may end up as a leaf's .grad, updated in place later)."""
    if grad is None:
        if root.size != 1:
            raise ValueError(
                f"backward: {_who(root)} has shape {root.shape}, so it needs an "
                "explicit upstream gradient of that shape, e.g. "
                "t.backward(np.ones(t.shape)); only a one-element tensor seeds "
                "itself with 1"
            )
        return np.ones(root.shape, dtype=root.dtype)
    if isinstance(grad, Tensor):
        grad = grad._data
    if np.asarray(grad).dtype.kind not in "biuf":
        raise TypeError(
            f"backward: the upstream gradient must be numbers, got an array of "
            f"dtype {np.asarray(grad).dtype}"
        )
    grad = np.array(grad, dtype=root.dtype)
    if grad.shape != root.shape:
        raise ValueError(
            f"backward: the gradient has shape {grad.shape} but {_who(root)} "
            f"has shape {root.shape}; they must match"
        )
    return grad


def _who(t):
    return repr(t.name) if t.name is not None else "the tensor"


def _fit(dx, like, node, x):
    """Sum ``dx`` back over broadcast axes and cast it to ``like``'s dtype.

    Only broadcasting may make a gradient's shape differ from its input's;
    any other difference is a mistake in the op's backward, never silently
    reshaped away.
    """
    if type(dx) is not np.ndarray:
        dx = np.asarray(dx)
    if dx.shape != like.shape:
        _check_broadcast(dx.shape, like.shape, node, x)
        dx = numeric.sum_to(dx, like.shape)
    if dx.dtype != like.dtype:
        dx = dx.astype(like.dtype)
    return dx


def _fit_tensor(dx, x, node):
    """``_fit`` for a recorded gradient: summed back with tensor ops."""
    if not isinstance(dx, Tensor):
        dx = Tensor._from_op(np.asarray(dx, dtype=x.dtype))
    if dx.shape != x.shape:
        _check_broadcast(dx.shape, x.shape, node, x)
        dx = tensors.sum_to(dx, x.shape)
    return dx


def _check_broadcast(grad_shape, shape, node, x):
    if not _broadcasts_to(shape, grad_shape):
        op = node.op
        index = next(i for i, y in enumerate(node.inputs) if y is x)
        raise ValueError(
            f"{op.name}: {type(op).__name__}.backward returned a gradient of "
            f"shape {grad_shape} for input {index} of shape {shape}; it "
            "must have the input's shape (or a shape the input broadcast to)"
        )


@lru_cache(maxsize=4096)
def _broadcasts_to(shape, target):
    """Whether broadcasting stretches ``shape`` to exactly ``target``."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


# ----- the backward pass as data (for drawings and notebooks) -----------


@dataclass
class Contribution:
    """One term of the chain rule: what ``consumer`` sends back to a node.

    ``value`` = ``upstream`` pushed through the local derivative of
    ``consumer`` with respect to the node, summed over ``summed_axes`` when
    broadcasting stretched the node. ``local`` is that local derivative as
    an array when ``consumer`` is elementwise (d consumer / d node, entry by
    entry), else None (a matmul or a reduction is a linear map, not an
    array of numbers).
    """

    consumer: Tensor
    argument: int
    upstream: np.ndarray
    local: object
    value: np.ndarray
    summed_axes: tuple


@dataclass
class Step:
    """One node of the backward pass: its gradient and where it came from."""

    node: Tensor
    grad: object
    contributions: list = field(default_factory=list)


def backward_steps(root, grad=None):
    """The backward pass from ``root`` as a list of ``Step``, root first.

    Computes the same gradients as ``backward`` without touching any
    tensor's ``.grad``; one step per node of ``nodes(root)`` in reverse
    topological order (nodes that need no gradient have ``grad`` None).
    """
    steps = {}
    order = nodes(root)
    for node in order:
        steps[node] = Step(node, None)
    steps[root].grad = seed(root, grad) if root._requires_grad else None
    for node in reversed(order):
        step = steps[node]
        if step.grad is None or node.op is None:
            continue
        partials = _one_per_input(
            node, node.op.backward(numeric, step.grad, node._needs, *node._saved)
        )
        for index, (x, needed, dx) in enumerate(
            zip(node.inputs, node._needs, partials)
        ):
            if not needed:
                continue
            raw = np.asarray(dx)
            dx = _fit(raw, x._data, node, x)
            steps[x].contributions.append(
                Contribution(
                    consumer=node,
                    argument=index,
                    upstream=step.grad,
                    local=_local_derivative(node, index, raw.shape),
                    value=dx,
                    summed_axes=numeric.broadcast_axes(raw.shape, x.shape),
                )
            )
            target = steps[x]
            target.grad = dx if target.grad is None else _add(target.grad, dx)
    return [steps[n] for n in reversed(order)]


def _local_derivative(node, index, shape):
    """d(node)/d(input ``index``) entry by entry, when node's op is elementwise."""
    if not node.op.elementwise:
        return None
    local = np.asarray(
        node.op.derivative(numeric, index, *node._saved), dtype=node.dtype
    )
    return np.broadcast_to(local, shape) if local.shape != shape else local
