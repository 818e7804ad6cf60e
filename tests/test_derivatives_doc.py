"""docs/derivatives.md runs as written: its Python blocks, one after the other
in one namespace, check their own claims with ``assert``."""

import re
from pathlib import Path

import numpy as np
import pytest

DOC = Path(__file__).resolve().parent.parent / "docs" / "derivatives.md"


@pytest.fixture(scope="module")
def doc():
    blocks = re.findall(r"```python\n(.*?)```", DOC.read_text(), re.DOTALL)
    namespace = {"__name__": "derivatives_doc"}
    exec(compile("\n".join(blocks), str(DOC), "exec"), namespace)
    return blocks, namespace


def test_every_block_of_the_doc_runs(doc):
    blocks, _ = doc
    assert len(blocks) == 6
    assert all("assert" in block for block in blocks)


def test_the_docs_softmax_jacobian_and_backward_product(doc):
    _, names = doc
    a, J, g = names["a"], names["J"], names["g"]
    # rebuilt here by hand: the doc's softmax column and its upstream gradient
    np.testing.assert_allclose(a, [0.66524096, 0.24472847, 0.09003057], rtol=1e-7)
    np.testing.assert_allclose(J[0], [a[0] * (1 - a[0]), -a[0] * a[1], -a[0] * a[2]])
    np.testing.assert_allclose(names["dz"], a * (g - g @ a), rtol=1e-12)
    np.testing.assert_allclose(names["delta"], a - [1.0, 0.0, 0.0], rtol=1e-12)
