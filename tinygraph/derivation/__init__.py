"""Derivations: the backward pass written out in symbols, in the notes'
notation (``tg.graph.derivation``, ``tg.graph.derive``).

This module only checks its arguments and imports the SymPy-based machinery
(``steps``) when a derivation is asked for, so that
``import tinygraph`` never imports SymPy.
"""

from __future__ import annotations

import importlib

from ..naming import labels, nodes
from ..tensor import Tensor

_INSTALL = (
    'derivations need SymPy; install it with pip install -e ".[symbolic]" '
    "(or pip install sympy)"
)


def derivation(J: Tensor, examples: int | None = None):
    """The backward pass from the cost ``J`` in symbols, one step per node
    that needs a gradient, root first.

    Each step has ``.node``, ``.label``, ``.chain`` (the chain rule: Σ over
    the node's consumers c of ∂J/∂c times c's local derivative), ``.expression``
    (∂J/∂node simplified, in its neighbours' labels), ``.closed_form`` (in
    the leaves, named constants and ``m``), ``.value`` (the closed form's
    numbers, equal to autodiff's), ``.per_entry``, and ``.latex``, ``.mathml``
    (a ``<math>`` element) and ``.text``. The derivation prints as text,
    shows as typeset maths in Jupyter, and gives ``.latex`` and
    ``.to_markdown()``.

    Every formula is a SymPy expression with one symbol per node, named by
    its label and standing for all its entries (``A`` is a_i; ``J`` is the
    root unless the tensor has a name). Elementwise steps are written per
    entry, matrix products by their rule (∂J/∂W = ∂J/∂Z Xᵀ), and a sum over
    examples where a node was broadcast (∂J/∂b). ``m`` stands for the number
    of examples where a cost divides by it; ``examples`` sets that number
    when it cannot be read from the data (the columns of the 2-D leaves that
    need no gradient).

    Limits, so that a derivation never hangs: a graph of more than 150
    operations is refused with a ValueError; a formula of more than 150
    nodes is shown unsimplified; a closed form that would have more than 3000
    (it can double with every layer: sigmoid' = a(1 - a) uses a twice) is
    None, and ``derive`` raises a ValueError for it, while ``.expression``
    and ``.value`` are always there. A node under more than 6 nested
    functions (exp, log, tanh) keeps its label in closed forms. An op
    whose maths moves entries around (a reshape to another layout,
    indexing, max) has no formula read entry by entry: its step is written
    (∂u/∂x)ᵀ ∂J/∂u, evaluated by the op's own backward, and formulas below
    it keep u's label.

    >>> import tinygraph as tg
    >>> A = tg.tensor([[0.9, 0.2, 0.6, 0.3]], requires_grad=True, name="A")
    >>> J = tg.nn.binary_cross_entropy(A, [[1, 0, 1, 1]])
    >>> d = tg.graph.derivation(J)
    >>> print(d["u2"])
    ∂J/∂u2[i] = (1 - Y[i])*∂J/∂u3[i] = -(1 - Y[i])/m
    >>> print(tg.graph.derive(J, A))
    ((1 - Y)/(1 - A) - Y/A)/m
    """
    if examples is not None and (
        isinstance(examples, bool) or not isinstance(examples, int) or examples < 1
    ):
        raise ValueError(
            f"derivation: examples must be a whole number of examples, at least 1, "
            f"got {examples!r}"
        )
    steps = _machinery()
    return steps.derive_graph(J, examples)


def derive(J: Tensor, wrt: Tensor, examples: int | None = None):
    """∂J/∂wrt in closed form: a SymPy expression in the leaves' labels, the
    named constants (``Y``) and ``m``, read entry by entry.

    For the notes' binary cross-entropy graph, ``derive(J, A)`` simplifies to
    ``((1 - Y)/(1 - A) - Y/A)/m``. See ``derivation`` for the notation and
    the limits.
    """
    if not isinstance(wrt, Tensor):
        raise TypeError(f"derive: wrt must be a tensor, got {type(wrt).__name__}")
    if isinstance(J, Tensor) and wrt not in set(nodes(J)):
        who = repr(wrt.name) if wrt.name is not None else "the tensor"
        raise ValueError(
            f"derive: {who} of shape {wrt.shape} is not in the graph of J "
            f"(J does not depend on it); its nodes are "
            f"{', '.join(labels(J).values())}"
        )
    if not wrt.requires_grad:
        raise ValueError(
            f"derive: {labels(J)[wrt]} does not require gradients (it is data, "
            "like the labels Y), so J has no derivative with respect to it"
        )
    step = derivation(J, examples)[wrt]
    if step.closed_form is None:
        raise ValueError(
            f"derive: the closed form of ∂J/∂{step.label} would have more than "
            "3000 operations (it doubles with each layer); "
            f"tg.graph.derivation(J)[{step.label!r}].expression gives it in the "
            "labels of its neighbours"
        )
    return step.closed_form


def _machinery():
    """The SymPy-based module, imported on first use."""
    try:
        return importlib.import_module("tinygraph.derivation.steps")
    except ImportError as err:
        if getattr(err, "name", None) == "sympy" or "SymPy" in str(err):
            raise ImportError(_INSTALL) from None
        raise
