"""Regression tests for issue 12: inputs that once gave a silently wrong
gradient, or a bare NumPy error, in the engine (tensor, op, graph, ops).

Each test failed on 760a723. Expected values come from finite differences,
closed forms worked by hand, or NumPy, never from tinygraph itself.
"""

import itertools
import pickle
import subprocess
import sys
import threading
import traceback

import numpy as np
import pytest

import tinygraph as tg
from tinygraph.op import Op

from .helpers import numeric_grad

# ----- silent wrong results ------------------------------------------------


def _signed_permutations(ndim):
    for perm in itertools.permutations(range(ndim)):
        for signs in itertools.product((0, 1), repeat=ndim):
            yield tuple(a - ndim if s else a for a, s in zip(perm, signs))


@pytest.mark.parametrize("axes", list(_signed_permutations(3)))
def test_transpose_with_negative_axes_sends_each_gradient_home(axes):
    rng = np.random.default_rng(0)
    x0 = rng.normal(size=(2, 3, 4))
    G = rng.normal(size=np.transpose(x0, axes).shape)
    x = tg.tensor(x0, requires_grad=True)
    x.transpose(*axes).backward(G)
    expected = numeric_grad(lambda v: np.transpose(v, axes), [x0], 0, G)
    np.testing.assert_allclose(x.grad, expected, atol=1e-6)


def test_transpose_with_negative_axes_of_a_row():
    x = tg.tensor([[1.0, 2.0]], requires_grad=True)
    x.transpose(-1, 0).backward(np.array([[3.0], [4.0]]))
    np.testing.assert_array_equal(x.grad, [[3.0, 4.0]])


def test_transpose_refuses_axes_that_are_not_a_permutation():
    x = tg.tensor(np.ones((2, 3)), name="x")
    with pytest.raises(
        ValueError, match=r"transpose: .*'x' of shape \(2, 3\).*\(0, 0\)"
    ):
        x.transpose(0, 0)
    with pytest.raises(ValueError, match="transpose"):
        x.transpose(0, 2)


class _TransposingOp(Op):
    """An op whose backward returns a gradient of the right size and the
    wrong shape, the mistake the engine once reshaped away."""

    name = "bad_backward"

    def maths(self, m, x):
        return x * 2

    def backward(self, m, g, needs, out, x):
        return (2 * g.T,)


def test_a_wrong_shaped_gradient_from_backward_is_refused():
    x = tg.tensor(np.ones((2, 3)), requires_grad=True)
    y = _TransposingOp().apply(x)
    with pytest.raises(ValueError) as info:
        y.backward(np.ones((2, 3)))
    message = str(info.value)
    assert message.startswith("bad_backward:")
    assert "(3, 2)" in message and "(2, 3)" in message and "input 0" in message


def _matmul_cost(W0, X0):
    W = tg.tensor(W0, requires_grad=True, name="W")
    X = tg.tensor(X0, requires_grad=True, name="X")
    return W, X, ((W @ X) ** 2).sum()


def _expected_grads(W0, X0):
    """J = sum((W X)^2): dJ/dW = 2 (W X) X^T, dJ/dX = 2 W^T (W X)."""
    Z = W0 @ X0
    return 2 * Z @ X0.T, 2 * W0.T @ Z


@pytest.mark.parametrize("mutate", ["subtract", "set_entry", "rebind"])
def test_changing_a_leaf_between_forward_and_backward_never_changes_the_gradient(
    mutate,
):
    rng = np.random.default_rng(1)
    W0, X0 = rng.normal(size=(2, 3)), rng.normal(size=(3, 4))
    W, X, J = _matmul_cost(W0, X0)
    if mutate == "subtract":
        W.data -= 0.1
    elif mutate == "set_entry":
        W.data[0, 0] = 5.0
    else:
        W.data = W.data + 1.0
    J.backward()
    dW, dX = _expected_grads(W0, X0)
    # The gradient of the J that was computed: at the values forward used.
    np.testing.assert_allclose(X.grad, dX)
    np.testing.assert_allclose(W.grad, dW)
    assert J.item() == pytest.approx(((W0 @ X0) ** 2).sum())
    # ... while the tensor itself keeps the change.
    assert not np.array_equal(W.data, W0)


def test_changing_a_constant_array_after_forward_never_changes_the_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    c = np.array([3.0, 4.0])
    J = (x * c).sum()
    c[:] = 100.0
    J.backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])


def test_an_array_taken_before_forward_is_read_only_while_a_graph_holds_it():
    W = tg.tensor([[1.0, 2.0]], requires_grad=True)
    taken = W.data
    J = (W * W).sum()
    with pytest.raises(ValueError, match="read-only"):
        taken[0, 0] = 5.0
    J.backward()
    np.testing.assert_array_equal(W.grad, [[2.0, 4.0]])


def test_changing_an_intermediate_value_never_changes_the_gradient():
    x = tg.tensor([0.5, -1.0], requires_grad=True)
    a = x.exp()
    J = (a * a).sum()
    a.data[0] = 0.0  # exp and mul saved a's values for backward
    J.backward()
    np.testing.assert_allclose(x.grad, 2 * np.exp(2 * np.array([0.5, -1.0])))


def test_optimiser_updates_after_backward_still_work_every_step():
    w = tg.tensor([1.0], requires_grad=True)
    opt = tg.optim.SGD([w], lr=0.1)
    for _ in range(3):
        opt.zero_grad()
        J = (w * w).sum()
        J.backward()
        opt.step()
    np.testing.assert_allclose(w.data, [0.8**3])


def test_manual_update_of_data_after_backward_works():
    w = tg.tensor([2.0], requires_grad=True)
    J = (w * w).sum()
    J.backward()
    w.data -= 0.25 * w.grad
    np.testing.assert_allclose(w.data, [1.0])


def test_data_is_writable_after_a_detached_alias_was_used_in_a_graph():
    # detach shares the array; the graph locks it through the new leaf, and
    # the costs detach their labels, so Y.data must still give a writable copy.
    Y = tg.tensor([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    Z = tg.tensor(np.zeros((3, 2)), requires_grad=True)
    tg.nn.cross_entropy_with_logits(Z, Y).backward()
    Y.data[:, 0] = [0.0, 0.0, 1.0]
    np.testing.assert_array_equal(Y.numpy()[:, 0], [0.0, 0.0, 1.0])
    x = tg.tensor([1.0, 2.0])
    w = tg.tensor([3.0, 4.0], requires_grad=True)
    J = (w * x.detach()).sum()
    x.data[0] = 5.0
    J.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 2.0])  # the values J saw


def test_no_grad_in_one_thread_does_not_stop_another_from_recording():
    inside, recorded = threading.Event(), threading.Event()
    w = tg.tensor([1.0], requires_grad=True)
    results = {}

    def pauses_in_no_grad():
        with tg.no_grad():
            inside.set()
            recorded.wait(5)

    def records():
        inside.wait(5)
        results["y"] = w * 2
        results["enabled"] = tg.is_grad_enabled()
        recorded.set()

    threads = [
        threading.Thread(target=pauses_in_no_grad),
        threading.Thread(target=records),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results["enabled"] is True
    assert results["y"].op is not None


def test_overlapping_no_grad_blocks_in_two_threads_leave_recording_on():
    first_in, second_in, first_out = (threading.Event() for _ in range(3))

    def first():
        with tg.no_grad():
            first_in.set()
            second_in.wait(5)
        first_out.set()

    def second():
        first_in.wait(5)
        with tg.no_grad():
            second_in.set()
            first_out.wait(5)

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert tg.is_grad_enabled()
    assert (tg.tensor([1.0], requires_grad=True) * 2).op is not None


def test_detect_anomaly_is_per_thread():
    seen = {}

    def look():
        seen["other"] = tg.anomaly.is_anomaly_enabled()

    with tg.detect_anomaly():
        thread = threading.Thread(target=look)
        thread.start()
        thread.join()
        seen["here"] = tg.anomaly.is_anomaly_enabled()
    assert seen == {"other": False, "here": True}


def test_integer_data_cannot_get_into_a_tensor_that_requires_grad():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True, name="x")
    with pytest.raises(TypeError, match="'x'.*floating-point.*int64"):
        x.data = np.array([1, 2, 3])
    n = tg.tensor([1, 2, 3], dtype=np.int64)
    with pytest.raises(TypeError, match="floating-point"):
        n.requires_grad = True
    assert n.requires_grad is False


def test_requires_grad_message_reads_well_for_an_unnamed_tensor():
    with pytest.raises(TypeError) as info:
        tg.tensor([1, 2], requires_grad=True, dtype=np.int64)
    assert str(info.value).startswith("tensor: only floating-point tensors")


def test_np_array_copies_and_np_asarray_may_share():
    t = tg.tensor([1.0, 2.0])
    copied = np.array(t)
    copied[0] = 99.0
    np.testing.assert_array_equal(t.data, [1.0, 2.0])
    assert np.shares_memory(np.asarray(t), t.data)


def test_backward_copies_the_callers_gradient_into_a_leaf():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    g = np.array([3.0, 4.0])
    x.backward(g)
    x.grad += 1.0
    g[:] = 0.0
    np.testing.assert_array_equal(x.grad, [4.0, 5.0])


@pytest.mark.parametrize("exponent", [0, 0.0, "tensor"])
def test_zeroth_power_has_zero_gradient_at_zero(exponent):
    x = tg.tensor([0.0, 2.0], requires_grad=True)
    b = tg.tensor([0.0, 0.0]) if exponent == "tensor" else exponent
    (x**b).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_max_sends_the_gradient_to_the_nan():
    x = tg.tensor([[1.0, np.nan, 3.0], [4.0, 5.0, 2.0]], requires_grad=True)
    x.max(axis=1).backward(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(x.grad, [[0.0, 1.0, 0.0], [0.0, 1.0, 0.0]])
    y = tg.tensor([np.nan, 1.0, np.nan], requires_grad=True)
    y.max().backward()
    np.testing.assert_array_equal(y.grad, [0.5, 0.0, 0.5])


def test_relu_keeps_nan_visible():
    y = tg.relu(tg.tensor([np.nan, -1.0, 2.0]))
    assert np.isnan(y.data[0]) and list(y.data[1:]) == [0.0, 2.0]
    x = tg.tensor([np.nan, 1.0], requires_grad=True)
    with pytest.raises(FloatingPointError, match="relu .*non-finite"):
        with tg.detect_anomaly():
            tg.relu(x)


_PICKLE_A_GRAPH = """
import pickle, sys
import tinygraph as tg
for _ in range(50):  # move this process's creation numbers well ahead
    tg.tensor(0.0)
a = tg.tensor([0.5, 2.0], requires_grad=True, name="a")
J = (a * a).sum().named("J")
sys.stdout.buffer.write(pickle.dumps((a, J)))
"""


def test_a_pickled_graph_arrives_as_leaves():
    blob = subprocess.run(
        [sys.executable, "-c", _PICKLE_A_GRAPH], capture_output=True, check=True
    ).stdout
    a, J = pickle.loads(blob)
    assert a.is_leaf and J.is_leaf and J.inputs == ()
    assert a.requires_grad and a.name == "a" and J.item() == pytest.approx(4.25)
    K = (a * 3.0).sum()
    K.backward()
    np.testing.assert_array_equal(a.grad, [3.0, 3.0])


def test_a_user_set_grad_of_the_wrong_shape_is_refused():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    x.grad = np.ones((2, 2))
    with pytest.raises(ValueError, match=r"'x' of shape \(2,\).*\(2, 2\)"):
        (x * x).sum().backward()


@pytest.mark.parametrize("reduce", ["sum", "mean", "max"])
@pytest.mark.parametrize("axis", [0, -1])
def test_reducing_a_0d_tensor_over_axis_0_or_minus_1(reduce, axis):
    x = tg.tensor(3.0, requires_grad=True)
    y = getattr(x, reduce)(axis=axis)
    assert y.item() == 3.0
    y.backward()
    assert type(x.grad) is np.ndarray and x.grad.shape == () and x.grad == 1.0


# ----- Python's protocols, as in PyTorch ----------------------------------


def test_truth_and_conversion_of_one_element_tensors():
    assert bool(tg.tensor([0.0])) is False and bool(tg.tensor(2.0)) is True
    assert float(tg.tensor([[2.5]])) == 2.5 and int(tg.tensor(3.7)) == 3
    J = (tg.tensor([1.0, 2.0], requires_grad=True) ** 2).sum()
    assert float(J) == 5.0


@pytest.mark.parametrize("convert", [bool, float, int])
def test_conversion_of_many_elements_is_ambiguous(convert):
    with pytest.raises(ValueError, match=r"shape \(2,\).*2 elements"):
        convert(tg.tensor([1.0, 2.0]))


def test_item_of_many_elements_names_the_shape():
    with pytest.raises(ValueError, match=r"item: .*\(2, 2\).*4 elements"):
        tg.tensor(np.ones((2, 2))).item()


def test_comparisons_are_entry_by_entry_and_record_nothing():
    x = tg.tensor([1.0, 2.0, 3.0], requires_grad=True)
    for result, expected in [
        (x > 1.5, [False, True, True]),
        (x >= 2.0, [False, True, True]),
        (x < 2.0, [True, False, False]),
        (x <= 2.0, [True, True, False]),
        (x == 2.0, [False, True, False]),
        (x != 2.0, [True, False, True]),
        (1.5 < x, [False, True, True]),
        (x == tg.tensor([1.0, 0.0, 3.0]), [True, False, True]),
    ]:
        assert isinstance(result, tg.Tensor) and result.dtype == bool
        assert result.op is None and not result.requires_grad
        assert result.data.tolist() == expected
    assert tg.tensor(1.0) == 1.0


def test_tensors_still_hash_by_identity():
    a, b = tg.tensor([1.0]), tg.tensor([1.0])
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b" and len({a, b}) == 2


def test_membership_and_iteration():
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    assert 3.0 in x and 5.0 not in x
    rows = list(x)
    assert [r.data.tolist() for r in rows] == [[1.0, 2.0], [3.0, 4.0]]
    (rows[1] * 2).sum().backward()
    np.testing.assert_array_equal(x.grad, [[0.0, 0.0], [2.0, 2.0]])
    with pytest.raises(TypeError, match="0-d"):
        list(tg.tensor(5.0))
    with pytest.raises(TypeError, match="0-d"):
        len(tg.tensor(5.0))


# ----- anomaly mode ---------------------------------------------------------


def test_anomaly_catches_an_overflow_made_by_fan_in():
    x = tg.tensor([1e-10], requires_grad=True, name="x")
    y = (x * 1.0).named("y")
    # Each use of y sends back 1e308, finite; their sum is not.
    J = (y * 1e308).sum() + (y * 1e308).sum()
    with tg.detect_anomaly():
        with pytest.raises(FloatingPointError) as info:
            J.backward()
    message = str(info.value)
    assert "gradient of y overflowed" in message and "2 consumers" in message


def test_anomaly_catches_an_overflow_made_by_accumulating_two_calls():
    x = tg.tensor([1.0], requires_grad=True, name="w")
    (x * 1.5e308).sum().backward()
    with tg.detect_anomaly():
        with pytest.raises(FloatingPointError, match="'w'.*accumulate"):
            (x * 1.5e308).sum().backward()


def test_a_constant_that_overflows_float32_is_refused_at_the_cast():
    x = tg.tensor([1.0], requires_grad=True, dtype=np.float32)
    with pytest.raises(ValueError, match=r"mul: .*does not fit in float32"):
        x * np.array([1e300])


# ----- errors that should be clear ------------------------------------------


def test_backward_with_a_string_gradient():
    x = tg.tensor([1.0], requires_grad=True)
    with pytest.raises(TypeError, match="backward: .*numbers.*<U1"):
        x.backward(np.array(["a"]))


def test_a_python_integer_too_large_for_a_float():
    x = tg.tensor([1.0], requires_grad=True, name="x")
    with pytest.raises(ValueError) as info:
        x * 2**1100
    message = str(info.value)
    assert message.startswith("mul:") and "'x' of shape (1,)" in message
    assert "332 digits" in message and len(message) < 300


def test_a_list_of_tensors_becomes_one_tensor():
    t = tg.tensor([tg.tensor(1.0), tg.tensor(2.0)])
    assert t.data.tolist() == [1.0, 2.0] and t.dtype == np.float64


class _RaisingOp(Op):
    name = "raises"

    def maths(self, m, x):
        raise ValueError("the author's own message")


def test_an_error_in_a_custom_forward_keeps_the_authors_traceback():
    with pytest.raises(ValueError, match="raises: .*the author's own message") as info:
        _RaisingOp().apply(tg.tensor([1.0]))
    cause = info.value.__cause__
    assert isinstance(cause, ValueError)
    # the author's own line is in the chained traceback
    frames = traceback.extract_tb(cause.__traceback__)
    assert any(
        f.name == "maths" and "the author's own message" in f.line for f in frames
    )


# ----- smaller --------------------------------------------------------------


def test_a_scalar_leaf_gradient_stays_an_array_after_accumulation():
    x = tg.tensor(2.0, requires_grad=True)
    (x * x).backward()
    (x * x).backward()
    assert type(x.grad) is np.ndarray and x.grad == 8.0


def test_two_leaves_with_one_name_read_differently():
    a = tg.tensor(1.0, requires_grad=True, name="W")
    b = tg.tensor(2.0, requires_grad=True, name="W")
    assert tg.graph.equations(a * b) == ["u0 = W * W#2"]


def test_ops_have_a_readable_repr():
    x = tg.tensor(np.ones((2, 3)), requires_grad=True)
    assert repr(x.sum(axis=0).op) == "Sum(axis=0, keepdims=False)"
    assert repr(x.exp().op) == "Exp()"


def test_detach_shares_the_values_and_a_held_array_stays_safe():
    """``detach`` shares the array (as PyTorch's does); where a graph holds
    it, writing through the detached leaf's ``.data`` leaves the graph's
    values alone, so the gradient is still that of the values it used."""
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    J = (x * x).sum()
    d = x.detach()
    assert d.numpy() is x.numpy()  # shared, not copied
    d.data[0] = 10.0  # d gets a copy of its own
    J.backward()
    np.testing.assert_array_equal(x.grad, [2.0, 4.0])
    np.testing.assert_array_equal(x.numpy(), [1.0, 2.0])
    np.testing.assert_array_equal(d.numpy(), [10.0, 2.0])


def test_an_op_numpy_has_no_loop_for_raises_a_type_error_naming_the_op():
    # NumPy's "no loop for this dtype" error cannot be rebuilt from a message
    # alone; the engine's own error must still name the op and the operand.
    message = r"sign: cannot apply to tensor of shape \(2,\)"
    with pytest.raises(TypeError, match=message):
        tg.sign(tg.tensor([True, False], dtype=bool))


def test_a_view_made_without_recording_cannot_change_a_recorded_gradient():
    # A reshape under no_grad is a view of h's array, which the graph saved.
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    h = w * w
    J = (h * h).sum()
    with tg.no_grad():
        v = h.reshape(2)
    v.data[0] = 100.0  # a writable copy: the view is read-only
    J.backward()
    np.testing.assert_array_equal(w.grad, 4 * np.array([1.0, 2.0]) ** 3)


def test_writing_to_a_tensor_cannot_change_a_view_of_it_that_a_graph_saved():
    # x records nothing, so x[0] is a plain view of x's array; the graph
    # saves that view, so x's own array must be locked as well.
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    J = (w * x[0]).sum()
    x.data[0] = 100.0
    J.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 2.0])
    np.testing.assert_array_equal(x.numpy()[0], [100.0, 100.0])
