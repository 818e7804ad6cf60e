"""The Tensor class: construction, dtypes, attributes, operators, bad input."""

import operator

import numpy as np
import pytest

import tinygraph as tg

# ----- construction and dtypes ---------------------------------------------


@pytest.mark.parametrize(
    "data",
    [3, 2.5, [1, 2, 3], [[True, False]], np.arange(4), np.array([1, 0], dtype=np.int8)],
)
def test_tensor_numbers_lists_ints_and_bools_become_float64(data):
    assert tg.tensor(data).dtype == np.float64


def test_tensor_float32_array_keeps_its_dtype():
    assert tg.tensor(np.ones(3, dtype=np.float32)).dtype == np.float32


def test_tensor_dtype_argument_forces_dtype():
    t = tg.tensor([1, 2], dtype=np.float32)
    assert t.dtype == np.float32
    assert tg.tensor([1, 2], dtype=np.int64).dtype == np.int64


def test_tensor_attributes():
    t = tg.tensor([[1.0, 2.0, 3.0]], requires_grad=True, name="x")
    assert t.shape == (1, 3) and t.ndim == 2 and t.size == 3
    assert t.requires_grad and t.name == "x" and t.grad is None
    assert t.is_leaf and t.op is None and t.parents == ()
    assert isinstance(t.numpy(), np.ndarray)
    assert tg.tensor([4.0]).item() == 4.0
    assert isinstance(tg.Tensor([1.0]), tg.Tensor)


def test_tensor_named_sets_name_and_returns_the_tensor():
    t = tg.tensor([1.0])
    assert t.named("Z1") is t and t.name == "Z1"


def test_tensor_hashes_by_identity():
    a, b = tg.tensor([1.0]), tg.tensor([1.0])
    table = {a: "a", b: "b"}
    assert table[a] == "a" and table[b] == "b"


def test_tensor_repr_shows_values_and_name():
    text = repr(tg.tensor([1.5, 2.0], requires_grad=True, name="w"))
    assert "1.5" in text and "name='w'" in text and "requires_grad=True" in text


def test_constructors_take_shape_as_tuple_or_ints():
    assert tg.zeros(2, 3).shape == (2, 3)
    assert tg.ones((2, 3)).shape == (2, 3)
    assert np.all(tg.ones(2).data == 1) and np.all(tg.zeros(2).data == 0)
    a = tg.randn(3, 2, seed=5)
    b = tg.randn((3, 2), rng=np.random.default_rng(5))
    np.testing.assert_array_equal(a.data, b.data)
    assert tg.randn(2, dtype=np.float32, requires_grad=True).dtype == np.float32


# ----- operators with numbers and arrays on either side ----------------------


def test_reflected_operators_with_numbers():
    t = tg.tensor([1.0, 2.0, 4.0])
    np.testing.assert_allclose((1 - t).data, [0, -1, -3])
    np.testing.assert_allclose((2 * t).data, [2, 4, 8])
    np.testing.assert_allclose((1 / t).data, [1, 0.5, 0.25])
    np.testing.assert_allclose((2**t).data, [2, 4, 16])
    np.testing.assert_allclose((3 + t).data, [4, 5, 7])
    np.testing.assert_allclose((-t).data, [-1, -2, -4])


def test_reflected_operators_with_numpy_arrays_return_tensors():
    t = tg.tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    arr = np.array([[1.0, 0.0], [0.0, 2.0]])
    for result in (arr @ t, arr + t, arr - t, arr * t, arr / t, arr**t):
        assert isinstance(result, tg.Tensor)
    (arr @ t).sum().backward()
    np.testing.assert_allclose(t.grad, arr.T @ np.ones((2, 2)))


def test_tensor_exponent_gradient_matches_formula():
    a = tg.tensor([1.5, 2.0], requires_grad=True)
    b = tg.tensor([2.0, 0.5], requires_grad=True)
    (a**b).sum().backward()
    np.testing.assert_allclose(a.grad, b.data * a.data ** (b.data - 1))
    np.testing.assert_allclose(b.grad, a.data**b.data * np.log(a.data))


def test_constants_never_become_nodes():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = 3 * x + np.array([1.0, 1.0])
    assert len(tg.graph.nodes(y)) == 3  # x, 3 * x, + const
    assert y.parents == (y.parents[0],) and y.parents[0].parents == (x,)


def test_float64_array_constant_does_not_upcast_float32():
    x = tg.tensor(np.ones(3, dtype=np.float32), requires_grad=True)
    y = x * np.array([1.0, 2.0, 3.0]) + [1.0, 1.0, 1.0] - np.float64(2.0)
    assert y.dtype == np.float32
    y.backward(np.ones(3, dtype=np.float32))
    assert x.grad.dtype == np.float32


def test_module_level_functions_match_methods():
    x = tg.tensor([[0.5, 1.5], [2.0, 0.25]])
    for name in ["exp", "log", "sqrt", "abs", "sigmoid", "tanh", "relu", "step"]:
        np.testing.assert_array_equal(
            getattr(tg, name)(x).data, getattr(x, name)().data
        )
    np.testing.assert_array_equal(tg.sum(x, axis=0).data, x.sum(axis=0).data)
    np.testing.assert_array_equal(tg.mean(x).data, x.mean().data)
    np.testing.assert_array_equal(tg.max(x, axis=1).data, x.max(axis=1).data)
    np.testing.assert_array_equal(tg.softmax(x).data, x.softmax(axis=0).data)
    np.testing.assert_array_equal(tg.log_softmax(x).data, x.log_softmax().data)
    np.testing.assert_array_equal(tg.matmul(x, x).data, (x @ x).data)
    np.testing.assert_array_equal(tg.reshape(x, 4).data, x.reshape(4).data)
    np.testing.assert_array_equal(tg.transpose(x).data, x.T.data)


def test_step_is_heaviside_with_one_at_zero_and_passes_no_gradient():
    z = tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    s = z.step()
    np.testing.assert_array_equal(s.data, [0, 1, 1])
    s.sum().backward()
    np.testing.assert_array_equal(z.grad, [0, 0, 0])


def test_relu_derivative_at_zero_is_zero():
    z = tg.tensor([-1.0, 0.0, 2.0], requires_grad=True)
    z.relu().sum().backward()
    np.testing.assert_array_equal(z.grad, [0, 0, 1])


def test_softmax_and_log_softmax_are_stable_for_huge_logits():
    z = tg.tensor([[1000.0, -1000.0], [0.0, 1000.0]], requires_grad=True)
    p = z.softmax(axis=0)
    assert np.all(np.isfinite(p.data))
    np.testing.assert_allclose(p.data.sum(axis=0), [1, 1])
    lp = z.log_softmax(axis=0)
    assert np.all(np.isfinite(lp.data))
    lp.backward(np.ones((2, 2)))
    assert np.all(np.isfinite(z.grad))


def test_sigmoid_is_stable_for_huge_inputs():
    z = tg.tensor([-1000.0, 1000.0], requires_grad=True)
    with np.errstate(over="raise", divide="raise", invalid="raise"):
        s = z.sigmoid()
    np.testing.assert_array_equal(s.data, [0.0, 1.0])


def test_max_shares_gradient_between_ties():
    x = tg.tensor([1.0, 3.0, 3.0], requires_grad=True)
    x.max().backward()
    np.testing.assert_allclose(x.grad, [0, 0.5, 0.5])


# ----- bad input --------------------------------------------------------------


def test_tensor_rejects_strings():
    with pytest.raises(TypeError, match="string"):
        tg.tensor("abc")
    with pytest.raises(TypeError, match="dtype"):
        tg.tensor(["a", "b"])


def test_tensor_rejects_ragged_lists():
    with pytest.raises(ValueError, match="ragged"):
        tg.tensor([[1.0, 2.0], [3.0]])


def test_tensor_rejects_objects():
    with pytest.raises(TypeError):
        tg.tensor({"a": 1})


def test_requires_grad_on_integer_tensor_is_refused():
    with pytest.raises(TypeError, match="floating-point"):
        tg.tensor([1, 2], dtype=np.int64, requires_grad=True)


def test_matmul_error_names_operands_and_shapes():
    a = tg.tensor(np.ones((3, 2)), name="W")
    b = tg.tensor(np.ones((3, 4)), name="X")
    with pytest.raises(ValueError) as info:
        a @ b
    message = str(info.value)
    assert "matmul" in message and "'W'" in message and "'X'" in message
    assert "(3, 2)" in message and "(3, 4)" in message


def test_matmul_with_scalar_is_refused_clearly():
    with pytest.raises(ValueError, match="matmul"):
        tg.tensor(2.0) @ tg.tensor([1.0])


def test_broadcast_error_names_op_operands_and_shapes():
    a = tg.tensor(np.ones((3, 2)), name="A")
    with pytest.raises(ValueError) as info:
        a + tg.tensor(np.ones(5), name="b")
    message = str(info.value)
    assert message.startswith("add:") and "'A'" in message and "(5,)" in message


def test_string_operand_is_refused():
    with pytest.raises(TypeError, match="mul"):
        tg.tensor([1.0]) * "x"


def test_log_of_non_positive_warns_and_gives_nan_or_inf():
    x = tg.tensor([0.0, -1.0], requires_grad=True)
    with pytest.warns(RuntimeWarning):
        y = x.log()
    assert y.data[0] == -np.inf and np.isnan(y.data[1])
    with pytest.warns(RuntimeWarning):
        y.backward(np.ones(2))


def test_tensor_copies_the_callers_array():
    initial = np.ones(2)
    w = tg.tensor(initial, requires_grad=True)
    w.data -= 0.5  # what an optimiser step does
    np.testing.assert_array_equal(initial, [1.0, 1.0])


def test_in_place_update_under_no_grad_keeps_a_recorded_graph_right():
    w = tg.tensor([1.0, 2.0], requires_grad=True)
    J = (w * w).sum()
    with tg.no_grad():
        w -= 0.5
        w *= 2.0
    np.testing.assert_array_equal(w.data, [1.0, 3.0])
    J.backward()  # the gradient at the values J was computed from
    np.testing.assert_array_equal(w.grad, [2.0, 4.0])


def test_in_place_update_is_refused_where_it_would_be_recorded():
    w = tg.tensor([1.0, 2.0], requires_grad=True, name="w")
    with pytest.raises(RuntimeError, match="'w'.*-=.*no_grad"):
        w -= 0.5
    y = w * 2
    with pytest.raises(RuntimeError, match="\\+="):
        with tg.no_grad():
            y += 1.0
    with pytest.raises(ValueError, match="shape"):
        with tg.no_grad():
            w += np.ones((3, 2))
    np.testing.assert_array_equal(w.data, [1.0, 2.0])


@pytest.mark.parametrize("compare", [operator.eq, operator.lt])
def test_comparing_with_a_string_names_the_comparison_and_the_operands(compare):
    """NumPy has no loop for float against str; its error type cannot be
    rebuilt from a message, so the error is a plain TypeError that still
    names the comparison and both operands."""
    x = tg.tensor([1.0, 2.0], name="x")
    message = r"(equal|less): cannot compare tensor 'x' of shape \(2,\) with an"
    with pytest.raises(TypeError, match=message):
        compare(x, "a")


def test_a_one_element_integer_tensor_is_an_index():
    x = tg.tensor([3.0, 1.0, 5.0, 2.0], requires_grad=True)
    first = x[: tg.argmax(x)]  # as in PyTorch: x[: x.argmax()]
    np.testing.assert_array_equal(first.data, [3.0, 1.0])
    first.sum().backward()
    np.testing.assert_array_equal(x.grad, [1.0, 1.0, 0.0, 0.0])
    assert ["a", "b", "c", "d"][tg.argmin(x)] == "b"
    with pytest.raises(TypeError, match="dtype float64 cannot be an index"):
        [1, 2][tg.tensor(1.0)]
