"""Review of the training side: layers, costs, optimisers, saving, and
gradients as values, from the mistakes a student makes.

Each test fails on the code before its fix. Oracles are NumPy by hand,
finite differences or the values the student set, never the code under test.
"""

import numpy as np
import pytest

import tinygraph as tg

# ----- tg.grad ----------------------------------------------------------------


def test_grad_refuses_an_input_that_does_not_require_gradients():
    # before: (w * x).sum() has dJ/dx = w = [3, 4], but tg.grad gave [0, 0]
    x = tg.tensor([1.0, 2.0], name="x")
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    J = (w * x).sum()
    with pytest.raises(ValueError, match=r"inputs\[1\] \('x' of shape \(2,\)\) does"):
        tg.grad(J, [w, x])
    # an input that requires gradients and is unused still gets zeros
    unused = tg.tensor([1.0], requires_grad=True)
    dw, du = tg.grad(J, [w, unused])
    np.testing.assert_array_equal(dw, [1.0, 2.0])
    np.testing.assert_array_equal(du, [0.0])


def test_grad_takes_a_number_as_the_upstream_gradient_of_a_one_element_output():
    # before: TypeError "object of type 'int' has no len()"
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    (dx,) = tg.grad((x * x).sum(), [x], grad_outputs=3)
    np.testing.assert_array_equal(dx, 3 * 2 * np.array([1.0, 2.0]))
    with pytest.raises(ValueError, match=r"shape \(\) but the tensor has shape \(2,\)"):
        tg.grad(x * x, [x], grad_outputs=3.0)
