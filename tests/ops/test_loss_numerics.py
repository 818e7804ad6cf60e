"""The fused costs on logits at the edges of floating point: masked classes
(logit -inf) and logits of +-1e308, against closed forms written here,
finite differences where a difference can resolve the derivative, and
PyTorch (skipped when absent)."""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import np_sigmoid, numeric_grad

# z - max(z) of 1e308 and -1e308 overflows to -inf, rightly: the true
# log-probability, -2e308, is beyond the largest float.
pytestmark = pytest.mark.filterwarnings("ignore:overflow encountered:RuntimeWarning")

NEG_INF = -np.inf

# name, logits Z (classes x examples), the class k of each example
SOFTMAX_CASES = [
    # masked classes (-inf) whose label is 0: they add 0 log 0 = 0
    (
        "masked",
        [[1.0, 2.0, -0.5], [NEG_INF, 0.5, 1.5], [0.3, NEG_INF, NEG_INF]],
        [0, 1, 1],
    ),
    # a largest logit 2e308 above another; costs 0, 0 and log(1 + 2 e^-5)
    (
        "huge",
        [[1e308, 3.0, 0.0], [-1e308, 1e308, 0.0], [0.0, -1e308, 5.0]],
        [0, 1, 2],
    ),
    # two examples whose cost is 1e308 each: the mean fits, the sum does not
    ("huge_cost", [[1e308, 1e308], [0.0, 0.0]], [1, 1]),
]
SOFTMAX_IDS = [c[0] for c in SOFTMAX_CASES]


def logsumexp(z):
    return np.logaddexp.reduce(z)


def softmax_cost(Z, labels):
    """J = (1/m) sum_i (log sum_j exp z_ji - z_{k_i, i}), label k_i: only the
    true class's log-probability enters, so masked classes never do."""
    m = Z.shape[1]
    return sum((logsumexp(z) - z[k]) / m for z, k in zip(Z.T, labels))


def softmax_grad(Z, labels):
    """dJ/dZ = (softmax(Z) - Y) / m, with softmax(z) = exp(z - logsumexp(z))."""
    A = np.stack([np.exp(z - logsumexp(z)) for z in Z.T], axis=1)
    return (A - np.eye(Z.shape[0])[:, labels]) / Z.shape[1]


def fused_softmax(Z, labels):
    z = tg.tensor(Z, requires_grad=True)
    J = tg.nn.cross_entropy_with_logits(z, np.eye(z.shape[0])[:, labels])
    J.backward()
    return J.item(), z.grad


def check_finite_differences(grad, cost, reference, Z):
    """dJ/dZ against central differences where a step of 1e-6 can tell: not
    at -inf, not beside 1e308, and not where a cost of 1e308 swallows it."""
    if abs(cost) > 1e300:
        return
    expected = numeric_grad(reference, [Z], 0, 1.0)
    moderate = np.abs(Z) < 1e300
    np.testing.assert_allclose(grad[moderate], expected[moderate], atol=1e-9)


@pytest.mark.parametrize("name, Z, labels", SOFTMAX_CASES, ids=SOFTMAX_IDS)
def test_cross_entropy_with_logits_is_right_for_masked_and_huge_logits(name, Z, labels):
    Z = np.array(Z)
    cost, grad = fused_softmax(Z, labels)
    assert cost == pytest.approx(softmax_cost(Z, labels), rel=1e-14)
    np.testing.assert_allclose(grad, softmax_grad(Z, labels), rtol=1e-12, atol=1e-300)
    check_finite_differences(grad, cost, lambda z: softmax_cost(z, labels), Z)


def test_cross_entropy_with_logits_values_by_hand():
    assert fused_softmax(np.array(SOFTMAX_CASES[1][1]), [0, 1, 2])[0] == pytest.approx(
        np.log1p(2 * np.exp(-5.0)) / 3, rel=1e-14
    )
    assert fused_softmax(np.array(SOFTMAX_CASES[2][1]), [1, 1])[0] == 1e308


@pytest.mark.parametrize("name, Z, labels", SOFTMAX_CASES, ids=SOFTMAX_IDS)
def test_cross_entropy_with_logits_matches_torch_at_the_edges(name, Z, labels):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    Z = np.array(Z)
    m = Z.shape[1]
    cost, grad = fused_softmax(Z, labels)
    zt = torch.tensor(Z.T, requires_grad=True)  # PyTorch: examples x classes
    # per example, then averaged as we do: PyTorch's own mean sums first,
    # which overflows for the "huge_cost" case. (Its class-probability form
    # gives nan for a masked class, 0 * -inf; the class-index form does not.)
    losses = F.cross_entropy(zt, torch.tensor(labels), reduction="none")
    Jt = (losses / m).sum()
    Jt.backward()
    assert cost == pytest.approx(Jt.item(), rel=1e-14)
    np.testing.assert_allclose(grad, zt.grad.numpy().T, rtol=1e-12, atol=1e-300)


# logits Z (one row), labels Y
SIGMOID_CASES = [
    # two terms of 1e308 (confident misses) among five: the mean fits
    ([[1e308, -1e308, 1e308, -1e308, 0.5]], [[0, 1, 1, 0, 1]]),
    # confident hits cost 0
    ([[1e308, -1e308, 0.5]], [[1, 0, 1]]),
]


def sigmoid_cost(Z, Y):
    """J = (1/m) sum(log(1 + e^z) - y z), each term divided by m first."""
    return np.sum((np.logaddexp(0, Z) - Y * Z) / Z.shape[1])


def fused_sigmoid(Z, Y):
    z = tg.tensor(Z, requires_grad=True)
    J = tg.nn.binary_cross_entropy_with_logits(z, Y)
    J.backward()
    return J.item(), z.grad


@pytest.mark.parametrize("Z, Y", SIGMOID_CASES)
def test_bce_with_logits_is_right_for_logits_of_1e308(Z, Y):
    Z, Y = np.array(Z), np.array(Y, dtype=float)
    cost, grad = fused_sigmoid(Z, Y)
    assert cost == pytest.approx(sigmoid_cost(Z, Y), rel=1e-14)
    with np.errstate(over="ignore"):
        A = np_sigmoid(Z)
    np.testing.assert_allclose(grad, (A - Y) / Z.shape[1], rtol=1e-12, atol=1e-300)
    check_finite_differences(grad, cost, lambda z: sigmoid_cost(z, Y), Z)


def test_bce_with_logits_of_1e308_by_hand():
    Z, Y = np.array(SIGMOID_CASES[0][0]), np.array(SIGMOID_CASES[0][1])
    expected = 2 * (1e308 / 5) + np.log1p(np.exp(-0.5)) / 5
    assert fused_sigmoid(Z, Y)[0] == pytest.approx(expected, rel=1e-15)


@pytest.mark.parametrize("Z, Y", SIGMOID_CASES)
def test_bce_with_logits_matches_torch_at_1e308(Z, Y):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    Z, Y = np.array(Z), np.array(Y, dtype=float)
    cost, grad = fused_sigmoid(Z, Y)
    zt = torch.tensor(Z, requires_grad=True)
    terms = F.binary_cross_entropy_with_logits(zt, torch.tensor(Y), reduction="none")
    Jt = (terms / Z.shape[1]).sum()  # PyTorch's mean would overflow first
    Jt.backward()
    assert cost == pytest.approx(Jt.item(), rel=1e-14)
    np.testing.assert_allclose(grad, zt.grad.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.filterwarnings("ignore:invalid value encountered:RuntimeWarning")
@pytest.mark.parametrize(
    "z, y, cost",
    [
        # an infinite logit: 0 where its label agrees, inf where it does not
        # (0 log 0 = 0, as in the softmax cost); the sum was nan (inf - inf)
        (np.inf, 1.0, 0.0),
        (np.inf, 0.0, np.inf),
        (-np.inf, 0.0, 0.0),
        (-np.inf, 1.0, np.inf),
        (np.inf, 0.25, np.inf),
    ],
)
def test_bce_with_logits_of_an_infinite_logit_is_its_limit(z, y, cost):
    # with a finite second example, log(1 + e^-2) / 2, which must stay
    finite = np.log1p(np.exp(-2.0)) / 2
    Z, Y = [[z, 2.0]], [[y, 1.0]]
    assert tg.nn.binary_cross_entropy_with_logits(Z, Y).item() == cost + finite
