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
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from heapq import heappop, heappush
from operator import attrgetter

import numpy as np

from . import anomaly
from . import modes
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

    No two nodes ever read the same: a number that a named node uses is
    skipped, and a name that several nodes share gets ``#2``, ``#3``, ...
    from its second node on (``u0 = W * W#2``).
    """
    order = nodes(root)
    taken = {node.name for node in order if node.name is not None}
    numbers = (f"u{k}" for k in itertools.count() if f"u{k}" not in taken)
    name_count = Counter()
    result = {}
    for node in order:
        if node.name is None:
            result[node] = next(numbers)
            continue
        name_count[node.name] += 1
        count = name_count[node.name]
        result[node] = node.name if count == 1 else f"{node.name}#{count}"
    return result


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
    if not root._requires_grad:
        raise RuntimeError(
            "backward: this tensor does not require gradients (none of its "
            "inputs has requires_grad=True, or it was made under no_grad())"
        )
    check = modes.current().detect_anomaly
    grads = {root: _seed(root, grad)}
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
        if check and not np.isfinite(g).all():
            anomaly.check_sum(node, g, root)
        if node._op is None:
            _accumulate_into_leaf(node, g, passed_on)
            continue
        node.grad = g
        needs = node._needs
        partials = node._op.backward(g, node._saved, needs)
        if type(partials) is not tuple or len(partials) != len(needs):
            partials = _one_per_input(node, partials)
        for x, needed, dx in zip(node.inputs, needs, partials):
            if not needed:
                continue
            like = x._data
            if type(dx) is not np.ndarray or dx.shape != like.shape or dx.dtype != like.dtype:
                # Summed back over broadcast axes, cast to the input's dtype.
                dx = _fit(dx, like, node, x)
            elif dx is g:
                passed_on.add(id(g))
            if check:
                anomaly.check_backward(node, x, dx, root)
            if x in grads:
                # Fan-out: a node used twice sums the gradients of both uses.
                grads[x] = _add(grads[x], dx)
            else:
                grads[x] = dx
                heappush(queue, (-x._order, id(x), x))


def _accumulate_into_leaf(leaf, g, passed_on):
    """``leaf.grad += g``, with a copy where ``g`` is shared with others."""
    if id(g) in passed_on or g.base is not None:
        g = g.copy()
    if leaf.grad is None:
        leaf.grad = g
        return
    if type(leaf.grad) is not np.ndarray or leaf.grad.shape != g.shape:
        raise ValueError(
            f"backward: {_who(leaf)} of shape {leaf._data.shape} already has a "
            f".grad of shape {np.shape(leaf.grad)}, so the new gradient cannot be "
            "added to it; set .grad to None or to an array of the tensor's shape"
        )
    total = _add(leaf.grad, g)
    if modes.current().detect_anomaly and not np.isfinite(total).all():
        anomaly.check_accumulated(leaf, leaf.grad, g)
    leaf.grad = total


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
        f"gradient (or None) per input, {arity} here, but it returned {returned(partials)}"
    )


def _seed(root, grad):
    """dJ/dJ = 1 for a one-element root, else the caller's upstream gradient
    (copied: it may end up as a leaf's .grad, updated in place later)."""
    if grad is None:
        if root._data.size != 1:
            raise ValueError(
                f"backward: {_who(root)} has shape {root._data.shape}, so it needs an "
                "explicit upstream gradient of that shape, e.g. "
                "t.backward(np.ones(t.shape)); only a one-element tensor seeds "
                "itself with 1"
            )
        return np.array(1, dtype=root._data.dtype).reshape(root._data.shape)
    if isinstance(grad, Tensor):
        grad = grad._data
    kind = np.asarray(grad).dtype.kind
    if kind not in "biuf":
        raise TypeError(
            f"backward: the upstream gradient must be numbers, got an array of "
            f"dtype {np.asarray(grad).dtype}"
        )
    grad = np.array(grad, dtype=root._data.dtype)
    if grad.shape != root._data.shape:
        raise ValueError(
            f"backward: the gradient has shape {grad.shape} but {_who(root)} "
            f"has shape {root._data.shape}; they must match"
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
        if not _broadcasts_to(like.shape, dx.shape):
            op = node.op
            index = next(i for i, y in enumerate(node.inputs) if y is x)
            raise ValueError(
                f"{op.name}: {type(op).__name__}.backward returned a gradient of "
                f"shape {dx.shape} for input {index} of shape {like.shape}; it "
                "must have the input's shape (or a shape the input broadcast to)"
            )
        dx = unbroadcast(dx, like.shape)
    if dx.dtype != like.dtype:
        dx = dx.astype(like.dtype)
    return dx


@lru_cache(maxsize=4096)
def _broadcasts_to(shape, target):
    """Whether broadcasting stretches ``shape`` to exactly ``target``."""
    try:
        return np.broadcast_shapes(shape, target) == target
    except ValueError:
        return False


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
    steps[root].grad = _seed(root, grad) if root._requires_grad else None
    for node in reversed(order):
        step = steps[node]
        if step.grad is None or node.op is None:
            continue
        partials = _one_per_input(node, node.op.backward(step.grad, node._saved, node._needs))
        for index, (x, needed, dx) in enumerate(zip(node.inputs, node._needs, partials)):
            if not needed:
                continue
            raw = np.asarray(dx)
            dx = _fit(raw, x._data, node, x)
            steps[x].contributions.append(
                Contribution(
                    consumer=node,
                    argument=index,
                    upstream=step.grad,
                    local=_local_derivative(node, index, raw.shape, step.grad),
                    value=dx,
                    summed_axes=broadcast_axes(raw.shape, x._data.shape),
                )
            )
            target = steps[x]
            target.grad = dx if target.grad is None else _add(target.grad, dx)
    return [steps[n] for n in reversed(order)]


def _local_derivative(node, index, shape, upstream):
    """d(node)/d(input ``index``) entry by entry, when node's op is elementwise."""
    if not node.op.elementwise:
        return None
    ones = np.ones(np.shape(upstream), dtype=np.result_type(upstream))
    local = node.op.backward(ones, node._saved, node._needs)[index]
    return np.broadcast_to(local, shape) if np.shape(local) != shape else local
