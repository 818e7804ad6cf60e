"""Each mistake listed in docs/notes_errata.md, checked numerically.

For every entry the formula as the note states it disagrees with
tinygraph's autodiff, and the corrected formula agrees. Test names carry
the entry number (E1, E2, ...). The autodiff side is composed from engine
ops only. A few claims the notes leave open or get right in a way that is
easy to doubt (momentum, the learning-slowdown intuition) close the file.
"""

import re
import sys
from itertools import pairwise
from pathlib import Path

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import random_one_hot

ERRATA = Path(__file__).resolve().parent.parent / "docs" / "notes_errata.md"

TOL = {"rtol": 1e-10, "atol": 1e-12}


def disagrees(a, b):
    """True when two arrays differ clearly (shapes or values)."""
    a, b = np.asarray(a), np.asarray(b)
    return a.shape != b.shape or not np.allclose(a, b, rtol=1e-6, atol=1e-9)


def bce(A, Y):
    return -(Y * A.log() + (1 - Y) * (1 - A).log()).sum() / A.shape[1]


def log_loss(A, Y):
    return -(Y * A.log()).sum() / A.shape[1]


def quadratic(A, Y):
    return ((A - Y) ** 2).sum() / (2 * A.shape[1])


def dense_network(rng, sizes, m, output="sigmoid"):
    """A sigmoid network from engine ops; keeps every W, b, Z and A."""
    net = {"W": [], "b": [], "Z": [], "A": [tg.tensor(rng.normal(size=(sizes[0], m)))]}
    for layer, (n_in, n_out) in enumerate(pairwise(sizes)):
        W = tg.tensor(rng.normal(size=(n_out, n_in)), requires_grad=True)
        b = tg.tensor(rng.normal(size=(n_out, 1)), requires_grad=True)
        Z = W @ net["A"][-1] + b
        last = layer == len(sizes) - 2
        A = Z.softmax(axis=0) if (last and output == "softmax") else Z.sigmoid()
        for key, value in zip("WbZA", (W, b, Z, A)):
            net[key].append(value)
    return net


# ----- notes/000 ------------------------------------------------------------


def test_E1_multilabel_dJ_du2_is_minus_y_over_m():
    rng = np.random.default_rng(1)
    m = 6
    y = rng.integers(0, 2, size=(3, m)).astype(float)
    u0 = tg.tensor(rng.uniform(0.1, 0.9, size=(3, m)), requires_grad=True)
    u1 = 1 - u0
    u2 = u0.log()
    u3 = u1.log()
    u4 = y * u2 + (1 - y) * u3
    J = ((-1 / m) * u4.sum(axis=1)).sum()
    J.backward()
    assert disagrees(u2.grad, -(1 - y) / m)  # the note's dJ/du_{2,j,i}
    np.testing.assert_allclose(u2.grad, -y / m, **TOL)  # corrected


# ----- notes/002 ------------------------------------------------------------


def test_E2_softmax_kronecker_shorthand_needs_g_of_z_k():
    z = tg.tensor(np.random.default_rng(2).normal(size=(4, 1)), requires_grad=True)
    a = z.softmax(axis=0)
    jacobian = np.zeros((4, 4))
    for r in range(4):  # row r of d a_r / d z_k, one backward pass each
        z.zero_grad()
        a.backward(np.eye(4)[:, [r]])
        jacobian[r] = z.grad[:, 0]
    a = a.data[:, 0]
    kronecker = np.eye(4)
    note = a[:, None] * (kronecker - a[:, None])  # g(z_r) (delta_rk - g(z_r))
    right = a[:, None] * (kronecker - a[None, :])  # g(z_r) (delta_rk - g(z_k))
    assert disagrees(jacobian, note)
    np.testing.assert_allclose(jacobian, right, **TOL)


def test_E3_softmax_bp1_needs_the_full_jacobian():
    rng = np.random.default_rng(3)
    Y = random_one_hot(4, 5, rng)
    Z = tg.tensor(rng.normal(size=(4, 5)), requires_grad=True)
    A = Z.softmax(axis=0)
    log_loss(A, Y).backward()
    dJ_dH, H = A.grad, A.data
    note = dJ_dH * H * (1 - H)  # delta_k = dJ/dh_k h'(z_k), h' = h (1 - h)
    right = H * (dJ_dH - (dJ_dH * H).sum(axis=0, keepdims=True))
    assert disagrees(Z.grad, note)
    np.testing.assert_allclose(note, -Y * (1 - H) / 5, **TOL)  # what it gives
    np.testing.assert_allclose(Z.grad, right, **TOL)
    np.testing.assert_allclose(Z.grad, (H - Y) / 5, **TOL)


@pytest.mark.parametrize("pair", ["logistic+cross-entropy", "softmax+log-loss"])
def test_E4_grad_H_J_is_not_H_minus_Y_over_M(pair):
    rng = np.random.default_rng(4)
    M = 5
    Z = tg.tensor(rng.normal(size=(3, M)), requires_grad=True)
    if pair == "softmax+log-loss":
        Y = random_one_hot(3, M, rng)
        H = Z.softmax(axis=0)
        log_loss(H, Y).backward()
        right = -Y / H.data / M  # notes/000 eq. 5
    else:
        Y = rng.integers(0, 2, size=(3, M)).astype(float)
        H = Z.sigmoid()
        bce(H, Y).backward()
        right = ((1 - Y) / (1 - H.data) - Y / H.data) / M  # notes/000 eq. 2
    note = (H.data - Y) / M  # "the matrix of dJ/da_k^(L)(m) ... is (H - Y)/M"
    assert disagrees(H.grad, note)
    np.testing.assert_allclose(H.grad, right, **TOL)
    # (H - Y)/M is dJ/dZ, the output-layer Delta, not dJ/dH
    np.testing.assert_allclose(Z.grad, note, **TOL)


def test_E4_identity_and_quadratic_is_the_one_pair_where_it_holds():
    rng = np.random.default_rng(41)
    Y = rng.normal(size=(2, 4))
    H = tg.tensor(rng.normal(size=(2, 4)), requires_grad=True)
    quadratic(H, Y).backward()
    np.testing.assert_allclose(H.grad, (H.data - Y) / 4, **TOL)


@pytest.mark.parametrize("output", ["identity", "sigmoid", "softmax"])
def test_E5_batch_sum_of_h_minus_y_is_dJ_db_not_dJ_dz(output):
    rng = np.random.default_rng(5)
    M = 6
    X = rng.normal(size=(4, M))
    W = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    b = tg.tensor(rng.normal(size=(3, 1)), requires_grad=True)
    Z = W @ X + b
    if output == "identity":
        H, Y = Z, rng.normal(size=(3, M))
        quadratic(H, Y).backward()
    elif output == "sigmoid":
        H, Y = Z.sigmoid(), rng.integers(0, 2, size=(3, M)).astype(float)
        bce(H, Y).backward()
    else:
        H, Y = Z.softmax(axis=0), random_one_hot(3, M, rng)
        log_loss(H, Y).backward()
    note = (H.data - Y).sum(axis=1, keepdims=True) / M  # "dJ/dz_k for a batch"
    assert disagrees(Z.grad, np.broadcast_to(note, Z.shape))
    np.testing.assert_allclose(Z.grad, (H.data - Y) / M, **TOL)  # per example
    np.testing.assert_allclose(b.grad, note, **TOL)  # the sum is dJ/db (BP4.2)


def test_E6_bp1_batch_derivation_has_h_prime_once():
    rng = np.random.default_rng(6)
    Y = rng.uniform(size=(3, 4))
    Z = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    H = Z.sigmoid()
    quadratic(H, Y).backward()
    h_prime = H.data * (1 - H.data)
    assert disagrees(Z.grad, H.grad * h_prime * h_prime)  # the derivation's line
    np.testing.assert_allclose(Z.grad, H.grad * h_prime, **TOL)  # boxed BP1.2
    # the same matrix's typo: dJ/dh_1^(M) in every row of the last column
    typo = H.grad.copy()
    typo[:, -1] = H.grad[0, -1]
    assert disagrees(Z.grad, typo * h_prime)


def test_E7_bp2_batch_matrix_uses_w_of_the_next_layer_and_every_column():
    rng = np.random.default_rng(7)
    net = dense_network(rng, (4, 4, 4, 4), m=5)  # equal widths: W^(l)T fits too
    Y = rng.uniform(size=(4, 5))
    quadratic(net["A"][-1], Y).backward()
    # layer l is the second layer of weights, l + 1 the third
    W_l, W_next = net["W"][1].data, net["W"][2].data
    Delta_next = net["Z"][2].grad
    A_l = net["A"][2].data
    g_prime = A_l * (1 - A_l)
    right = W_next.T @ Delta_next * g_prime  # boxed BP2.2
    np.testing.assert_allclose(net["Z"][1].grad, right, **TOL)
    assert disagrees(net["Z"][1].grad, W_l.T @ Delta_next * g_prime)  # w^(l)
    first_column = W_next.T @ Delta_next[:, [0]] * g_prime  # delta^(l+1)(1) only
    assert disagrees(net["Z"][1].grad, first_column)


def test_E8_weight_matrix_is_size_of_layer_by_size_of_layer_before():
    rng = np.random.default_rng(8)
    s1, s2, s3 = 3, 5, 2  # s_1 inputs, s_2 hidden, s_3 outputs
    X = tg.tensor(rng.normal(size=(s1, 4)))
    note_W2 = tg.tensor(rng.normal(size=(s3, s2)))  # i = 1:s_(l+1), j = 1:s_l
    with pytest.raises(ValueError, match="matmul"):
        note_W2 @ X
    W2 = tg.tensor(rng.normal(size=(s2, s1)))  # R^(s_l x s_(l-1))
    assert (W2 @ X).shape == (s2, 4)


# ----- notes/003 ------------------------------------------------------------


def test_E9_delta_is_dC_dz_not_dC_da():
    rng = np.random.default_rng(9)
    net = dense_network(rng, (3, 4, 4, 2), m=1)  # one example, as in the note
    Y = rng.uniform(size=(2, 1))
    (((net["A"][-1] - Y) ** 2).sum() / 2).backward()  # C = 1/2 sum (a - y)^2
    dC_da_next = net["A"][2].grad  # l + 1 = the second hidden layer
    delta_next = net["Z"][1].grad
    assert disagrees(dC_da_next, delta_next)  # eq. (10): delta^(l+1) = dC/da^(l+1)
    W_next = net["W"][1].data
    a_l = net["A"][1].data
    sigma_prime = a_l * (1 - a_l)
    eq9 = W_next.T @ dC_da_next * sigma_prime  # eq. (9) as written
    assert disagrees(net["Z"][0].grad, eq9)
    np.testing.assert_allclose(
        net["Z"][0].grad, W_next.T @ delta_next * sigma_prime, **TOL
    )


def test_E10_dC_dw_jk_is_a_k_delta_j_not_a_j_delta_k():
    rng = np.random.default_rng(10)
    for sizes in [(4, 4, 2), (3, 5, 2)]:
        net = dense_network(rng, sizes, m=3)
        Y = rng.uniform(size=(2, 3))
        quadratic(net["A"][-1], Y).backward()
        delta, a_prev = net["Z"][0].grad, net["A"][0].data
        note = a_prev @ delta.T  # eq. (19): [j, k] = sum_x a_j delta_k
        assert disagrees(net["W"][0].grad, note)
        np.testing.assert_allclose(net["W"][0].grad, delta @ a_prev.T, **TOL)


def test_E11_hidden_biases_have_nonzero_gradients():
    rng = np.random.default_rng(11)
    net = dense_network(rng, (3, 5, 1), m=7)
    Y = rng.integers(0, 2, size=(1, 7)).astype(float)
    bce(net["A"][-1], Y).backward()
    hidden_db = net["b"][0].grad
    assert np.abs(hidden_db).max() > 1e-3  # the note: "0 for other layers"
    np.testing.assert_allclose(
        hidden_db, net["Z"][0].grad.sum(axis=1, keepdims=True), **TOL
    )
    # and the note's output-layer result (1/n) sum (a - y) does hold
    A = net["A"][-1].data
    np.testing.assert_allclose(
        net["b"][1].grad, (A - Y).sum(axis=1, keepdims=True) / 7, **TOL
    )


def test_E12_nll_gradient_is_S_minus_y_for_every_class():
    rng = np.random.default_rng(12)
    K, true_class = 5, 2
    y = np.eye(K)[:, [true_class]]
    z = tg.tensor(rng.normal(size=(K, 1)), requires_grad=True)
    S = z.softmax(axis=0)
    C = -(S[true_class, 0]).log()  # C = -log S(z)_y
    C.backward()
    s = S.data
    # dC/dS_i = -1/S_i for every i, says the note; it is 0 off the true class
    assert disagrees(S.grad, -1 / s)
    np.testing.assert_allclose(S.grad, -y / s, **TOL)
    note = -(1 - s)  # dC/dz_j = -(1 - S_j), for every j
    assert disagrees(z.grad, note)
    np.testing.assert_allclose(
        z.grad[true_class], note[true_class], **TOL
    )  # only j = y
    np.testing.assert_allclose(z.grad, s - y, **TOL)
    # "(1 - a_j) is equivalent to (a_j - y_j)": not off the true class
    others = np.arange(K) != true_class
    assert disagrees(-(1 - s)[others], (s - y)[others])


def test_E12_final_weight_and_bias_gradients_hold():
    rng = np.random.default_rng(121)
    a_prev = rng.normal(size=(3, 1))
    W = tg.tensor(rng.normal(size=(4, 3)), requires_grad=True)
    b = tg.tensor(rng.normal(size=(4, 1)), requires_grad=True)
    S = (W @ a_prev + b).softmax(axis=0)
    y = np.eye(4)[:, [1]]
    (-(S[1, 0]).log()).backward()
    np.testing.assert_allclose(W.grad, (S.data - y) @ a_prev.T, **TOL)
    np.testing.assert_allclose(b.grad, S.data - y, **TOL)


@pytest.mark.parametrize("gap", [0.0, 2.0, 5.0, 10.0, 20.0])
def test_E13_nll_gradient_shrinks_with_the_cost(gap):
    z = tg.tensor(np.array([[gap], [0.0], [0.0]]), requires_grad=True)
    C = -(z.softmax(axis=0)[0, 0]).log()
    C.backward()
    cost = C.item()
    # dC/dz_y = S_y - 1 = exp(-C) - 1: it depends on nothing but the cost
    assert z.grad[0, 0] == pytest.approx(np.expm1(-cost), rel=1e-9, abs=1e-15)
    assert np.abs(z.grad).sum() == pytest.approx(2 * (1 - np.exp(-cost)), rel=1e-9)
    if gap >= 10:
        # small cost, small gradient: the note's "will not become very small" fails
        assert cost < 1e-4 and np.abs(z.grad).max() < 1e-4


def test_E14_sigmoid_prime_enters_bp2_as_g_prime_not_as_delta():
    rng = np.random.default_rng(14)
    net = dense_network(rng, (3, 4, 4, 3), m=4, output="softmax")
    log_loss(net["A"][-1], random_one_hot(3, 4, rng)).backward()
    W_next = net["W"][1].data
    a_l, a_next = net["A"][1].data, net["A"][2].data
    misread = W_next.T @ (a_next * (1 - a_next)) * (a_l * (1 - a_l))
    right = W_next.T @ net["Z"][1].grad * (a_l * (1 - a_l))
    assert disagrees(net["Z"][0].grad, misread)
    np.testing.assert_allclose(net["Z"][0].grad, right, **TOL)


# ----- what the notes leave open or state loosely, checked ---------------


def test_learning_slowdown_is_the_missing_sigma_prime():
    # notes/002 section 8.2's intuition: a confidently wrong sigmoid output
    # learns slowly under the quadratic cost (dJ/dz = (a - y) sigma'(z) -> 0)
    # and fast under cross-entropy (dJ/dz = a - y -> -1).
    y = np.array([[1.0]])
    grads = {}
    for name, cost in [("quadratic", quadratic), ("cross-entropy", bce)]:
        z = tg.tensor([[-10.0]], requires_grad=True)
        cost(z.sigmoid(), y).backward()
        grads[name] = z.grad.item()
    assert abs(grads["quadratic"]) < 1e-4
    assert grads["cross-entropy"] == pytest.approx(-1.0, abs=1e-4)


def test_two_momentum_forms_agree_for_a_constant_learning_rate():
    # notes/002 section 10.4 is a TODO. The two usual forms,
    #   v <- mu v - alpha grad, w <- w + v   and   v <- mu v + grad, w <- w - alpha v,
    # give the same iterates when alpha is constant (the first v is -alpha
    # times the second); mu = 0 is plain gradient descent.
    rng = np.random.default_rng(15)
    Q = rng.normal(size=(3, 3))
    Q = Q @ Q.T + np.eye(3)  # a convex quadratic J = 1/2 w^T Q w

    def grad(w):
        return Q @ w

    for mu in [0.0, 0.9]:
        w1 = w2 = np.ones(3)
        v1 = v2 = np.zeros(3)
        plain = np.ones(3)
        for _ in range(50):
            v1 = mu * v1 - 0.05 * grad(w1)
            w1 = w1 + v1
            v2 = mu * v2 + grad(w2)
            w2 = w2 - 0.05 * v2
            plain = plain - 0.05 * grad(plain)
        np.testing.assert_allclose(w1, w2, rtol=1e-12, atol=1e-14)
        if mu == 0:
            np.testing.assert_allclose(w1, plain, rtol=1e-12, atol=1e-14)


# ----- the errata page itself -----------------------------------------------


def _entries(markdown):
    """The E-numbers of the table rows and of the ### headings in a text."""
    rows = re.findall(r"^\| (E\d+) \|", markdown, flags=re.MULTILINE)
    headings = re.findall(r"^### (E\d+)\.", markdown, flags=re.MULTILINE)
    return rows, headings


def _part(text, start, end):
    return text.split(start, 1)[1].split(end, 1)[0]


def test_errata_page_sorts_every_entry_into_mistakes_or_typos():
    text = ERRATA.read_text()
    mistakes, _ = _entries(_part(text, "### Substantive mistakes", "### Typos"))
    typos, _ = _entries(_part(text, "### Typos", "## The substantive"))
    _, mistake_sections = _entries(
        _part(text, "## The substantive mistakes, one by one", "## The typos")
    )
    _, typo_sections = _entries(_part(text, "## The typos, one by one", "## Slips"))
    assert mistakes and typos and not set(mistakes) & set(typos)
    assert mistake_sections == mistakes and typo_sections == typos
    every = sorted(mistakes + typos, key=lambda k: int(k[1:]))
    assert every == [f"E{n}" for n in range(1, len(every) + 1)]
    assert f"**Substantive mistakes** ({len(mistakes)})" in text
    assert f"**Typos** ({len(typos)})" in text


def test_errata_page_every_entry_has_its_test_here():
    rows, headings = _entries(ERRATA.read_text())
    tests = {name.split("_")[1] for name in dir(sys.modules[__name__])
             if re.match(r"test_E\d+_", name)}
    assert set(rows) == set(headings) == tests
