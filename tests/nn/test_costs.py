"""Costs: values against the formulas in NumPy, gradients against finite
differences, the notes' u-variables, the stable logit forms and bad input."""

import re

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import (
    np_bce,
    np_cross_entropy,
    np_mse,
    np_sigmoid,
    np_softmax,
    numeric_grad,
)

RNG = np.random.default_rng(0)
M = 5
Z3 = RNG.normal(scale=1.5, size=(3, M))
Y3_ONE_HOT = np.eye(3)[:, [0, 2, 1, 1, 0]]
Y3_LABELS = RNG.integers(0, 2, size=(3, M)).astype(float)
Z1 = RNG.normal(scale=1.5, size=(1, M))
Y1 = np.array([[1.0, 0.0, 0.0, 1.0, 1.0]])


# name, cost, reference on A (the notes' formula in NumPy), (A values, Y),
# logits form
CASES = [
    ("mse", tg.nn.mse, np_mse, (Z3, Y3_LABELS), None),
    (
        "bce",
        tg.nn.binary_cross_entropy,
        np_bce,
        (np_sigmoid(Z1), Y1),
        tg.nn.binary_cross_entropy_with_logits,
    ),
    (
        "multilabel",
        tg.nn.multilabel_bce,
        np_bce,
        (np_sigmoid(Z3), Y3_LABELS),
        tg.nn.multilabel_bce_with_logits,
    ),
    (
        "cross_entropy",
        tg.nn.cross_entropy,
        np_cross_entropy,
        (np_softmax(Z3), Y3_ONE_HOT),
        tg.nn.cross_entropy_with_logits,
    ),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name, cost, reference, data, logits_form", CASES, ids=IDS)
def test_cost_value_matches_the_formula(name, cost, reference, data, logits_form):
    A, Y = data
    J = cost(tg.tensor(A, requires_grad=True), Y)
    assert J.shape == ()
    assert J.item() == pytest.approx(reference(A, Y), rel=1e-13)


@pytest.mark.parametrize("name, cost, reference, data, logits_form", CASES, ids=IDS)
def test_cost_gradient_matches_finite_differences(
    name, cost, reference, data, logits_form
):
    A, Y = data
    a = tg.tensor(A, requires_grad=True)
    cost(a, Y).backward()
    expected = numeric_grad(lambda x: reference(x, Y), [A], 0, 1.0)
    np.testing.assert_allclose(a.grad, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.parametrize(
    "name, cost, reference, data, logits_form", CASES[1:], ids=IDS[1:]
)
def test_logits_form_equals_the_composed_cost(name, cost, reference, data, logits_form):
    A, Y = data
    Z = Z1 if A.shape[0] == 1 else Z3
    squash = np_softmax if name == "cross_entropy" else np_sigmoid
    z_fused = tg.tensor(Z, requires_grad=True)
    J_fused = logits_form(z_fused, Y)
    J_fused.backward()
    assert J_fused.item() == pytest.approx(reference(squash(Z), Y), rel=1e-13)
    expected = numeric_grad(lambda z: reference(squash(z), Y), [Z], 0, 1.0)
    np.testing.assert_allclose(z_fused.grad, expected, rtol=1e-6, atol=1e-9)
    # and the closed form of the notes: dJ/dZ = (A - Y) / m
    np.testing.assert_allclose(
        z_fused.grad, (squash(Z) - Y) / M, rtol=1e-12, atol=1e-15
    )


@pytest.mark.parametrize(
    "cost, Z, Y, expected_cost, expected_grad",
    [
        # terms log(1 + e^z) - y z: 1000 for a confident miss, ~0 for a hit
        (
            tg.nn.binary_cross_entropy_with_logits,
            [[1000.0, -1000.0, 1000.0, -1000.0]],
            [[0, 1, 1, 0]],
            2000.0 / 4,
            [[0.25, -0.25, 0.0, 0.0]],
        ),
        (
            tg.nn.multilabel_bce_with_logits,
            [[1000.0, -1000.0], [1000.0, 1000.0]],
            [[0, 0], [1, 0]],
            2000.0 / 2,
            [[0.5, 0.0], [0.0, 0.5]],
        ),
        # log-softmax of (1000, -1000): 0 and -2000
        (
            tg.nn.cross_entropy_with_logits,
            [[1000.0, 1000.0], [-1000.0, -1000.0]],
            [[1, 0], [0, 1]],
            2000.0 / 2,
            [[0.0, 0.5], [0.0, -0.5]],
        ),
    ],
)
def test_logits_forms_survive_saturated_logits(
    cost, Z, Y, expected_cost, expected_grad
):
    z = tg.tensor(Z, requires_grad=True)
    with tg.detect_anomaly():
        J = cost(z, Y)
        J.backward()
    assert J.item() == pytest.approx(expected_cost, rel=1e-15)
    np.testing.assert_allclose(z.grad, expected_grad, atol=1e-300)


@pytest.mark.parametrize(
    "cost, reference, y_values",
    [
        (
            tg.nn.multilabel_bce_with_logits,
            lambda y: np_bce(np_sigmoid(Z3), y),
            RNG.uniform(size=(3, M)),
        ),
        (
            tg.nn.cross_entropy_with_logits,
            lambda y: np_cross_entropy(np_softmax(Z3), y),
            Y3_ONE_HOT,
        ),
    ],
)
def test_logits_forms_gradient_with_respect_to_y(cost, reference, y_values):
    z = tg.tensor(Z3, requires_grad=True)
    y = tg.tensor(y_values, requires_grad=True)
    cost(z, y).backward()
    expected = numeric_grad(reference, [y_values], 0, 1.0)
    np.testing.assert_allclose(y.grad, expected, rtol=1e-6, atol=1e-9)


def equations(J):
    return tg.graph.equations(J)


def test_binary_cross_entropy_graph_is_the_notes_u0_to_u5():
    J = tg.nn.binary_cross_entropy(tg.tensor(np_sigmoid(Z1), requires_grad=True), Y1)
    assert equations(J) == [
        "u1 = 1 - u0",
        "u2 = log(u0)",
        "u3 = log(u1)",
        "u4 = Y * u2 + (1 - Y) * u3",
        "u5 = -sum(u4) / 5",
    ]


def test_cross_entropy_graph_is_the_notes_u0_to_u4():
    J = tg.nn.cross_entropy(tg.tensor(np_softmax(Z3), requires_grad=True), Y3_ONE_HOT)
    assert equations(J) == [
        "u1 = log(u0)",
        "u2 = Y * u1",
        "u3 = sum(u2, axis=0)",
        "u4 = -sum(u3) / 5",
    ]


def test_multilabel_graph_is_the_notes_u0_to_u6():
    J = tg.nn.multilabel_bce(tg.tensor(np_sigmoid(Z3), requires_grad=True), Y3_LABELS)
    assert equations(J)[3:] == [
        "u4 = Y * u2 + (1 - Y) * u3",
        "u5 = -sum(u4, axis=1) / 5",
        "u6 = sum(u5)",
    ]


def test_notes_u_variable_gradients_of_the_binary_graph():
    """dJ/du_k from notes/000 for the binary graph, node by node."""
    A = np_sigmoid(Z1)
    J = tg.nn.binary_cross_entropy(tg.tensor(A, requires_grad=True), Y1)
    J.backward()
    u = {label: node for node, label in tg.graph.labels(J).items()}
    m, y = M, Y1
    np.testing.assert_allclose(u["u4"].grad, np.full((1, m), -1 / m), rtol=1e-15)
    np.testing.assert_allclose(u["u3"].grad, -(1 - y) / m, rtol=1e-15)
    np.testing.assert_allclose(u["u2"].grad, -y / m, rtol=1e-15)
    np.testing.assert_allclose(u["u1"].grad, -(1 - y) / (m * (1 - A)), rtol=1e-14)
    np.testing.assert_allclose(
        u["u0"].grad, ((1 - y) / (1 - A) - y / A) / m, rtol=1e-13
    )


def test_y_may_be_a_tensor_and_a_named_one_keeps_its_name():
    a = tg.tensor(np_sigmoid(Z1), requires_grad=True)
    by_array = tg.nn.binary_cross_entropy(a, Y1).item()
    by_tensor = tg.nn.binary_cross_entropy(a, tg.tensor(Y1)).item()
    assert by_array == by_tensor
    J = tg.nn.mse(a, tg.tensor(Y1, name="targets"))
    assert "targets" in tg.graph.labels(J).values()


def test_costs_keep_float32():
    a = tg.tensor(np_softmax(Z3).astype(np.float32), requires_grad=True)
    J = tg.nn.cross_entropy(a, Y3_ONE_HOT)
    J.backward()
    assert J.dtype == np.float32 and a.grad.dtype == np.float32
    z = tg.tensor(Z3.astype(np.float32), requires_grad=True)
    J = tg.nn.cross_entropy_with_logits(z, Y3_ONE_HOT)
    J.backward()
    assert z.grad.dtype == np.float32
    labels = tg.tensor(Y3_ONE_HOT, name="labels")  # float64, named
    J = tg.nn.cross_entropy(a, labels)
    assert J.dtype == np.float32 and "labels" in tg.graph.labels(J).values()


@pytest.mark.parametrize(
    "cost",
    [
        tg.nn.mse,
        tg.nn.multilabel_bce,
        tg.nn.cross_entropy,
        tg.nn.multilabel_bce_with_logits,
        tg.nn.cross_entropy_with_logits,
    ],
)
def test_cost_rejects_y_of_another_shape(cost):
    with pytest.raises(ValueError, match=r"Y has shape \(3, 4\) but .* shape \(3, 5\)"):
        cost(tg.tensor(np_softmax(Z3)), Y3_ONE_HOT[:, :4])


def test_cost_rejects_a_transposed_y_rather_than_broadcasting():
    with pytest.raises(
        ValueError, match=r"mse: Y has shape \(5, 1\) but A has shape \(1, 5\)"
    ):
        tg.nn.mse(tg.tensor(Z1), Y1.T)


@pytest.mark.parametrize("cost", [tg.nn.cross_entropy, tg.nn.cross_entropy_with_logits])
@pytest.mark.parametrize(
    "Y, column",
    [
        (np.array([[1, 0], [1, 0], [0, 1]]), 0),  # two ones
        (np.array([[0, 1], [0, 0], [0, 0]]), 0),  # no one
        (np.array([[1, 0.5], [0, 0.5], [0, 0]]), 1),  # soft label
    ],
)
def test_cross_entropy_rejects_labels_that_are_not_one_hot(cost, Y, column):
    A = np.full((3, 2), 1 / 3)
    with pytest.raises(ValueError, match=f"Y must be one-hot.*column {column}"):
        cost(tg.tensor(A), Y)


@pytest.mark.parametrize(
    "cost, A, Y",
    [
        (tg.nn.binary_cross_entropy, [[0.5, 1.2]], [[1, 0]]),
        (tg.nn.multilabel_bce, [[0.5, -0.1], [0.2, 0.3]], [[1, 0], [0, 1]]),
        (tg.nn.cross_entropy, [[2.0, 0.5], [-1.0, 0.5]], [[1, 0], [0, 1]]),
    ],
)
def test_probability_costs_reject_values_outside_zero_one(cost, A, Y):
    with pytest.raises(ValueError, match=r"probabilities in \[0, 1\].*_with_logits"):
        cost(tg.tensor(A), Y)


@pytest.mark.parametrize(
    "cost, A, Y, found",
    [
        (
            tg.nn.binary_cross_entropy,
            [[0.2, np.nan]],
            [[1, 0]],
            "it holds NaN in 1 of its 2 entries, the first at (0, 1)",
        ),
        (
            tg.nn.multilabel_bce,
            [[0.5, 0.2], [np.nan, np.nan]],
            [[1, 0], [0, 1]],
            "it holds NaN in 2 of its 4 entries, the first at (1, 0)",
        ),
        (
            tg.nn.cross_entropy,
            [[0.5, np.nan], [0.5, 0.5]],
            [[1, 0], [0, 1]],
            "it holds NaN in 1 of its 4 entries, the first at (0, 1)",
        ),
    ],
)
def test_probability_costs_reject_nan_like_any_value_outside_zero_one(
    cost, A, Y, found
):
    # NaN fails every comparison, so a test for "below 0 or above 1" passes it
    expected = r"A must hold probabilities in \[0, 1\], but " + re.escape(found)
    with pytest.raises(ValueError, match=expected):
        cost(tg.tensor(A), Y)


@pytest.mark.parametrize(
    "cost",
    [
        tg.nn.binary_cross_entropy,
        tg.nn.binary_cross_entropy_with_logits,
        tg.nn.multilabel_bce,
        tg.nn.multilabel_bce_with_logits,
    ],
)
def test_costs_reject_nan_labels(cost):
    with pytest.raises(
        ValueError,
        match=r"labels Y must lie in \[0, 1\], but it holds NaN in 1 of its 2 "
        r"entries, the first at \(0, 0\)",
    ):
        cost(tg.tensor([[0.5, 0.5]]), [[np.nan, 1.0]])


@pytest.mark.parametrize(
    "cost", [tg.nn.binary_cross_entropy, tg.nn.binary_cross_entropy_with_logits]
)
def test_binary_costs_want_one_row_and_point_to_multilabel(cost):
    with pytest.raises(
        ValueError, match=r"shape \(3, 5\).*one output row.*multilabel_bce"
    ):
        cost(tg.tensor(np_sigmoid(Z3)), Y3_LABELS)


@pytest.mark.parametrize(
    "cost", [tg.nn.binary_cross_entropy, tg.nn.binary_cross_entropy_with_logits]
)
def test_binary_costs_reject_labels_outside_zero_one(cost):
    with pytest.raises(ValueError, match=r"labels Y must lie in \[0, 1\]"):
        cost(tg.tensor([[0.5, 0.5]]), [[2.0, 0.0]])


def test_costs_want_two_dimensional_outputs():
    with pytest.raises(ValueError, match=r"mse: A must be 2-D.*got shape \(5,\)"):
        tg.nn.mse(tg.tensor(np.ones(5)), np.ones(5))


def test_costs_agree_with_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    z = tg.tensor(Z3, requires_grad=True)
    J = tg.nn.cross_entropy_with_logits(z, Y3_ONE_HOT)
    J.backward()
    zt = torch.tensor(Z3.T, requires_grad=True)
    Jt = F.cross_entropy(zt, torch.tensor(Y3_ONE_HOT.argmax(axis=0)))
    Jt.backward()
    assert J.item() == pytest.approx(Jt.item(), rel=1e-12)
    np.testing.assert_allclose(z.grad, zt.grad.numpy().T, rtol=1e-10)
    z = tg.tensor(Z3, requires_grad=True)
    J = tg.nn.multilabel_bce_with_logits(z, Y3_LABELS)
    J.backward()
    zt = torch.tensor(Z3, requires_grad=True)
    # the notes sum over the labels and average over the m examples
    Jt = (
        F.binary_cross_entropy_with_logits(zt, torch.tensor(Y3_LABELS), reduction="sum")
        / M
    )
    Jt.backward()
    assert J.item() == pytest.approx(Jt.item(), rel=1e-12)
    np.testing.assert_allclose(z.grad, zt.grad.numpy(), rtol=1e-10)
