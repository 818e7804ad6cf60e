"""What every drawing needs to know about a graph, gathered once.

Read only through tinygraph's public graph API: ``tg.graph.nodes``,
``labels``, ``equation``, ``operand_texts`` and ``backward_steps``, and the
public attributes of tensors. An unnamed one-entry root is labelled
``J``, the notes' name for the cost, rather than the next u-variable; a
root with more entries takes its upstream gradient from a cost J that is
not drawn, so its gradients read ∂J/∂x too. The gradients
shown are dJ/d(node) for this one graph, as one ``J.backward()`` computes
them, taken from ``backward_steps`` so that nothing has to have called
``backward`` first and leaves that accumulated gradients over several
calls do not mislead. A graph whose leaves have changed since its forward
pass (an optimiser step) is refused: its values no longer add up.
"""

from dataclasses import dataclass

import numpy as np

import tinygraph as tg

from .kinds import kind
from .values import shape_text

# What an unnamed root is called.
ROOT = "J"


@dataclass
class GraphFacts:
    """Nodes in topological order with their labels, kinds and gradients."""

    root: object
    nodes: list
    labels: dict
    kinds: dict
    grads: dict
    steps: list
    consumers: dict
    cost: str = ROOT

    def equation(self, node):
        """``u2 = log(u0)`` for an op node, the bare label for a leaf."""
        if node.op is None:
            return self.labels[node]
        return tg.graph.equation(node, self.labels)

    def definition(self, node):
        """``log(u0)``: the right-hand side of an op node's equation."""
        return right_side(node, self.labels)

    def grad_name(self, node):
        """``∂J/∂u3``: the cost's name over the node's label."""
        return f"∂{self.cost}/∂{self.labels[node]}"


def right_side(node, labels):
    """The right-hand side of ``tg.graph.equation``: what follows
    ``label = `` (not the first " = ": a name may hold one)."""
    equation = tg.graph.equation(node, labels)
    return equation[len(f"{labels[node]} = "):]


def root_named(root, labels):
    """The labels, with an unnamed one-entry root called ``J``, as the notes
    call the cost (unless another node is named ``J``): the steps then read
    ∂J/∂u3, not ∂u5/∂u3."""
    if root.name is None and root.data.size == 1 and ROOT not in labels.values():
        labels = {**labels, root: ROOT}
    return labels


def cost_name(root, labels):
    """The J of ∂J/∂x: a one-entry root's own label; for a root with more
    entries, J, the cost its upstream gradient comes from (not drawn).

    NOTE: ∂y/∂x for a vector y is a Jacobian, not the numbers drawn: those
    are ∂J/∂x for the cost J with ∂J/∂y = grad (a vector-Jacobian product).
    """
    if root.data.size == 1:
        return labels[root]
    return ROOT if ROOT not in labels.values() else "ℓ"


def collect(root, grad=None):
    """Gather the facts about the graph that ends in ``root``.

    ``grad`` is the upstream gradient for a root with more than one entry;
    without it such a root uses its own ``.grad`` when a ``backward(grad)``
    left one there, and otherwise the drawing shows no gradients.
    """
    if not isinstance(root, tg.Tensor):
        raise TypeError(
            f"visualize: expected the tinygraph Tensor to draw (e.g. the cost J), "
            f"got {type(root).__name__}"
        )
    nodes = tg.graph.nodes(root)
    labels = root_named(root, tg.graph.labels(root))
    _check_seed(root, labels[root], grad)
    _check_up_to_date(nodes, labels)
    if grad is None and root.data.size != 1:
        grad = root.grad
    if root.requires_grad and (grad is not None or root.data.size == 1):
        steps = tg.graph.backward_steps(root, grad)
    else:
        steps = [tg.graph.Step(node, None) for node in reversed(nodes)]
    consumers = {node: [] for node in nodes}
    for node in nodes:
        for parent in node.parents:
            # By identity: x * x lists its consumer once.
            if not any(c is node for c in consumers[parent]):
                consumers[parent].append(node)
    return GraphFacts(
        root=root,
        nodes=nodes,
        labels=labels,
        kinds={node: kind(node, root) for node in nodes},
        grads={step.node: step.grad for step in steps},
        steps=steps,
        consumers=consumers,
        cost=cost_name(root, labels),
    )


def _check_seed(root, label, grad):
    """A one-entry root starts backward from ∂J/∂J = 1, which the pages and
    the symbols say; any other ``grad`` would scale every number shown."""
    if grad is None or root.data.size != 1:
        return
    seed = np.asarray(grad.data if isinstance(grad, tg.Tensor) else grad)
    if not np.all(seed == 1):
        raise ValueError(
            f"visualize: grad= is the upstream gradient for a root with more "
            f"than one entry; {label} (shape {shape_text(root.shape)}) has one, "
            f"and backward starts it at ∂{label}/∂{label} = 1, but grad= is "
            f"{seed.tolist()}; draw (c * {label}) for c times every gradient"
        )


def _check_up_to_date(nodes, labels):
    """Refuse a graph whose leaves have changed since its forward pass.

    NOTE: ``J.backward(); opt.step(); draw(J)`` would show W's new values
    beside u0 = W @ x worked out from the old ones (a sum a student cannot
    check). Each operation is run again on what its inputs hold now; only
    a changed input can make it differ.
    """
    with tg.no_grad():
        for node in nodes:
            if node.op is None:
                continue
            try:
                now = node.op.apply(*node.inputs).numpy()
            except FloatingPointError:  # tg.detect_anomaly refuses a NaN again
                continue
            except (ValueError, TypeError):  # the inputs no longer fit: changed
                now = None
            # (a change under 1e-6 of an entry is not seen in 4 digits)
            if now is None or now.shape != node.shape or not np.allclose(
                now, node.numpy(), rtol=1e-6, atol=0, equal_nan=True
            ):
                changed = [labels[x] for x in node.inputs
                           if isinstance(x, tg.Tensor) and x.op is None]
                raise ValueError(
                    f"visualize: the graph is out of date: {labels[node]} = "
                    f"{right_side(node, labels)} no longer "
                    f"matches what {' and '.join(changed) or 'its inputs'} hold now "
                    "(an optimiser step, or .data set, since the forward pass); "
                    "compute the cost again, or draw before opt.step()"
                )
