"""Drawings of networks built with tg.nn: one cluster or box per layer."""

import re

import numpy as np
import pytest

import tinygraph as tg
import visualize


@pytest.fixture
def mlp_cost():
    if not hasattr(tg.nn, "Sequential") or not hasattr(tg.nn, "binary_cross_entropy"):
        pytest.skip("tg.nn.Sequential is not there yet")
    net = tg.nn.Sequential(
        tg.nn.Linear(4, 8, rng=0), tg.nn.Tanh(),
        tg.nn.Linear(8, 6, rng=1), tg.nn.Tanh(),
        tg.nn.Linear(6, 1, rng=2), tg.nn.Sigmoid(),
    )
    rng = np.random.default_rng(0)
    X = rng.normal(size=(4, 32))
    Y = (rng.random((1, 32)) > 0.5).astype(float)
    return tg.nn.binary_cross_entropy(net(X), Y)


def test_mlp_full_drawing_has_a_cluster_per_layer(mlp_cost):
    source = visualize.draw(mlp_cost, max_nodes=None).source
    for k in (1, 2, 3):
        cluster = rf"subgraph cluster_\d+ \{{\s*[^\n]*label=\"Layer {k}\""
        assert re.search(cluster, source)


def test_mlp_default_drawing_fits_as_one_box_per_layer(mlp_cost, needs_dot):
    g = visualize.draw(mlp_cost)
    boxes = re.findall(r"^\s*(n\d+|layer\d+) \[", g.source, flags=re.MULTILINE)
    layers = [b for b in boxes if b.startswith("layer")]
    assert len(layers) == 3 and len(boxes) <= 12
    svg = g.pipe(format="svg").decode()
    width, height = map(float, re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"',
                                         svg).groups())
    # Drawn at 100 %, about one and a half 1920 x 1080 screens at most.
    assert width * 4 / 3 < 1.5 * 1920 and height * 4 / 3 < 1080
