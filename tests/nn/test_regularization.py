"""L2 and L1 penalties: values and derivatives as in the notes (lam/m w and
lam/m sign(w)), checked against finite differences too."""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import numeric_grad

W1 = np.array([[0.5, -1.5, 2.0], [0.0, 0.25, -0.75]])
W2 = np.array([[1.0, -2.0]])


def weights():
    return [tg.tensor(W1, requires_grad=True), tg.tensor(W2, requires_grad=True)]


def test_l2_penalty_value_and_weight_decay_gradient():
    lam, m = 0.3, 8
    ws = weights()
    R = tg.nn.l2_penalty(ws, lam, m)
    R.backward()
    assert R.item() == pytest.approx(
        lam / (2 * m) * (np.sum(W1**2) + np.sum(W2**2)), rel=1e-14
    )
    np.testing.assert_allclose(ws[0].grad, lam / m * W1, rtol=1e-14)
    np.testing.assert_allclose(ws[1].grad, lam / m * W2, rtol=1e-14)


def test_l1_penalty_value_and_sign_gradient():
    lam, m = 0.3, 8
    ws = weights()
    R = tg.nn.l1_penalty(ws, lam, m)
    R.backward()
    assert R.item() == pytest.approx(
        lam / m * (np.abs(W1).sum() + np.abs(W2).sum()), rel=1e-14
    )
    np.testing.assert_allclose(ws[0].grad, lam / m * np.sign(W1), rtol=1e-14)
    assert ws[0].grad[1, 0] == 0.0  # sign(0) = 0


def test_penalties_gradients_match_finite_differences_away_from_zero():
    w = np.array([[0.7, -1.1], [0.4, 2.0]])
    for penalty, formula in [
        (tg.nn.l2_penalty, lambda x: 0.5 / (2 * 4) * np.sum(x**2)),
        (tg.nn.l1_penalty, lambda x: 0.5 / 4 * np.sum(np.abs(x))),
    ]:
        t = tg.tensor(w, requires_grad=True)
        penalty([t], 0.5, 4).backward()
        np.testing.assert_allclose(
            t.grad, numeric_grad(formula, [w], 0, 1.0), rtol=1e-7
        )


def test_penalty_adds_to_a_cost_and_to_a_networks_weights_only():
    net = tg.nn.Sequential(
        tg.nn.Linear(3, 4, rng=0), tg.nn.Tanh(), tg.nn.Linear(4, 1, rng=1)
    )
    X, Y = np.ones((3, 6)), np.zeros((1, 6))
    weights_only = [net[0].W, net[2].W]
    J = tg.nn.mse(net(X), Y) + tg.nn.l2_penalty(weights_only, lam=1.0, m=6)
    J.backward()
    plain = tg.nn.Sequential(
        tg.nn.Linear(3, 4, rng=0), tg.nn.Tanh(), tg.nn.Linear(4, 1, rng=1)
    )
    tg.nn.mse(plain(X), Y).backward()
    np.testing.assert_allclose(
        net[0].W.grad, plain[0].W.grad + net[0].W.data / 6, rtol=1e-12
    )
    np.testing.assert_allclose(net[0].b.grad, plain[0].b.grad, rtol=1e-12)


@pytest.mark.parametrize(
    "args, error, message",
    [
        (([], 0.1, 5), ValueError, "params is empty"),
        (([np.ones(2)], 0.1, 5), TypeError, r"params\[0\] is a ndarray"),
        ((None, -0.1, 5), ValueError, "lam must be a number >= 0"),
        ((None, 0.1, 0), ValueError, "m .* must be a positive integer"),
        ((None, 0.1, 2.5), ValueError, "m .* must be a positive integer"),
    ],
)
@pytest.mark.parametrize("penalty", [tg.nn.l2_penalty, tg.nn.l1_penalty])
def test_penalties_reject_bad_arguments(penalty, args, error, message):
    params, lam, m = args
    with pytest.raises(error, match=message):
        penalty(weights() if params is None else params, lam, m)


def test_penalties_are_drawn_as_one_box_of_their_own():
    # Their nodes carry a scope, so a drawing of a deep network folds them
    # into one box (before, draw refused: 28 nodes outside any layer).
    visualize = pytest.importorskip("visualize")
    rng = np.random.default_rng(0)
    net = tg.nn.Sequential(
        tg.nn.Linear(4, 8, rng=0), tg.nn.ReLU(),
        tg.nn.Linear(8, 8, rng=1), tg.nn.ReLU(),
        tg.nn.Linear(8, 3, rng=2),
    )
    X, Y = rng.normal(size=(4, 5)), np.eye(3)[:, [0, 1, 2, 0, 1]]
    for penalty, label in [(tg.nn.l2_penalty, "L2 penalty"),
                           (tg.nn.l1_penalty, "L1 penalty")]:
        R = penalty(net.parameters(), 0.01, 5)
        assert {n.scope for n in tg.graph.nodes(R) if n.op} == {(label,)}
        J = tg.nn.cross_entropy_with_logits(net(X), Y) + R
        assert label in visualize.draw(J).source
