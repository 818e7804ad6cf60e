"""The main job: train a small network on handwritten digits, then draw one step.

Run with ``python demo.py`` from the checkout (or ``make demo``). It trains
a 64-64-10 ReLU network with softmax cross-entropy and mini-batch gradient
descent with momentum on scikit-learn's 8x8 digits, printing the cost of
every epoch, and reports the accuracy on held-out digits. Then it draws
the graph of one forward and backward pass on a few examples, with the
notes' composed softmax + cross-entropy so the u-variables show, into
``out/graph.svg`` and ``out/steps.html``, and says how to open the page.

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
OUT = "out"


def progress_bar(done, total, width=30):
    """``[#########.....]  12/45``: a text bar, no dependency needed."""
    filled = width * done // total
    return f"[{'#' * filled}{'.' * (width - filled)}] {done:>{len(str(total))}}/{total}"


def accuracy(model, X, Y):
    """The fraction of columns whose largest output is the labelled class."""
    model.eval()
    with tg.no_grad():
        predicted = model(X).data.argmax(axis=0)
    model.train()
    return float(np.mean(predicted == Y.argmax(axis=0)))


def train(data, out=sys.stdout):
    """Train the network on ``data`` (a ``tg.datasets.Dataset``); return it."""
    rng = np.random.default_rng(SEED)
    n_features, n_classes = data.X_train.shape[0], data.Y_train.shape[0]
    model = tg.nn.Sequential(
        tg.nn.Linear(n_features, HIDDEN, rng=rng, init="he"),
        tg.nn.ReLU(),
        tg.nn.Linear(HIDDEN, n_classes, rng=rng),
    )
    optimizer = tg.optim.SGD(model.parameters(), lr=LEARNING_RATE, momentum=MOMENTUM)
    m = data.X_train.shape[1]
    n_batches = -(-m // BATCH_SIZE)
    live = out.isatty()
    for epoch in range(1, EPOCHS + 1):
        total_cost = 0.0
        batches = tg.data.batches(data.X_train, data.Y_train, BATCH_SIZE, rng=rng)
        for i, (X, Y) in enumerate(batches, start=1):
            # the fused cost on logits: stable and exactly softmax + log-loss
            J = tg.nn.cross_entropy_with_logits(model(X), Y)
            optimizer.zero_grad()
            J.backward()
            optimizer.step()
            total_cost += J.item() * X.shape[1]
            if live:
                out.write(f"\repoch {epoch:2d}/{EPOCHS} {progress_bar(i, n_batches)}")
                out.flush()
        line = (
            f"epoch {epoch:2d}/{EPOCHS} {progress_bar(n_batches, n_batches)}  "
            f"cost {total_cost / m:.4f}"
        )
        out.write(("\r" if live else "") + line + "\n")
    return model


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


def how_to_open(page):
    """Lines saying how to look at the step-through page ``page``."""
    return [
        "To step through the backward pass, open the page in a web browser:",
        f"    {Path(page).resolve().as_uri()}",
        "It is one self-contained file: on a machine without a screen, copy it",
        "to your own (for example with scp) and open it there. The arrow keys,",
        "or the previous, next and play buttons, move from node to node.",
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
    model = train(data)
    print(f"held-out accuracy: {accuracy(model, data.X_test, data.Y_test):.1%}")
    print(f"training took {time.perf_counter() - start:.1f} s")
    written = draw_one_step(model, data)
    for path in written:
        print(f"wrote {path}")
    print("\n".join(how_to_open(written[-1])))


if __name__ == "__main__":
    main()
