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
    # Drawn at 100 %, top to bottom it is no wider than a 900 px notebook
    # cell (the page scrolls down); left to right, about one and a half
    # 1920 x 1080 screens at most.
    width, _ = _size_px(g)
    assert width <= 900
    width, height = _size_px(visualize.draw(mlp_cost, rankdir="LR"))
    assert width < 1.5 * 1920 and height < 1080


def _size_px(graph):
    """The laid-out drawing's width and height in CSS pixels (4/3 of a point)."""
    svg = graph.pipe(format="svg").decode()
    size = re.search(r'<svg width="([\d.]+)pt" height="([\d.]+)pt"', svg).groups()
    return tuple(float(x) * 4 / 3 for x in size)
