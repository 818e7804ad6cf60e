"""Optional cross-check of second derivatives against PyTorch (skipped
without it): the Hessian-vector product H v of J = <f(x), U> from
``tg.grad(..., create_graph=True)`` against ``torch.autograd.grad`` with
``create_graph=True``, for the ops whose second derivative is not zero."""

import numpy as np
import pytest

import tinygraph as tg

torch = pytest.importorskip("torch")

# (name, tinygraph function, torch function, low, high) on one input
UNARY = [
    ("exp", tg.exp, torch.exp, -2, 2),
    ("log", tg.log, torch.log, 0.2, 3),
    ("sqrt", tg.sqrt, torch.sqrt, 0.2, 3),
    ("sigmoid", tg.sigmoid, torch.sigmoid, -4, 4),
    ("tanh", tg.tanh, torch.tanh, -2, 2),
    ("square", lambda x: x**2, lambda x: x**2, -2, 2),
    ("reciprocal", lambda x: 1 / x, lambda x: 1 / x, 0.5, 2),
    (
        "softmax",
        lambda x: x.softmax(axis=0),
        lambda x: torch.softmax(x, dim=0),
        -2,
        2,
    ),
    (
        "log_softmax",
        lambda x: x.log_softmax(axis=1),
        lambda x: torch.log_softmax(x, dim=1),
        -2,
        2,
    ),
    (
        "mean of exp",
        lambda x: x.exp().mean(axis=0),
        lambda x: x.exp().mean(dim=0),
        -1,
        1,
    ),
]


def hessian_vector(lib, f, x_value, U, v):
    """H v for J = <f(x), U>, in either library."""
    if lib is torch:
        x = torch.tensor(x_value, requires_grad=True)
        (g,) = torch.autograd.grad((f(x) * torch.tensor(U)).sum(), x, create_graph=True)
        (hv,) = torch.autograd.grad((g * torch.tensor(v)).sum(), x)
        return hv.numpy()
    x = tg.tensor(x_value, requires_grad=True)
    (g,) = tg.grad(f(x), [x], grad_outputs=U, create_graph=True)
    (hv,) = tg.grad((g * v).sum(), [x])
    return hv


@pytest.mark.parametrize(
    "name, ours, theirs, low, high", UNARY, ids=[case[0] for case in UNARY]
)
def test_second_derivative_matches_pytorch(name, ours, theirs, low, high):
    rng = np.random.default_rng(0)
    x_value = rng.uniform(low, high, size=(4, 3))
    U = rng.normal(size=np.shape(theirs(torch.tensor(x_value))))
    v = rng.normal(size=x_value.shape)
    np.testing.assert_allclose(
        hessian_vector(tg, ours, x_value, U, v),
        hessian_vector(torch, theirs, x_value, U, v),
        rtol=1e-9,
        atol=1e-12,
    )


def test_second_derivatives_of_a_small_network_match_pytorch():
    """Both weight matrices of tanh(W2 @ tanh(W1 @ X)), with the softmax
    cross-entropy on top: the mixed second derivatives go through matmul."""
    rng = np.random.default_rng(1)
    W1, W2 = rng.normal(size=(4, 3)), rng.normal(size=(2, 4))
    X = rng.normal(size=(3, 5))
    Y = np.eye(2)[:, rng.integers(0, 2, 5)]
    V1, V2 = rng.normal(size=W1.shape), rng.normal(size=W2.shape)

    w1, w2 = tg.tensor(W1, requires_grad=True), tg.tensor(W2, requires_grad=True)
    J = tg.nn.cross_entropy_with_logits(w2 @ (w1 @ X).tanh(), Y)
    g1, g2 = tg.grad(J, [w1, w2], create_graph=True)
    ours = tg.grad((g1 * V1).sum() + (g2 * V2).sum(), [w1, w2])

    t1, t2 = torch.tensor(W1, requires_grad=True), torch.tensor(W2, requires_grad=True)
    logits = t2 @ torch.tanh(t1 @ torch.tensor(X))
    Jt = -(torch.tensor(Y) * torch.log_softmax(logits, dim=0)).sum() / 5
    h1, h2 = torch.autograd.grad(Jt, (t1, t2), create_graph=True)
    along_v = (h1 * torch.tensor(V1)).sum() + (h2 * torch.tensor(V2)).sum()
    theirs = torch.autograd.grad(along_v, (t1, t2))
    for mine, reference in zip(ours, theirs):
        np.testing.assert_allclose(mine, reference.numpy(), rtol=1e-9, atol=1e-12)
