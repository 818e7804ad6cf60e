"""Where the small step's time goes beyond hand-written NumPy.

The small network's step (``mlp.NETWORKS["small"]``) spends more time in
Python than in NumPy, so each thing tinygraph does besides the arithmetic
shows in its time. Here the same step is written with one of those things
taken away at a time, through the public API, and finally with all three:

* **no module scopes**: every module's ``label`` is None, so calling it
  opens no ``tg.graph.scope`` (drawings lose their "Layer 1" boxes);
* **no label checks**: the fused op ``tg.ops.softmax_cross_entropy`` on a
  ready-made leaf Y instead of ``tg.nn.cross_entropy_with_logits``, which
  checks the shapes and that Y is one-hot, and names Y, at every call;
* **update by hand**: ``p.data = p.numpy() - lr * p.grad`` instead of
  ``tg.optim.SGD``, which checks every gradient first and locks the new
  arrays.

``bare engine`` is the floor for any define-by-run engine in Python: the
same five nodes with nothing but their values, inputs and gradients (no
names, modes, checks, locks or op contract), written for this comparison
only. What lies between it and the last variant is the engine's own work:
``Op.apply``, the backward driver and the op contract.
"""

import numpy as np

import tinygraph as tg
from benchmarks import mlp

LEARNING_RATE = mlp.LEARNING_RATE


def variant(scopes=True, label_checks=True, optimiser=True):
    """``make(weights, X, Y, dtype) -> step`` for the step written with the
    chosen conveniences."""

    def make(weights, X, Y, dtype):
        model = mlp.tinygraph_network(weights, dtype)
        if not scopes:
            for module in (model, *model):
                module.label = None
        parameters = model.parameters()
        optimizer = tg.optim.SGD(parameters, lr=LEARNING_RATE)
        X = tg.tensor(X, dtype=dtype)
        Y = tg.tensor(Y, dtype=dtype, name="Y")

        def cost(Z):
            if label_checks:
                return tg.nn.cross_entropy_with_logits(Z, Y)
            return tg.ops.softmax_cross_entropy(Z, Y, axis=0, one_hot=True)

        def step():
            for p in parameters:
                p.grad = None
            J = cost(model(X))
            J.backward()
            if optimiser:
                optimizer.step()
            else:
                for p in parameters:
                    p.data = p.numpy() - LEARNING_RATE * p.grad
            return J.item()

        return step

    return make


# ----- the floor: a bare define-by-run engine -----------------------------


class Node:
    """A value, the node's inputs, and its gradient; ``kind`` says which
    backward rule applies."""

    __slots__ = ("value", "grad", "kind", "inputs", "saved")

    def __init__(self, value, kind=None, inputs=(), saved=None):
        self.value, self.grad, self.kind = value, None, kind
        self.inputs, self.saved = inputs, saved


def _softmax_cross_entropy(Z, Y, m):
    shifted = Z.value - Z.value.max(axis=0, keepdims=True)
    exp = np.exp(shifted)
    total = exp.sum(axis=0, keepdims=True)
    cost = -np.vdot(Y, shifted - np.log(total)) / m
    return Node(np.asarray(cost, dtype=Z.value.dtype), "cost", (Z,), exp / total)


def _backward(order, Y, m):
    """Every rule written out: no broadcasting, fan-out or dtype to handle."""
    order[-1].grad = np.ones((), dtype=order[-1].value.dtype)
    for node in reversed(order):
        g, kind = node.grad, node.kind
        if kind == "cost":
            node.inputs[0].grad = (node.saved - Y) * (g / m)
        elif kind == "tanh":
            node.inputs[0].grad = g * (1 - node.value * node.value)
        elif kind == "add":  # Z = WA + b: b was broadcast over the examples
            node.inputs[0].grad = g
            node.inputs[1].grad = g.sum(axis=1, keepdims=True)
        elif kind == "matmul":
            W, A = node.inputs
            W.grad = g @ A.value.T
            if A.kind is not None:  # the inputs X need no gradient
                A.grad = W.value.T @ g


def bare_engine(weights, X, Y, dtype):
    layers = [(Node(W.astype(dtype)), Node(b.astype(dtype))) for W, b in weights]
    X, Y = Node(X.astype(dtype)), Y.astype(dtype)
    m = X.value.shape[1]

    def step():
        order = []
        A = X
        for index, (W, b) in enumerate(layers):
            product = Node(W.value @ A.value, "matmul", (W, A))
            Z = Node(product.value + b.value, "add", (product, b))
            order += [product, Z]
            if index < len(layers) - 1:
                A = Node(np.tanh(Z.value), "tanh", (Z,))
                order.append(A)
        J = _softmax_cross_entropy(Z, Y, m)
        order.append(J)
        _backward(order, Y, m)
        for W, b in layers:
            W.value = W.value - LEARNING_RATE * W.grad
            b.value = b.value - LEARNING_RATE * b.grad
        return float(J.value)

    return step


IMPLEMENTATIONS = {
    "numpy": mlp.numpy_step,
    "tinygraph": variant(),
    "no module scopes": variant(scopes=False),
    "no label checks": variant(label_checks=False),
    "update by hand": variant(optimiser=False),
    "none of the three": variant(False, False, False),
    "bare engine": bare_engine,
}
