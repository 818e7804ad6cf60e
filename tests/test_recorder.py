"""tg.Recorder: what it keeps at a recorded step, against the notes' closed
forms (tg.closed_form, plain NumPy) and hand computations."""

import copy
import math
import subprocess
import sys

import numpy as np
import pytest

import tinygraph as tg
from tinygraph import closed_form as cf

LR = 0.1


def sigmoid_network(seed=0, sizes=(2, 4, 3, 1)):
    """Sigmoid layers throughout, the notes' network, and its W and b."""
    rng = np.random.default_rng(seed)
    modules = []
    for n_in, n_out in zip(sizes, sizes[1:]):
        modules += [tg.nn.Linear(n_in, n_out, rng=rng), tg.nn.Sigmoid()]
    return tg.nn.Sequential(*modules)


def weights(net):
    params = [p.numpy().copy() for p in net.parameters()]
    return params[::2], params[1::2]


def data(m=6, seed=1):
    rng = np.random.default_rng(seed)
    X = rng.normal(size=(2, m))
    Y = (X[:1] * X[1:] > 0).astype(float)
    return X, Y


def train(net, recorder, X, Y, steps, lr=LR):
    opt = tg.optim.SGD(net.parameters(), lr=lr)
    for _ in range(steps):
        J = tg.nn.binary_cross_entropy(net(X), Y)
        opt.zero_grad()
        J.backward()
        with recorder.step(J, X, Y):
            opt.step()


def recorded_step_zero(**options):
    net = sigmoid_network()
    X, Y = data()
    X_test, Y_test = data(m=5, seed=2)
    W, b = weights(net)
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=3,
                           test=(X_test, Y_test), outputs="probabilities", **options)
    train(net, recorder, X, Y, steps=1)
    return recorder, W, b, X, Y, X_test, Y_test


def test_records_every_nth_step():
    net = sigmoid_network()
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=3,
                           outputs="probabilities")
    train(net, recorder, X, Y, steps=8)
    assert [r.step for r in recorder.records] == [0, 3, 6]
    assert recorder.steps_seen == 8


def test_layer_gradient_norms_match_bp1_to_bp4():
    recorder, W, b, X, Y, *_ = recorded_step_zero()
    (record,) = recorder.records
    grads = cf.backprop(X, Y, W, b, hidden="sigmoid", output="sigmoid")
    assert [layer.name for layer in record.layers] == ["Layer 1", "Layer 2", "Layer 3"]
    assert [layer.parameters for layer in record.layers] == [
        ["W1", "b1"], ["W2", "b2"], ["W3", "b3"]]
    for layer, dW, db in zip(record.layers, grads.dW, grads.db):
        expected = math.sqrt(np.sum(dW**2) + np.sum(db**2))
        assert layer.gradient_norm == pytest.approx(expected, rel=1e-12)


def test_update_ratio_is_lr_times_gradient_over_weights():
    recorder, W, b, X, Y, *_ = recorded_step_zero()
    (record,) = recorder.records
    grads = cf.backprop(X, Y, W, b, hidden="sigmoid", output="sigmoid")
    for layer, W_l, b_l, dW, db in zip(record.layers, W, b, grads.dW, grads.db):
        # plain gradient descent moves the parameters by -lr dJ/dW
        step = LR * math.sqrt(np.sum(dW**2) + np.sum(db**2))
        size = math.sqrt(np.sum(W_l**2) + np.sum(b_l**2))
        assert layer.update_ratio == pytest.approx(step / size, rel=1e-9)


def test_costs_accuracy_and_saturation_match_the_forward_pass():
    recorder, W, b, X, Y, X_test, Y_test = recorded_step_zero()
    (record,) = recorder.records
    _, A = cf.forward(X, W, b, "sigmoid", "sigmoid")
    _, A_test = cf.forward(X_test, W, b, "sigmoid", "sigmoid")

    def bce(a, y):
        return -np.mean(y * np.log(a) + (1 - y) * np.log(1 - a))

    assert record.cost == pytest.approx(bce(A[-1], Y), rel=1e-12)
    assert record.finite and record.warnings == []
    assert record.test_cost == pytest.approx(bce(A_test[-1], Y_test), rel=1e-12)
    assert record.accuracy == np.mean((A[-1] > 0.5) == (Y == 1))
    assert record.test_accuracy == np.mean((A_test[-1] > 0.5) == (Y_test == 1))
    for layer, a in zip(record.layers, A[1:]):  # A[0] is X
        assert layer.activation == "sigmoid"
        assert layer.saturated == np.mean((a <= 0.01) | (a >= 0.99))
        assert layer.activations.counts.sum() == a.size


def test_histograms_hold_weights_gradients_and_activations():
    recorder, W, b, X, Y, *_ = recorded_step_zero(bins=5)
    layer = recorder.records[0].layers[0]
    counts, edges = np.histogram(W[0], bins=5)
    assert layer.weights.counts.tolist() == counts.tolist()
    assert np.allclose(layer.weights.edges, edges)
    assert layer.gradients.counts.sum() == W[0].size + b[0].size
    _, A = cf.forward(X, W, b, "sigmoid", "sigmoid")
    assert np.allclose(layer.activations.edges[[0, -1]], [A[1].min(), A[1].max()])


def test_boundary_is_the_network_on_the_grid():
    recorder, W, b, *_ = recorded_step_zero(grid=7)
    boundary = recorder.records[0].boundary
    grid = recorder.grid_points
    assert boundary.shape == (7, 7) and grid.xs.shape == grid.ys.shape == (7,)
    _, A = cf.forward(grid.points, W, b, "sigmoid", "sigmoid")
    assert np.allclose(boundary, A[-1].reshape(7, 7), atol=1e-6)  # float32
    # row i of the image is y = ys[i]; column j is x = xs[j]
    point = np.array([[grid.xs[2]], [grid.ys[5]]])
    assert boundary[5, 2] == pytest.approx(
        cf.forward(point, W, b, "sigmoid", "sigmoid")[1][-1].item(), abs=1e-6)
    # the grid covers the held-out points, with a margin
    X_test = recorder.test[0]
    assert grid.xs[0] < X_test[0].min() and grid.xs[-1] > X_test[0].max()


def test_boundary_of_several_classes_is_a_softmax_per_point():
    X, Y = tg.datasets.spirals(30, classes=3, seed=0)[:2]
    net = tg.nn.Sequential(tg.nn.Linear(2, 5, rng=0), tg.nn.ReLU(),
                           tg.nn.Linear(5, 3, rng=1))
    recorder = tg.Recorder(net, tg.nn.cross_entropy_with_logits, grid=4)
    J = tg.nn.cross_entropy_with_logits(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    boundary = recorder.records[0].boundary
    assert boundary.shape == (3, 4, 4)
    assert np.allclose(boundary.sum(axis=0), 1.0, atol=1e-6)
    layer = recorder.records[0].layers[0]
    assert layer.activation == "relu"
    _, A = cf.forward(X, [net[0].W.numpy()], [net[0].b.numpy()], "relu", "relu")
    assert layer.saturated == np.mean(np.all(A[1] <= 0, axis=1))  # A[0] is X
    assert recorder.records[0].layers[1].update_ratio is None  # no `with`


def test_a_regression_has_no_accuracy():
    rng = np.random.default_rng(0)
    X, Y = rng.normal(size=(3, 8)), rng.normal(size=(1, 8))
    net = tg.nn.Sequential(tg.nn.Linear(3, 2, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(2, 1, rng=1))
    recorder = tg.Recorder(net, tg.nn.mse, test=(X, Y))
    J = tg.nn.mse(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    (record,) = recorder.records
    assert record.accuracy is None and record.test_accuracy is None
    A = np.tanh(net[0].W.numpy() @ X + net[0].b.numpy())
    A2 = net[2].W.numpy() @ A + net[2].b.numpy()
    assert record.test_cost == pytest.approx(np.sum((A2 - Y) ** 2) / (2 * 8))


def test_probe_graph_is_frozen_with_its_own_gradients():
    recorder, W, b, X, Y, *_ = recorded_step_zero(probe_size=3)
    record = recorder.records[0]
    labels = {label: node for node, label in tg.graph.labels(record.graph).items()}
    assert np.array_equal(labels["X"].numpy(), X[:, :3])
    assert np.array_equal(labels["W1"].numpy(), W[0])  # the weights before the step
    grads = cf.backprop(X[:, :3], Y[:, :3], W, b, hidden="sigmoid", output="sigmoid")
    assert np.allclose(labels["W1"].grad, grads.dW[0], rtol=1e-10)
    assert np.allclose(labels["b3"].grad, grads.db[2], rtol=1e-10)
    assert labels["J"].item() == pytest.approx(record.graph.item())
    # the live model moved on and kept its own gradient of the whole batch
    net_W1 = recorder.model.parameters()[0]
    assert not np.array_equal(net_W1.numpy(), W[0])
    full = cf.backprop(X, Y, W, b, hidden="sigmoid", output="sigmoid")
    assert np.allclose(net_W1.grad, full.dW[0], rtol=1e-10)


def test_a_step_not_recorded_keeps_nothing():
    net = sigmoid_network()
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=5,
                           outputs="probabilities")
    train(net, recorder, X, Y, steps=4)
    assert len(recorder.records) == 1
    recorder.enabled = False
    train(net, recorder, X, Y, steps=10)
    assert len(recorder.records) == 1 and recorder.steps_seen == 14


def test_on_record_is_called_after_each_recorded_step():
    net = sigmoid_network()
    X, Y = data()
    seen = []
    recorder = tg.Recorder(
        net, tg.nn.binary_cross_entropy, every=2, outputs="probabilities",
        on_record=lambda r: seen.append(r.records[-1].layers[0].update_ratio))
    train(net, recorder, X, Y, steps=5)
    assert len(seen) == 3 and all(ratio > 0 for ratio in seen)


def test_nan_cost_is_recorded_and_flagged():
    net = tg.nn.Sequential(tg.nn.Linear(2, 4, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(4, 1, rng=1))
    X, Y = data()
    X[0, 0] = np.nan  # a NaN in the data reaches the cost and every gradient
    cost = tg.nn.binary_cross_entropy_with_logits
    recorder = tg.Recorder(net, cost, every=1, test=data(seed=3))
    opt = tg.optim.SGD(net.parameters(), lr=LR)
    for _ in range(2):
        J = cost(net(X), Y)
        opt.zero_grad()
        J.backward()
        with recorder.step(J, X, Y):
            opt.step()
    records = recorder.records
    assert len(records) == 2
    assert math.isnan(records[0].cost) and not records[0].finite
    assert records[0].warnings[0].startswith("The cost is nan at step 0")
    assert records[0].warnings[1].startswith("Layer 1: the gradient is not finite")
    assert math.isnan(records[1].test_cost)  # the NaN has reached the weights
    assert records[1].layers[0].weights.nonfinite > 0


def test_dead_relu_units_are_warned_about():
    net = tg.nn.Sequential(tg.nn.Linear(2, 4, rng=0), tg.nn.ReLU(),
                           tg.nn.Linear(4, 1, rng=1))
    net[0].b.data = np.array([[-100.0], [-100.0], [-100.0], [0.0]])  # 3 of 4 dead
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy_with_logits)
    J = tg.nn.binary_cross_entropy_with_logits(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    record = recorder.records[0]
    assert record.layers[0].saturated == 0.75
    assert any("75% of its ReLU units are dead" in w for w in record.warnings)


def test_deep_sigmoid_network_warns_that_gradients_vanish():
    net = sigmoid_network(sizes=(2, 8, 8, 8, 8, 8, 8, 1))
    X, Y = data(m=32)
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, outputs="probabilities")
    train(net, recorder, X, Y, steps=1)
    (record,) = recorder.records
    norms = [layer.gradient_norm for layer in record.layers]
    assert norms[0] < norms[-1] / 100  # each sigmoid' <= 1/4 shrinks the error
    assert record.warnings[0].startswith("Layer 1: the gradient vanishes")


def test_bad_input_is_refused_with_clear_errors():
    with pytest.raises(ValueError, match="the model Sequential has no parameters"):
        tg.Recorder(tg.nn.Sequential(tg.nn.ReLU()), tg.nn.mse)
    with pytest.raises(TypeError, match="model must be a tg.nn.Module"):
        tg.Recorder(lambda x: x, tg.nn.mse)
    net = sigmoid_network()
    with pytest.raises(ValueError, match="every must be a positive integer"):
        tg.Recorder(net, tg.nn.mse, every=0)
    with pytest.raises(ValueError, match="outputs must be 'logits', 'probabilities'"):
        tg.Recorder(net, tg.nn.mse, outputs="scores")
    recorder = tg.Recorder(net, tg.nn.mse, every=1)
    J = tg.tensor(1.0)
    with pytest.raises(ValueError, match=r"the batch is empty \(X of shape \(2, 0\)\)"):
        recorder.step(J, np.zeros((2, 0)), np.zeros((1, 0)))
    mismatch = r"X of shape \(2, 3\) and Y of shape \(1, 2\)"
    with pytest.raises(ValueError, match=mismatch):
        recorder.step(J, np.zeros((2, 3)), np.zeros((1, 2)))
    with pytest.raises(TypeError, match="J must be the one-element cost tensor"):
        recorder.step(tg.tensor([1.0, 2.0]), np.zeros((2, 3)), np.zeros((1, 3)))


def test_the_engine_imports_no_plotting_or_progress_library():
    code = ("import sys, tinygraph; print(sorted(m for m in ('matplotlib', 'tqdm', "
            "'IPython', 'visualize') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True,
                         text=True, check=True).stdout
    assert out.strip() == "[]"


def sigmoid_output_net():
    return tg.nn.Sequential(tg.nn.Linear(2, 4, rng=0), tg.nn.Tanh(),
                            tg.nn.Linear(4, 1, rng=1), tg.nn.Sigmoid())


def record_once(net, cost, X, Y, **options):
    recorder = tg.Recorder(net, cost, every=1, **options)
    J = cost(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    return recorder, recorder.records[0]


@pytest.mark.parametrize("cost", [tg.nn.binary_cross_entropy, tg.nn.mse])
def test_a_sigmoid_output_is_read_as_probabilities_without_being_told(cost):
    # before: outputs defaulted to "logits", so P > 0 counted as class 1 (every
    # example) and the boundary was sigmoid(P), never under 1/2
    net = sigmoid_output_net()
    X, Y = data(m=12)
    recorder, record = record_once(net, cost, X, Y, grid=5)
    W, b = weights(net)
    A = np.tanh(W[0] @ X + b[0])
    P = 1 / (1 + np.exp(-(W[1] @ A + b[1])))
    assert record.accuracy == np.mean((P > 0.5) == (Y == 1))
    _, A_grid = cf.forward(recorder.grid_points.points, W, b, "tanh", "sigmoid")
    assert np.allclose(record.boundary, A_grid[-1].reshape(5, 5), atol=1e-6)


def test_class_indices_as_labels_are_recorded_like_one_hot():
    # before: Recorder.step refused a 1-D Y, which cross_entropy_with_logits takes
    X, Y = tg.datasets.spirals(30, classes=3, seed=0)[:2]
    labels = Y.argmax(axis=0)
    net = tg.nn.Sequential(tg.nn.Linear(2, 5, rng=0), tg.nn.ReLU(),
                           tg.nn.Linear(5, 3, rng=1))
    cost = tg.nn.cross_entropy_with_logits
    _, one_hot = record_once(copy.deepcopy(net), cost, X, Y)
    recorder, record = record_once(net, cost, X, labels,
                                   test=(X[:, :10], labels[:10]), probe_size=3)
    Z = net[2].W.numpy() @ np.maximum(0, net[0].W.numpy() @ X + net[0].b.numpy()) \
        + net[2].b.numpy()
    assert record.accuracy == np.mean(Z.argmax(axis=0) == labels)
    assert record.accuracy == one_hot.accuracy
    assert record.test_accuracy == np.mean(Z[:, :10].argmax(axis=0) == labels[:10])
    assert record.layers[0].gradient_norm == one_hot.layers[0].gradient_norm
    assert recorder.probe[1].tolist() == labels[:3].tolist()


def test_multilabel_boundary_is_a_sigmoid_per_label():
    # before: two output rows were read as one softmax
    X, _ = data(m=8)
    Y = (X > 0).astype(float)  # two independent labels
    net = tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(3, 2, rng=1))
    recorder, record = record_once(net, tg.nn.multilabel_bce_with_logits, X, Y,
                                   grid=4)
    W, b = weights(net)
    _, A = cf.forward(recorder.grid_points.points, W, b, "tanh", "sigmoid")
    assert np.allclose(record.boundary, A[-1].reshape(2, 4, 4), atol=1e-6)


def test_a_step_before_backward_or_without_a_graph_is_refused():
    # before: every gradient norm read 0.0 and the "gradients" histogram
    # showed the weights; under no_grad an IndexError came from the analysis
    net = sigmoid_network()
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=1)
    J = tg.nn.binary_cross_entropy(net(X), Y)
    with pytest.raises(ValueError, match=r"J.backward\(\) has not been called"):
        recorder.step(J, X, Y)
    # the step before's gradients are still there: they must not pass for J's
    J.backward()
    J = tg.nn.binary_cross_entropy(net(X[:, :3]), Y[:, :3])
    with pytest.raises(ValueError, match=r"J.backward\(\) has not been called"):
        recorder.step(J, X[:, :3], Y[:, :3])
    # a backward pass that reached no parameter
    J = tg.nn.binary_cross_entropy(net(X), Y)
    J.backward()
    net.zero_grad()
    with pytest.raises(ValueError, match=r"none of the model's parameters \(W1, b1"):
        recorder.step(J, X, Y)
    with tg.no_grad():
        J = tg.nn.binary_cross_entropy(net(X), Y)
    with pytest.raises(ValueError, match="J has no graph .* tg.no_grad"):
        recorder.step(J, X, Y)


def test_a_parameter_frozen_after_the_recorder_was_made_keeps_its_place():
    # before: the analysis matched saved values to frozen.parameters() by
    # position, so freezing W1 gave W1's values to b1, b1's to W2, ...
    recorder, W, b, X, Y, *_ = recorded_step_zero()
    recorder.model.parameters()[0].requires_grad = False
    (record,) = recorder.records
    labels = {label: node for node, label in tg.graph.labels(record.graph).items()}
    assert np.array_equal(labels["b1"].numpy(), b[0])
    assert np.array_equal(labels["W2"].numpy(), W[1])
    _, A_test = cf.forward(recorder.test[0], W, b, "sigmoid", "sigmoid")
    Y_test = recorder.test[1]
    assert record.test_accuracy == np.mean((A_test[-1] > 0.5) == (Y_test == 1))


def test_update_ratio_with_momentum_uses_the_parameters_before_and_after():
    net = sigmoid_network()
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=1)
    opt = tg.optim.SGD(net.parameters(), lr=0.5, momentum=0.9)
    moved = []
    for _ in range(3):
        J = tg.nn.binary_cross_entropy(net(X), Y)
        opt.zero_grad()
        J.backward()
        before = [p.numpy().copy() for p in net.parameters()]
        with recorder.step(J, X, Y):
            opt.step()
        after = [p.numpy().copy() for p in net.parameters()]
        moved.append([
            math.sqrt(sum(np.sum((a - o) ** 2) for a, o in zip(after[i:i + 2],
                                                                 before[i:i + 2])))
            / math.sqrt(sum(np.sum(o**2) for o in before[i:i + 2]))
            for i in (0, 2, 4)])
    # at step 2 the velocity holds two old gradients: not lr * grad any more
    for record, ratios in zip(recorder.records, moved):
        assert [layer.update_ratio for layer in record.layers] == pytest.approx(
            ratios, rel=1e-12)


def test_recording_does_not_change_training_with_dropout():
    def run(record):
        net = tg.nn.Sequential(tg.nn.Linear(2, 6, rng=0), tg.nn.ReLU(),
                               tg.nn.Dropout(0.5, rng=3), tg.nn.Linear(6, 1, rng=1))
        recorder = tg.Recorder(net, tg.nn.binary_cross_entropy_with_logits,
                               every=1, test=data(seed=4),
                               on_record=lambda r: r.records)  # analysed at once
        recorder.enabled = record
        opt = tg.optim.SGD(net.parameters(), lr=0.1)
        X, Y = data()
        for _ in range(4):
            J = tg.nn.binary_cross_entropy_with_logits(net(X), Y)
            opt.zero_grad()
            J.backward()
            with recorder.step(J, X, Y):
                opt.step()
        assert net.training
        return [p.numpy() for p in net.parameters()], len(recorder.records)
    (recorded, n), (plain, none) = run(True), run(False)
    assert (n, none) == (4, 0)
    for a, b in zip(recorded, plain):
        assert np.array_equal(a, b)


def test_records_read_inside_no_grad_still_have_their_graph():
    recorder, W, *_ = recorded_step_zero()
    with tg.no_grad():
        (record,) = recorder.records
    assert record.graph.op is not None
    assert np.isfinite(record.graph.item())


def test_the_probe_is_a_copy_of_the_first_batch():
    net = sigmoid_network()
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=1)
    J = tg.nn.binary_cross_entropy(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    first = X[:, :4].copy()
    X[:] = 0.0  # the loop refills its batch buffer in place
    assert np.array_equal(recorder.probe[0], first)
    assert np.array_equal(recorder.points[0][:, :4], first)


def confident_network(W2):
    """Tanh units reading x1, then a sigmoid output: right and sure."""
    net = sigmoid_output_net()
    net[0].W.data = np.array([[1.0, 0.0]] * 4)
    net[0].b.data = np.zeros((4, 1))
    net[2].W.data = np.full((1, 4), W2)
    net[2].b.data = np.zeros((1, 1))
    return net


def test_saturated_sigmoid_outputs_are_no_warning_with_cross_entropy():
    # before: a network that had learned (every output sure and right) was
    # told its outputs "sit on the flat ends, where the derivative is nearly 0"
    X = np.array([[-2.0, -1.0, 1.0, 2.0], [0.0, 0.0, 0.0, 0.0]])
    Y = np.array([[0.0, 0.0, 1.0, 1.0]])
    _, record = record_once(confident_network(3.0),
                            tg.nn.binary_cross_entropy, X, Y)
    assert record.layers[-1].saturated == 1.0  # the column still shows it
    assert record.accuracy == 1.0 and record.warnings == []
    # with the quadratic cost sigma'(z) stays in dJ/dZ: the warning stands
    _, record = record_once(confident_network(3.0), tg.nn.mse, X, Y)
    assert any("Layer 2: 100% of its sigmoid outputs" in w for w in record.warnings)


def test_a_regression_on_the_plane_has_no_boundary():
    # before: sigmoid(output) was drawn as "P(class 1)" for real-valued targets
    X, _ = data(m=10)
    net = tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(3, 1, rng=1))
    _, record = record_once(net, tg.nn.mse, X, X[:1] * X[1:])
    assert record.boundary is None and record.accuracy is None


def test_a_layer_of_dead_relu_units_is_recorded_and_warned_about():
    # before: its gradient norm 0 made health_warnings divide by zero
    net = tg.nn.Sequential(tg.nn.Linear(2, 4, rng=0), tg.nn.ReLU(),
                           tg.nn.Linear(4, 1, rng=1))
    net[0].b.data = np.full((4, 1), -100.0)  # every unit dead
    X, Y = data()
    _, record = record_once(net, tg.nn.binary_cross_entropy_with_logits, X, Y)
    first = record.layers[0]
    assert first.saturated == 1.0 and first.gradient_norm == 0.0
    assert record.warnings[0].startswith("Layer 1: the gradient is exactly 0")
    assert "100% of its ReLU units are dead" in record.warnings[1]


def test_a_layer_frozen_during_training_shows_no_gradients():
    # before: its stale gradient of the step before was recorded as this
    # step's, and with none its "gradients" histogram showed its weights
    net = sigmoid_network()
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=1, bins=4)
    train(net, recorder, X, Y, steps=1)
    for p in net[0].parameters():
        p.requires_grad = False
    train(net, recorder, X, Y, steps=1)
    first = recorder.records[1].layers[0]
    assert first.gradients.counts.tolist() == [0, 0, 0, 0]
    assert first.gradient_norm == 0.0 and first.update_ratio == 0.0
    assert first.weights.counts.sum() == net[0].W.size


def test_held_out_examples_of_other_features_are_refused_at_the_first_step():
    # before: accepted, then reading recorder.records failed inside the model
    net = sigmoid_network()
    X, Y = data()
    recorder = tg.Recorder(net, tg.nn.binary_cross_entropy, every=1,
                           test=(np.zeros((3, 5)), np.zeros((1, 5))))
    J = tg.nn.binary_cross_entropy(net(X), Y)
    J.backward()
    message = (r"the batch \(X of shape \(2, 6\), Y of shape \(1, 6\)\) and the "
               r"held-out test \(X of shape \(3, 5\)")
    with pytest.raises(ValueError, match=message):
        recorder.step(J, X, Y)


def test_multilabel_accuracy_is_the_share_of_labels_right():
    # before: None ("not a classifier"), as its columns are not one-hot
    X, _ = data(m=8)
    Y = (X > 0).astype(float)
    net = tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(3, 2, rng=1))
    _, record = record_once(net, tg.nn.multilabel_bce_with_logits, X, Y,
                            test=(X[:, :5], Y[:, :5]))
    W, b = weights(net)
    Z = W[1] @ np.tanh(W[0] @ X + b[0]) + b[1]
    assert record.accuracy == np.mean((Z > 0) == (Y == 1))
    assert record.test_accuracy == np.mean((Z[:, :5] > 0) == (Y[:, :5] == 1))


@pytest.mark.parametrize(
    ("cost", "expected"),
    [(tg.nn.multilabel_bce, True), (tg.nn.multilabel_bce_with_logits, True),
     (tg.nn.binary_cross_entropy_with_logits, False), (tg.nn.mse, False)],
)
def test_a_recorder_says_whether_its_cost_is_multilabel(cost, expected):
    # public, so that the training page need not import tinygraph.recorder
    net = tg.nn.Sequential(tg.nn.Linear(2, 1, rng=0))
    assert tg.Recorder(net, cost).multilabel is expected


class TwoLinear(tg.nn.Module):
    """A network written as a module of one's own, PyTorch's way."""

    def __init__(self):
        super().__init__()
        self.hidden = tg.nn.Linear(2, 4, rng=0)
        self.out = tg.nn.Linear(4, 1, rng=1)

    def forward(self, X):
        return self.out(tg.nn.sigmoid(self.hidden(X)))


class NotesNetwork(tg.nn.Module):
    """The notes' way: W1, b1, W2, b2 held by the module itself."""

    def __init__(self):
        super().__init__()
        rng = np.random.default_rng(0)
        self.W1 = tg.tensor(rng.normal(size=(4, 2)), requires_grad=True)
        self.b1 = tg.tensor(np.zeros((4, 1)), requires_grad=True)
        self.W2 = tg.tensor(rng.normal(size=(1, 4)), requires_grad=True)
        self.b2 = tg.tensor(np.zeros((1, 1)), requires_grad=True)

    def forward(self, X):
        return self.W2 @ tg.nn.relu(self.W1 @ X + self.b1) + self.b2


def test_layers_of_a_module_of_ones_own():
    # before: both tg.nn.Linear opened a scope "Linear", so the recorder saw
    # one layer with W, b, W, b and no activation; the notes' style module
    # was one layer too: no vanishing gradient could ever be seen
    X, Y = data(m=10)
    cost = tg.nn.binary_cross_entropy_with_logits
    net = TwoLinear()
    _, record = record_once(net, cost, X, Y)
    assert [(layer.name, layer.parameters, layer.activation)
            for layer in record.layers] == [
        ("Layer 1", ["hidden.W", "hidden.b"], "sigmoid"),
        ("Layer 2", ["out.W", "out.b"], None)]
    A = 1 / (1 + np.exp(-(net.hidden.W.numpy() @ X + net.hidden.b.numpy())))
    assert record.layers[0].saturated == np.mean((A <= 0.01) | (A >= 0.99))
    assert record.layers[1].gradient_norm == pytest.approx(math.sqrt(
        np.sum(net.out.W.grad**2) + np.sum(net.out.b.grad**2)), rel=1e-12)
    net = NotesNetwork()
    _, record = record_once(net, cost, X, Y)
    assert [(layer.name, layer.parameters, layer.activation)
            for layer in record.layers] == [
        ("Layer 1", ["W1", "b1"], "relu"), ("Layer 2", ["W2", "b2"], None)]
    A = np.maximum(0, net.W1.numpy() @ X)
    assert record.layers[0].saturated == np.mean(np.all(A <= 0, axis=1))


def test_a_healthy_network_is_not_warned_about_its_gradients():
    # a 2-16-16-1 ReLU network (He initialisation) on the moons, SGD with
    # momentum: no vanishing, exploding or dead-unit warning at any step,
    # while the same depth of sigmoids is told its first layer's vanishes
    data = tg.datasets.moons(200, m_test=50, seed=0)
    for activation, init in ((tg.nn.ReLU, "he"), (tg.nn.Sigmoid, "xavier")):
        rng = np.random.default_rng(0)
        modules, n_in = [], 2
        for _ in range(5 if activation is tg.nn.Sigmoid else 2):
            modules += [tg.nn.Linear(n_in, 16, rng=rng, init=init), activation()]
            n_in = 16
        net = tg.nn.Sequential(*modules, tg.nn.Linear(16, 1, rng=rng))
        cost = tg.nn.binary_cross_entropy_with_logits
        recorder = tg.Recorder(net, cost, every=10, grid=5,
                               test=(data.X_test, data.Y_test))
        opt = tg.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
        for _ in range(5):
            for X, Y in tg.data.batches(data.X_train, data.Y_train, 32, rng=rng):
                J = cost(net(X), Y)
                opt.zero_grad()
                J.backward()
                with recorder.step(J, X, Y):
                    opt.step()
        words = ("vanishes", "explodes", "dead", "not finite")
        warned = [w for r in recorder.records for w in r.warnings
                  if any(word in w for word in words)]
        if activation is tg.nn.ReLU:
            assert warned == [] and recorder.records[-1].test_accuracy > 0.8
        else:
            assert all(r.warnings[0].startswith("Layer 1: the gradient vanishes")
                       for r in recorder.records)


def test_options_are_checked_when_the_recorder_is_made():
    # before: a bad probe, grid or bins failed only when the records were read
    net = sigmoid_network()
    cost = tg.nn.binary_cross_entropy
    with pytest.raises(ValueError, match=r"probe: X of shape \(2, 3\) and Y of "
                                         r"shape \(1, 2\)"):
        tg.Recorder(net, cost, probe=(np.zeros((2, 3)), np.zeros((1, 2))))
    with pytest.raises(ValueError, match="grid must be an integer >= 2, got 1"):
        tg.Recorder(net, cost, grid=1)
    with pytest.raises(ValueError, match="bins must be an integer >= 1, got 0"):
        tg.Recorder(net, cost, bins=0)
    with pytest.raises(ValueError, match="probe_size must be an integer >= 1"):
        tg.Recorder(net, cost, probe_size=2.5)
    X, Y = data()
    recorder, record = record_once(net, cost, X, Y, probe=(X[:, :2].tolist(),
                                                          Y[:, :2].tolist()))
    assert recorder.probe[0].shape == (2, 2)
    assert record.graph.item() == pytest.approx(cost(net(X[:, :2]), Y[:, :2]).item())


def test_a_nan_step_read_in_anomaly_mode_is_recorded_not_raised():
    # before: the probe's forward pass raised FloatingPointError in
    # tg.detect_anomaly(), so the records could not be read at all
    net = tg.nn.Sequential(tg.nn.Linear(2, 4, rng=0), tg.nn.Tanh(),
                           tg.nn.Linear(4, 1, rng=1))
    net[0].W.data = np.full((4, 2), np.nan)
    X, Y = data()
    cost = tg.nn.binary_cross_entropy_with_logits
    recorder = tg.Recorder(net, cost, every=1)
    J = cost(net(X), Y)
    J.backward()
    recorder.step(J, X, Y)
    with tg.detect_anomaly():
        (record,) = recorder.records
        assert tg.modes.current().detect_anomaly  # and left as it was
    assert not record.finite and math.isnan(record.graph.item())
