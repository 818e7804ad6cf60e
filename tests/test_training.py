"""End-to-end training with fixed seeds and bounded epochs: the pieces of
tg.nn, tg.optim and tg.data together reach known accuracies."""

import numpy as np
import pytest

import tinygraph as tg


def fit(
    model, cost, X, Y, epochs, lr, momentum=0.9, batch_size=32, seed=0, penalty=None
):
    """Mini-batch gradient descent; returns the cost of each epoch."""
    rng = np.random.default_rng(seed)
    optimizer = tg.optim.SGD(model.parameters(), lr=lr, momentum=momentum)
    history = []
    for _ in range(epochs):
        total = 0.0
        for xb, yb in tg.data.batches(X, Y, batch_size, rng=rng):
            J = cost(model(xb), yb)
            if penalty is not None:
                J = J + penalty(xb.shape[1])
            optimizer.zero_grad()
            J.backward()
            optimizer.step()
            total += J.item() * xb.shape[1]
        history.append(total / X.shape[1])
    return history


def predict(model, X):
    model.eval()
    with tg.no_grad():
        out = model(X).data
    model.train()
    return out


def test_digits_mlp_reaches_95_percent_on_held_out_digits():
    pytest.importorskip("sklearn")
    data = tg.datasets.digits(seed=0)
    rng = np.random.default_rng(0)
    model = tg.nn.Sequential(
        tg.nn.Linear(64, 32, rng=rng, init="he"),
        tg.nn.ReLU(),
        tg.nn.Dropout(0.1, rng=rng),
        tg.nn.Linear(32, 10, rng=rng),
    )
    history = fit(
        model,
        tg.nn.cross_entropy_with_logits,
        data.X_train,
        data.Y_train,
        epochs=10,
        lr=0.05,
    )
    assert history[-1] < history[0] / 5
    accuracy = np.mean(predict(model, data.X_test).argmax(0) == data.Y_test.argmax(0))
    assert accuracy >= 0.95


def test_breast_cancer_with_the_notes_composed_cost_reaches_95_percent():
    pytest.importorskip("sklearn")
    data = tg.datasets.breast_cancer(seed=0)
    rng = np.random.default_rng(1)
    model = tg.nn.Sequential(
        tg.nn.Linear(30, 16, rng=rng),
        tg.nn.Tanh(),
        tg.nn.Linear(16, 1, rng=rng),
        tg.nn.Sigmoid(),
    )
    weights = [model[0].W, model[2].W]
    history = fit(
        model,
        tg.nn.binary_cross_entropy,
        data.X_train,
        data.Y_train,
        epochs=15,
        lr=0.05,
        penalty=lambda m: tg.nn.l2_penalty(weights, 0.01, m),
    )
    assert history[-1] < history[0]
    accuracy = np.mean((predict(model, data.X_test) > 0.5) == (data.Y_test == 1))
    assert accuracy >= 0.95


def test_diabetes_regression_beats_predicting_the_mean():
    pytest.importorskip("sklearn")
    data = tg.datasets.diabetes(seed=0)
    model = tg.nn.Sequential(tg.nn.Linear(10, 1, rng=0), tg.nn.Identity())
    fit(model, tg.nn.mse, data.X_train, data.Y_train, epochs=30, lr=0.01, batch_size=16)
    residual = predict(model, data.X_test) - data.Y_test
    baseline = data.Y_test - data.Y_train.mean()
    r_squared = 1 - np.sum(residual**2) / np.sum(baseline**2)
    # linear least squares reaches an R^2 of about 0.45 on this split
    design = np.vstack([data.X_train, np.ones((1, data.X_train.shape[1]))]).T
    coef, *_ = np.linalg.lstsq(design, data.Y_train[0], rcond=None)
    test_design = np.vstack([data.X_test, np.ones((1, data.X_test.shape[1]))]).T
    best = 1 - np.sum((test_design @ coef - data.Y_test[0]) ** 2) / np.sum(baseline**2)
    assert r_squared > 0.3 and r_squared > best - 0.05


def test_noisy_linear_batch_gradient_descent_recovers_the_line():
    X, Y, _, _ = tg.datasets.noisy_linear(200, n_features=3, noise=0.05, seed=0)
    layer = tg.nn.Linear(3, 1, rng=0)
    history = fit(
        layer, tg.nn.mse, X, Y, epochs=300, lr=0.3, momentum=0.0, batch_size=200
    )
    design = np.vstack([X, np.ones((1, 200))]).T
    coef, *_ = np.linalg.lstsq(design, Y[0], rcond=None)
    np.testing.assert_allclose(layer.W.data[0], coef[:3], atol=1e-6)
    np.testing.assert_allclose(layer.b.data[0, 0], coef[3], atol=1e-6)
    assert history[-1] == pytest.approx(0.05**2 / 2, rel=0.3)


def test_xor_needs_a_hidden_layer_and_learns_with_one():
    X, Y, _, _ = tg.datasets.xor(200, noise=0.1, seed=0)
    rng = np.random.default_rng(0)
    model = tg.nn.Sequential(
        tg.nn.Linear(2, 8, rng=rng), tg.nn.Tanh(), tg.nn.Linear(8, 1, rng=rng)
    )
    fit(
        model,
        tg.nn.binary_cross_entropy_with_logits,
        X,
        Y,
        epochs=40,
        lr=0.1,
        batch_size=20,
    )
    assert np.mean((predict(model, X) > 0) == (Y == 1)) == 1.0
    linear = tg.nn.Linear(2, 1, rng=0)
    fit(
        linear,
        tg.nn.binary_cross_entropy_with_logits,
        X,
        Y,
        epochs=40,
        lr=0.1,
        batch_size=20,
    )
    assert np.mean((predict(linear, X) > 0) == (Y == 1)) < 0.8


def test_multilabel_set_learns_every_label():
    X, Y, _, _ = tg.datasets.multilabel(
        400, n_features=4, n_labels=3, noise=0.1, seed=0
    )
    model = tg.nn.Linear(4, 3, rng=0)
    fit(model, tg.nn.multilabel_bce_with_logits, X, Y, epochs=30, lr=0.1)
    per_label = np.mean((predict(model, X) > 0) == (Y == 1), axis=1)
    assert np.all(per_label >= 0.93)  # the noise flips a few labels near the boundary


def test_training_is_reproducible_with_fixed_seeds():
    X, Y, _, _ = tg.datasets.spirals(120, classes=3, seed=0)

    def train():
        rng = np.random.default_rng(5)
        model = tg.nn.Sequential(
            tg.nn.Linear(2, 16, rng=rng), tg.nn.ReLU(), tg.nn.Linear(16, 3, rng=rng)
        )
        return fit(
            model, tg.nn.cross_entropy_with_logits, X, Y, epochs=3, lr=0.1, seed=5
        )

    assert train() == train()


def test_demo_trains_to_95_percent_and_writes_the_drawing(
    tmp_path, monkeypatch, capsys
):
    pytest.importorskip("sklearn")
    import demo  # demo.py, at the top of the checkout

    monkeypatch.chdir(tmp_path)
    demo.main()
    out = capsys.readouterr().out
    epochs = [line for line in out.splitlines() if line.startswith("epoch")]
    assert len(epochs) == demo.EPOCHS and all("cost" in line for line in epochs)
    accuracy = float(out.split("held-out accuracy: ")[1].split("%")[0]) / 100
    assert accuracy >= 0.95
    page = tmp_path / "out" / "steps.html"
    assert page.stat().st_size > 0
    assert "open the page in a web browser" in out and page.as_uri() in out
    svg = tmp_path / "out" / "graph.svg"
    assert svg.exists() or "no SVG drawing" in out
