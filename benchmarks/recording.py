"""What watching training costs: the demo's training step with a tg.Recorder.

The network and batch are the demo's (``demo.py``): 64-64-10 with ReLU,
softmax cross-entropy on logits, SGD with momentum, batches of 32; the
pixels are random numbers of the digits' shape (the time does not depend on
them, and scikit-learn is not needed). One timed call is a run of
``STEPS`` training steps with a new recorder, so one step in ``EVERY`` is
recorded, as in the demo, and the copies a recorder keeps are freed after
each run. Three versions take turns: no recorder, a recorder recording
every 10th step, and a recorder switched off (``enabled = False``).

Recording copies a few arrays per recorded step; the costs, the layers'
health, the histograms, the boundary and the probe graph are worked out
later, when ``recorder.records`` is read: that time is reported on its own.
"""

import time

import numpy as np

import tinygraph as tg

SIZES = (64, 64, 10)
BATCH = 32
STEPS = 100
EVERY = 10


def demo_network(seed=0):
    rng = np.random.default_rng(seed)
    return tg.nn.Sequential(
        tg.nn.Linear(SIZES[0], SIZES[1], rng=rng, init="he"),
        tg.nn.ReLU(),
        tg.nn.Linear(SIZES[1], SIZES[2], rng=rng),
    )


def demo_batches(count=10, seed=1):
    """A few batches of the digits' shape: (64, 32) pixels, one-hot (10, 32)."""
    rng = np.random.default_rng(seed)
    return [
        (rng.normal(size=(SIZES[0], BATCH)),
         np.eye(SIZES[-1])[:, rng.integers(0, SIZES[-1], BATCH)])
        for _ in range(count)
    ]


def training_run(mode, steps=STEPS):
    """A function running ``steps`` training steps: ``mode`` is "none" (no
    recorder), "every 10th" or "switched off"."""
    net = demo_network()
    optimizer = tg.optim.SGD(net.parameters(), lr=0.01, momentum=0.9)
    batches = demo_batches()
    cost = tg.nn.cross_entropy_with_logits

    def run():
        recorder = None
        if mode != "none":
            recorder = tg.Recorder(net, cost, every=EVERY)
            recorder.enabled = mode != "switched off"
        for i in range(steps):
            X, Y = batches[i % len(batches)]
            J = cost(net(X), Y)
            optimizer.zero_grad()
            J.backward()
            if recorder is None:
                optimizer.step()
            else:
                with recorder.step(J, X, Y):
                    optimizer.step()
        return recorder

    return run


def analysis_seconds(steps=STEPS):
    """Seconds to work out one record afterwards (``recorder.records``)."""
    recorder = training_run("every 10th", steps)()
    start = time.process_time()
    records = recorder.records
    return (time.process_time() - start) / len(records)


MODES = ("none", "every 10th", "switched off")
