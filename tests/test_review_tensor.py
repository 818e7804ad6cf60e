"""Review of the tensor's protocols, the graph's naming, the recorder and the
diagnostics: what a student tries, each checked against an independent
oracle (the derivative by hand, NumPy, PyTorch).

Each test here failed before the fix it comes with.
"""

import math

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


# ----- a Recorder whose model changes -------------------------------------------


def _recorded_training(net, steps=2):
    rng = np.random.default_rng(0)
    X = rng.normal(size=(2, 8))
    Y = (X[:1] * X[1:] > 0).astype(float)
    cost = tg.nn.binary_cross_entropy_with_logits
    recorder = tg.Recorder(net, cost, every=1)

    def train():
        opt = tg.optim.SGD(net.parameters(), lr=0.1)
        for _ in range(steps):
            J = cost(net(X), Y)
            opt.zero_grad()
            J.backward()
            with recorder.step(J, X, Y):
                opt.step()

    train()
    return recorder, train


def _small_net():
    return tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh(),
                            tg.nn.Linear(3, 1, rng=1))


def test_a_parameter_replaced_between_steps_is_refused_not_recorded_stale():
    # before: the recorder kept reading the old W (its stale gradient norm
    # for "Layer 1"), and reading the records overwrote the old tensor
    net = _small_net()
    recorder, train = _recorded_training(net)
    old_W = net[0].W
    old_values, old_grad = old_W.numpy().copy(), old_W.grad.copy()
    net[0].W = tg.tensor(np.ones((3, 2)), requires_grad=True, name="W1")
    with pytest.raises(ValueError, match="Recorder.step: the model changed .*'W1'"):
        train()
    with pytest.raises(ValueError, match="Recorder.records: the model changed"):
        _ = recorder.records
    np.testing.assert_array_equal(old_W.numpy(), old_values)
    np.testing.assert_array_equal(old_W.grad, old_grad)


def test_a_module_swapped_before_the_records_are_read_is_refused():
    # before: the steps recorded with tanh were analysed with a ReLU network
    net = _small_net()
    recorder, _ = _recorded_training(net)
    net.modules[1] = tg.nn.ReLU()
    with pytest.raises(ValueError, match="modules were .*'Tanh'.* now .*'ReLU'"):
        _ = recorder.records


def test_a_recorder_still_reads_a_model_whose_parameter_was_frozen():
    # a guard for the check above: freezing is no change of the model
    net = _small_net()
    recorder, train = _recorded_training(net)
    net[0].W.requires_grad = False
    train()
    assert [r.step for r in recorder.records] == [0, 1, 2, 3]


# ----- diagnostics ----------------------------------------------------------------


@pytest.mark.parametrize("output, Y, expected", [
    # a diverged network scored 1/2 (argmax picks the first NaN: class 0)
    (np.full((3, 4), np.nan), np.eye(3)[:, [0, 0, 1, 2]], 0.0),
    # NaN > 0 is False: it "predicted" class 0 and scored 3/4
    (np.full((1, 4), np.nan), np.array([[0.0, 0.0, 0.0, 1.0]]), 0.0),
    (np.array([[np.nan, 1.0, -1.0, 2.0]]), np.array([[0.0, 1.0, 0.0, 0.0]]), 0.5),
    (np.array([[np.nan, 2.0], [0.0, 1.0]]), np.array([[1.0, 1.0], [0.0, 0.0]]), 0.5),
])
def test_accuracy_counts_a_nan_output_as_wrong(output, Y, expected):
    assert tg.diagnostics.accuracy(output, Y) == expected


# ----- no_grad as a decorator ---------------------------------------------------


def test_no_grad_on_a_generator_function_records_nothing_in_its_body():
    # before: @no_grad() covered only the call that makes the generator, so
    # the target below was recorded and backward sent a gradient through it
    w = tg.tensor([2.0, 3.0], requires_grad=True)
    x = np.array([1.0, -1.0])

    @tg.no_grad()
    def targets():
        while True:
            yield w * 0.5  # a fixed target made by the model itself

    target = next(targets())
    assert target.op is None and not target.requires_grad
    J = ((w * x - target) ** 2).sum()  # recorded: the caller is not in no_grad
    J.backward()
    # by hand, the target a constant: dJ/dw = 2 (w x - w0/2) x
    np.testing.assert_allclose(w.grad, 2 * (w.numpy() * x - w.numpy() / 2) * x)


def test_no_grad_generator_passes_send_throw_and_close_and_restores_recording():
    seen = []

    @tg.no_grad()
    def echo():
        try:
            value = yield tg.is_grad_enabled()
            while True:
                try:
                    value = yield (value, tg.is_grad_enabled())
                except KeyError:
                    value = "caught"
        finally:
            seen.append(tg.is_grad_enabled())

    gen = echo()
    assert next(gen) is False and tg.is_grad_enabled()
    assert gen.send(3) == (3, False) and tg.is_grad_enabled()
    assert gen.throw(KeyError("k")) == ("caught", False)
    gen.close()
    assert seen == [False] and tg.is_grad_enabled()


def test_no_grad_decorates_a_function_and_nests():
    w = tg.tensor([1.0], requires_grad=True)

    @tg.no_grad()
    def double(t):
        return t * 2

    assert not double(w).requires_grad and (w * 2).requires_grad
    block = tg.no_grad()
    with block:
        with block:
            assert not tg.is_grad_enabled()
        assert not tg.is_grad_enabled()
    assert tg.is_grad_enabled()


# ----- the graph's labels ----------------------------------------------------------


def test_labels_stay_distinct_when_a_name_looks_like_a_numbered_duplicate():
    # before: the second "W" was labelled "W#2", the label of another node
    a = tg.tensor(1.0, requires_grad=True, name="W#2")
    b = tg.tensor(2.0, requires_grad=True, name="W")
    c = tg.tensor(3.0, requires_grad=True, name="W")
    d = tg.tensor(4.0, requires_grad=True, name="W")
    J = a * b * c * d
    labels = tg.graph.labels(J)
    assert [labels[t] for t in (a, b, c, d)] == ["W#2", "W", "W#3", "W#4"]
    assert len(set(labels.values())) == len(labels)
    assert tg.graph.equations(J) == ["u0 = W#2 * W", "u1 = u0 * W#3", "u2 = u1 * W#4"]


def test_a_scope_entered_again_inside_itself_closes_back_to_no_scope():
    # before: the inner entry overwrote the saved outer scopes, so after both
    # blocks every new node of the thread was still tagged ('block',)
    w = tg.tensor([1.0], requires_grad=True)
    block = tg.graph.scope("block")
    with block:
        with block:
            assert (w * 2).scope == ("block", "block")
        assert (w * 2).scope == ("block",)
    assert (w * 2).scope == ()


def test_the_relu_of_a_hinge_cost_is_no_layers_activation():
    # before: the cost's relu(1 - Y Z) was read as the output layer's ReLU,
    # and a network classifying every example with a margin (every hinge
    # term 0) was told "100% of its ReLU units are dead"
    X = np.random.default_rng(0).normal(size=(2, 8))
    net = _small_net()
    with tg.no_grad():
        Y = np.where(net(X).numpy() > 0, 1.0, -1.0)
    net[2].W.data *= 1e3  # the same signs, every |Z| far beyond the margin 1
    net[2].b.data *= 1e3

    def hinge(Z, Y):
        return tg.relu(1 - Y * Z).mean()

    recorder = tg.Recorder(net, hinge, every=1)
    J = hinge(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    (record,) = recorder.records
    assert [(layer.name, layer.activation) for layer in record.layers] == [
        ("Layer 1", "tanh"), ("Layer 2", None)]
    assert not any("dead" in warning for warning in record.warnings)


# ----- changing a tensor's values in place ------------------------------------------


def test_adding_a_tensor_that_requires_grad_in_place_is_refused():
    # before: the values were added and the gradient silently dropped,
    # dJ/dw = 4 instead of 1 + 3 + 2 w = 8
    w = tg.tensor([2.0], requires_grad=True, name="w")
    total = tg.zeros(1)
    lost = "the tensor of shape \\(1,\\), which requires gradients, would lose"
    with pytest.raises(RuntimeError, match=lost):
        for x in (1.0, 3.0):
            total += w * x
    with pytest.raises(RuntimeError, match="would lose its gradient"):
        total -= w
    total = 0  # the way that records: total + w x makes a new node
    for x in (1.0, 3.0):
        total = total + w * x
    (total + w * w).sum().backward()
    np.testing.assert_allclose(w.grad, [1.0 + 3.0 + 2 * 2.0])
    with tg.no_grad():  # updates, where nothing records
        w -= 0.5 * w.grad
    np.testing.assert_allclose(w.numpy(), [2.0 - 4.0])


def test_assigning_into_a_tensor_works_where_plus_equals_does():
    x = tg.tensor([1.0, 2.0, 3.0], name="x")
    w = tg.tensor([1.0, 1.0, 1.0], requires_grad=True, name="w")
    J = (w * x).sum()
    expected = np.array([1.0, 2.0, 3.0])
    expected[x.numpy() > 2] = 0.0
    x[x > 2] = 0.0  # NumPy's semantics, mask and all
    x[0] = 5.0
    expected[0] = 5.0
    np.testing.assert_array_equal(x.numpy(), expected)
    J.backward()  # J's graph keeps the values it was computed from
    np.testing.assert_array_equal(w.grad, [1.0, 2.0, 3.0])
    with pytest.raises(RuntimeError, match="'w': t\\[index\\] = would change"):
        w[0] = 5.0
    with pytest.raises(RuntimeError, match="t\\[index\\] = would change"):
        J[...] = 0.0
    with pytest.raises(RuntimeError, match="'w' of shape \\(3,\\).* lose its gradient"):
        x[:] = w
    with pytest.raises(IndexError, match="setitem: .* 'x' of shape \\(3,\\) at 5"):
        x[5] = 1.0
    with tg.no_grad():
        w[1] = 4.0
    np.testing.assert_array_equal(w.numpy(), [1.0, 4.0, 1.0])


# ----- tg.tensor of tensors ---------------------------------------------------------


def test_tensor_of_tensors_in_a_graph_is_refused_not_cut_out_of_it():
    # before: the values were copied into a new leaf, and w silently lost
    # the gradient through Z: dJ/dw = 2 w (the penalty only) instead of
    # 2 + 3 + 2 w
    w = tg.tensor(2.0, requires_grad=True, name="w")
    with pytest.raises(RuntimeError, match="'w' of shape \\(\\).* tg.stack"):
        tg.tensor([w, 1.0])
    with pytest.raises(RuntimeError, match="tensor of shape \\(\\), which requires"):
        tg.tensor([w * 2, w * 3])
    with pytest.raises(RuntimeError, match="gradient would be lost"):
        tg.tensor(w * 2)
    Z = tg.stack([w * 2, w * 3])
    (Z.sum() + w * w).backward()
    np.testing.assert_allclose(w.grad, 2 + 3 + 2 * 2.0)
    # copying values on purpose still works
    np.testing.assert_array_equal(tg.tensor([w.detach(), (w * 3).detach()]).numpy(),
                                  [2.0, 6.0])
    assert tg.tensor(w).item() == 2.0  # a copy of a parameter
    with tg.no_grad():
        assert tg.tensor([w * 2, w]).numpy().tolist() == [4.0, 2.0]


# ----- Python's protocols ------------------------------------------------------------


def test_repr_of_an_empty_tensor_shows_its_shape_as_numpy_does():
    # before: (0, 3) and (3, 0) both printed as tensor([])
    for shape in [(0, 3), (3, 0), (2, 0, 4)]:
        assert f"shape={np.zeros(shape).shape}" in repr(np.zeros(shape))  # NumPy
        assert repr(tg.tensor(np.zeros(shape))) == f"tensor([], shape={shape})"
    assert repr(tg.tensor([])) == "tensor([])"


def test_format_abs_of_a_tensor_as_in_pytorch():
    torch = pytest.importorskip("torch")
    J = tg.tensor(0.123456, requires_grad=True)
    assert f"{J:.3f}" == f"{torch.tensor(0.123456):.3f}" == "0.123"
    assert f"{tg.tensor([2.5]):>6.1f}" == "   2.5"
    assert f"{J}" == str(J)
    with pytest.raises(TypeError, match="format: tensor of shape \\(2,\\) has 2"):
        f"{tg.tensor([1.0, 2.0]):.2f}"
    x = tg.tensor([-1.5, 2.0], requires_grad=True)
    y = abs(x)
    y.backward(np.array([1.0, 1.0]))
    tx = torch.tensor([-1.5, 2.0], requires_grad=True)
    abs(tx).backward(torch.ones(2))
    np.testing.assert_array_equal(y.numpy(), [1.5, 2.0])
    np.testing.assert_array_equal(x.grad, tx.grad.numpy())


@pytest.mark.parametrize("scale", [1e-200, 1e-170, 1.0, 1e170, 1e300])
def test_gradient_norm_of_huge_or_tiny_gradients_is_their_norm(scale):
    # before: g * g overflowed to inf (or underflowed to 0, "exactly 0")
    g, h = np.array([[3.0, 0.0]]) * scale, np.array([4.0]) * scale
    assert tg.diagnostics.gradient_norm(g, h) == pytest.approx(5.0 * scale, rel=1e-15)
    assert tg.diagnostics.update_ratio([g, h], [2 * g, 2 * h]) == pytest.approx(1.0)


def test_gradient_norm_is_nan_or_inf_with_such_an_entry():
    norm = tg.diagnostics.gradient_norm
    assert math.isnan(norm(np.array([1.0, np.nan]), np.array([1e300])))
    assert math.isnan(norm(np.array([1e300]), np.array([np.nan, 1.0])))
    assert norm(np.array([1.0, np.inf]), np.array([1e300])) == math.inf
    assert norm(np.zeros(3), np.zeros((0, 2))) == 0.0


def test_in_and_in_place_updates_name_the_tensor_and_the_operand():
    # before: a bare NumPy message ('operands could not be broadcast'), a
    # TypeError from NumPy's error class itself for 'a', and "would change
    # its shape (2,) or dtype float32 (to (2,), float64)" for a dtype change
    w = tg.tensor(np.float32([1.0, 2.0]), name="w")
    with pytest.raises(ValueError, match="equal: cannot compare tensor 'w' of shape"):
        _ = [1.0, 2.0, 3.0] in w
    with pytest.raises(TypeError, match="\\+=: cannot update tensor 'w' of shape"):
        w += "a"
    with pytest.raises(ValueError, match="-=: cannot update tensor 'w' .* shape \\(3,"):
        w -= np.ones(3, np.float32)
    with pytest.raises(ValueError, match="float32 to float64.*np.float32\\(lr\\)"):
        w -= np.float64(0.1) * np.ones(2)
    with pytest.raises(ValueError, match="shape \\(2, 2\\) would change its shape"):
        w *= np.ones((2, 2), np.float32)
    assert 2.0 in w and 3.0 not in w
    w -= np.float32(0.5) * np.ones(2, np.float32)
    np.testing.assert_array_equal(w.numpy(), np.float32([0.5, 1.5]))


def test_assigning_into_a_tensor_never_changes_a_graph_built_on_a_view_of_it():
    # a view (x.T[0]) recorded nothing, so only the view was locked by the
    # graph J: writing into x's own array in place would change dJ/dw
    x = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    w = tg.tensor([1.0, 1.0], requires_grad=True)
    J = (w * x.T[0]).sum()
    x[0] = 100.0
    J.backward()
    np.testing.assert_array_equal(w.grad, [1.0, 3.0])  # by hand: x's first column
    rows = tg.tensor([[1.0, 2.0], [3.0, 4.0]])
    rows[0], rows[1] = rows[1], rows[0]
    np.testing.assert_array_equal(rows.numpy(), [[3.0, 4.0], [1.0, 2.0]])


def test_a_huge_update_ratio_is_written_short():
    # before: "changed its parameters by 4448309575562968361904...% of" (200 digits)
    layers = [tg.diagnostics.LayerHealth("Layer 1", 1.0, update_ratio=4.4e199),
              tg.diagnostics.LayerHealth("Layer 2", 1.0, update_ratio=0.25)]
    warnings = tg.diagnostics.health_warnings(layers)
    assert "changed its parameters by 4.4e+201% of their size" in warnings[0]
    assert "changed its parameters by 25% of their size" in warnings[1]


def test_power_and_matmul_in_place_keep_the_parameter_object():
    # before: W **= 2 ran W = W ** 2, so under no_grad the layer's W became a
    # new tensor that requires no gradient: net.parameters() lost it and the
    # optimiser went on updating the old W, which the network no longer used
    net = tg.nn.Sequential(tg.nn.Linear(2, 2, rng=0))
    W = net[0].W
    W0 = W.numpy().copy()
    with tg.no_grad():
        net[0].W **= 2
        net[0].W @= np.eye(2)[::-1]
    assert net[0].W is W and W.requires_grad
    assert len(net.parameters()) == 2
    np.testing.assert_array_equal(W.numpy(), (W0**2) @ np.eye(2)[::-1])  # NumPy
    with pytest.raises(RuntimeError, match=r"\*\*= would change.* t = t \*\* x"):
        W **= 2
    with pytest.raises(ValueError, match="@= .* would change its shape"):
        with tg.no_grad():
            W @= np.ones((2, 3))


@pytest.mark.parametrize("what", ["equations", "labels", "nodes", "backward_steps"])
def test_graph_functions_of_something_else_than_a_tensor_say_so(what):
    # before: AttributeError 'float' object has no attribute 'inputs', or
    # TypeError unhashable type: 'numpy.ndarray'
    J = (tg.tensor([1.0, 2.0], requires_grad=True) ** 2).sum()
    for value in (J.item(), J.numpy()):
        with pytest.raises(TypeError, match="tg.graph: a (float|ndarray) has no graph"):
            getattr(tg.graph, what)(value)


def test_a_recorder_takes_numpy_integers_as_counts():
    # before: every=np.int64(5) (from X.shape[1] // 10 of an array) was
    # refused with "every must be a positive integer, got np.int64(5)"
    net = _small_net()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy_with_logits,
                           every=np.int64(2), bins=np.int32(4), grid=np.int64(5))
    assert (recorder.every, recorder.bins, recorder.grid) == (2, 4, 5)
    for bad in (True, 2.0, np.float64(2.0), 0, "2"):
        with pytest.raises(ValueError, match="every must be a positive integer"):
            tg.Recorder(net, tg.nn.binary_cross_entropy_with_logits, every=bad)


def test_on_record_that_is_not_a_function_is_refused_when_the_recorder_is_made():
    # before: on_record="print" became ["p", "r", ...] and training failed at
    # the end of the first recorded step: 'str' object is not callable
    net = _small_net()
    for bad in ("print", [print, 3], 3):
        with pytest.raises(TypeError, match="on_record must be a function or a list"):
            tg.Recorder(net, tg.nn.binary_cross_entropy_with_logits, on_record=bad)
    calls = []
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy_with_logits,
                           on_record=(calls.append,))
    assert recorder.on_record == [calls.append]


def test_test_and_probe_must_be_pairs():
    # before: (X, Y, Y) gave "_check_batch() takes 3 positional arguments but
    # 4 were given", and X alone was split into its rows
    net = _small_net()
    X, Y = np.zeros((2, 4)), np.zeros((1, 4))
    cost = tg.nn.binary_cross_entropy_with_logits
    with pytest.raises(TypeError, match="test must be a pair .* tuple of length 3"):
        tg.Recorder(net, cost, test=(X, Y, Y))
    with pytest.raises(TypeError, match="probe must be a pair .* got ndarray"):
        tg.Recorder(net, cost, probe=X)
    assert tg.Recorder(net, cost, test=[X, Y]).test[0].shape == (2, 4)


def test_a_parameter_unfrozen_after_the_recorder_was_made_is_refused():
    # its gradient would be left out of its layer's norm and histograms
    net = _small_net()
    net[0].W.requires_grad = False
    recorder, train = _recorded_training(net)
    net[0].W.requires_grad = True
    with pytest.raises(ValueError, match="parameter '0.W' it had not .*unfrozen"):
        train()
    # the analysis would give the steps before the change today's W
    with pytest.raises(ValueError, match="Recorder.records: the model changed"):
        _ = recorder.records
