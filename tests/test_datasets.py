"""tg.datasets: generated teaching sets and the scikit-learn loaders."""

import sys

import numpy as np
import pytest

import tinygraph as tg

GENERATED = [
    ("moons", {}, 2, 1),
    ("xor", {}, 2, 1),
    ("spirals", {"classes": 4}, 2, 4),
    ("noisy_linear", {"n_features": 3}, 3, 1),
    ("multilabel", {"n_features": 5, "n_labels": 3}, 5, 3),
]
GENERATED_IDS = [g[0] for g in GENERATED]


@pytest.mark.parametrize("name, kwargs, n_x, n_y", GENERATED, ids=GENERATED_IDS)
def test_generated_sets_are_features_by_examples_and_repeat_with_the_seed(
    name, kwargs, n_x, n_y
):
    make = getattr(tg.datasets, name)
    data = make(120, seed=1, **kwargs)
    assert isinstance(data, tg.datasets.Dataset)
    assert data.X_train.shape == (n_x, 120) and data.Y_train.shape == (n_y, 120)
    # a quarter as many fresh test columns by default: a fifth of all held out
    assert data.X_test.shape == (n_x, 30) and data.Y_test.shape == (n_y, 30)
    again = make(120, seed=1, **kwargs)
    for part, repeat in zip(data, again):
        np.testing.assert_array_equal(part, repeat)
    assert not np.array_equal(data.X_train, make(120, seed=2, **kwargs).X_train)


@pytest.mark.parametrize("name, kwargs, n_x, n_y", GENERATED, ids=GENERATED_IDS)
def test_generated_test_columns_are_new_draws_and_leave_training_alone(
    name, kwargs, n_x, n_y
):
    make = getattr(tg.datasets, name)
    data = make(40, seed=3, m_test=25, **kwargs)
    assert data.X_test.shape == (n_x, 25) and data.Y_test.shape == (n_y, 25)
    # the test columns are drawn after the training ones, so asking for more
    # (or none) changes nothing in the training set
    alone = make(40, seed=3, m_test=0, **kwargs)
    np.testing.assert_array_equal(alone.X_train, data.X_train)
    np.testing.assert_array_equal(alone.Y_train, data.Y_train)
    assert alone.X_test.shape == (n_x, 0) and alone.Y_test.shape == (n_y, 0)
    train_points = {tuple(column) for column in data.X_train.T}
    assert not any(tuple(column) in train_points for column in data.X_test.T)


def test_every_data_set_unpacks_the_same_way():
    X, Y, X_test, Y_test = tg.datasets.moons(8, seed=0)
    assert X.shape == (2, 8) and Y_test.shape == (1, 2)
    assert tg.datasets.Dataset._fields == ("X_train", "Y_train", "X_test", "Y_test")


def test_classification_labels_are_zero_one_or_one_hot():
    for make in (tg.datasets.moons, tg.datasets.xor, tg.datasets.multilabel):
        data = make(100, seed=0)
        for Y in (data.Y_train, data.Y_test):
            assert set(np.unique(Y)) <= {0.0, 1.0}
    data = tg.datasets.spirals(99, classes=3, m_test=30, seed=0)
    np.testing.assert_array_equal(data.Y_train.sum(axis=0), 1.0)
    np.testing.assert_array_equal(data.Y_train.sum(axis=1), 33.0)
    np.testing.assert_array_equal(data.Y_test.sum(axis=1), 10.0)


def test_xor_labels_are_one_where_the_corner_signs_differ():
    X, Y, X_test, Y_test = tg.datasets.xor(200, noise=0.0, seed=0)
    np.testing.assert_array_equal(Y[0], (np.sign(X[0]) != np.sign(X[1])).astype(float))
    np.testing.assert_array_equal(
        Y_test[0], (np.sign(X_test[0]) != np.sign(X_test[1])).astype(float)
    )


def test_moons_are_balanced_and_not_linearly_trivial():
    X, Y, X_test, Y_test = tg.datasets.moons(200, noise=0.0, m_test=60, seed=0)
    assert Y.mean() == 0.5 and Y_test.mean() == 0.5
    # the lower moon's points lie on a unit circle around (1, 0.5)
    lower = X[:, Y[0] == 1]
    np.testing.assert_allclose(np.hypot(lower[0] - 1, lower[1] - 0.5), 1.0, rtol=1e-12)


def test_noisy_linear_target_is_linear_up_to_the_noise_with_one_line_for_both():
    data = tg.datasets.noisy_linear(500, n_features=3, noise=0.1, m_test=500, seed=0)
    fits = []
    for X, Y in [(data.X_train, data.Y_train), (data.X_test, data.Y_test)]:
        design = np.vstack([X, np.ones((1, 500))]).T
        coef, *_ = np.linalg.lstsq(design, Y[0], rcond=None)
        residual = Y[0] - design @ coef
        assert residual.std() == pytest.approx(0.1, rel=0.15)
        fits.append(coef)
    # the same w and b made the training and the test targets
    np.testing.assert_allclose(fits[0], fits[1], atol=0.05)


def test_one_hot_makes_columns_and_rejects_bad_labels():
    np.testing.assert_array_equal(
        tg.datasets.one_hot([1, 0], 3), [[0, 1], [1, 0], [0, 0]]
    )
    with pytest.raises(
        ValueError, match="one_hot: labels must be a 1-D array of integers"
    ):
        tg.datasets.one_hot([0.5, 1.0])
    with pytest.raises(ValueError, match="label 3 is not below n_classes=3"):
        tg.datasets.one_hot([3], 3)


@pytest.mark.parametrize(
    "call, message",
    [
        (lambda: tg.datasets.moons(0), "moons: m must be an integer >= 2"),
        (lambda: tg.datasets.xor(10, noise=-1), "xor: noise must be a number >= 0"),
        (lambda: tg.datasets.spirals(10, classes=1), r"spirals \(classes\)"),
        (lambda: tg.datasets.noisy_linear(10.5), "noisy_linear: m must be an integer"),
        (
            lambda: tg.datasets.multilabel(10, m_test=-1),
            "multilabel: m_test must be an integer >= 0, got -1",
        ),
    ],
)
def test_generators_reject_bad_arguments(call, message):
    with pytest.raises(ValueError, match=message):
        call()


LOADERS = [
    ("digits", 64, 10, 1797),
    ("breast_cancer", 30, 1, 569),
    ("diabetes", 10, 1, 442),
]


@pytest.mark.parametrize("name, n_x, n_y, m", LOADERS, ids=[g[0] for g in LOADERS])
def test_loaders_split_and_standardise_with_training_statistics(name, n_x, n_y, m):
    pytest.importorskip("sklearn")
    data = getattr(tg.datasets, name)(test_fraction=0.25, seed=0)
    m_test = round(0.25 * m)
    assert data.X_train.shape == (n_x, m - m_test) and data.X_test.shape == (
        n_x,
        m_test,
    )
    assert data.Y_train.shape == (n_y, m - m_test) and data.Y_test.shape == (
        n_y,
        m_test,
    )
    np.testing.assert_allclose(data.X_train.mean(axis=1), 0.0, atol=1e-12)
    std = data.X_train.std(axis=1)
    # every feature has unit spread, except pixels blank in every training image
    assert np.all(np.isclose(std, 1.0) | (std == 0))
    assert abs(data.X_test.mean()) < 0.2  # same scaling, different examples


def test_digits_labels_are_one_hot_and_breast_cancer_labels_binary():
    pytest.importorskip("sklearn")
    Y = tg.datasets.digits().Y_train
    np.testing.assert_array_equal(Y.sum(axis=0), 1.0)
    assert set(np.unique(tg.datasets.breast_cancer().Y_train)) == {0.0, 1.0}


def test_diabetes_target_is_standardised():
    pytest.importorskip("sklearn")
    Y = tg.datasets.diabetes().Y_train
    assert Y.mean() == pytest.approx(0.0, abs=1e-12) and Y.std() == pytest.approx(1.0)


def test_train_test_split_checks_its_arguments():
    X, Y = np.ones((2, 10)), np.ones((1, 10))
    with pytest.raises(ValueError, match=r"test_fraction must be in \(0, 1\)"):
        tg.datasets.train_test_split(X, Y, 1.0)
    with pytest.raises(ValueError, match="X has 10 columns but Y has 9"):
        tg.datasets.train_test_split(X, Y[:, :9])


@pytest.mark.parametrize("name", ["digits", "breast_cancer", "diabetes"])
def test_loaders_without_scikit_learn_say_how_to_install_it(monkeypatch, name):
    # a None entry makes ``import sklearn`` raise ImportError
    monkeypatch.setitem(sys.modules, "sklearn", None)
    with pytest.raises(
        ImportError, match=r'needs scikit-learn.*pip install -e "\.\[data\]"'
    ):
        getattr(tg.datasets, name)()
