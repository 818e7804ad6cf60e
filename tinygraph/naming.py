"""How the graph reads: walking it, labelling its nodes, writing equations,
and naming operands in error messages.

The notes number their intermediate values u0, u1, ... in the order they
are computed; tinygraph labels a graph the same way. This module sits
below the op base class, the graph and the anomaly checks, which all read
nodes through it.

>>> import tinygraph as tg
>>> a = tg.tensor([0.2, 0.7], requires_grad=True)
>>> J = (1 - a).log().sum()
>>> print("\\n".join(equations(J)))
u1 = 1 - u0
u2 = log(u1)
u3 = sum(u2)
"""

import itertools
import numbers
from collections import Counter
from operator import attrgetter

import numpy as np

from .tensor import Tensor

_by_creation = attrgetter("_order")


def nodes(root):
    """Every tensor ``root`` depends on (itself included), inputs first.

    Iterative, so graphs hundreds of thousands of nodes deep need no
    recursion. Creation order is a topological order (a tensor is made
    after its inputs) and numbers the u-variables as the code wrote them.
    """
    if not isinstance(root, Tensor):
        raise TypeError(
            f"tg.graph: a {type(root).__name__} has no graph, only a tensor has "
            "one; pass the tensor itself (J, not J.data or J.item())"
        )
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
    numbers_left = (f"u{k}" for k in itertools.count() if f"u{k}" not in taken)
    name_count = Counter()
    result = {}
    for node in order:
        if node.name is None:
            result[node] = next(numbers_left)
            continue
        label = node.name
        if name_count[label]:
            # NOTE: skip a "W#2" that another node has as its own name
            label = next(
                f"{node.name}#{k}" for k in itertools.count(name_count[label] + 1)
                if f"{node.name}#{k}" not in taken
            )
            taken.add(label)
        name_count[node.name] += 1
        result[node] = label
    return result


def constant_text(value):
    """How a constant operand appears inline in an equation."""
    if isinstance(value, numbers.Number) or np.size(value) == 1:
        text = f"{float(np.asarray(value).reshape(-1)[0]):g}"
        return f"({text})" if text.startswith("-") else text
    shape = "x".join(str(n) for n in np.shape(value))
    return f"const({shape})"


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
    return f"{label} = {node.op.render(*operand_texts(node, node_labels))}"


def equations(root):
    """The forward pass as lines in the notes' style, one per op node."""
    node_labels = labels(root)
    return [equation(n, node_labels) for n in node_labels if n.op is not None]


def describe(x):
    """How an operand is named in an error message: ``'W' of shape (3, 2)``."""
    if isinstance(x, Tensor):
        who = repr(x.name) if x.name is not None else "tensor"
        return f"{who} of shape {x.shape}"
    if isinstance(x, numbers.Integral) and abs(x) > 10**15:
        return f"an integer of {len(str(abs(x)))} digits"
    if isinstance(x, numbers.Number):
        return f"the number {x!r}"
    return f"an array of shape {np.shape(x)}"


def returned(value):
    """What a method gave back, for an error message: ``3 values``."""
    if isinstance(value, (tuple, list)):
        return f"{len(value)} values"
    return f"a {type(value).__name__}"
