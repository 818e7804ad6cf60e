"""Review of the tensor's protocols, the graph's naming, the recorder and the
diagnostics: what a student tries, each checked against an independent
oracle (the derivative by hand, NumPy, PyTorch).

Each test here failed before the fix it comes with.
"""

import numpy as np
import pytest

import tinygraph as tg

# ----- arrays handed out by numpy() and np.asarray ----------------------------


@pytest.mark.parametrize("take", [np.asarray, tg.Tensor.numpy])
def test_writing_into_an_intermediate_array_never_changes_the_gradient(take):
    # h = w^2 is saved by the node y = h * h; a write into it through a
    # shared array used to make dJ/dw = 4 h w = 400 instead of 4 w^3 = 4.
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    h = w * w
    J = (h * h).sum()
    shared = take(h)
    with pytest.raises(ValueError, match="read-only"):
        shared[0] = 100.0
    J.backward()
    np.testing.assert_allclose(w.grad, 4 * np.array([1.0, 2.0]) ** 3)
    # .data still gives a writable array of h's own, as for a leaf
    h.data[0] = 100.0
    np.testing.assert_array_equal(h.numpy(), [100.0, 4.0])
