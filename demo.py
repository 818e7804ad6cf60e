"""The main job: train a small network on handwritten digits, then draw one step.

Run with ``python demo.py`` from the checkout (or ``make demo``). It trains
a 64-64-10 ReLU network with softmax cross-entropy and mini-batch gradient
descent with momentum on scikit-learn's 8x8 digits, printing the cost of
every epoch under a progress bar, and reports the accuracy on held-out
digits. A ``tg.Recorder`` watches every 9th of the 900 steps (100 steps
recorded); ``out/training.html`` replays them: the cost and accuracy
curves, the health of each layer, the spread of its weights, gradients and
activations, and the graph of four digits at each recorded step. Then it
draws the graph of one forward and backward pass on a few examples, with
the notes' composed softmax + cross-entropy so the u-variables show, into
``out/graph.svg`` and ``out/steps.html``, and says how to open the pages.

It lives at the top of the checkout, above both packages, because it uses
both: the engine (``tinygraph``) must not depend on the drawing package, and
``visualize`` only draws graphs, so a program that trains and then draws
belongs to neither.
"""

import os
import sys
import time
from pathlib import Path

import numpy as np

import tinygraph as tg
import visualize

EPOCHS = 20
BATCH_SIZE = 32
LEARNING_RATE = 0.05
MOMENTUM = 0.9
HIDDEN = 64
SEED = 0
RECORD_EVERY = 9  # 45 batches an epoch, 20 epochs: 100 steps recorded
OUT = "out"


def accuracy(model, X, Y):
    """The fraction of columns whose largest output is the labelled class."""
    model.eval()
    with tg.no_grad():
        predicted = model(X).data.argmax(axis=0)
    model.train()
    return float(np.mean(predicted == Y.argmax(axis=0)))


def train(data, out=sys.stdout):
    """Train the network on ``data`` (a ``tg.datasets.Dataset``).

    Returns the model and the ``tg.Recorder`` that watched it.
    """
    rng = np.random.default_rng(SEED)
    n_features, n_classes = data.X_train.shape[0], data.Y_train.shape[0]
    model = tg.nn.Sequential(
        tg.nn.Linear(n_features, HIDDEN, rng=rng, init="he"),
        tg.nn.ReLU(),
        tg.nn.Linear(HIDDEN, n_classes, rng=rng),
    )
    cost = tg.nn.cross_entropy_with_logits  # stable and exactly softmax + log-loss
    optimizer = tg.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    recorder = tg.Recorder(model, cost, every=RECORD_EVERY,
                           test=(data.X_test, data.Y_test))
    m = data.X_train.shape[1]
    n_batches = -(-m // BATCH_SIZE)
    # tqdm's bar (on standard error, only in a terminal); the epochs' lines
    # go to ``out`` above it
    bar = visualize.progress(total=EPOCHS * n_batches, desc="training",
                             unit="step", disable=None)
    for epoch in range(1, EPOCHS + 1):
        total_cost = 0.0
        batches = tg.data.batches(data.X_train, data.Y_train, BATCH_SIZE, rng=rng)
        for X, Y in batches:
            J = cost(model(X), Y)
            optimizer.zero_grad()
            J.backward()
            with recorder.step(J, X, Y):  # copies a few arrays every 9th step
                optimizer.step()
            total_cost += J.item() * X.shape[1]
            bar.update()
        bar.write(f"epoch {epoch:2d}/{EPOCHS}  cost {total_cost / m:.4f}", file=out)
    bar.close()
    return model, recorder


def draw_one_step(model, data, directory=OUT, examples=4):
    """Draw the graph of one forward and backward pass on a few test digits."""
    X = tg.tensor(data.X_test[:, :examples], name="X")
    Y = data.Y_test[:, :examples]
    # the composed cost (softmax node, then the notes' u-variables)
    A = tg.nn.softmax(model(X)).named("A2")
    J = tg.nn.cross_entropy(A, Y).named("J")
    model.zero_grad()
    J.backward()
    os.makedirs(directory, exist_ok=True)
    written = []
    try:
        written.append(visualize.render(J, os.path.join(directory, "graph.svg")))
    except visualize.GraphvizMissingError as err:
        print(f"no SVG drawing: {err}")
    written.append(visualize.step_through(J, os.path.join(directory, "steps.html")))
    return written


def write_training_page(recorder, directory=OUT):
    """The page that replays the recorded steps; returns its path."""
    path = os.path.join(directory, "training.html")
    visualize.training_page(recorder, path,
                            title="Digits: a 64-64-10 ReLU network learning")
    return path


def how_to_open(page, training_page):
    """Lines saying how to look at the two pages."""
    return [
        "To watch the network learn, step by step, open in a web browser:",
        f"    {Path(training_page).resolve().as_uri()}",
        "To step through the backward pass, open the page in a web browser:",
        f"    {Path(page).resolve().as_uri()}",
        "Each is one self-contained file: on a machine without a screen, copy",
        "it to your own (for example with scp) and open it there. The slider",
        "and the play button choose the training step; on the backward pass,",
        "the arrow keys or the previous, next and play buttons move from node",
        "to node.",
    ]


def main():
    """Train, report the held-out accuracy, then draw one step into ``out/``."""
    start = time.perf_counter()
    data = tg.datasets.digits(test_fraction=0.2, seed=SEED)
    print(
        f"digits: {data.X_train.shape[1]} training and {data.X_test.shape[1]} "
        f"held-out images of {data.X_train.shape[0]} pixels, "
        f"{data.Y_train.shape[0]} classes"
    )
    model, recorder = train(data)
    print(f"held-out accuracy: {accuracy(model, data.X_test, data.Y_test):.1%}")
    print(f"training took {time.perf_counter() - start:.1f} s")
    start = time.perf_counter()
    training_page = write_training_page(recorder)
    size = os.path.getsize(training_page) / 1e6
    print(f"wrote {training_page}: {len(recorder.records)} recorded steps, "
          f"{size:.1f} MB, in {time.perf_counter() - start:.1f} s")
    written = draw_one_step(model, data)
    for path in written:
        print(f"wrote {path}")
    print("\n".join(how_to_open(written[-1], training_page)))


if __name__ == "__main__":
    main()
