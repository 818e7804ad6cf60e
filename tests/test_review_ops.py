"""Review of the ops: inputs a student or an outside test suite tries, each
checked against an independent oracle (finite differences, NumPy, PyTorch).

Each test here failed before the fix it comes with.
"""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import numeric_grad

# ----- maximum and minimum: a tie of two infinities ---------------------------


@pytest.mark.parametrize("name", ["maximum", "minimum"])
def test_maximum_minimum_tie_of_infinities_shares_the_gradient_as_torch(name):
    torch = pytest.importorskip("torch")
    a0 = np.array([np.inf, -np.inf, 1.0, 2.0])
    b0 = np.array([np.inf, -np.inf, 1.0, np.inf])
    upstream = np.array([1.0, 2.0, 3.0, 4.0])

    a, b = tg.tensor(a0, requires_grad=True), tg.tensor(b0, requires_grad=True)
    getattr(tg, name)(a, b).backward(upstream)

    ta, tb = (torch.tensor(x, requires_grad=True) for x in (a0, b0))
    getattr(torch, name)(ta, tb).backward(torch.tensor(upstream))
    # [0.5, 1, 1.5, ...]: inf against inf is a tie, as 1 against 1 is
    np.testing.assert_array_equal(a.grad, ta.grad.numpy())
    np.testing.assert_array_equal(b.grad, tb.grad.numpy())


# ----- std where all entries are equal -----------------------------------------


@pytest.mark.parametrize("ddof", [0, 1])
def test_std_of_equal_entries_has_gradient_zero_not_nan(ddof):
    # Row 0 is constant (a constant feature, a saturated layer): std = 0.
    x0 = np.array([[2.0, 2.0, 2.0], [1.0, 2.0, 4.0]])
    upstream = np.array([1.5, -0.5])
    x = tg.tensor(x0, requires_grad=True)
    tg.std(x, axis=1, ddof=ddof).backward(upstream)
    expected = numeric_grad(lambda a: np.std(a, axis=1, ddof=ddof), [x0], 0, upstream)
    np.testing.assert_allclose(x.grad, expected, atol=1e-6)
    assert not np.isnan(x.grad).any()


def test_std_plus_epsilon_of_a_constant_tensor_has_gradient_zero_as_torch():
    torch = pytest.importorskip("torch")
    x = tg.tensor(np.full(4, 3.0), requires_grad=True)
    (x.std() + 1e-5).backward()
    tx = torch.full((4,), 3.0, dtype=torch.float64, requires_grad=True)
    (tx.std(correction=0) + 1e-5).backward()
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())


# ----- indexing: the index array is the forward pass's, not the caller's -------


def test_getitem_gradient_goes_where_the_forward_read_after_the_index_changes():
    x0 = np.array([1.0, 2.0, 3.0, 4.0])
    index = np.array([0, 0, 3])
    upstream = np.array([1.0, 10.0, 100.0])
    x = tg.tensor(x0, requires_grad=True)
    y = x[index]
    expected = numeric_grad(lambda a: a[index], [x0], 0, upstream)  # [11, 0, 0, 100]
    index[:] = [1, 2, 2]  # reused for the next batch, before backward
    y.backward(upstream)
    np.testing.assert_allclose(x.grad, expected, atol=1e-6)


def test_getitem_mask_and_list_in_a_tuple_are_the_forward_passs():
    x0 = np.arange(6.0).reshape(2, 3)
    mask, columns = np.array([True, False]), [2, 2]
    upstream = np.array([[1.0, 10.0]])
    x = tg.tensor(x0, requires_grad=True)
    y = x[mask, :][:, columns]
    expected = numeric_grad(lambda a: a[mask, :][:, columns], [x0], 0, upstream)
    mask[:] = [False, True]
    columns[:] = [0, 1]
    y.backward(upstream)
    np.testing.assert_allclose(x.grad, expected, atol=1e-6)


def test_getitem_with_an_empty_list_selects_nothing_as_numpy():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x[[]]
    assert y.shape == np.array([1.0, 2.0])[[]].shape == (0,)
    y.backward(np.zeros(0))
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_scatter_keeps_the_index_it_was_given():
    index = np.array([1, 1])
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = tg.ops.scatter(x, index, (3,))
    np.testing.assert_array_equal(y.data, [0.0, 3.0, 0.0])
    index[:] = [0, 2]
    y.backward(np.array([1.0, 10.0, 100.0]))
    # d y[1] / d x_k = 1 for both k: the gradient read back at index 1
    expected = numeric_grad(lambda a: np.bincount([1, 1], a, 3), [[1.0, 2.0]], 0,
                            np.array([1.0, 10.0, 100.0]))
    np.testing.assert_allclose(x.grad, expected, atol=1e-6)


# ----- clip with a tensor for a bound ------------------------------------------


def test_clip_to_tensor_bounds_gives_the_bounds_their_gradient():
    x0, low0, high0 = np.array([-1.5, 0.3, 2.0, 0.7]), np.array(0.0), np.array(1.0)
    upstream = np.array([1.0, 2.0, 3.0, 4.0])
    x, low, high = (tg.tensor(a, requires_grad=True) for a in (x0, low0, high0))
    y = tg.clip(x, low, high)
    np.testing.assert_array_equal(y.data, np.clip(x0, low0, high0))
    y.backward(upstream)
    for k, t in enumerate((x, low, high)):
        expected = numeric_grad(np.clip, [x0, low0, high0], k, upstream)
        np.testing.assert_allclose(t.grad, expected, atol=1e-6)


def test_clip_to_a_tensor_bound_matches_torch_clamp_at_the_bound():
    torch = pytest.importorskip("torch")
    x0, low0 = np.array([-1.0, 0.0, 1.0, 0.2]), np.array([0.0, 0.0, 0.5, 0.3])
    x, low = tg.tensor(x0, requires_grad=True), tg.tensor(low0, requires_grad=True)
    x.clip(low).backward(np.ones(4))
    tx, tlow = (torch.tensor(a, requires_grad=True) for a in (x0, low0))
    torch.clamp(tx, min=tlow).backward(torch.ones(4, dtype=torch.float64))
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())
    np.testing.assert_array_equal(low.grad, tlow.grad.numpy())


# ----- einsum: a letter of length 1 broadcast, as NumPy's einsum allows ---------


@pytest.mark.parametrize(
    "subscripts, shapes",
    [
        ("ij,j->i", [(2, 3), (1,)]),
        ("bij,bj->bi", [(1, 2, 3), (4, 3)]),
        ("ij,jk->", [(2, 1), (3, 4)]),
    ],
)
def test_einsum_with_a_length_one_letter_broadcasts_as_numpy(subscripts, shapes):
    rng = np.random.default_rng(0)
    arrays = [rng.normal(size=s) for s in shapes]
    tensors = [tg.tensor(a, requires_grad=True) for a in arrays]
    y = tg.einsum(subscripts, *tensors)
    expected = np.einsum(subscripts, *arrays)
    np.testing.assert_allclose(y.data, expected, rtol=1e-12)
    upstream = rng.normal(size=np.shape(expected))
    y.backward(upstream)

    def reference(*xs):
        return np.einsum(subscripts, *xs)

    for k, t in enumerate(tensors):
        oracle = numeric_grad(reference, arrays, k, upstream)
        np.testing.assert_allclose(t.grad, oracle, atol=1e-6)


# ----- constructors: dtype is honoured, or refused where it would truncate ------


@pytest.mark.parametrize(
    "make, reference",
    [
        (lambda: tg.zeros(2, 3, dtype=np.int64), lambda: np.zeros((2, 3), np.int64)),
        (lambda: tg.ones(2, dtype=np.int32), lambda: np.ones(2, np.int32)),
        (lambda: tg.full((2,), 2.7, dtype=int), lambda: np.full((2,), 2.7, dtype=int)),
        (lambda: tg.eye(2, dtype=bool), lambda: np.eye(2, dtype=bool)),
        (lambda: tg.arange(4, dtype=np.int64), lambda: np.arange(4, dtype=np.int64)),
        (lambda: tg.ones_like(np.ones(2), dtype=int), lambda: np.ones(2, dtype=int)),
    ],
)
def test_constructors_give_the_dtype_asked_for_as_numpy(make, reference):
    t, expected = make(), reference()
    assert t.dtype == expected.dtype
    np.testing.assert_array_equal(t.data, expected)


@pytest.mark.parametrize(
    "make",
    [
        lambda: tg.rand(3, seed=0, dtype=int),
        lambda: tg.randn(3, seed=0, dtype=np.int32),
        lambda: tg.uniform(0, 5, 3, seed=0, dtype=int),
    ],
)
def test_random_constructors_refuse_an_integer_dtype(make):
    # rand's numbers in [0, 1) truncated to integers were all 0, as float64
    with pytest.raises(TypeError, match="dtype must be a float dtype"):
        make()


def test_integer_zeros_cannot_require_grad():
    with pytest.raises(TypeError, match="only floating-point tensors"):
        tg.zeros(2, dtype=int, requires_grad=True)


def test_uniform_takes_a_bound_per_entry_as_numpy():
    low, high = np.array([0.0, 10.0]), np.array([1.0, 20.0])
    t = tg.uniform(low, high, 2, seed=0)
    expected = np.random.default_rng(0).uniform(low, high, 2)
    np.testing.assert_array_equal(t.data, expected)
    with pytest.raises(ValueError, match="uniform: low"):
        tg.uniform(high, low, 2, seed=0)


# ----- the fused costs: labels that do not fit the logits -----------------------


@pytest.mark.parametrize(
    "cost", [tg.ops.softmax_cross_entropy, tg.ops.sigmoid_cross_entropy]
)
@pytest.mark.parametrize("y_shape", [(4, 3), (2, 3, 4)])
def test_fused_costs_refuse_labels_that_would_stretch_the_logits(cost, y_shape):
    # (4, 3): the examples x classes layout against Z's classes x examples;
    # NumPy's broadcasting refuses the pair, as the cost must
    rng = np.random.default_rng(0)
    Z = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    Y = rng.uniform(size=y_shape)
    with pytest.raises(ValueError, match=r"\(3, 4\)"):
        cost(Z, Y)


def test_fused_costs_accept_labels_that_broadcast_to_the_logits():
    # one column of labels for every example: the same cost as the full Y
    rng = np.random.default_rng(1)
    Z0, column = rng.normal(size=(3, 4)), np.array([[0.0], [1.0], [0.0]])
    full = np.broadcast_to(column, (3, 4))
    for cost in (tg.ops.softmax_cross_entropy, tg.ops.sigmoid_cross_entropy):
        Z = tg.tensor(Z0, requires_grad=True)
        assert cost(Z, column).item() == pytest.approx(cost(Z0, full).item())


# ----- tensors as an activation's settings -------------------------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda z, a: tg.leaky_relu(z, a),
        lambda z, a: tg.elu(z, a),
        lambda z, a: tg.hardtanh(z, -a, 1.0),
    ],
)
def test_activation_settings_refuse_a_tensor_whose_gradient_would_be_lost(call):
    z = tg.tensor([-2.0, 0.5], requires_grad=True)
    a = tg.tensor(0.2, requires_grad=True)
    with pytest.raises(TypeError, match="must be a number"):
        call(z, a)



# ----- settings given as NumPy scalars keep a float32 tensor float32 ------------


@pytest.mark.parametrize(
    "call",
    [
        lambda x: x.clip(np.float64(0.0), np.float64(1.0)),
        lambda x: x.clip(np.percentile([0.0, 1.0], 10)),  # NumPy returns float64
        lambda x: tg.leaky_relu(x, np.float64(0.1)),
        lambda x: tg.elu(x, np.float64(1.0)),
        lambda x: tg.hardtanh(x, np.float64(-1.0), np.array(1.0)),
        lambda x: tg.pad(x, 1, np.float64(2.0)),
    ],
)
def test_numpy_scalar_settings_keep_float32_as_arithmetic_does(call):
    x0 = np.array([-1.5, 0.5, 2.0], dtype=np.float32)
    x = tg.tensor(x0, requires_grad=True)
    assert (x * np.float64(2.0)).dtype == np.float32  # the rule, for operands
    y = call(x)
    assert y.dtype == np.float32
    y.backward(np.ones(y.shape, np.float32))
    assert x.grad.dtype == np.float32


# ----- logaddexp where its rounded output hides the split ------------------------


def test_logaddexp_gradient_at_large_and_infinite_inputs_as_torch():
    torch = pytest.importorskip("torch")
    a0 = np.array([1e17, -1e17, 1e300, np.inf, 3.0])
    b0 = np.array([1e17, -1e17, 1e300, 0.0, -2.0])
    upstream = np.array([1.0, 2.0, 3.0, 4.0, 5.0])
    a, b = tg.tensor(a0, requires_grad=True), tg.tensor(b0, requires_grad=True)
    tg.logaddexp(a, b).backward(upstream)
    ta, tb = (torch.tensor(x, requires_grad=True) for x in (a0, b0))
    torch.logaddexp(ta, tb).backward(torch.tensor(upstream))
    # a tie splits the gradient in halves (d/da = d/db = 1/2), not 1 and 1
    np.testing.assert_allclose(a.grad, ta.grad.numpy(), rtol=1e-12)
    np.testing.assert_allclose(b.grad, tb.grad.numpy(), rtol=1e-12)


# ----- a float axis is refused, as NumPy refuses it, not truncated ---------------


@pytest.mark.parametrize(
    "call, numpy_call",
    [
        (lambda x: tg.concatenate([x, x], axis=1.7),
         lambda a: np.concatenate([a, a], axis=1.7)),
        (lambda x: tg.stack([x, x], axis=0.5), lambda a: np.stack([a, a], axis=0.5)),
        (lambda x: tg.split(x, 3, axis=1.2), lambda a: np.split(a, 3, axis=1.2)),
        (lambda x: tg.split(x, [1.5]), lambda a: np.split(a, [1.5])),
        (lambda x: tg.swapaxes(x, 0, 1.5), lambda a: np.swapaxes(a, 0, 1.5)),
        (lambda x: x.transpose(1.2, 0), lambda a: a.transpose(1.2, 0)),
        (lambda x: tg.flatten(x, 0.9), lambda a: np.moveaxis(a, 0.9, 0)),
    ],
)
def test_a_float_axis_is_refused_as_numpy_refuses_it(call, numpy_call):
    a = np.arange(6.0).reshape(2, 3)
    with pytest.raises(TypeError):
        numpy_call(a)  # the oracle: NumPy does not read 1.7 as axis 1
    with pytest.raises((TypeError, ValueError)):
        call(tg.tensor(a, requires_grad=True))


@pytest.mark.parametrize(
    "call, numpy_call",
    [
        (lambda x: tg.tile(x, 1.5), lambda a: np.tile(a, 1.5)),
        (lambda x: tg.pad(x, 1.5), lambda a: np.pad(a, 1.5)),
        (lambda x: tg.pad(x, (1, 2.0)), lambda a: np.pad(a, (1, 2.0))),
    ],
)
def test_a_float_count_of_copies_or_padding_is_refused_as_numpy(call, numpy_call):
    a = np.arange(3.0)
    with pytest.raises(TypeError):
        numpy_call(a)
    with pytest.raises(TypeError, match="integer"):
        call(tg.tensor(a, requires_grad=True))


# ----- var and std name a missing axis as NumPy does ------------------------------


@pytest.mark.parametrize("function", [tg.var, tg.std])
@pytest.mark.parametrize("axis", [5, (0, -3)])
def test_var_std_with_a_missing_axis_say_which_axis(function, axis):
    x = tg.tensor(np.ones((2, 3)), requires_grad=True, name="X")
    with pytest.raises(ValueError) as numpy_says:  # AxisError
        np.var(np.ones((2, 3)), axis=axis)
    with pytest.raises(ValueError) as caught:
        function(x, axis=axis)
    # was "index 5 is out of bounds for axis 0 with size 2", an IndexError
    message = str(caught.value)
    assert "'X' of shape (2, 3)" in message and str(numpy_says.value) in message


# ----- tensordot: an axis that does not exist is refused, not wrapped around ----


@pytest.mark.parametrize("axes", [([2], [0]), ([1], [-3]), 3, ([0, 0], [0, 1])])
def test_tensordot_refuses_axes_numpy_refuses(axes):
    a, b = np.arange(9.0).reshape(3, 3), np.arange(9.0).reshape(3, 3) + 1
    with pytest.raises((IndexError, ValueError)):
        np.tensordot(a, b, axes=axes)  # the oracle refuses them too
    # axis 2 of a matrix was read as 2 % 2 = axis 0: a plain wrong number
    with pytest.raises(ValueError, match="tensordot: cannot contract"):
        tg.tensordot(tg.tensor(a, requires_grad=True), b, axes=axes)


@pytest.mark.parametrize("axes", [0, 1, 2, ([1], [0]), ([-1], [0]), ([1, 0], [0, 1])])
def test_tensordot_valid_axes_still_match_numpy(axes):
    a, b = np.arange(9.0).reshape(3, 3), np.arange(9.0).reshape(3, 3) + 1
    got = tg.tensordot(tg.tensor(a), b, axes=axes).data
    np.testing.assert_allclose(got, np.tensordot(a, b, axes=axes), rtol=1e-12)


# ----- flatten with start_dim after end_dim --------------------------------------


@pytest.mark.parametrize("start, end", [(-1, 1), (2, 0)])
def test_flatten_refuses_start_dim_after_end_dim_as_torch(start, end):
    torch = pytest.importorskip("torch")
    with pytest.raises(RuntimeError):
        torch.ones(2, 3, 4).flatten(start, end)  # the oracle refuses it
    # (-1, 1) gave shape (2, 3, 1, 4): an axis of length 1 added, silently
    with pytest.raises(ValueError, match="flatten: .*start_dim"):
        tg.flatten(tg.tensor(np.ones((2, 3, 4))), start, end)


# ----- where: a float condition that requires grad gets no gradient -------------


def test_where_gives_a_float_condition_no_gradient():
    z0, a0 = np.array([0.0, 2.0, -1.0]), np.array([1.0, 1.0, 1.0])
    upstream = np.array([1.0, 2.0, 3.0])
    z, a = tg.tensor(z0, requires_grad=True), tg.tensor(a0, requires_grad=True)
    y = tg.where(z * 1.0, a, 5.0)  # z != 0 picks a, else 5
    np.testing.assert_array_equal(y.data, np.where(z0, a0, 5.0))
    y.backward(upstream)
    # z got G where z = 0 (cond read as b's derivative): [1, 0, 0], not 0
    expected = numeric_grad(lambda z: np.where(z, a0, 5.0), [z0], 0, upstream)
    np.testing.assert_allclose(z.grad, expected, atol=1e-6)
    np.testing.assert_array_equal(a.grad, [0.0, 2.0, 3.0])


# ----- shape look-ups do not copy a recorded tensor's array -----------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda y: y.flatten(),
        lambda y: tg.swapaxes(y, 0, 1),
        lambda y: y.transpose(1, 0),
        lambda y: tg.split(y, 2, axis=1),
        lambda y: tg.tensordot(y, np.ones(4), axes=1),
        lambda y: tg.dot(y, np.ones((2, 4, 5))),
        lambda y: y.argmax(0),
        lambda y: tg.clip(y, tg.tensor(0.5), None),
        lambda y: y.repeat(1, 2),
    ],
)
def test_shape_lookups_leave_a_recorded_tensors_array_in_place(call):
    # Reading x.data copies the array of a tensor a graph holds (so it can
    # be written to); an op that only needs the shape made that copy, an
    # O(size) cost on every call.
    x = tg.tensor(np.ones((3, 4)), requires_grad=True)
    y = x * 2.0  # y is held by the graph of y * 1.0
    _ = y * 1.0
    before = y.numpy()
    call(y)
    assert y.numpy() is before


def test_like_constructors_leave_a_recorded_tensors_array_in_place():
    x = tg.tensor(np.ones((3, 4), dtype=np.float32), requires_grad=True)
    y = x * 2.0
    _ = y * 1.0  # y is held by this graph
    before = y.numpy()
    for make in (tg.zeros_like, tg.ones_like, lambda t: tg.full_like(t, 3.0)):
        made = make(y)
        assert made.shape == (3, 4) and made.dtype == np.float32
    assert y.numpy() is before


# ----- a shape or axes given as an array, as NumPy takes them -----------------------


@pytest.mark.parametrize(
    "call, numpy_call",
    [
        (lambda x: x.reshape(np.array([3, 2])), lambda a: a.reshape(3, 2)),
        (lambda x: np.reshape(x, np.array([3, 2])), lambda a: np.reshape(a, (3, 2))),
        (lambda x: x.reshape(np.array(6)), lambda a: a.reshape(np.array(6))),
        (lambda x: x.transpose(np.array([1, 0])), lambda a: a.transpose(1, 0)),
        (lambda x: x.expand(np.array([2, 2, 3])),
         lambda a: np.broadcast_to(a, np.array([2, 2, 3]))),
        (lambda x: x.repeat(np.array([1, 2])), lambda a: np.tile(a, np.array([1, 2]))),
    ],
)
def test_shapes_and_axes_given_as_arrays_work_as_in_numpy(call, numpy_call):
    a = np.arange(6.0).reshape(2, 3)
    x = tg.tensor(a, requires_grad=True)
    y, expected = call(x), numpy_call(a)
    np.testing.assert_array_equal(y.data, expected)
    upstream = np.arange(expected.size, dtype=float).reshape(expected.shape)
    y.backward(upstream)
    oracle = numeric_grad(numpy_call, [a], 0, upstream)
    np.testing.assert_allclose(x.grad, oracle, atol=1e-6)


# ----- NumPy's functions that tinygraph has, called on tensors ---------------------


@pytest.mark.parametrize(
    "call",
    [
        lambda x: np.sign(x),
        lambda x: np.broadcast_to(x, (2, 2, 3)),
        lambda x: np.stack(np.split(x, 3, axis=1)),
        lambda x: np.stack(np.split(x, [1], axis=-2)),
    ],
)
def test_numpy_functions_tinygraph_has_run_on_tensors(call):
    # README: "NumPy's function of the same name called on a tensor runs it";
    # these said "tinygraph has no equivalent of np.sign yet"
    a = np.array([[-1.0, 0.3, 2.0], [3.0, -4.0, 0.5]])
    x = tg.tensor(a, requires_grad=True)
    y, expected = call(x), call(a)
    assert isinstance(y, tg.Tensor) and y.op is not None
    np.testing.assert_array_equal(y.data, expected)
    upstream = np.arange(expected.size, dtype=float).reshape(expected.shape)
    y.backward(upstream)
    np.testing.assert_allclose(x.grad, numeric_grad(call, [a], 0, upstream), atol=1e-6)


# ----- bad settings get an error that names the op ----------------------------------


@pytest.mark.parametrize(
    "call, op_name",
    [
        (lambda x: x.clip("a", 1), "clip"),
        (lambda x: tg.leaky_relu(x, "a"), "leaky_relu"),
        (lambda x: tg.hardtanh(x, "a", 1.0), "hardtanh"),
        (lambda x: tg.einsum(5, x), "einsum"),
        (lambda x: tg.split(x, 1.5), "split"),
        (lambda x: tg.arange("a"), "arange"),
    ],
)
def test_a_bad_setting_gets_a_type_error_naming_the_op(call, op_name):
    # clip("a", 1) raised "_UFuncNoLoopError.__init__() missing 1 required
    # positional argument", einsum(5, x) an AttributeError about 'replace'
    x = tg.tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(TypeError, match=f"^{op_name}: "):
        call(x)
