"""The constructors against NumPy's functions of the same name: values,
shape, dtype (float64 unless told), and the keywords every one of them takes
(requires_grad, name, dtype); random ones against the same generator."""

import numpy as np
import pytest

import tinygraph as tg

# (tinygraph call, NumPy reference): the references use NumPy's own dtype,
# which for integer ranges is an integer one, so the values are compared.
MADE = [
    ("full", lambda **kw: tg.full((2, 3), -1.5, **kw), lambda: np.full((2, 3), -1.5)),
    ("full int shape", lambda **kw: tg.full(4, 2, **kw), lambda: np.full(4, 2.0)),
    ("eye", lambda **kw: tg.eye(3, **kw), lambda: np.eye(3)),
    ("eye n×m, k", lambda **kw: tg.eye(2, 4, 1, **kw), lambda: np.eye(2, 4, 1)),
    ("arange n", lambda **kw: tg.arange(5, **kw), lambda: np.arange(5)),
    ("arange start stop", lambda **kw: tg.arange(2, 6, **kw), lambda: np.arange(2, 6)),
    (
        "arange step",
        lambda **kw: tg.arange(1.0, -1.0, -0.5, **kw),
        lambda: np.arange(1.0, -1.0, -0.5),
    ),
    ("linspace", lambda **kw: tg.linspace(0, 1, 5, **kw), lambda: np.linspace(0, 1, 5)),
    (
        "linspace no endpoint",
        lambda **kw: tg.linspace(-2, 2, 4, endpoint=False, **kw),
        lambda: np.linspace(-2, 2, 4, endpoint=False),
    ),
    (
        "zeros_like of an int array",
        lambda **kw: tg.zeros_like(np.arange(6).reshape(2, 3), **kw),
        lambda: np.zeros((2, 3)),
    ),
    (
        "ones_like of a tensor",
        lambda **kw: tg.ones_like(tg.randn(3, 1, seed=0), **kw),
        lambda: np.ones((3, 1)),
    ),
    (
        "full_like of a list",
        lambda **kw: tg.full_like([[1, 2], [3, 4]], 0.25, **kw),
        lambda: np.full((2, 2), 0.25),
    ),
    ("rand", lambda **kw: tg.rand(2, 3, seed=7, **kw), lambda: _rng(7).random((2, 3))),
    (
        "rand tuple shape, rng",
        lambda **kw: tg.rand((4,), rng=_rng(3), **kw),
        lambda: _rng(3).random(4),
    ),
    (
        "uniform",
        lambda **kw: tg.uniform(-2, 5, (3, 2), seed=1, **kw),
        lambda: _rng(1).uniform(-2, 5, (3, 2)),
    ),
    (
        "uniform scalar, rng",
        lambda **kw: tg.uniform(rng=_rng(2), **kw),
        lambda: _rng(2).uniform(),
    ),
]


PARAMS = [pytest.param(make, reference, id=name) for name, make, reference in MADE]


def _rng(seed):
    return np.random.default_rng(seed)


@pytest.mark.parametrize("make, reference", PARAMS)
def test_constructor_matches_numpy_as_a_float64_leaf(make, reference):
    t = make()
    expected = reference()
    assert isinstance(t, tg.Tensor) and t.op is None
    assert t.dtype == np.float64 and not t.requires_grad and t.name is None
    assert t.shape == np.shape(expected)
    np.testing.assert_array_equal(t.data, expected)


@pytest.mark.parametrize("make, reference", PARAMS)
def test_constructor_takes_requires_grad_name_and_dtype(make, reference):
    t = make(requires_grad=True, name="W", dtype=np.float32)
    assert t.requires_grad and t.name == "W" and t.dtype == np.float32
    np.testing.assert_allclose(t.data, reference(), rtol=1e-6, atol=1e-6)
    (t * 2).sum().backward()  # a leaf that collects its gradient
    np.testing.assert_array_equal(t.grad, np.full(t.shape, 2.0, dtype=np.float32))


def test_like_constructors_keep_a_float_tensors_dtype():
    x = tg.tensor(np.ones((2, 2), dtype=np.float32), requires_grad=True)
    for t in (tg.zeros_like(x), tg.ones_like(x), tg.full_like(x, 3.0)):
        assert t.dtype == np.float32 and t.shape == (2, 2)
        assert not t.requires_grad and t.op is None  # a new leaf, not x's graph


def test_random_constructors_draw_from_the_generator_they_are_given():
    rng = _rng(0)
    first, second = tg.rand(3, rng=rng), tg.rand(3, rng=rng)
    assert not np.array_equal(first.data, second.data)  # the generator moved on
    np.testing.assert_array_equal(tg.rand(3, seed=0).data, first.data)
    low_high = tg.uniform(0.5, 0.75, 1000, seed=4).data
    assert 0.5 <= low_high.min() and low_high.max() < 0.75


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tg.rand(2, rng=_rng(0), seed=0), "rand: give rng= or seed="),
        (lambda: tg.uniform(seed=0, rng=_rng(0)), "uniform: give rng="),
        (lambda: tg.uniform(1.0, 0.0), r"uniform: low \(1.0\)"),
        (lambda: tg.full((2, -1), 0.0), "full: shape must be non-negative"),
        (lambda: tg.eye(2.5), "eye: shape must be"),
        (lambda: tg.rand(2, 0.5), "rand: shape must be"),
        (lambda: tg.arange(0, 3, 0), "arange: step must not be 0"),
        (lambda: tg.linspace(0, 1, -2), "linspace: num must be"),
    ],
)
def test_bad_arguments_are_refused_naming_the_constructor(call, message):
    with pytest.raises(ValueError, match=message):
        call()
