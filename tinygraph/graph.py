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

import itertools
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import heappop, heappush
from operator import attrgetter

import numpy as np

from . import anomaly
from .op import constant_text, returned
from .scopes import scope  # noqa: F401  (part of the graph API)
from .tensor import Tensor

_by_creation = attrgetter("_order")


def nodes(root):
    """Every tensor ``root`` depends on (itself included), inputs first."""
    seen = {root}
    stack = [root]
    while stack:
        for x in stack.pop().inputs:
            if isinstance(x, Tensor) and x not in seen:
                seen.add(x)
                stack.append(x)
    return sorted(seen, key=_by_creation)


def labels(root):
    """Map each node to its label: its name, or ``u0, u1, ...`` in order.

    A number whose label a named node already uses is skipped, so no two
    nodes ever read the same.
    """
    order = nodes(root)
    taken = {node.name for node in order if node.name is not None}
    numbers = (f"u{k}" for k in itertools.count() if f"u{k}" not in taken)
    return {
        node: node.name if node.name is not None else next(numbers) for node in order
    }


def operand_text(x, node_labels):
    """A tensor operand by its label, a constant inline."""
    if isinstance(x, Tensor):
        return node_labels[x]
    return constant_text(x)


def operand_texts(node, node_labels):
    """The texts of ``node``'s operands in argument order (empty for a leaf).

    Tensors appear by their label, constants inline, as in ``equation``.
    """
    return [operand_text(x, node_labels) for x in node.inputs]


def equation(node, node_labels):
    """``u2 = log(u0)`` for an op node, ``u0`` (leaf) for a leaf."""
    label = node_labels[node]
    if node.op is None:
        return f"{label} (leaf)"
    operands = [operand_text(x, node_labels) for x in node.inputs]
    return f"{label} = {node.op.render(*operands)}"


def equations(root):
    """The forward pass as lines in the notes' style, one per op node."""
    node_labels = labels(root)
    return [equation(n, node_labels) for n in node_labels if n.op is not None]


# ----- the backward pass ------------------------------------------------


def backward(root, grad=None):
    """Fill ``.grad`` of every node ``root`` depends on with dJ/d(node).

    Leaves accumulate across calls (``+=``, like PyTorch); every
    intermediate node holds its gradient from this pass only.
    """
    if not root.requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require gradients (none of its "
            "inputs has requires_grad=True, or it was made under no_grad())"
        )
    grads = {root: _seed(root, grad)}
    check = anomaly.enabled
    if check:
        anomaly.check_seed(root, grads[root])
    # Visit the nodes latest-made first. Every consumer of a node was made
    # after it, so by the time a node comes up, all the gradient it will get
    # has arrived (PyTorch's engine orders its queue the same way). Only
    # nodes that receive a gradient are ever queued. (id breaks ties between
    # copies of one tensor, which share its creation number.)
    queue = [(-root._order, id(root), root)]
    # An op may pass its upstream gradient on unchanged (addition does), so
    # the same array can reach a leaf; leaves get their own copy of such an
    # array, and of views, so that updating ``leaf.grad`` in place is safe.
    passed_on = set()
    while queue:
        node = heappop(queue)[2]
        g = grads.pop(node)
        op = node._op
        if op is None:
            if id(g) in passed_on or g.base is not None:
                g = g.copy()
            node.grad = g if node.grad is None else node.grad + g
            continue
        node.grad = g
        needs = node._needs
        partials = op.backward(g, node._saved, needs)
        if type(partials) is not tuple or len(partials) != len(needs):
            partials = _one_per_input(node, partials)
        for x, needed, dx in zip(node.inputs, needs, partials):
            if not needed:
                continue
            like = x.data
            if (
                type(dx) is not np.ndarray
                or dx.shape != like.shape
                or dx.dtype != like.dtype
            ):
                dx = _fit(dx, like)
            elif dx is g:
                passed_on.add(id(g))
            if check:
                anomaly.check_backward(node, x, dx, root)
            if x in grads:
                # Fan-out: a node used twice sums the gradients of both uses.
                grads[x] = grads[x] + dx
            else:
                grads[x] = dx
                heappush(queue, (-x._order, id(x), x))


def _one_per_input(node, partials):
    """``partials`` as a tuple, after checking that an op's backward gave one
    gradient per input (a bare array would be split along its first axis)."""
    arity = len(node._needs)
    if isinstance(partials, (tuple, list)) and len(partials) == arity:
        return tuple(partials)
    op = node.op
    raise TypeError(
        f"{op.name}: {type(op).__name__}.backward must return a tuple with one "
        f"gradient (or None) per input, {arity} here, but it returned {returned(partials)}"
    )


def _seed(root, grad):
    """dJ/dJ = 1 for a one-element root, else the caller's upstream gradient."""
    if grad is None:
        if root.data.size != 1:
            raise ValueError(
                f"backward: {_who(root)} has shape {root.data.shape}, so it needs an "
                "explicit upstream gradient of that shape, e.g. "
                "t.backward(np.ones(t.shape)); only a one-element tensor seeds "
                "itself with 1"
            )
        return np.array(1, dtype=root.data.dtype).reshape(root.data.shape)
    if isinstance(grad, Tensor):
        grad = grad.data
    grad = np.asarray(grad, dtype=root.data.dtype)
    if grad.shape != root.data.shape:
        raise ValueError(
            f"backward: the gradient has shape {grad.shape} but {_who(root)} "
            f"has shape {root.data.shape}; they must match"
        )
    return grad


def _who(t):
    return repr(t.name) if t.name is not None else "the tensor"


def _fit(dx, like):
    """Sum ``dx`` back over broadcast axes and cast it to ``like``'s dtype."""
    if type(dx) is not np.ndarray:
        dx = np.asarray(dx)
    if dx.shape != like.shape:
        dx = unbroadcast(dx, like.shape)
    if dx.dtype != like.dtype:
        dx = dx.astype(like.dtype)
    return dx


# The same pairs of shapes come back every training step.
@lru_cache(maxsize=4096)
def broadcast_axes(grad_shape, shape):
    """The axes of ``grad_shape`` that broadcasting added or stretched."""
    extra = len(grad_shape) - len(shape)
    stretched = (
        i + extra for i, n in enumerate(shape) if n == 1 and grad_shape[i + extra] != 1
    )
    return tuple(range(extra)) + tuple(stretched)


def unbroadcast(grad, shape):
    """dJ/dx for an ``x`` that broadcasting stretched: sum over those axes."""
    summed = grad.sum(axis=broadcast_axes(grad.shape, shape), keepdims=True)
    # keepdims leaves added leading axes as length 1; a reshape drops them.
    return summed if summed.shape == shape else summed.reshape(shape)


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
    steps[root].grad = _seed(root, grad) if root.requires_grad else None
    for node in reversed(order):
        step = steps[node]
        if step.grad is None or node.op is None:
            continue
        partials = _one_per_input(node, node.op.backward(step.grad, node._saved, node._needs))
        for index, (x, needed, dx) in enumerate(zip(node.inputs, node._needs, partials)):
            if not needed:
                continue
            raw = np.asarray(dx)
            dx = _fit(raw, x.data)
            steps[x].contributions.append(
                Contribution(
                    consumer=node,
                    argument=index,
                    upstream=step.grad,
                    local=_local_derivative(node, index, raw.shape, step.grad),
                    value=dx,
                    summed_axes=broadcast_axes(raw.shape, x.data.shape),
                )
            )
            target = steps[x]
            target.grad = dx if target.grad is None else target.grad + dx
    return [steps[n] for n in reversed(order)]


def _local_derivative(node, index, shape, upstream):
    """d(node)/d(input ``index``) entry by entry, when node's op is elementwise."""
    if not node.op.elementwise:
        return None
    ones = np.ones(np.shape(upstream), dtype=np.result_type(upstream))
    local = node.op.backward(ones, node._saved, node._needs)[index]
    return np.broadcast_to(local, shape) if np.shape(local) != shape else local
