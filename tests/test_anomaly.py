"""``tg.detect_anomaly``: the first NaN or infinity, in either pass, raises.

Each message must name the operation, the node's equation, the shapes and
the offending values, and the switch must cost nothing when off.
"""

import warnings

import numpy as np
import pytest

import tinygraph as tg
from tinygraph import anomaly


@pytest.fixture(autouse=True)
def anomaly_off_afterwards():
    yield
    assert tg.anomaly.is_anomaly_enabled() is False, (
        "a test left anomaly detection switched on"
    )


# ----- forward pass -----------------------------------------------------


def test_detect_anomaly_forward_names_op_equation_shapes_and_counts():
    x = tg.tensor([1.0, 0.0, 2.0], requires_grad=True, name="x")
    with pytest.raises(FloatingPointError) as caught, tg.detect_anomaly():
        x.log()
    message = str(caught.value)
    assert message.startswith("forward pass: log produced non-finite values")
    assert "u0 = log(x)" in message
    assert "output, shape (3,): 1 of 3 entries non-finite (0 nan, 1 inf)" in message
    assert "first at index (1,)" in message
    assert "x (leaf), shape (3,): all finite, range [0, 2]" in message


def test_detect_anomaly_forward_uses_u_labels_of_the_graph_so_far():
    a = tg.tensor([[0.5, -2.0]], requires_grad=True)
    with pytest.raises(FloatingPointError) as caught, tg.detect_anomaly():
        u1 = 1 - a
        u2 = u1 - 1
        u2.sqrt()
    message = str(caught.value)
    assert "sqrt" in message
    assert "u3 = sqrt(u2)" in message
    assert "output, shape (1, 2): 1 of 2 entries non-finite (1 nan, 0 inf)" in message
    assert "u2 = u1 - 1, shape (1, 2): all finite, range [-0.5, 2]" in message


def test_detect_anomaly_forward_blames_data_that_was_already_bad():
    X = tg.tensor([[1.0, np.nan]], name="X")
    W = tg.tensor([[2.0]], requires_grad=True, name="W")
    with pytest.raises(FloatingPointError) as caught, tg.detect_anomaly():
        W @ X
    message = str(caught.value)
    assert "matmul was given non-finite values (in X)" in message
    assert "W (leaf), shape (1, 1): all finite" in message
    assert "X (leaf), shape (1, 2): 1 of 2 entries non-finite (1 nan, 0" in message
    assert "check the data" in message


def test_detect_anomaly_forward_reports_bad_constant_operands():
    x = tg.tensor([1.0, 2.0], requires_grad=True, name="x")
    with pytest.raises(FloatingPointError) as caught, tg.detect_anomaly():
        x + np.array([0.0, np.inf])
    assert "in the constant const(2)" in str(caught.value)


def test_detect_anomaly_forward_checks_float32_overflow():
    z = tg.tensor([10.0, 100.0], dtype=np.float32, requires_grad=True)
    with pytest.raises(FloatingPointError, match=r"exp produced"), tg.detect_anomaly():
        z.exp()


def test_detect_anomaly_forward_also_under_no_grad():
    x = tg.tensor([4.0, -4.0], requires_grad=True, name="x")
    with pytest.raises(FloatingPointError) as caught, tg.no_grad(), tg.detect_anomaly():
        x.sqrt()
    assert "u0 = sqrt(x)" in str(caught.value)


def test_detect_anomaly_names_the_module_scope():
    x = tg.tensor([-1.0], requires_grad=True, name="x")
    layer = tg.graph.scope("Linear 2")
    with pytest.raises(FloatingPointError) as caught, tg.detect_anomaly(), layer:
        x.log()
    assert "made in Linear 2" in str(caught.value)


def test_detect_anomaly_replaces_numpy_warnings_with_the_error():
    x = tg.tensor([0.0], requires_grad=True)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(FloatingPointError), tg.detect_anomaly():
            x.log()


def test_detect_anomaly_finds_a_saturated_sigmoid_in_a_network():
    # Large weights drive sigmoid to exactly 1.0; log(1 - A) is then -inf.
    net = tg.nn.Sequential(
        tg.nn.Linear(2, 3, rng=0),
        tg.nn.Tanh(),
        tg.nn.Linear(3, 1, rng=1),
        tg.nn.Sigmoid(),
    )
    net[2].W.data *= 1000
    X = np.array([[1.0, -2.0, 3.0, 0.5], [2.0, 1.0, -1.0, 0.0]])
    Y = np.array([[0.0, 1.0, 1.0, 0.0]])
    with pytest.raises(FloatingPointError) as caught, tg.detect_anomaly():
        tg.nn.binary_cross_entropy(net(X), Y)
    message = str(caught.value)
    assert "forward pass: log produced non-finite values" in message
    assert "u2 = 1 - A2, shape (1, 4): all finite, range [0, 1]" in message
    # The stable form on logits has no such problem.
    Z = net[2](net[1](net[0](X)))
    with tg.detect_anomaly():
        J = tg.nn.binary_cross_entropy_with_logits(Z, Y)
        J.backward()
    assert np.isfinite(J.item()) and np.isfinite(net[2].W.grad).all()


def test_detect_anomaly_backward_uses_the_parameter_names():
    layer = tg.nn.Linear(2, 1, rng=0, name="1")
    layer.W.data[:] = 0.0
    with tg.detect_anomaly():
        J = layer.W.sqrt().sum()  # sqrt at 0: an infinite slope
        with pytest.raises(FloatingPointError) as caught:
            J.backward()
    assert "the gradient that sqrt sends to W1 is non-finite" in str(caught.value)
    assert "at u0 = sqrt(W1)" in str(caught.value)


# ----- backward pass ----------------------------------------------------


def test_detect_anomaly_backward_names_op_target_and_upstream():
    # sqrt(0) = 0 is fine going forward; its derivative 1/(2 sqrt(0)) is not.
    x = tg.tensor([0.0, 4.0], requires_grad=True, name="x")
    with tg.detect_anomaly():
        y = x.sqrt()
        J = (y * np.array([3.0, 1.0])).sum()
        with pytest.raises(FloatingPointError) as caught:
            J.backward()
    message = str(caught.value)
    assert message.startswith("backward pass: the gradient that sqrt sends to x")
    assert "u0 = sqrt(x)" in message
    assert "dJ/dx from this node, shape (2,): 1 of 2 entries non-finite" in message
    assert "first at index (0,)" in message
    assert "upstream dJ/du0, shape (2,): all finite, range [1, 3]" in message


def test_detect_anomaly_backward_stops_at_the_first_bad_gradient():
    # Going back from J: mul sends finite 0s to u0, then sqrt makes 0 * inf = nan,
    # and log further down never gets to run its backward.
    x = tg.tensor([0.0], requires_grad=True, name="x")
    with tg.detect_anomaly():
        u0 = (x + 1).log()
        u1 = (u0 - u0).sqrt()
        J = (u1 * 0.0).sum()
        with pytest.raises(FloatingPointError) as caught:
            J.backward()
    message = str(caught.value)
    assert "the gradient that sqrt sends to" in message
    assert "(1 nan, 0 inf)" in message
    assert x.grad is None


def test_a_backward_pass_that_raises_leaves_every_leaf_gradient_as_it_was():
    # w is made after sqrt's node, so its gradient is complete (and was once
    # stored) before sqrt's backward finds the infinity; a fixed graph run
    # again must not find a stale gradient already added into w.grad.
    x = tg.tensor([0.0], requires_grad=True, name="x")
    u = x.sqrt()
    w = tg.tensor([2.0], requires_grad=True, name="w")
    J = (w * u).sum()
    with tg.detect_anomaly(), pytest.raises(FloatingPointError, match="sqrt"):
        J.backward()
    assert w.grad is None
    assert x.grad is None


def test_detect_anomaly_refuses_values_changed_through_an_earlier_view():
    # The graph locks W's array, but a view taken before the forward pass
    # stays writable: without anomaly mode backward would silently use 5.
    W = tg.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    row = W.data[0]
    with tg.detect_anomaly():
        J = (W * W).sum()
        row[0] = 5.0
        with pytest.raises(RuntimeError) as caught:
            J.backward()
    message = str(caught.value)
    assert "the values of W changed after the forward pass" in message
    assert "at u0 = W * W" in message
    assert "shape (2, 2): 1 of 4 entries differ" in message
    assert W.grad is None


def test_detect_anomaly_lets_values_change_after_backward():
    W = tg.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    row = W.data[0]
    with tg.detect_anomaly():
        (W * W).sum().backward()
        row[0] = 5.0  # the next forward pass sees the new values
        (W * W).sum().backward()
    np.testing.assert_array_equal(W.grad, [[12.0, 4.0], [4.0, 4.0]])


def test_detect_anomaly_copies_are_freed_with_their_graph():
    before = len(anomaly._saved_copies)
    with tg.detect_anomaly():
        J = (tg.tensor([1.0], requires_grad=True) * 2).sum()
    assert len(anomaly._saved_copies) == before + 2  # mul and sum
    del J
    assert len(anomaly._saved_copies) == before


def test_detect_anomaly_backward_checks_the_given_upstream_gradient():
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    bad = np.array([1.0, np.inf])
    with pytest.raises(FloatingPointError, match=r"upstream"), tg.detect_anomaly():
        y.backward(bad)


def test_detect_anomaly_backward_only_when_switched_on_for_backward():
    x = tg.tensor([0.0], requires_grad=True)
    y = x.sqrt()
    with np.errstate(divide="ignore"):
        y.sum().backward()
    assert np.isinf(x.grad).all()


# ----- switching ----------------------------------------------------------


def test_detect_anomaly_is_off_by_default_and_bad_values_pass():
    assert tg.anomaly.is_anomaly_enabled() is False
    with np.errstate(divide="ignore"):
        y = tg.tensor([0.0], requires_grad=True).log()
    assert np.isneginf(y.data).all()


def test_detect_anomaly_restores_the_previous_state_after_an_error():
    with pytest.raises(FloatingPointError), tg.detect_anomaly():
        tg.tensor([-1.0]).sqrt()
    assert tg.anomaly.is_anomaly_enabled() is False
    tg.set_detect_anomaly(True)
    try:
        with tg.detect_anomaly():
            pass
        assert tg.anomaly.is_anomaly_enabled() is True
    finally:
        tg.set_detect_anomaly(False)


def test_set_detect_anomaly_switches_globally():
    tg.set_detect_anomaly(True)
    try:
        with np.errstate(invalid="ignore"), pytest.raises(FloatingPointError):
            tg.tensor([-1.0]).log()
    finally:
        tg.set_detect_anomaly(False)
    with np.errstate(invalid="ignore"):
        assert np.isnan(tg.tensor([-1.0]).log().data).all()


def test_detect_anomaly_works_as_a_decorator():
    @tg.detect_anomaly()
    def cost(x):
        return (x - 2).log().sum()

    with pytest.raises(FloatingPointError, match=r"log"):
        cost(tg.tensor([1.0], requires_grad=True))
    assert tg.anomaly.is_anomaly_enabled() is False


def test_detect_anomaly_off_never_calls_the_checks(monkeypatch):
    def must_not_run(*args):
        raise AssertionError("an anomaly check ran while detection was off")

    for name in ("check_forward", "check_backward", "check_seed"):
        monkeypatch.setattr(anomaly, name, must_not_run)
    W = tg.tensor([[1.0, -2.0]], requires_grad=True)
    with np.errstate(all="ignore"):
        J = (W @ tg.tensor([[0.0], [1.0]])).log().sum()
        J.backward()
    assert W.grad is not None


def test_detect_anomaly_on_finite_graph_changes_nothing():
    rng = np.random.default_rng(0)
    W = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
    X = rng.normal(size=(4, 5))
    Y = (rng.random((3, 5)) > 0.5).astype(float)
    with tg.detect_anomaly():
        A = (W @ X).sigmoid()
        J = -(Y * A.log() + (1 - Y) * (1 - A).log()).mean()
        J.backward()
    # dJ/dZ = (A - Y) / (m n) for sigmoid with this cross-entropy (the notes'
    # output error, averaged here over all 15 entries).
    expected = ((A.data - Y) / 15) @ X.T
    np.testing.assert_allclose(W.grad, expected, rtol=1e-12, atol=1e-14)


def test_summarize_counts_nan_and_inf_and_the_finite_range():
    text = anomaly.summarize(np.array([[np.nan, 1.0], [-np.inf, np.inf]]))
    assert text == (
        "3 of 4 entries non-finite (1 nan, 2 inf), first at index (0, 0); "
        "finite range [1, 1]"
    )
    assert anomaly.summarize(np.array([np.nan])) == (
        "1 of 1 entries non-finite (1 nan, 0 inf), first at index (0,)"
    )
