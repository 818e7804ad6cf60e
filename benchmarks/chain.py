"""A long chain of small elementwise ops and its backward, written five ways.

The chain repeats four ops, x <- x * 0.5, x <- x + 0.1, x <- tanh(x),
x <- exp(x), on a small float64 tensor, then J = sum(x) and dJ/dx0. With
arrays this small, NumPy's arithmetic is nearly free and what is measured is
each library's bookkeeping per op: building the node, walking the graph back.
"""

import numpy as np

import tinygraph as tg

SHAPE = (4, 4)


def start_value(seed=2):
    return np.random.default_rng(seed).normal(size=SHAPE)


def forward_chain(x, n_ops, tanh, exp):
    """The chain in any library: x * 0.5, x + 0.1, tanh(x), exp(x), in turn."""
    for i in range(n_ops):
        kind = i % 4
        if kind == 0:
            x = x * 0.5
        elif kind == 1:
            x = x + 0.1
        elif kind == 2:
            x = tanh(x)
        else:
            x = exp(x)
    return x


# ----- hand-written NumPy: forward, then the chain rule by hand ----------


def numpy_chain(x0, n_ops):
    def run():
        x = x0
        outputs = []  # what the backward needs: tanh and exp outputs
        for i in range(n_ops):
            kind = i % 4
            if kind == 0:
                x = x * 0.5
            elif kind == 1:
                x = x + 0.1
            elif kind == 2:
                x = np.tanh(x)
                outputs.append(x)
            else:
                x = np.exp(x)
                outputs.append(x)
        cost = x.sum()
        grad = np.ones_like(x)
        for i in range(n_ops - 1, -1, -1):
            kind = i % 4
            if kind == 0:
                grad = grad * 0.5  # d(0.5 x)/dx
            elif kind == 2:
                out = outputs.pop()
                grad = grad * (1 - out * out)  # d tanh = 1 - tanh^2
            elif kind == 3:
                grad = grad * outputs.pop()  # d exp = exp
        return float(cost), grad

    return run


def tinygraph_chain(x0, n_ops):
    def run():
        x0_tensor = tg.tensor(x0, requires_grad=True)
        cost = forward_chain(x0_tensor, n_ops, tg.tanh, tg.exp).sum()
        cost.backward()
        return cost.item(), x0_tensor.grad

    return run


def torch_chain(x0, n_ops):
    import torch

    torch.set_num_threads(1)

    def run():
        x0_tensor = torch.tensor(x0, requires_grad=True)
        cost = forward_chain(x0_tensor, n_ops, torch.tanh, torch.exp).sum()
        cost.backward()
        return cost.item(), x0_tensor.grad.numpy()

    return run


def mygrad_chain(x0, n_ops):
    import mygrad as mg

    def run():
        x0_tensor = mg.tensor(x0)
        cost = forward_chain(x0_tensor, n_ops, mg.tanh, mg.exp).sum()
        cost.backward()
        return cost.item(), x0_tensor.grad

    return run


def autograd_chain(x0, n_ops):
    import autograd
    import autograd.numpy as anp

    def cost(x):
        return anp.sum(forward_chain(x, n_ops, anp.tanh, anp.exp))

    value_and_grad = autograd.value_and_grad(cost)

    def run():
        value, grad = value_and_grad(x0)
        return float(value), grad

    return run


IMPLEMENTATIONS = {
    "numpy": numpy_chain,
    "tinygraph": tinygraph_chain,
    "torch": torch_chain,
    "mygrad": mygrad_chain,
    "autograd": autograd_chain,
}
