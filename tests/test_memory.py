"""Memory over long runs: graphs are freed as soon as nothing refers to them.

The checks run with Python's cycle collector switched off, so a graph that
is freed here is freed by reference counting alone: no reference cycle holds
its arrays until some later collection. Memory is measured with
``tracemalloc`` (which NumPy reports its arrays to), never with timings.
"""

import gc
import tracemalloc
import weakref

import numpy as np
import pytest

import tinygraph as tg


@pytest.fixture
def no_cycle_collector():
    was_enabled = gc.isenabled()
    gc.collect()
    gc.disable()
    yield
    if was_enabled:
        gc.enable()


def small_mlp(seed=0):
    return tg.nn.Sequential(
        tg.nn.Linear(2, 8, rng=seed), tg.nn.Tanh(), tg.nn.Linear(8, 1, rng=seed + 1)
    )


def xor_data(m=16):
    X = np.random.default_rng(0).normal(size=(2, m))
    Y = (X[0:1] * X[1:2] > 0).astype(float)
    return X, Y


def weakrefs_to_graph(J):
    """Weak references to every intermediate node and its arrays."""
    refs = []
    for node in tg.graph.nodes(J):
        if node.is_leaf:
            continue
        refs += [weakref.ref(node), weakref.ref(node.data)]
        if node.grad is not None:
            refs.append(weakref.ref(node.grad))
    return refs


# ----- graphs go away with their tensors ----------------------------------------


def test_graph_is_freed_when_its_last_tensor_goes(no_cycle_collector):
    net = small_mlp()
    X, Y = xor_data()
    J = tg.nn.binary_cross_entropy(net(X).sigmoid(), Y)
    J.backward()
    refs = weakrefs_to_graph(J)
    assert len(refs) > 20
    assert all(ref() is not None for ref in refs)
    del J
    alive = [ref() for ref in refs if ref() is not None]
    assert alive == []
    # The parameters keep their gradients, and only those.
    assert all(p.grad is not None for p in net.parameters())


def test_intermediate_stays_alive_while_a_later_node_needs_it(no_cycle_collector):
    # The control for the test above: the graph is kept while J is.
    W = tg.tensor(np.ones((2, 2)), requires_grad=True)
    hidden = (W @ np.ones((2, 3))).tanh()
    ref = weakref.ref(hidden)
    J = hidden.sum()
    del hidden
    assert ref() is not None and ref() in J.parents
    del J
    assert ref() is None


def test_no_grad_builds_nothing(no_cycle_collector):
    net = small_mlp()
    X, _ = xor_data()
    with tg.no_grad():
        hidden = net[1](net[0](X))
        out = net[2](hidden)
    assert out.op is None and out.parents == () and not out.requires_grad
    assert hidden.op is None
    ref = weakref.ref(hidden)
    del hidden
    assert ref() is None  # ``out`` does not hold on to it
    np.testing.assert_allclose(
        out.data,
        net[2].W.data @ np.tanh(net[0].W.data @ X + net[0].b.data) + net[2].b.data,
        rtol=1e-12,
    )


def test_without_no_grad_the_output_holds_its_inputs(no_cycle_collector):
    net = small_mlp()
    X, _ = xor_data()
    hidden = net[1](net[0](X))
    out = net[2](hidden)
    ref = weakref.ref(hidden)
    del hidden
    assert ref() is not None
    del out
    assert ref() is None


# ----- long runs ----------------------------------------------------------------


def memory_growth(step, n_steps, warmup_steps):
    """Bytes still allocated after ``n_steps`` more steps than after warm-up.

    The warm-up runs untraced: it fills NumPy's small-allocation caches,
    which grow for about a thousand steps and then stay as they are.
    """
    for _ in range(warmup_steps):
        step()
    tracemalloc.start()
    try:
        step()
        baseline = tracemalloc.get_traced_memory()[0]
        for _ in range(n_steps):
            step()
        return tracemalloc.get_traced_memory()[0] - baseline
    finally:
        tracemalloc.stop()


def training_step(kept=None):
    """One step of training a 2-8-1 network on XOR, as a function.

    The costs seen are recorded as ``first`` and ``last`` (no list that
    grows); each step's cost tensor goes into ``kept`` if one is given.
    """
    net = small_mlp()
    optimizer = tg.optim.SGD(net.parameters(), lr=0.5, momentum=0.5)
    X, Y = xor_data()
    costs = {"steps": 0}

    def step():
        optimizer.zero_grad()
        J = tg.nn.binary_cross_entropy_with_logits(net(X), Y)
        J.backward()
        optimizer.step()
        costs.setdefault("first", J.item())
        costs["last"] = J.item()
        costs["steps"] += 1
        if kept is not None:
            kept.append(J)

    return step, costs


def test_training_memory_stays_flat_over_thousands_of_steps(no_cycle_collector):
    step, costs = training_step()
    growth = memory_growth(step, n_steps=2000, warmup_steps=1200)
    # One leaked 8-float array a step would be 2000 * 160 bytes: 320 kB.
    assert growth < 16_000, f"memory grew by {growth} bytes"
    assert costs["steps"] == 3201
    assert costs["last"] < 0.5 * costs["first"]  # it did learn: a real run


def test_memory_growth_detects_a_kept_graph(no_cycle_collector):
    # The control: keeping each step's cost tensor (and so its whole graph)
    # instead of its value, ``J.item()``, is the classic leak.
    kept = []
    step, _ = training_step(kept)
    growth = memory_growth(step, n_steps=300, warmup_steps=10)
    assert growth > 300 * 2000, f"only {growth} bytes for 300 kept graphs"


# ----- deep graphs ----------------------------------------------------------------


def test_graph_of_100000_nodes_backpropagates_and_is_freed(no_cycle_collector):
    x = tg.tensor([0.5, -1.0], requires_grad=True, name="x")
    y = x
    probes = []
    for i in range(50_000):  # two ops each: 100,000 op nodes
        y = y * 1.00001
        y = y + 0.5
        if i % 5_000 == 0:
            probes.append(y)
    J = y.sum()
    J.backward()
    # y_N = 1.00001^N x + const, so dJ/dx = 1.00001^N for each entry.
    np.testing.assert_allclose(x.grad, [1.00001**50_000] * 2, rtol=1e-9)
    assert len(tg.graph.nodes(J)) == 1 + 100_000 + 1  # x, the ops, the sum
    refs = [weakref.ref(p) for p in probes]
    refs += [weakref.ref(p.data) for p in probes]
    refs += [weakref.ref(p.grad) for p in probes]
    del probes, y, J
    assert [ref() for ref in refs if ref() is not None] == []
    assert x.grad is not None


def test_each_node_is_one_object_for_the_cycle_collector():
    """The tensor alone: the op is shared, the inputs sit in the tensor's
    slots, and what forward saved holds no tracked object. The collector
    walks every tracked object on each full pass while a long graph grows,
    so this count is its cost per node."""
    x = tg.tensor(np.ones((4, 4)), requires_grad=True)
    gc.collect()  # also stops tracking tuples that hold only untracked items
    before = len(gc.get_objects())
    y = x
    for _ in range(500):
        y = y * 0.5  # a number operand, and a saved tuple
        y = y + x  # two tensor operands
        y = y.tanh()  # one operand
    gc.collect()
    tracked = len(gc.get_objects()) - before
    assert 1500 <= tracked < 1500 + 50, f"{tracked} objects for 1500 nodes"
