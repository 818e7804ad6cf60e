"""The test oracle itself (``tests/helpers.py``) against values worked out by
hand, so a wrong reference cannot pass every test that leans on it."""

import numpy as np
import pytest

from tests.helpers import (
    np_bce,
    np_cross_entropy,
    np_log_sigmoid,
    np_log_softmax,
    np_mse,
    np_relu,
    np_sigmoid,
    np_softmax,
    numeric_grad,
    random_one_hot,
)

# 1000 + log 3 is rounded to about 1e-13, hence not 1e-15
TOL = {"rtol": 1e-12, "atol": 1e-15}


# ----- activations --------------------------------------------------------------


def test_np_sigmoid_by_hand():
    # sigma(0) = 1/2; sigma(log 3) = 1 / (1 + 1/3) = 3/4; sigma(-log 3) = 1/4
    np.testing.assert_allclose(
        np_sigmoid(np.array([0.0, np.log(3), -np.log(3)])), [0.5, 0.75, 0.25], **TOL
    )


def test_np_log_sigmoid_by_hand_and_at_large_logits():
    # log sigma(0) = -log 2; log sigma(-1000) = -1000 - log(1 + e^-1000) = -1000
    z = np.array([0.0, -1000.0, 1000.0])
    np.testing.assert_allclose(np_log_sigmoid(z), [-np.log(2), -1000.0, 0.0], **TOL)


def test_np_relu_by_hand():
    np.testing.assert_array_equal(np_relu(np.array([-2.0, 0.0, 3.0])), [0.0, 0.0, 3.0])


def test_np_softmax_of_equal_logits_is_uniform():
    np.testing.assert_allclose(np_softmax(np.full((4, 3), 7.0)), 0.25, **TOL)


@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_np_softmax_by_hand_along_either_axis(shift):
    # e^0 : e^(log 3) = 1 : 3, so the probabilities are 1/4 and 3/4; adding
    # the same number to every logit changes nothing (and must not overflow)
    column = np.array([[0.0], [np.log(3)]]) + shift
    np.testing.assert_allclose(np_softmax(column), [[0.25], [0.75]], **TOL)
    np.testing.assert_allclose(np_softmax(column.T, axis=1), [[0.25, 0.75]], **TOL)


@pytest.mark.parametrize("shift", [0.0, 1000.0, -1000.0])
def test_np_log_softmax_by_hand_along_either_axis(shift):
    column = np.array([[0.0], [np.log(3)]]) + shift
    expected = np.log([[0.25], [0.75]])
    np.testing.assert_allclose(np_log_softmax(column), expected, **TOL)
    np.testing.assert_allclose(np_log_softmax(column.T, axis=1), expected.T, **TOL)


# ----- costs --------------------------------------------------------------------


def test_np_mse_by_hand():
    # m = 2 examples: (1^2 + 2^2) / (2 * 2)
    assert np_mse(np.array([[1.0, 2.0]]), np.zeros((1, 2))) == pytest.approx(1.25)


def test_np_bce_by_hand():
    # m = 2: -(log 0.8 + log(1 - 0.4)) / 2; a coin flip costs log 2
    A, Y = np.array([[0.8, 0.4]]), np.array([[1.0, 0.0]])
    expected = -(np.log(0.8) + np.log(0.6)) / 2
    assert np_bce(A, Y) == pytest.approx(expected, rel=1e-15)
    assert np_bce(np.full((3, 2), 0.5), Y.repeat(3, axis=0)) == pytest.approx(
        3 * np.log(2), rel=1e-15
    )


def test_np_cross_entropy_by_hand():
    # one class per column: -(log 0.75 + log 0.5) / 2
    A = np.array([[0.25, 0.5], [0.75, 0.5]])
    Y = np.array([[0.0, 1.0], [1.0, 0.0]])
    expected = -(np.log(0.75) + np.log(0.5)) / 2
    assert np_cross_entropy(A, Y) == pytest.approx(expected, rel=1e-15)


# ----- data and derivatives -----------------------------------------------------


def test_random_one_hot_has_one_one_per_column_and_draws_every_class():
    Y = random_one_hot(3, 300, np.random.default_rng(0))
    assert Y.shape == (3, 300)
    assert set(np.unique(Y)) == {0.0, 1.0}
    np.testing.assert_array_equal(Y.sum(axis=0), 1.0)
    assert Y.sum(axis=1).min() > 0  # no class is never drawn


def test_numeric_grad_of_x_squared_is_two_x_times_upstream():
    x = np.array([-1.5, 0.0, 2.0])
    upstream = np.array([1.0, -2.0, 3.0])
    grad = numeric_grad(lambda v: v**2, [x], 0, upstream)
    np.testing.assert_allclose(grad, [-3.0, 0.0, 12.0], atol=1e-8)
    np.testing.assert_array_equal(x, [-1.5, 0.0, 2.0])  # the input is left alone


def test_numeric_grad_picks_the_input_and_handles_matrices():
    # d(u . W v)/dW = u v^T; d(u . W v)/dv = W^T u
    W = np.arange(6.0).reshape(2, 3)
    v = np.array([1.0, 2.0, 3.0])
    u = np.array([1.0, -1.0])
    grad_W = numeric_grad(lambda W, v: W @ v, [W, v], 0, u)
    grad_v = numeric_grad(lambda W, v: W @ v, [W, v], 1, u)
    np.testing.assert_allclose(grad_W, [[1.0, 2.0, 3.0], [-1.0, -2.0, -3.0]], atol=1e-8)
    np.testing.assert_allclose(grad_v, [-3.0, -3.0, -3.0], atol=1e-8)
