"""split (a list of getitem views, NumPy's semantics) and concatenate with
axis=None (flattens first), against NumPy and finite differences; and the
errors for what cannot be joined or split. The ops themselves are in the
op table (cases_joining.py)."""

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import numeric_grad


@pytest.mark.parametrize(
    "indices_or_sections, axis, shape",
    [(3, 0, (6, 2)), (2, 1, (3, 4)), ([1, 3], 1, (3, 5)), ([2, 9], -1, (2, 4))],
)
def test_split_matches_numpy_and_its_gradient_matches_finite_differences(
    indices_or_sections, axis, shape
):
    rng = np.random.default_rng(0)
    x0 = rng.normal(size=shape)
    x = tg.tensor(x0, requires_grad=True)
    pieces = tg.split(x, indices_or_sections, axis=axis)
    expected = np.split(x0, indices_or_sections, axis=axis)
    assert [p.shape for p in pieces] == [e.shape for e in expected]
    for piece, want in zip(pieces, expected):
        np.testing.assert_array_equal(piece.data, want)
    # Weigh each piece differently, so a gradient routed to the wrong
    # piece shows up.
    weights = [rng.normal(size=e.shape) for e in expected]
    sum((p * w).sum() for p, w in zip(pieces, weights)).backward()

    def f(v):
        expected = np.split(v, indices_or_sections, axis)
        return sum((e * w).sum() for e, w in zip(expected, weights))

    np.testing.assert_allclose(x.grad, numeric_grad(f, [x0], 0, 1.0), atol=1e-8)


def test_split_method_is_tg_split_with_numpys_meaning_of_an_int():
    x = tg.tensor(np.arange(12.0).reshape(6, 2))
    # NumPy: 2 pieces of 3 rows (PyTorch's split(2) would give 3 pieces of 2)
    assert [p.shape for p in x.split(2)] == [(3, 2), (3, 2)]
    assert [p.shape for p in x.split([1], axis=1)] == [(6, 1), (6, 1)]


def test_concatenate_axis_none_joins_flattened_tensors():
    rng = np.random.default_rng(1)
    a0, b0 = rng.normal(size=(2, 3)), rng.normal(size=(4,))
    a, b = tg.tensor(a0, requires_grad=True), tg.tensor(b0, requires_grad=True)
    out = tg.concatenate([a, b], axis=None)
    np.testing.assert_array_equal(out.data, np.concatenate([a0, b0], axis=None))
    upstream = rng.normal(size=out.shape)
    out.backward(upstream)
    np.testing.assert_array_equal(a.grad, upstream[:6].reshape(2, 3))
    np.testing.assert_array_equal(b.grad, upstream[6:])


def test_stack_of_scalars_and_a_second_backward_through_the_slices():
    x = tg.tensor(1.5, requires_grad=True)
    y = tg.tensor(-0.5, requires_grad=True)
    s = tg.stack([x * x, x * y, y])  # [x², xy, y]
    J = (s * tg.tensor([1.0, 2.0, 3.0])).sum()  # x² + 2xy + 3y
    (dx, dy) = tg.grad(J, [x, y], create_graph=True)
    assert dx.item() == pytest.approx(2 * 1.5 + 2 * -0.5)  # 2x + 2y
    assert dy.item() == pytest.approx(2 * 1.5 + 3)  # 2x + 3
    (d2x,) = tg.grad(dx, [x])
    assert d2x.item() == pytest.approx(2.0)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda a: tg.concatenate([a, tg.ones(3, 4)], axis=1),
            r"concatenate: .*'a' of shape \(2, 3\).*\(3, 4\)",
        ),
        (lambda a: tg.concatenate([a], axis=2), "concatenate: no axis 2"),
        (lambda a: tg.concatenate([tg.tensor(1.0)]), "concatenate: .*no axis"),
        (lambda a: tg.concatenate([]), "concatenate: needs at least one"),
        (lambda a: tg.stack([a, tg.ones(3, 2)]), r"stack: .*\(2, 3\).*\(3, 2\)"),
        (lambda a: tg.stack([a], axis=-4), "stack: no axis -4"),
        (lambda a: tg.split(a, 2, axis=1), "split: .*length 3.* 2 equal pieces"),
        (lambda a: tg.split(a, 1, axis=2), "split: no axis 2"),
    ],
)
def test_what_cannot_be_joined_or_split_names_the_op_and_shapes(call, message):
    a = tg.tensor(np.ones((2, 3)), name="a")
    with pytest.raises(ValueError, match=message):
        call(a)


def test_a_lone_tensor_is_refused_as_the_list_to_join():
    with pytest.raises(TypeError, match="concatenate: give a list or tuple"):
        tg.concatenate(tg.ones(2, 3))
