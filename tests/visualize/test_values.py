"""How numbers are written: small arrays in full, large ones summarised."""

import numpy as np

from visualize.values import array_inline, array_lines, number_text, shape_text


def test_small_arrays_are_printed_in_full_with_four_digits():
    assert array_lines(np.array([[1 / 3, -2.0]])) == ["[[ 0.3333 -2.    ]]"]
    assert array_inline(np.array([[1 / 3, -2.0], [0.0, 5.0]])) == "[[0.3333, -2], [0, 5]]"
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
