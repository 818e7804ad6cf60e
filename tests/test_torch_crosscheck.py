"""Optional cross-check of gradients against PyTorch (skipped without it)."""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import random_one_hot

torch = pytest.importorskip("torch")


def mlp_cost(lib, W1, b1, W2, b2, X, Y):
    """The same two-layer network in either library's vocabulary."""
    if lib is torch:
        A1 = torch.tanh(W1 @ X + b1)
        Z2 = W2 @ A1 + b2
        logp = torch.log_softmax(Z2, dim=0)
    else:
        A1 = (W1 @ X + b1).tanh()
        Z2 = W2 @ A1 + b2
        logp = Z2.log_softmax(axis=0)
    return -(Y * logp).sum() / X.shape[1]


def test_mlp_gradients_match_pytorch():
    rng = np.random.default_rng(0)
    shapes = [(5, 4), (5, 1), (3, 5), (3, 1)]
    values = [rng.normal(size=s) for s in shapes]
    X = rng.normal(size=(4, 7))
    Y = random_one_hot(3, 7, rng)

    ours = [tg.tensor(v, requires_grad=True) for v in values]
    mlp_cost(tg, *ours, X, Y).backward()

    theirs = [torch.tensor(v, requires_grad=True) for v in values]
    cost = mlp_cost(torch, *theirs, torch.tensor(X), torch.tensor(Y))
    cost.backward()
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(
            mine.grad, reference.grad.numpy(), rtol=1e-10, atol=1e-12
        )


def test_elementwise_and_reduction_gradients_match_pytorch():
    rng = np.random.default_rng(1)
    x_value = rng.uniform(0.5, 2.0, size=(3, 4))
    upstream = rng.normal(size=(4,))

    x = tg.tensor(x_value, requires_grad=True)
    y = (x.sqrt() * x.log() + x.sigmoid() ** 2 - x.abs().exp() / x).max(axis=0)
    y.backward(upstream)

    xt = torch.tensor(x_value, requires_grad=True)
    yt = xt.sqrt() * xt.log() + torch.sigmoid(xt) ** 2 - xt.abs().exp() / xt
    yt = yt.amax(dim=0)
    yt.backward(torch.tensor(upstream))
    np.testing.assert_allclose(x.grad, xt.grad.numpy(), rtol=1e-10)
