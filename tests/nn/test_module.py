"""Module, Linear and Sequential: parameters, names, modes, scopes, errors."""

import numpy as np
import pytest

import tinygraph as tg


def mlp(seed=0):
    rng = np.random.default_rng(seed)
    return tg.nn.Sequential(
        tg.nn.Linear(4, 5, rng=rng),
        tg.nn.Tanh(),
        tg.nn.Dropout(0.5, rng=rng),
        tg.nn.Linear(5, 3, rng=rng),
        tg.nn.Softmax(),
    )


def test_linear_shapes_and_forward_value():
    layer = tg.nn.Linear(3, 2, rng=0)
    assert layer.W.shape == (2, 3) and layer.b.shape == (2, 1)
    layer.b.data[:] = [[1.0], [-1.0]]
    X = np.arange(12.0).reshape(3, 4)
    np.testing.assert_allclose(
        layer(X).data, layer.W.data @ X + layer.b.data, rtol=1e-15
    )


def test_linear_gradients_match_finite_differences():
    layer = tg.nn.Linear(3, 2, rng=1)
    X = tg.tensor(np.random.default_rng(2).normal(size=(3, 5)), requires_grad=True)

    def f(W, b, X):
        layer.W, layer.b = W, b
        return layer(X).tanh()

    result = tg.gradcheck(f, [layer.W, layer.b, X])
    assert result, str(result)


@pytest.mark.parametrize(
    "init, variance", [("xavier", 2 / (400 + 300)), ("he", 2 / 400)]
)
def test_linear_init_variance(init, variance):
    W = tg.nn.Linear(400, 300, rng=0, init=init).W.data
    assert abs(W.mean()) < 0.01 * np.sqrt(variance) * 10
    assert W.var() == pytest.approx(variance, rel=0.02)


def test_linear_default_init_is_xavier_and_bias_zero():
    a = tg.nn.Linear(6, 4, rng=3)
    b = tg.nn.Linear(6, 4, rng=3, init="xavier")
    np.testing.assert_array_equal(a.W.data, b.W.data)
    assert not a.b.data.any()


def test_linear_same_seed_same_weights_and_dtype():
    a = tg.nn.Linear(3, 2, rng=7, dtype=np.float32)
    b = tg.nn.Linear(3, 2, rng=np.random.default_rng(7), dtype=np.float32)
    np.testing.assert_array_equal(a.W.data, b.W.data)
    assert a.W.dtype == np.float32 and a.b.dtype == np.float32


def test_linear_wrong_number_of_features_names_layer_expected_and_got():
    net = mlp()
    with pytest.raises(ValueError, match=r"Layer 1 \(4 -> 5\).*\(4, m\).*\(3, 7\)"):
        net(np.ones((3, 7)))
    with pytest.raises(ValueError, match=r"Layer 2 \(5 -> 3\).*\(6, 2\)"):
        net[3](np.ones((6, 2)))


def test_linear_rejects_one_dimensional_input():
    with pytest.raises(ValueError, match=r"Linear \(2 -> 1\).*shape \(2,\)"):
        tg.nn.Linear(2, 1, rng=0)(np.ones(2))


@pytest.mark.parametrize(
    "kwargs, error",
    [
        ({"n_in": 0, "n_out": 2}, ValueError),
        ({"n_in": 2.5, "n_out": 2}, ValueError),
        ({"n_in": 2, "n_out": 2, "init": "glorot"}, ValueError),
        ({"n_in": 2, "n_out": 2, "rng": "seed"}, TypeError),
    ],
)
def test_linear_bad_arguments(kwargs, error):
    with pytest.raises(error, match="Linear"):
        tg.nn.Linear(**kwargs)


def test_sequential_names_parameters_like_the_notes():
    net = mlp()
    assert [p.name for p in net.parameters()] == ["W1", "b1", "W2", "b2"]
    assert [n for n, _ in net.named_parameters()] == ["0.W", "0.b", "3.W", "3.b"]


def test_sequential_keeps_a_given_name():
    net = tg.nn.Sequential(
        tg.nn.Linear(2, 2, rng=0, name="_in"), tg.nn.Linear(2, 1, rng=1)
    )
    assert [p.name for p in net.parameters()] == ["W_in", "b_in", "W2", "b2"]


def test_sequential_names_outputs_and_scopes_by_layer():
    net = mlp().eval()
    X = tg.tensor(np.ones((4, 2)), name="X")
    A = net(X)
    names = {n.name: n.scope for n in tg.graph.nodes(A) if n.name}
    assert names["Z1"] == ("Layer 1",) and names["A1"] == ("Layer 1",)
    assert names["Z2"] == ("Layer 2",) and names["A2"] == ("Layer 2",)
    assert names["W1"] == () and names["X"] == ()
    unnamed = [n.scope for n in tg.graph.nodes(A) if n.name is None]
    assert unnamed == [("Layer 1",), ("Layer 2",)]  # the two W @ A products


def test_nested_sequentials_number_their_layers_as_one_network():
    # Blocks built as Sequentials of their own: each Linear still gets its own
    # number (two "W1"s would draw as W1 and W1#2 and merge two layers'
    # scopes, which the Recorder and the drawings group by).
    net = tg.nn.Sequential(
        tg.nn.Sequential(tg.nn.Linear(2, 3, rng=0), tg.nn.ReLU()),
        tg.nn.Linear(3, 3, rng=1, name="_mid"),
        tg.nn.Sequential(tg.nn.Tanh()),
        tg.nn.Sequential(tg.nn.Linear(3, 1, rng=2), tg.nn.Sigmoid()),
    )
    assert [p.name for p in net.parameters()] == [
        "W1", "b1", "W_mid", "b_mid", "W3", "b3"
    ]
    A = net(tg.tensor(np.ones((2, 4)), name="X"))
    names = {n.name: n.scope for n in tg.graph.nodes(A) if n.name}
    assert names["A1"] == ("Layer 1",)
    assert names["A_mid"] == ("Layer _mid",)  # the nested tanh joins its layer
    assert names["Z3"] == ("Layer 3",) and names["A3"] == ("Layer 3",)
    assert len(set(tg.graph.labels(A).values())) == len(tg.graph.nodes(A))


def test_standalone_module_call_opens_a_scope_named_after_the_class():
    z = tg.tensor([[1.0, -1.0]], requires_grad=True)
    assert tg.nn.ReLU()(z).scope == ("ReLU",)
    assert tg.nn.Linear(1, 1, rng=0)(z).scope == ("Linear",)


def test_named_parameters_unique_when_a_layer_is_shared():
    shared = tg.nn.Linear(3, 3, rng=0)
    net = tg.nn.Sequential(shared, tg.nn.ReLU(), shared)
    names = [n for n, _ in net.named_parameters()]
    assert names == ["0.W", "0.b"]
    assert len({id(p) for p in net.parameters()}) == 2


def test_named_parameters_of_a_custom_module_are_deterministic():
    class Net(tg.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = tg.tensor([2.0], requires_grad=True, name="s")
            self.body = tg.nn.Sequential(tg.nn.Linear(2, 2, rng=0))
            self.heads = [tg.nn.Linear(2, 1, rng=1), tg.nn.Linear(2, 1, rng=2)]
            self.constant = tg.tensor([1.0])  # no gradient: not a parameter

        def forward(self, x):
            return self.heads[0](self.body(x)) * self.scale

    names = [n for n, _ in Net().named_parameters()]
    assert names == [
        "scale",
        "body.0.W",
        "body.0.b",
        "heads.0.W",
        "heads.0.b",
        "heads.1.W",
        "heads.1.b",
    ]
    assert names == [n for n, _ in Net().named_parameters()]


def test_modules_start_in_training_mode_and_mode_propagates():
    net = mlp()
    assert net.training and all(m.training for m in net)
    assert net.eval() is net
    assert not net.training and not any(m.training for m in net)
    net.train()
    assert all(m.training for m in net)


def test_module_zero_grad_clears_every_parameter():
    net = mlp()
    J = net(np.ones((4, 3))).sum()
    J.backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_sequential_rejects_non_modules():
    with pytest.raises(
        TypeError, match="Sequential: argument 1 is a function.*tg.nn.ReLU()"
    ):
        tg.nn.Sequential(tg.nn.Linear(2, 2, rng=0), tg.nn.relu)
    with pytest.raises(TypeError, match="argument 0 is a int, not a tg.nn.Module$"):
        tg.nn.Sequential(3)


def test_module_without_forward_says_so():
    with pytest.raises(NotImplementedError, match="Module must define forward"):
        tg.nn.Module()(1)


def test_repr_lists_the_layers():
    text = repr(mlp())
    assert "(0): Linear(4, 5, init='xavier')" in text and "(2): Dropout(p=0.5)" in text
