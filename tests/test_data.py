"""tg.data.batches: batch, mini-batch and online gradient descent by batch size."""

import numpy as np
import pytest

import tinygraph as tg

X = np.arange(20.0).reshape(2, 10)
Y = np.arange(10.0).reshape(1, 10) * 10


def test_batches_cover_every_column_once_in_order_without_shuffle():
    got = list(tg.data.batches(X, Y, 4, shuffle=False))
    assert [xb.shape[1] for xb, _ in got] == [4, 4, 2]
    np.testing.assert_array_equal(np.hstack([xb for xb, _ in got]), X)
    np.testing.assert_array_equal(np.hstack([yb for _, yb in got]), Y)


def test_shuffled_batches_keep_columns_paired_and_cover_all():
    got = list(tg.data.batches(X, Y, 3, rng=0))
    xs = np.hstack([xb for xb, _ in got])
    ys = np.hstack([yb for _, yb in got])
    assert sorted(xs[0]) == sorted(X[0])
    np.testing.assert_array_equal(ys[0], xs[0] * 10)  # column i of Y is 10 i
    assert not np.array_equal(xs, X)


def test_shuffle_repeats_with_a_seed_and_changes_between_calls_with_a_generator():
    first = [xb for xb, _ in tg.data.batches(X, Y, 5, rng=3)]
    again = [xb for xb, _ in tg.data.batches(X, Y, 5, rng=3)]
    np.testing.assert_array_equal(np.hstack(first), np.hstack(again))
    rng = np.random.default_rng(3)
    one = np.hstack([xb for xb, _ in tg.data.batches(X, Y, 5, rng=rng)])
    two = np.hstack([xb for xb, _ in tg.data.batches(X, Y, 5, rng=rng)])
    assert not np.array_equal(one, two)


@pytest.mark.parametrize("size, count", [(10, 1), (100, 1), (1, 10), (3, 4)])
def test_batch_size_picks_batch_online_or_mini_batch(size, count):
    got = list(tg.data.batches(X, Y, size))
    assert len(got) == count
    assert all(xb.shape[1] == min(size, 10) for xb, _ in got[:-1])


def test_tensors_come_back_as_leaf_tensors_with_their_names():
    xb, _ = next(
        tg.data.batches(tg.tensor(X, name="X"), tg.tensor(Y), 4, shuffle=False)
    )
    assert isinstance(xb, tg.Tensor) and xb.name == "X" and xb.is_leaf
    np.testing.assert_array_equal(xb.data, X[:, :4])


@pytest.mark.parametrize("size", [0, -2, 2.0, "4", True, None])
def test_batch_size_must_be_a_positive_integer(size):
    with pytest.raises(
        ValueError, match="batches: batch_size must be a positive integer"
    ):
        tg.data.batches(X, Y, size)


def test_x_and_y_must_have_the_same_number_of_columns():
    with pytest.raises(ValueError, match=r"X has 10 columns .* Y has 9.*\(1, 9\)"):
        tg.data.batches(X, Y[:, :9], 2)


def test_x_must_be_two_dimensional():
    with pytest.raises(ValueError, match=r"X must be 2-D.*\(10,\)"):
        tg.data.batches(X[0], Y, 2)
