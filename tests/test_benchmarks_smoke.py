"""The benchmarks run once on tiny sizes, and every implementation agrees.

No timing is asserted here (speed is measured by ``make bench``); what is
checked is that the five implementations compute the same costs and
gradients, so the benchmark compares like with like.
"""

import os
import sys

import numpy as np
import pytest

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from benchmarks import chain, mlp, overhead, run

TINY = ((5, 4, 4, 3), 6)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(
    "implementations",
    [run.available(mlp.IMPLEMENTATIONS), overhead.IMPLEMENTATIONS],
    ids=["libraries", "overhead variants"],  # each convenience taken away
)
def test_mlp_step_costs_agree_over_three_steps(dtype, implementations):
    sizes, m = TINY
    weights = mlp.initial_weights(sizes)
    X, Y = mlp.batch(sizes, m)
    steps = {
        name: make(weights, X, Y, dtype) for name, make in implementations.items()
    }
    costs = {name: [step() for _ in range(3)] for name, step in steps.items()}
    rtol = 1e-10 if dtype == np.float64 else 1e-5
    for name, values in costs.items():
        np.testing.assert_allclose(values, costs["numpy"], rtol=rtol, err_msg=name)
    # The steps train: the cost goes down.
    assert costs["numpy"][2] < costs["numpy"][0]


def test_tinygraph_step_with_engine_ops_agrees_with_numpy():
    sizes, m = TINY
    weights = mlp.initial_weights(sizes)
    X, Y = mlp.batch(sizes, m)
    by_hand = mlp.numpy_step(weights, X, Y, np.float64)
    with_ops = mlp.tinygraph_ops_step(weights, X, Y, np.float64)
    np.testing.assert_allclose(
        [with_ops() for _ in range(3)], [by_hand() for _ in range(3)], rtol=1e-10
    )


def test_chain_values_and_gradients_agree():
    x0 = chain.start_value()
    results = {
        name: make(x0, 9)()
        for name, make in run.available(chain.IMPLEMENTATIONS).items()
    }
    for name, (cost, grad) in results.items():
        np.testing.assert_allclose(cost, results["numpy"][0], rtol=1e-12, err_msg=name)
        np.testing.assert_allclose(grad, results["numpy"][1], rtol=1e-12, err_msg=name)


def test_check_agree_refuses_a_disagreement():
    with pytest.raises(AssertionError, match="tinygraph"):
        run.check_agree("step", {"numpy": [1.0], "tinygraph": [1.001]})


def test_quick_run_prints_every_table(capsys):
    results = run.main(["--quick"])
    printed = capsys.readouterr().out
    for section in run.SECTIONS:
        assert f"## {section}" in printed
    assert results["float32_gap"] <= 2e-3
    assert set(results["op_overhead"]) >= {"numpy", "tinygraph"}
