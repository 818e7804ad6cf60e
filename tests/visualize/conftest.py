"""Shared graphs for the drawing tests: the notes' binary cross-entropy and
a small scoped network, each with its gradients from closed forms."""

import shutil
from types import SimpleNamespace

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import np_bce, np_sigmoid


@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(items):
    """Mark every test that uses the ``chromium`` fixture as ``browser``, so
    that ``pytest -m "not browser"`` (``make test-fast``) leaves it out."""
    for item in items:
        if "chromium" in getattr(item, "fixturenames", ()):
            item.add_marker(pytest.mark.browser)


@pytest.fixture
def needs_dot():
    """Skip, saying why, when Graphviz's ``dot`` program is not installed."""
    if shutil.which("dot") is None:
        pytest.skip(
            "Graphviz's `dot` is missing: run `bash scripts/ensure_graphviz.sh`"
        )


class BCE:
    """The notes' u-variables for J = -1/m sum(y log a + (1 - y) log(1 - a)).

    ``dJ_da`` is the notes' equation (2), (1/m) ((1 - y)/(1 - a) - y/a):
    an oracle independent of the engine.
    """

    def __init__(self, a=(0.8, 0.3, 0.6), y=(1.0, 0.0, 1.0)):
        self.y = np.array([y])
        self.m = self.y.shape[1]
        self.a = tg.tensor([a], requires_grad=True)
        self.u1 = 1 - self.a
        self.u2 = tg.log(self.a)
        self.u3 = tg.log(self.u1)
        self.u4 = self.y * self.u2 + (1 - self.y) * self.u3
        self.J = (-1 / self.m * self.u4.sum()).named("J")
        a_, y_, m = self.a.data, self.y, self.m
        self.dJ_da = ((1 - y_) / (1 - a_) - y_ / a_) / m
        self.dJ_du1 = -(1 - y_) / (1 - a_) / m  # the notes' dJ/du1
        self.dJ_du2 = -y_ / m


@pytest.fixture
def bce():
    return BCE()


def scoped_network(layers=2, width=3, m=4, seed=0):
    """``layers`` dense sigmoid layers, each forward in its own scope, and
    the BCE cost.

    Returns a namespace: ``J``, ``params`` [W1, b1, ...], the last layer's
    ``Z`` and ``dZ`` = dJ/dZ = (A - Y)/m (the notes' output error), ``X``,
    ``Y`` and ``cost(W1, b1, ...)``, the same cost in plain NumPy.
    """
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(width, m))
    Y = (rng.random((1, m)) > 0.5).astype(float)
    A = tg.tensor(X, name="X")
    params = []
    for layer in range(1, layers + 1):
        n_out = 1 if layer == layers else width
        W = tg.tensor(rng.normal(size=(n_out, A.shape[0])), requires_grad=True,
                      name=f"W{layer}")
        b = tg.tensor(rng.normal(size=(n_out, 1)), requires_grad=True,
                      name=f"b{layer}")
        params += [W, b]
        with tg.graph.scope(f"Layer {layer}"):
            Z = W @ A + b
            A = Z.sigmoid()
    with tg.graph.scope("cost"):
        J = -(Y * A.log() + (1 - Y) * (1 - A).log()).mean()
    J.named("J")
    def cost(*arrays):
        a = X
        for W, b in zip(arrays[::2], arrays[1::2]):
            a = np_sigmoid(W @ a + b)
        return np_bce(a, Y)

    # The notes' output error for sigmoid + cross-entropy: (A - Y) / m.
    return SimpleNamespace(J=J, params=params, Z=Z, dZ=(A.data - Y) / m, X=X, Y=Y,
                           cost=cost)
