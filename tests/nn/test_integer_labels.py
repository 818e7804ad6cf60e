"""Softmax costs on class indices: the same values and gradients as on the
one-hot Y, checked against NumPy, finite differences, the notes' closed form
(A - Y) / m and (optionally) PyTorch; and bad indices refused."""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import np_softmax, numeric_grad

RNG = np.random.default_rng(16)
M = 6
Z = RNG.normal(scale=1.5, size=(4, M))
LABELS = np.array([0, 3, 1, 1, 2, 3])
Y_ONE_HOT = np.eye(4)[:, LABELS]


def np_log_softmax(z):
    shifted = z - z.max(axis=0, keepdims=True)
    return shifted - np.log(np.exp(shifted).sum(axis=0, keepdims=True))


def np_nll(log_a, labels):
    """J = -(1/m) sum_i log a[y_i, i], picking one entry per column."""
    m = log_a.shape[1]
    return -log_a[labels, np.arange(m)].sum() / m


def test_cross_entropy_with_logits_on_indices_matches_numpy_and_the_closed_form():
    z = tg.tensor(Z, requires_grad=True)
    J = tg.nn.cross_entropy_with_logits(z, LABELS)
    J.backward()
    assert J.item() == pytest.approx(np_nll(np_log_softmax(Z), LABELS), rel=1e-13)
    expected = numeric_grad(lambda x: np_nll(np_log_softmax(x), LABELS), [Z], 0, 1.0)
    np.testing.assert_allclose(z.grad, expected, rtol=1e-6, atol=1e-9)
    # the notes' dJ/dZ = (A - Y) / m, Y the one-hot of the labels
    np.testing.assert_allclose(
        z.grad, (np_softmax(Z) - Y_ONE_HOT) / M, rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize("labels", [LABELS, Y_ONE_HOT], ids=["indices", "one-hot"])
def test_nll_loss_matches_numpy_and_finite_differences(labels):
    log_a = np_log_softmax(Z)
    x = tg.tensor(log_a, requires_grad=True)
    J = tg.nn.nll_loss(x, labels)
    J.backward()
    assert J.item() == pytest.approx(np_nll(log_a, LABELS), rel=1e-13)
    expected = numeric_grad(lambda v: np_nll(v, LABELS), [log_a], 0, 1.0)
    np.testing.assert_allclose(x.grad, expected, rtol=1e-6, atol=1e-9)
    # -1/m at each example's class, 0 elsewhere
    np.testing.assert_array_equal(x.grad, -Y_ONE_HOT / M)


def test_nll_loss_of_log_softmax_is_cross_entropy_with_logits():
    z = tg.tensor(Z, requires_grad=True)
    J = tg.nn.nll_loss(z.log_softmax(axis=0), LABELS)
    J.backward()
    assert J.item() == pytest.approx(np_nll(np_log_softmax(Z), LABELS), rel=1e-13)
    np.testing.assert_allclose(
        z.grad, (np_softmax(Z) - Y_ONE_HOT) / M, rtol=1e-12, atol=1e-15
    )


def test_cross_entropy_on_probabilities_takes_indices_too():
    a = tg.tensor(np_softmax(Z), requires_grad=True)
    J = tg.nn.cross_entropy(a, LABELS)
    J.backward()
    assert J.item() == pytest.approx(np_nll(np.log(np_softmax(Z)), LABELS), rel=1e-13)
    np.testing.assert_allclose(a.grad, -Y_ONE_HOT / (M * np_softmax(Z)), rtol=1e-13)


def test_indices_build_the_notes_graph_with_a_one_hot_leaf_y():
    a = tg.tensor(np_softmax(Z), requires_grad=True)
    J = tg.nn.cross_entropy(a, LABELS)
    assert tg.graph.equations(J) == [
        "u1 = log(u0)",
        "u2 = Y * u1",
        "u3 = sum(u2, axis=0)",
        "u4 = -sum(u3) / 6",
    ]
    (y,) = [t for t, label in tg.graph.labels(J).items() if label == "Y"]
    np.testing.assert_array_equal(y.data, Y_ONE_HOT)
    assert not y.requires_grad


def test_indices_keep_float32_and_accept_any_integer_dtype():
    z = tg.tensor(Z.astype(np.float32), requires_grad=True)
    J = tg.nn.cross_entropy_with_logits(z, LABELS.astype(np.uint8))
    J.backward()
    assert J.dtype == np.float32 and z.grad.dtype == np.float32
    np.testing.assert_allclose(
        z.grad, (np_softmax(Z) - Y_ONE_HOT) / M, rtol=1e-5, atol=1e-7
    )
    log_a = tg.tensor(np_log_softmax(Z).astype(np.float32), requires_grad=True)
    J = tg.nn.nll_loss(log_a, LABELS.tolist())  # a list of Python ints
    assert J.dtype == np.float32
    assert J.item() == pytest.approx(np_nll(np_log_softmax(Z), LABELS), rel=1e-6)


COSTS = [tg.nn.cross_entropy_with_logits, tg.nn.nll_loss, tg.nn.cross_entropy]
NAMES = ["cross_entropy_with_logits", "nll_loss", "cross_entropy"]


@pytest.mark.parametrize("cost, name", list(zip(COSTS, NAMES)), ids=NAMES)
@pytest.mark.parametrize(
    "labels, error, message",
    [
        (
            np.array([0, 3, 1, 4, 2, 3]),
            ValueError,
            r"class indices must lie in \[0, 4\) for \w+ of shape \(4, 6\), "
            r"but labels\[3\] is 4 \(1 out of range\)",
        ),
        # NumPy would take -1 as the last class
        (
            np.array([0, -1, 1, 1, -2, 3]),
            ValueError,
            r"class indices must lie in \[0, 4\).*labels\[1\] is -1 \(2 out of range\)",
        ),
        (
            np.array([0, 3, 1, 1, 2]),
            ValueError,
            r"5 class indices for \w+ of shape \(4, 6\); pass one per example, 6",
        ),
        (
            LABELS.astype(float),
            TypeError,
            r"class indices must be a 1-D integer array, got dtype float64",
        ),
        (
            tg.tensor(LABELS),  # a tensor's data is float64
            TypeError,
            r"class indices must be a 1-D integer array, got dtype float64",
        ),
        (
            np.array([True, False, True, True, False, False]),
            TypeError,
            r"class indices must be a 1-D integer array, got dtype bool",
        ),
    ],
    ids=["too-large", "negative", "too-few", "float", "tensor", "bool"],
)
def test_bad_class_indices_are_refused(cost, name, labels, error, message):
    with pytest.raises(error, match=f"{name}: {message}"):
        cost(tg.tensor(np_softmax(Z)), labels)


def test_one_hot_error_points_to_class_indices():
    with pytest.raises(ValueError, match="pass them as a 1-D integer array"):
        tg.nn.nll_loss(tg.tensor(np.zeros((2, 2))), [[1, 1], [1, 0]])


def test_integer_labels_agree_with_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    target = torch.tensor(LABELS)
    # torch puts examples in rows: Z.T; both average over the m examples
    z = tg.tensor(Z, requires_grad=True)
    J = tg.nn.cross_entropy_with_logits(z, LABELS)
    J.backward()
    zt = torch.tensor(Z.T, requires_grad=True)
    Jt = F.cross_entropy(zt, target)
    Jt.backward()
    assert J.item() == pytest.approx(Jt.item(), rel=1e-12)
    np.testing.assert_allclose(z.grad, zt.grad.numpy().T, rtol=1e-10, atol=1e-15)
    log_a = np_log_softmax(Z)
    x = tg.tensor(log_a, requires_grad=True)
    J = tg.nn.nll_loss(x, LABELS)
    J.backward()
    xt = torch.tensor(log_a.T, requires_grad=True)
    Jt = F.nll_loss(xt, target)
    Jt.backward()
    assert J.item() == pytest.approx(Jt.item(), rel=1e-12)
    np.testing.assert_allclose(x.grad, xt.grad.numpy().T, rtol=1e-12)
