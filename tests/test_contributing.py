"""CONTRIBUTING.md's example ops run as written and are right."""

import contextlib
import io
import re
from pathlib import Path

import numpy as np
import pytest

import tinygraph as tg
from tests.helpers import numeric_grad

GUIDE = Path(__file__).resolve().parent.parent / "CONTRIBUTING.md"


@pytest.fixture(scope="module")
def guide():
    """The guide's Python blocks, run one after the other in one namespace."""
    pytest.importorskip("sympy")
    code = "\n".join(re.findall(r"```python\n(.*?)```", GUIDE.read_text(), re.DOTALL))
    namespace = {"__name__": "contributing"}
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, str(GUIDE), "exec"), namespace)
    namespace["printed"] = printed.getvalue()
    return namespace


def test_the_guides_bell_and_its_second_derivative(guide):
    x0 = np.array([-2.0, 0.5, 3.0])
    x = tg.tensor(x0, requires_grad=True)
    (d1,) = tg.grad(guide["bell"](x).sum(), [x], create_graph=True)
    (d2,) = tg.grad(d1.sum(), [x])
    # d2 is the derivative of -2x exp(-x^2), by finite differences
    expected = numeric_grad(lambda v: -2 * v * np.exp(-v * v), [x0], 0, 1.0)
    np.testing.assert_allclose(d2, expected, rtol=1e-6)
    assert "-2*a*u" in guide["printed"]


def test_the_guides_outer_op_against_finite_differences(guide):
    a0, b0 = np.array([1.0, -2.0, 0.5]), np.array([3.0, 0.25])
    a = tg.tensor(a0, requires_grad=True)
    b = tg.tensor(b0, requires_grad=True)
    G = np.random.default_rng(0).normal(size=(3, 2))
    guide["Outer"]().apply(a, b).backward(G)
    np.testing.assert_allclose(
        a.grad, numeric_grad(np.outer, [a0, b0], 0, G), atol=1e-8
    )
    np.testing.assert_allclose(
        b.grad, numeric_grad(np.outer, [a0, b0], 1, G), atol=1e-8
    )
