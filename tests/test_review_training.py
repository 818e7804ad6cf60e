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


# ----- what a module holds, and saving it -------------------------------------


def _mlp(seed):
    rng = np.random.default_rng(seed)
    return tg.nn.Sequential(
        tg.nn.Linear(2, 3, rng=rng), tg.nn.Tanh(), tg.nn.Linear(3, 1, rng=rng)
    )


def test_save_and_load_keep_a_frozen_parameter(tmp_path):
    # before: a frozen W1 (requires_grad False) was not in the file, and
    # loading left the new model's own random W1 in place without a word
    trained = _mlp(0)
    trained[0].W.requires_grad = False
    expected = trained[0].W.numpy().copy()
    path = tmp_path / "net.npz"
    tg.save(trained, path)
    with np.load(path) as archive:
        assert sorted(archive.files) == ["0.W", "0.b", "2.W", "2.b"]
    for freeze in (True, False):
        fresh = _mlp(1)
        fresh[0].W.requires_grad = not freeze
        tg.load(fresh, path)
        np.testing.assert_array_equal(fresh[0].W.numpy(), expected)
    # the frozen tensor is still not a parameter: optimisers refuse it
    assert [name for name, _ in trained.named_parameters()] == ["0.b", "2.W", "2.b"]


def test_parameters_held_in_a_list_or_a_dict_are_found_and_trained():
    # before: parameters() was empty, so SGD refused the module, and with one
    # parameter of its own a list's weights were silently never trained
    class Net(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = tg.tensor([[1.0]], requires_grad=True, name="s")
            self.Ws = [tg.tensor([[2.0, -1.0]], requires_grad=True)]
            self.layers = {"out": tg.nn.Linear(1, 1, rng=0)}

        def forward(self, X):
            return self.layers["out"](self.scale * (self.Ws[0] @ X))

    net = Net()
    assert [name for name, _ in net.named_parameters()] == [
        "scale",
        "Ws.0",
        "layers.out.W",
        "layers.out.b",
    ]
    assert [name for name, _ in net.named_children()] == ["layers.out"]
    X = np.array([[1.0], [1.0]])
    J = net(X).sum()
    J.backward()
    # dJ/dWs0 = w_out * scale * X^T, by hand
    w_out = net.layers["out"].W.numpy()[0, 0]
    np.testing.assert_allclose(net.Ws[0].grad, w_out * X.T)
    tg.optim.SGD(net.parameters(), lr=0.5).step()
    np.testing.assert_allclose(net.Ws[0].numpy(), [[2.0, -1.0]] - 0.5 * w_out * X.T)


def test_eval_reaches_a_dropout_held_in_a_dict():
    # before: net.eval() skipped modules in a dict, so this dropout kept
    # dropping (and scaling) at evaluation time
    class Net(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.parts = {"drop": tg.nn.Dropout(0.5, rng=0)}

        def forward(self, A):
            return self.parts["drop"](A)

    net = Net().eval()
    A = np.ones((2, 8))
    np.testing.assert_array_equal(net(A), A)


# ----- optimisers ---------------------------------------------------------------


@pytest.mark.parametrize("clear", ["model", "by hand"])
def test_a_parameter_frozen_during_training_stops_moving(clear):
    # before: net.zero_grad() (and a loop over net.parameters()) skipped the
    # frozen W1, whose stale gradient then moved it at every later step
    net = _mlp(0)
    opt = tg.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
    X, Y = np.ones((2, 3)), np.zeros((1, 3))
    for step in range(3):
        if step == 1:
            net[0].W.requires_grad = False
            frozen = net[0].W.numpy().copy()
            W2 = net[2].W.numpy().copy()
        if clear == "model":
            net.zero_grad()
        else:
            for p in net.parameters():
                p.grad = None
        tg.nn.mse(net(X), Y).backward()
        opt.step()
    np.testing.assert_array_equal(net[0].W.numpy(), frozen)
    assert not np.array_equal(net[2].W.numpy(), W2)  # the others still train
    if clear == "model":
        assert net[0].W.grad is None


# ----- gradcheck ----------------------------------------------------------------


def test_gradcheck_refuses_a_function_that_ignores_its_arguments():
    # before: "gradcheck passed" with nothing checked (both sides are 0 for
    # a function of the caller's x, not of its argument), and the check's
    # backward pass wrote its random weights into the caller's x.grad
    x = tg.tensor([1.0, 2.0], requires_grad=True)
    with pytest.raises(ValueError, match=r"does not depend on any argument"):
        tg.gradcheck(lambda t: x * x, [x])
    assert x.grad is None
    with pytest.raises(ValueError, match=r"gradcheck: the output of f"):
        tg.gradcheck(lambda t: tg.tensor(t.data**2), [x])
    # a function of one checked argument among several is still checked
    held = tg.tensor([3.0, 4.0])
    assert tg.gradcheck(lambda t, c: t * c, [x, held])


# ----- costs --------------------------------------------------------------------


@pytest.mark.parametrize(
    "given",
    [np.array([[0.7, 0.2], [0.3, 0.8]]), np.array([[2.0, -1.0], [0.5, 3.0]])],
    ids=["probabilities", "logits"],
)
def test_nll_loss_refuses_what_cannot_be_log_probabilities(given):
    # before: nll_loss(A, y) on probabilities gave -0.75, a negative "cost"
    # (-(0.7 + 0.8) / 2 by hand), with no error; log a <= 0 for any a in [0, 1]
    with pytest.raises(ValueError, match=r"nll_loss: log_probs must hold log-prob"):
        tg.nn.nll_loss(tg.tensor(given), np.array([0, 1]))
    # the same numbers as log-probabilities are accepted: -(log 0.7 + log 0.8) / 2
    J = tg.nn.nll_loss(tg.tensor(np.log([[0.7, 0.2], [0.3, 0.8]])), np.array([0, 1]))
    assert J.item() == pytest.approx(-(np.log(0.7) + np.log(0.8)) / 2, rel=1e-14)


def test_softmax_costs_refuse_a_softmax_over_the_examples():
    # before: softmax(axis=1), PyTorch's layout, normalised the rows (the
    # examples); every entry is in [0, 1], so both costs gave a plain number
    Z = tg.tensor(np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True)
    labels = np.array([0, 1, 2, 1])
    with pytest.raises(ValueError, match=r"cross_entropy: each column of A"):
        tg.nn.cross_entropy(Z.softmax(axis=1), labels)
    with pytest.raises(ValueError, match=r"nll_loss: each column of exp\(log_p"):
        tg.nn.nll_loss(Z.log_softmax(axis=1), labels)
    # over the classes they agree with NumPy's -mean(log softmax at the label)
    z = Z.numpy()
    log_a = z - np.log(np.exp(z).sum(axis=0, keepdims=True))
    expected = -log_a[labels, np.arange(4)].mean()
    assert tg.nn.cross_entropy(Z.softmax(axis=0), labels).item() == pytest.approx(
        expected, rel=1e-13
    )
    assert tg.nn.nll_loss(Z.log_softmax(axis=0), labels).item() == pytest.approx(
        expected, rel=1e-13
    )
    z32 = tg.tensor(z.astype(np.float32))  # float32 rounding is within the check
    assert tg.nn.cross_entropy(z32.softmax(axis=0), labels).dtype == np.float32


def test_cross_entropy_with_logits_refuses_probabilities():
    # before: a network ending in a softmax, passed to the fused cost, gave
    # the cost of softmax(softmax(Z)) without a word
    Z = np.random.default_rng(1).normal(size=(3, 5))
    A = np.exp(Z) / np.exp(Z).sum(axis=0)  # softmax by hand
    labels = np.array([0, 2, 1, 1, 0])
    with pytest.raises(ValueError, match=r"holds probabilities .* not logits"):
        tg.nn.cross_entropy_with_logits(tg.tensor(A), labels)
    # logits in [0, 1] whose columns do not sum to 1 are logits
    J = tg.nn.cross_entropy_with_logits(tg.tensor(A / 2), labels)
    log_a = A / 2 - np.log(np.exp(A / 2).sum(axis=0))
    assert J.item() == pytest.approx(-log_a[labels, np.arange(5)].mean(), rel=1e-13)


def test_nll_loss_of_a_masked_class_is_finite_like_the_fused_cost():
    # before: nan, as 0 * log 0 = 0 * -inf; the docstring says
    # nll_loss(log_softmax(Z), y) is cross_entropy_with_logits(Z, y)
    Z = tg.tensor([[0.0, 1.0], [1.0, 0.0], [-np.inf, -np.inf]], requires_grad=True)
    J = tg.nn.nll_loss(Z.log_softmax(axis=0), np.array([0, 1]))
    J.backward()
    # by hand: each column's softmax is (1, e, 0) / (1 + e) up to order, and
    # the label is the class with 1, so J = log(1 + e)
    assert J.item() == pytest.approx(np.log(1 + np.e), rel=1e-14)
    p = 1 / (1 + np.e)
    A = np.array([[p, 1 - p], [1 - p, p], [0.0, 0.0]])
    Y = np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 0.0]])
    np.testing.assert_allclose(Z.grad, (A - Y) / 2, rtol=1e-13, atol=1e-16)


# ----- tg.jacobian, hessian, vjp, jvp ---------------------------------------------


@pytest.mark.parametrize("name", ["jacobian", "hessian", "vjp", "jvp"])
def test_functional_refuses_several_inputs_with_a_clear_error(name):
    # before: a raw TypeError "<lambda>() missing 1 required positional
    # argument: 'b'" from inside, or NumPy's "inhomogeneous shape" ValueError
    differentiate = getattr(tg, name)
    with pytest.raises(TypeError, match=rf"{name}: .* takes 2 arguments \(a, b\)"):
        differentiate(lambda a, b: (a * b).sum(), (np.ones(2), np.ones(2)))
    with pytest.raises(ValueError, match=rf"{name}: .* tuple of 2 items of shapes"):
        differentiate(lambda a: a.sum(), (np.ones(2), np.ones(3)))
    # a second argument with a default is fine: f is called with one
    H = tg.hessian(lambda a, k=3.0: (a**k).sum(), [1.0, 2.0])
    np.testing.assert_allclose(H, np.diag([6.0, 12.0]))  # diag(6a), by hand


# ----- the notes' closed forms ------------------------------------------------------


def test_closed_form_softmax_delta_is_right_when_labels_do_not_sum_to_one():
    # before: output_delta (and backprop) used (A - Y) / m, which holds only
    # for columns of Y that sum to 1; a multi-hot column was off by 0.14
    from tests.helpers import np_log_softmax, np_softmax, numeric_grad

    rng = np.random.default_rng(0)
    Z = rng.normal(size=(3, 4))
    Y = np.array(
        [[0.9, 0.05, 0.0, 0.0], [0.05, 0.9, 1.0, 1.0], [0.05, 0.05, 0.0, 1.0]]
    )
    expected = numeric_grad(lambda z: -(Y * np_log_softmax(z)).sum() / 4, [Z], 0, 1.0)
    delta = tg.closed_form.output_delta("softmax", "cross_entropy", Z, np_softmax(Z), Y)
    np.testing.assert_allclose(delta, expected, rtol=1e-6, atol=1e-9)
    # one-hot columns keep the notes' (A - Y) / m exactly
    one_hot = np.eye(3)[:, [0, 1, 2, 1]]
    A = np_softmax(Z)
    np.testing.assert_array_equal(
        tg.closed_form.output_delta("softmax", "cross_entropy", Z, A, one_hot),
        (A - one_hot) / 4,
    )


# ----- mini-batches -------------------------------------------------------------------


def test_batches_take_class_indices_as_labels():
    # before: "batches: Y must be 2-D", though every softmax cost takes them
    X = np.arange(20.0).reshape(2, 10)
    labels = np.arange(10) % 3
    seen = []
    for xb, yb in tg.data.batches(X, labels, 4, rng=0):
        assert yb.ndim == 1 and yb.dtype == labels.dtype
        # each example keeps its own label: column j of X is (j, 10 + j)
        np.testing.assert_array_equal(yb, xb[0].astype(int) % 3)
        seen.extend(xb[0].astype(int).tolist())
    assert sorted(seen) == list(range(10))
    with pytest.raises(ValueError, match=r"X has 10 columns .* Y has 9"):
        list(tg.data.batches(X, np.arange(9), 4))


def test_batches_refuse_a_set_without_examples():
    # before: no batch at all, so a training loop ran no step without a word
    with pytest.raises(ValueError, match=r"X has no examples \(shape \(2, 0\)\)"):
        tg.data.batches(np.zeros((2, 0)), np.zeros((1, 0)), 4)


def test_train_test_split_refuses_an_empty_training_set_and_takes_class_indices():
    # before: 2 examples with test_fraction=0.9 gave a training set of shape
    # (2, 0) without a word; 1-D labels gave a raw IndexError
    X, Y = np.arange(4.0).reshape(2, 2), np.array([[0.0, 1.0]])
    with pytest.raises(ValueError, match=r"leaves 0 for training"):
        tg.datasets.train_test_split(X, Y, 0.9)
    X = np.arange(20.0).reshape(2, 10)
    data = tg.datasets.train_test_split(X, np.arange(10), 0.3)
    assert data.Y_train.shape == (7,) and data.Y_test.shape == (3,)
    # labels stay with their examples: column j of X is (j, 10 + j)
    np.testing.assert_array_equal(data.Y_train, data.X_train[0].astype(int))
    np.testing.assert_array_equal(data.Y_test, data.X_test[0].astype(int))
