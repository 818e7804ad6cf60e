"""One training step of a dense tanh network, written five ways.

The network follows the notes' layout (features x examples):
Z = W @ A + b, A = tanh(Z) on hidden layers, softmax + log-loss on the output,
cost J = -1/m sum(Y * log softmax(Z)), then plain SGD, W <- W - lr dJ/dW.

Every implementation starts from the same weights (``initial_weights``) and
exposes ``step() -> float``, the cost before the update, so the driver can
check that they all compute the same thing before it times them.
"""

import itertools

import numpy as np

import tinygraph as tg

LEARNING_RATE = 0.1

# name -> (layer sizes, m)
NETWORKS = {
    "small": ((64, 32, 10), 32),
    "medium": ((64, 256, 256, 10), 256),
    "large": ((784, 1024, 1024, 10), 512),
}


def initial_weights(sizes, seed=0):
    """[(W1, b1), ...] in float64, W scaled by 1/sqrt(fan-in) for tanh."""
    rng = np.random.default_rng(seed)
    return [
        (
            rng.normal(size=(n_out, n_in)) / np.sqrt(n_in),
            0.1 * rng.normal(size=(n_out, 1)),
        )
        for n_in, n_out in itertools.pairwise(sizes)
    ]


def batch(sizes, m, seed=1):
    """Inputs X (n0 x m) and one-hot labels Y (classes x m), float64."""
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(sizes[0], m))
    labels = rng.integers(sizes[-1], size=m)
    Y = np.zeros((sizes[-1], m))
    Y[labels, np.arange(m)] = 1.0
    return X, Y


# ----- hand-written NumPy: the floor --------------------------------------


def numpy_step(weights, X, Y, dtype):
    """Forward and backward by hand (BP1-BP4), no graph at all."""
    layers = [(W.astype(dtype), b.astype(dtype)) for W, b in weights]
    X, Y = X.astype(dtype), Y.astype(dtype)
    m = X.shape[1]

    def step():
        activations = [X]
        for W, b in layers[:-1]:
            activations.append(np.tanh(W @ activations[-1] + b))
        W, b = layers[-1]
        Z = W @ activations[-1] + b
        shifted = Z - Z.max(axis=0, keepdims=True)
        exp = np.exp(shifted)
        total = exp.sum(axis=0, keepdims=True)
        log_p = shifted - np.log(total)
        cost = -(Y * log_p).sum() / m
        # Output error delta = (softmax - Y) / m, then back layer by layer.
        delta = (exp / total - Y) / m
        for index in range(len(layers) - 1, -1, -1):
            W, b = layers[index]
            A = activations[index]
            grad_W = delta @ A.T
            grad_b = delta.sum(axis=1, keepdims=True)
            if index > 0:  # no dJ/dX for the inputs
                delta = (W.T @ delta) * (1 - A * A)
            W -= LEARNING_RATE * grad_W
            b -= LEARNING_RATE * grad_b
        return float(cost)

    return step


# ----- tinygraph, as a user writes it ----------------------------------


def _tinygraph_has_nn():
    return all(
        hasattr(tg.nn, name)
        for name in ("Linear", "Sequential", "Tanh", "cross_entropy_with_logits")
    ) and hasattr(tg.optim, "SGD")


def tinygraph_network(weights, dtype):
    """tg.nn.Sequential of Linear layers with these weights, Tanh between."""
    modules = []
    for index, (W, b) in enumerate(weights):
        layer = tg.nn.Linear(W.shape[1], W.shape[0])
        layer.W.data = W.astype(dtype)
        layer.b.data = b.astype(dtype)
        modules.append(layer)
        if index < len(weights) - 1:
            modules.append(tg.nn.Tanh())
    return tg.nn.Sequential(*modules)


def tinygraph_step(weights, X, Y, dtype):
    """tg.nn.Sequential of Linear and Tanh, the fused cost, tg.optim.SGD.

    Before tg.nn exists, the same network written with engine ops.
    """
    if not _tinygraph_has_nn():
        return tinygraph_ops_step(weights, X, Y, dtype)
    model = tinygraph_network(weights, dtype)
    optimizer = tg.optim.SGD(model.parameters(), lr=LEARNING_RATE)
    X = tg.tensor(X, dtype=dtype)
    Y = tg.tensor(Y, dtype=dtype)

    def step():
        optimizer.zero_grad()
        cost = tg.nn.cross_entropy_with_logits(model(X), Y)
        cost.backward()
        optimizer.step()
        return cost.item()

    step.parameters = model.parameters()
    return step


def tinygraph_ops_step(weights, X, Y, dtype):
    """The step with engine ops only: W @ A + b, tanh, log_softmax."""
    # astype copies: tg.tensor would share the caller's array, and SGD
    # updates it in place.
    layers = [
        (
            tg.tensor(W.astype(dtype), requires_grad=True),
            tg.tensor(b.astype(dtype), requires_grad=True),
        )
        for W, b in weights
    ]
    X = tg.tensor(X, dtype=dtype)
    Y = tg.tensor(Y, dtype=dtype)
    m = X.shape[1]

    def step():
        A = X
        for W, b in layers[:-1]:
            A = (W @ A + b).tanh()
        W, b = layers[-1]
        cost = -(Y * (W @ A + b).log_softmax(axis=0)).sum() / m
        for W, b in layers:
            W.grad = b.grad = None
        cost.backward()
        for W, b in layers:
            W.data -= LEARNING_RATE * W.grad
            b.data -= LEARNING_RATE * b.grad
        return cost.item()

    step.parameters = [p for layer in layers for p in layer]
    return step


# ----- what a user would pick instead ----------------------------------


def torch_step(weights, X, Y, dtype):
    """PyTorch on the CPU: the same layout, F.cross_entropy, torch.optim.SGD."""
    import torch

    torch.set_num_threads(1)
    params = []
    for W, b in weights:
        params.append(torch.tensor(W.astype(dtype), requires_grad=True))
        params.append(torch.tensor(b.astype(dtype), requires_grad=True))
    X = torch.tensor(X.astype(dtype))
    labels = torch.tensor(Y.argmax(axis=0))
    optimizer = torch.optim.SGD(params, lr=LEARNING_RATE)
    n_layers = len(weights)

    def step():
        optimizer.zero_grad()
        A = X
        for i in range(n_layers):
            Z = params[2 * i] @ A + params[2 * i + 1]
            A = torch.tanh(Z) if i < n_layers - 1 else Z
        # cross_entropy wants examples x classes: the transpose is a view.
        cost = torch.nn.functional.cross_entropy(Z.T, labels)
        cost.backward()
        optimizer.step()
        return cost.item()

    return step


def mygrad_step(weights, X, Y, dtype):
    """MyGrad: its fused softmax_crossentropy, manual SGD on .data."""
    import mygrad as mg
    from mygrad.nnet.losses import softmax_crossentropy

    params = []
    for W, b in weights:
        params.append(mg.tensor(W.astype(dtype)))
        params.append(mg.tensor(b.astype(dtype)))
    X = X.astype(dtype)
    labels = Y.argmax(axis=0)
    n_layers = len(weights)

    def step():
        A = X
        for i in range(n_layers):
            Z = mg.matmul(params[2 * i], A) + params[2 * i + 1]
            A = mg.tanh(Z) if i < n_layers - 1 else Z
        cost = softmax_crossentropy(Z.T, labels)
        cost.backward()
        for p in params:
            p.data -= LEARNING_RATE * p.grad
        return cost.item()

    return step


def autograd_step(weights, X, Y, dtype):
    """HIPS autograd: value_and_grad of the cost function, functional SGD."""
    import autograd
    import autograd.numpy as anp
    from autograd.scipy.special import logsumexp

    params = [p.astype(dtype) for W, b in weights for p in (W, b)]
    X, Y = X.astype(dtype), Y.astype(dtype)
    m = X.shape[1]
    n_layers = len(weights)

    def cost(params):
        A = X
        for i in range(n_layers):
            Z = anp.dot(params[2 * i], A) + params[2 * i + 1]
            A = anp.tanh(Z) if i < n_layers - 1 else Z
        return -anp.sum(Y * (Z - logsumexp(Z, axis=0, keepdims=True))) / m

    value_and_grad = autograd.value_and_grad(cost)

    def step():
        value, grads = value_and_grad(params)
        params[:] = [p - LEARNING_RATE * g for p, g in zip(params, grads)]
        return float(value)

    return step


IMPLEMENTATIONS = {
    "numpy": numpy_step,
    "tinygraph": tinygraph_step,
    "torch": torch_step,
    "mygrad": mygrad_step,
    "autograd": autograd_step,
}
