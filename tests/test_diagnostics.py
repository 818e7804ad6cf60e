"""tg.diagnostics: each number against a hand computation."""

import math

import numpy as np
import pytest

import tinygraph as tg
from tinygraph import diagnostics as dg


def test_gradient_norm_is_the_frobenius_norm_of_all_arrays():
    dW = np.array([[1.0, 2.0], [0.0, 2.0]])
    db = np.array([[4.0], [0.0]])
    assert dg.gradient_norm(dW, db) == pytest.approx(5.0)  # sqrt(1 + 4 + 4 + 16)
    assert dg.gradient_norm(tg.tensor([3.0, 4.0])) == pytest.approx(5.0)


def test_gradient_norm_of_nan_and_inf():
    assert math.isnan(dg.gradient_norm(np.array([1.0, np.nan])))
    assert dg.gradient_norm(np.array([1.0, -np.inf])) == math.inf
    with pytest.raises(ValueError, match="gradient_norm: no arrays"):
        dg.gradient_norm()
    with pytest.raises(TypeError, match="gradient_norm: expected an array of numbers"):
        dg.gradient_norm(np.array(["a"]))


def test_update_ratio_is_the_step_over_the_size():
    W, b = np.array([[3.0, 0.0]]), np.array([[4.0]])
    W2, b2 = np.array([[3.0, 0.3]]), np.array([[4.4]])
    # ||(0, 0.3, 0.4)|| / ||(3, 0, 4)|| = 0.5 / 5
    assert dg.update_ratio([W, b], [W2, b2]) == pytest.approx(0.1)
    assert dg.update_ratio(W, W) == 0.0


def test_update_ratio_from_zero():
    zero = np.zeros((2, 1))
    assert dg.update_ratio(zero, zero) == 0.0
    assert dg.update_ratio(zero, zero + 1) == math.inf


def test_update_ratio_names_mismatched_shapes():
    shapes = r"array 0 has shape \(2, 1\) before the step but \(1, 2\)"
    with pytest.raises(ValueError, match=shapes):
        dg.update_ratio(np.zeros((2, 1)), np.zeros((1, 2)))
    with pytest.raises(ValueError, match="2 arrays before the step but 1 after"):
        dg.update_ratio([np.zeros(1), np.zeros(1)], [np.zeros(1)])


def test_saturated_share_of_sigmoid_outputs():
    z = np.array([[-10.0, 0.0], [5.0, 10.0]])
    A = 1 / (1 + np.exp(-z))  # 4.5e-5, 0.5, 0.9933, 0.99995
    assert dg.saturated_share(A, "sigmoid") == 0.75
    # a tighter tolerance: only the two beyond |z| = 9.2 are within 1e-4
    assert dg.saturated_share(A, "sigmoid", tolerance=1e-4) == 0.5


def test_saturated_share_of_tanh_outputs():
    A = np.array([[-0.995, 0.0, 0.5, 0.999]])
    assert dg.saturated_share(A, "tanh") == 0.5
    # sigmoid's flat ends are 0 and 1: -0.995 lies beyond 0, 0.0 at it
    assert dg.saturated_share(A, "sigmoid") == 0.75


def test_saturated_share_refuses_other_activations_and_empty():
    with pytest.raises(ValueError, match="activation must be one of"):
        dg.saturated_share(np.ones((1, 1)), "relu")
    with pytest.raises(ValueError, match=r"A of shape \(3, 0\) is empty"):
        dg.saturated_share(np.ones((3, 0)), "tanh")


def test_dead_share_counts_units_zero_for_every_example():
    A = np.maximum(0, np.array([[-1.0, -2.0, 0.0],    # dead
                                [-1.0, 0.5, -3.0],    # alive for one example
                                [0.0, 0.0, 0.0],      # dead
                                [2.0, 1.0, 3.0],
                                [-5.0, -5.0, -5.0]]))  # dead
    assert dg.dead_share(A) == pytest.approx(3 / 5)
    with pytest.raises(ValueError, match=r"dead_share: .* got shape \(4,\)"):
        dg.dead_share(np.ones(4))


def test_histogram_counts_finite_values():
    h = dg.histogram(np.array([0.0, 1.0, 2.0, 2.5, 3.0, np.nan, np.inf]), bins=3)
    assert h.edges.tolist() == [0.0, 1.0, 2.0, 3.0]
    assert h.counts.tolist() == [1, 1, 3]  # the last bin holds its right edge
    assert h.nonfinite == 2
    empty = dg.histogram(np.array([np.nan]), bins=4)
    assert empty.counts.tolist() == [0, 0, 0, 0] and empty.nonfinite == 1


def test_accuracy_of_one_output_row():
    Y = np.array([[1.0, 0.0, 1.0, 0.0]])
    logits = np.array([[0.3, -2.0, -0.1, 4.0]])   # right, right, wrong, wrong
    assert dg.accuracy(logits, Y) == 0.5
    probabilities = np.array([[0.6, 0.4, 0.9, 0.2]])  # all right
    assert dg.accuracy(probabilities, Y, outputs="probabilities") == 1.0


def test_accuracy_of_several_classes():
    Y = np.eye(3)[:, [0, 2, 1]]
    # columns: class 0 (right), class 2 (right), class 2 where the label is 1
    output = np.array([[5.0, 0.0, 0.0], [1.0, 0.0, 1.0], [0.0, 1.0, 2.0]])
    assert dg.accuracy(output, Y) == pytest.approx(2 / 3)
    with pytest.raises(ValueError, match=r"output of shape \(3, 3\) and Y of shape"):
        dg.accuracy(output, Y[:, :2])
    with pytest.raises(ValueError, match="outputs must be"):
        dg.accuracy(output, Y, outputs="scores")


def test_health_warnings_vanishing_and_exploding():
    layers = [dg.LayerHealth("Layer 1", 1e-6), dg.LayerHealth("Layer 2", 5.0),
              dg.LayerHealth("Layer 3", 1e-3)]
    warnings = dg.health_warnings(layers)
    assert len(warnings) == 2
    assert warnings[0].startswith("Layer 1: the gradient vanishes")
    assert "1/1000 of the output layer's" in warnings[0]
    assert warnings[1].startswith("Layer 2: the gradient explodes")
    assert "5000 times" in warnings[1]


def test_health_warnings_nan_big_steps_dead_and_saturated_units():
    layers = [
        dg.LayerHealth("Layer 1", math.nan),
        dg.LayerHealth("Layer 2", 1.0, update_ratio=0.25),
        dg.LayerHealth("Layer 3", 1.0, activation="relu", saturated=0.75),
        dg.LayerHealth("Layer 4", 1.0, activation="sigmoid", saturated=0.6),
        dg.LayerHealth("Layer 5", 1.0, update_ratio=1e-3, activation="tanh",
                       saturated=0.1),
    ]
    warnings = dg.health_warnings(layers)
    assert [w.split(":")[0] for w in warnings] == [f"Layer {i}" for i in (1, 2, 3, 4)]
    assert "not finite (nan)" in warnings[0]
    assert "by 25% of their size" in warnings[1]
    assert "75% of its ReLU units are dead" in warnings[2]
    assert "60% of its sigmoid outputs sit on the flat ends" in warnings[3]


def test_health_warnings_of_a_healthy_network_say_nothing():
    layers = [dg.LayerHealth("Layer 1", 0.05, 1e-3, "tanh", 0.02),
              dg.LayerHealth("Layer 2", 0.2, 2e-3)]
    assert dg.health_warnings(layers) == []
    assert dg.health_warnings([]) == []


def test_health_warnings_of_a_gradient_exactly_zero():
    # before: 1 / ratio raised ZeroDivisionError (a layer of dead ReLUs)
    warnings = dg.health_warnings([dg.LayerHealth("Layer 1", 0.0),
                                   dg.LayerHealth("Layer 2", 0.5)])
    assert warnings == ["Layer 1: the gradient is exactly 0 (the output layer's "
                        "is 0.5), so its weights do not learn."]


def test_accuracy_of_independent_labels_counts_each_label():
    Y = np.array([[1.0, 0.0, 1.0], [1.0, 1.0, 0.0]])  # two labels, not one-hot
    logits = np.array([[2.0, -1.0, -3.0], [0.5, -0.2, -1.0]])
    # right: (yes, no, -) and (yes, -, no): 4 of the 6 labels
    assert dg.accuracy(logits, Y, multilabel=True) == pytest.approx(4 / 6)
    probabilities = 1 / (1 + np.exp(-logits))
    assert dg.accuracy(probabilities, Y, "probabilities",
                       multilabel=True) == pytest.approx(4 / 6)


def test_health_warnings_write_huge_factors_short():
    # before: 1/178539775982195557339428423237650019708707134405957325317...
    warnings = dg.health_warnings([dg.LayerHealth("Layer 1", 8.4e-87),
                                   dg.LayerHealth("Layer 2", 1e90),
                                   dg.LayerHealth("Layer 3", 1.5)])
    assert "its norm 8.4e-87 is 1/1.8e+86 of the output layer's" in warnings[0]
    assert "its norm 1e+90 is 6.7e+89 times the output layer's" in warnings[1]
