"""The notes' closed forms (``tg.closed_form``) against tinygraph's autodiff.

The autodiff side is composed here from engine ops only (``W @ A + b``,
``.sigmoid()``, ``.log()``, ``.sum()``, ...), never from ``tg.nn``, so each
test pits a hand derivation against the chain rule as the engine runs it.
Everything is float64 and must agree to 1e-10; a few finite-difference
checks make sure the closed forms themselves are right, not merely equal to
the engine.
"""

from dataclasses import dataclass

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import numeric_grad, random_one_hot
from tinygraph import closed_form as cf

TOL = {"rtol": 1e-10, "atol": 1e-10}

ENGINE_ACTIVATIONS = {
    "identity": lambda Z: Z,
    "step": lambda Z: Z.step(),
    "sigmoid": lambda Z: Z.sigmoid(),
    "tanh": lambda Z: Z.tanh(),
    "relu": lambda Z: Z.relu(),
    "softmax": lambda Z: Z.softmax(axis=0),
}


def engine_cost(name, A, Y):
    """The notes' costs written with engine ops, averaging over m columns."""
    m = A.shape[1]
    if name == "mse":
        return ((A - Y) ** 2).sum() / (2 * m)
    if name == "binary_cross_entropy":
        return -(Y * A.log() + (1 - Y) * (1 - A).log()).sum() / m
    if name == "cross_entropy":
        return -(Y * A.log()).sum() / m
    if name == "multilabel_bce":
        per_label = -(Y * A.log() + (1 - Y) * (1 - A).log()).sum(axis=1) / m
        return per_label.sum()
    raise AssertionError(name)


def make_targets(cost, shape, rng):
    """Y fitting the cost: real values, 0/1 labels, or one-hot columns."""
    if cost == "mse":
        return rng.normal(size=shape)
    if cost == "cross_entropy":
        return random_one_hot(shape[0], shape[1], rng)
    return rng.integers(0, 2, size=shape).astype(float)


# ----- activations and their derivatives ---------------------------------

DERIVATIVES = [
    ("identity", cf.identity_prime),
    ("step", cf.step_prime),
    ("sigmoid", cf.sigmoid_prime),
    ("tanh", cf.tanh_prime),
    ("relu", cf.relu_prime),
]


@pytest.mark.parametrize("name, prime", DERIVATIVES)
@pytest.mark.parametrize("shape", [(1, 1), (4, 1), (3, 7)])
def test_activation_derivative_matches_autodiff(name, prime, shape):
    rng = np.random.default_rng(1)
    Z = rng.normal(scale=3, size=shape)
    Z.flat[0] = 0.0  # the kink of ReLU and the jump of step: both give 0
    G = rng.normal(size=shape)  # a non-trivial upstream gradient
    z = tg.tensor(Z, requires_grad=True)
    a = ENGINE_ACTIVATIONS[name](z)
    np.testing.assert_allclose(a.data, cf.activate(name, Z), **TOL)
    a.backward(G)
    np.testing.assert_allclose(z.grad, G * prime(Z), **TOL)


@pytest.mark.parametrize("name, prime", DERIVATIVES[2:])
def test_activation_derivative_matches_finite_differences(name, prime):
    Z = np.random.default_rng(2).normal(scale=2, size=(3, 4)) + 0.05
    G = np.ones_like(Z)
    expected = numeric_grad(lambda z: cf.activate(name, z), [Z], 0, G)
    np.testing.assert_allclose(prime(Z), expected, rtol=1e-6, atol=1e-8)


def test_sigmoid_is_finite_for_huge_inputs():
    Z = np.array([[-1000.0, 0.0, 1000.0]])
    np.testing.assert_array_equal(cf.sigmoid(Z), [[0.0, 0.5, 1.0]])
    np.testing.assert_array_equal(cf.sigmoid_prime(Z), [[0.0, 0.25, 0.0]])


@pytest.mark.parametrize("K", [1, 2, 5])
def test_softmax_jacobian_matches_autodiff_row_by_row(K):
    z_column = np.random.default_rng(K).normal(size=(K, 1))
    a = cf.softmax(z_column)
    jacobian = cf.softmax_jacobian(a)
    assert jacobian.shape == (K, K)
    for r in range(K):
        z = tg.tensor(z_column, requires_grad=True)
        # upstream e_r picks out a_r, so dz holds row r: d a_r / d z_k
        z.softmax(axis=0).backward(np.eye(K)[:, [r]])
        np.testing.assert_allclose(z.grad[:, 0], jacobian[r], **TOL)


def test_softmax_jacobian_matches_finite_differences_and_both_cases():
    z = np.array([0.3, -1.2, 2.0, 0.1])
    a = cf.softmax(z[:, None])[:, 0]
    jacobian = cf.softmax_jacobian(a)
    for k in range(4):
        column = numeric_grad(
            lambda v: cf.softmax(v[:, None])[:, 0], [z], 0, np.eye(4)[k]
        )
        np.testing.assert_allclose(jacobian[k], column, rtol=1e-6, atol=1e-9)
    # [001]: d a_i/d z_i = a_i (1 - a_i), d a_j/d z_i = -a_j a_i for j != i
    np.testing.assert_allclose(np.diag(jacobian), a * (1 - a), **TOL)
    np.testing.assert_allclose(jacobian[0, 2], -a[0] * a[2], **TOL)


def test_softmax_jacobian_of_a_batch_is_one_per_column():
    A = cf.softmax(np.random.default_rng(3).normal(size=(3, 4)))
    stacked = cf.softmax_jacobian(A)
    assert stacked.shape == (4, 3, 3)
    np.testing.assert_allclose(stacked[2], cf.softmax_jacobian(A[:, 2]), **TOL)
    np.testing.assert_allclose(stacked[0], cf.softmax_jacobian(A[:, [0]]), **TOL)


@pytest.mark.parametrize("shape", [(1, 3), (2, 1), (4, 6), (10, 2)])
def test_softmax_backward_matches_autodiff_and_jacobian(shape):
    rng = np.random.default_rng(shape[0] * 10 + shape[1])
    Z = rng.normal(scale=2, size=shape)
    G = rng.normal(size=shape)
    z = tg.tensor(Z, requires_grad=True)
    a = z.softmax(axis=0)
    a.backward(G)
    expected = cf.softmax_backward(a.data, G)
    np.testing.assert_allclose(z.grad, expected, **TOL)
    # The same numbers as the Jacobian transposed times G, column by column.
    by_jacobian = np.stack(
        [cf.softmax_jacobian(a.data[:, i]).T @ G[:, i] for i in range(shape[1])], axis=1
    )
    np.testing.assert_allclose(expected, by_jacobian, **TOL)


# ----- costs, seeds dJ/dA and output errors dJ/dZ ------------------------

COST_CASES = [
    ("mse", (1, 5)),
    ("mse", (3, 1)),
    ("binary_cross_entropy", (1, 1)),
    ("binary_cross_entropy", (1, 8)),
    ("cross_entropy", (4, 1)),
    ("cross_entropy", (3, 9)),
    ("multilabel_bce", (5, 1)),
    ("multilabel_bce", (3, 6)),
]


@pytest.mark.parametrize("cost, shape", COST_CASES)
def test_cost_value_and_dJ_dA_match_autodiff(cost, shape):
    rng = np.random.default_rng(len(cost) + shape[1])
    A_values = rng.uniform(0.05, 0.95, size=shape)
    if cost == "cross_entropy":
        A_values = A_values / A_values.sum(axis=0, keepdims=True)
    Y = make_targets(cost, shape, rng)
    A = tg.tensor(A_values, requires_grad=True)
    J = engine_cost(cost, A, Y)
    np.testing.assert_allclose(J.item(), cf.cost(cost, A_values, Y), **TOL)
    J.backward()
    np.testing.assert_allclose(A.grad, cf.dJ_dA(cost, A_values, Y), **TOL)


def test_binary_and_multilabel_cross_entropy_are_the_same_number():
    rng = np.random.default_rng(4)
    A, Y = rng.uniform(0.1, 0.9, size=(3, 5)), rng.integers(0, 2, size=(3, 5))
    assert cf.multilabel_bce(A, Y) == pytest.approx(cf.binary_cross_entropy(A, Y))


@pytest.mark.parametrize("output, cost", cf.MATCHED_PAIRS)
@pytest.mark.parametrize("shape", [(1, 1), (3, 1), (3, 7)])
def test_output_error_is_dJ_dZ_for_matched_pairs(output, cost, shape):
    if cost == "binary_cross_entropy":
        shape = (1, shape[1])  # binary classification has one output row
    rng = np.random.default_rng(shape[0] + 3 * shape[1])
    Z_values = rng.normal(scale=2, size=shape)
    Y = make_targets(cost, shape, rng)
    Z = tg.tensor(Z_values, requires_grad=True)
    A = ENGINE_ACTIVATIONS[output](Z)
    engine_cost(cost, A, Y).backward()
    np.testing.assert_allclose(Z.grad, cf.output_error(A.data, Y), **TOL)
    delta = cf.output_delta(output, cost, Z_values, A.data, Y)
    np.testing.assert_allclose(Z.grad, delta, **TOL)


UNMATCHED = [
    ("sigmoid", "mse"),
    ("tanh", "mse"),
    ("softmax", "mse"),
    ("relu", "mse"),
    ("sigmoid", "cross_entropy"),
    ("softmax", "multilabel_bce"),
]


@pytest.mark.parametrize("output, cost", UNMATCHED)
def test_output_delta_for_unmatched_pairs_is_bp1(output, cost):
    rng = np.random.default_rng(5)
    shape = (3, 4)
    Z_values = rng.normal(size=shape)
    Y = make_targets(cost, shape, rng)
    Z = tg.tensor(Z_values, requires_grad=True)
    A = ENGINE_ACTIVATIONS[output](Z)
    engine_cost(cost, A, Y).backward()
    delta = cf.output_delta(output, cost, Z_values, A.data, Y)
    np.testing.assert_allclose(Z.grad, delta, **TOL)
    # ... and it is not (A - Y)/m: that shortcut belongs to matched pairs only
    assert not np.allclose(delta, cf.output_error(A.data, Y))


# ----- full networks: the four equations against autodiff ----------------


@dataclass
class NetCase:
    sizes: tuple  # n_0 (features), n_1, ..., n_L
    hidden: str
    output: str
    cost: str
    m: int
    l2: float = 0.0
    l1: float = 0.0


NETWORKS = [
    NetCase((3, 1), "sigmoid", "sigmoid", "binary_cross_entropy", 5),
    NetCase((2, 4, 1), "tanh", "sigmoid", "binary_cross_entropy", 1),
    NetCase((4, 6, 5, 1), "relu", "sigmoid", "binary_cross_entropy", 9),
    NetCase((3, 5, 4), "sigmoid", "softmax", "cross_entropy", 7),
    NetCase((5, 8, 8, 8, 3), "tanh", "softmax", "cross_entropy", 1),
    NetCase((6, 4, 3), "relu", "softmax", "cross_entropy", 16, l2=0.7),
    NetCase((2, 3, 2), "identity", "identity", "mse", 4),
    NetCase((4, 7, 2), "tanh", "identity", "mse", 1, l2=0.3, l1=0.2),
    NetCase((3, 5, 5, 1), "relu", "identity", "mse", 11, l1=0.5),
    NetCase((4, 6, 3), "sigmoid", "sigmoid", "multilabel_bce", 8),
    NetCase((4, 3, 6, 5), "relu", "sigmoid", "multilabel_bce", 1, l2=0.1),
    NetCase((3, 4, 2), "step", "sigmoid", "multilabel_bce", 5),
    NetCase((3, 4, 1), "sigmoid", "sigmoid", "mse", 6),  # an unmatched pair
    NetCase((3, 4, 3), "tanh", "softmax", "mse", 3),  # softmax Jacobian in BP1
]


def random_network(case, rng):
    W = [
        rng.normal(size=(n_out, n_in))
        for n_in, n_out in zip(case.sizes, case.sizes[1:])
    ]
    b = [rng.normal(size=(n_out, 1)) for n_out in case.sizes[1:]]
    X = rng.normal(size=(case.sizes[0], case.m))
    Y = make_targets(case.cost, (case.sizes[-1], case.m), rng)
    return X, Y, W, b


def engine_network(case, X, Y, W, b):
    """J, and the weight, bias and Z tensors, built from engine ops."""
    Ws = [tg.tensor(w, requires_grad=True) for w in W]
    bs = [tg.tensor(c, requires_grad=True) for c in b]
    A = tg.tensor(X)
    Zs = []
    for layer, (w, c) in enumerate(zip(Ws, bs)):
        Zs.append(w @ A + c)
        last = layer == len(Ws) - 1
        A = ENGINE_ACTIVATIONS[case.output if last else case.hidden](Zs[-1])
    J = engine_cost(case.cost, A, Y)
    if case.l2:
        J = J + case.l2 / (2 * case.m) * sum((w * w).sum() for w in Ws)
    if case.l1:
        J = J + case.l1 / case.m * sum(w.abs().sum() for w in Ws)
    return J, Ws, bs, Zs


@pytest.mark.parametrize(
    "case", NETWORKS, ids=lambda c: f"{c.sizes}-{c.hidden}-{c.output}-{c.cost}-m{c.m}"
)
def test_backprop_matches_autodiff(case):
    rng = np.random.default_rng(sum(case.sizes) * 31 + case.m)
    X, Y, W, b = random_network(case, rng)
    J, Ws, bs, Zs = engine_network(case, X, Y, W, b)
    J.backward()
    manual = cf.backprop(
        X, Y, W, b, case.hidden, case.output, case.cost, case.l2, case.l1
    )
    assert manual.J == pytest.approx(J.item(), rel=1e-12)
    for layer in range(len(W)):
        np.testing.assert_allclose(manual.Z[layer], Zs[layer].data, **TOL)
        np.testing.assert_allclose(manual.delta[layer], Zs[layer].grad, **TOL)
        np.testing.assert_allclose(manual.dW[layer], Ws[layer].grad, **TOL)
        np.testing.assert_allclose(manual.db[layer], bs[layer].grad, **TOL)


@pytest.mark.parametrize("case", [NETWORKS[2], NETWORKS[5], NETWORKS[7], NETWORKS[10]])
def test_backprop_matches_finite_differences(case):
    rng = np.random.default_rng(7)
    X, Y, W, b = random_network(case, rng)
    manual = cf.backprop(
        X, Y, W, b, case.hidden, case.output, case.cost, case.l2, case.l1
    )

    def J_of(*params):
        L = len(W)
        return cf.backprop(
            X,
            Y,
            list(params[:L]),
            list(params[L:]),
            case.hidden,
            case.output,
            case.cost,
            case.l2,
            case.l1,
        ).J

    params = W + b
    for index, expected in enumerate(manual.dW + manual.db):
        numeric = numeric_grad(J_of, params, index, 1.0)
        np.testing.assert_allclose(expected, numeric, rtol=1e-5, atol=1e-7)


def test_backprop_of_a_step_network_stops_at_the_step():
    rng = np.random.default_rng(8)
    X, Y, W, b = random_network(NETWORKS[11], rng)
    manual = cf.backprop(X, Y, W, b, "step", "sigmoid", "multilabel_bce")
    assert not manual.dW[0].any() and not manual.db[0].any()
    assert manual.dW[1].any()


def test_penalties_match_autodiff():
    rng = np.random.default_rng(9)
    W = [rng.normal(size=(3, 2)), rng.normal(size=(2, 3))]
    Ws = [tg.tensor(w, requires_grad=True) for w in W]
    m, lam = 6, 0.4
    J = lam / (2 * m) * sum((w * w).sum() for w in Ws) + lam / m * sum(
        w.abs().sum() for w in Ws
    )
    J.backward()
    assert J.item() == pytest.approx(
        cf.l2_penalty(W, lam, m) + cf.l1_penalty(W, lam, m)
    )
    for w, Wl in zip(Ws, W):
        expected = cf.l2_penalty_dW(Wl, lam, m) + cf.l1_penalty_dW(Wl, lam, m)
        np.testing.assert_allclose(w.grad, expected, **TOL)


# ----- bad input ----------------------------------------------------------


def test_cost_rejects_mismatched_shapes():
    with pytest.raises(
        ValueError, match=r"mse: A has shape \(2, 3\) but Y has shape \(3, 2\)"
    ):
        cf.mse(np.zeros((2, 3)), np.zeros((3, 2)))


def test_cost_rejects_one_dimensional_input():
    with pytest.raises(ValueError, match="2-D"):
        cf.cross_entropy(np.ones(3) / 3, np.eye(3)[0])


def test_unknown_names_are_listed():
    with pytest.raises(ValueError, match="unknown activation 'gelu'.*sigmoid"):
        cf.activate("gelu", np.zeros((2, 2)))
    with pytest.raises(ValueError, match="unknown cost 'hinge'"):
        cf.backprop(
            np.zeros((2, 3)),
            np.zeros((1, 3)),
            [np.zeros((1, 2))],
            [np.zeros((1, 1))],
            cost="hinge",
        )


def test_forward_names_the_layer_with_the_wrong_shape():
    W = [np.zeros((4, 3)), np.zeros((2, 5))]
    b = [np.zeros((4, 1)), np.zeros((2, 1))]
    with pytest.raises(
        ValueError, match=r"layer 2 expects W of shape \(n_out, 4\).*\(2, 5\)"
    ):
        cf.forward(np.zeros((3, 2)), W, b)

