"""How numbers are written: small arrays in full, large ones summarised."""

import numpy as np

from visualize.values import (
    array_inline,
    array_lines,
    number_text,
    shape_text,
    summary_lines,
)


def test_small_arrays_are_printed_in_full_with_four_digits():
    assert array_lines(np.array([[1 / 3, -2.0]])) == ["[[ 0.3333 -2.    ]]"]
    inline = array_inline(np.array([[1 / 3, -2.0], [0.0, 5.0]]))
    assert inline == "[[0.3333, -2], [0, 5]]"
    assert number_text(-0.0) == "0" and number_text(123456.0) == "1.235e+05"


def test_large_or_tall_arrays_are_summarised_with_numpy_statistics():
    rng = np.random.default_rng(1)
    a = rng.normal(size=(5, 7))
    lines = array_lines(a)
    assert lines == [
        f"mean {a.mean():.4g}  norm {np.sqrt((a * a).sum()):.4g}",
        f"min {a.min():.4g}  max {a.max():.4g}",
    ]
    # A bias column of 8 is summarised too (it would be 8 lines tall).
    assert array_lines(np.zeros((8, 1)))[0].startswith("mean 0")


def test_shape_text():
    assert shape_text(()) == "scalar" and shape_text((3, 1)) == "(3, 1)"


def test_rounding_noise_in_a_summary_reads_as_zero():
    # the columns of a softmax gradient sum to 0, up to rounding
    rng = np.random.default_rng(0)
    z = rng.normal(size=(10, 8))
    a = np.exp(z) / np.exp(z).sum(axis=0)
    grad = a - np.eye(10)[:, rng.integers(0, 10, 8)]
    assert grad.mean() != 0 and abs(grad.mean()) < 1e-16
    assert summary_lines(grad)[0].startswith("mean 0  norm ")
    # ... while a small mean of small entries is kept
    assert summary_lines(np.full(20, 1e-18))[0].startswith("mean 1e-18")


def test_a_4_by_4_matrix_is_shown_in_full():
    lines = array_lines(np.arange(16.0).reshape(4, 4))
    assert len(lines) == 4 and "15." in lines[-1]
