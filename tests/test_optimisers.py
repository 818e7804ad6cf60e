"""SGD's Nesterov momentum and weight decay, Adam, AdamW and RMSprop: each
against its update written by hand in NumPy over several steps, and
(optionally) against torch.optim on the same gradients; float32 kept, the
shared checks, and bad settings refused."""

import math

import numpy as np
import pytest

import tinygraph as tg

RNG = np.random.default_rng(10)
W0 = RNG.normal(size=(3, 2))
# fixed gradients, one per step, of W's shape; big and small entries mixed
GRADS = [RNG.normal(scale=s, size=(3, 2)) for s in (1.0, 0.1, 3.0, 0.5, 1.0, 2.0)]


def run(make, grads=GRADS, dtype=np.float64):
    """Positions of W after each step of ``make([W])`` on ``grads``."""
    w = tg.tensor(W0.astype(dtype), requires_grad=True)
    opt = make([w])
    history = []
    for g in grads:
        opt.zero_grad()
        w.grad = g.astype(dtype)
        opt.step()
        history.append(w.numpy().copy())
    return history


# ----- hand-written NumPy references -----------------------------------------


def np_sgd(lr, mu=0.0, nesterov=False, weight_decay=0.0):
    w, v = W0.copy(), np.zeros_like(W0)
    history = []
    for g in GRADS:
        g = g + weight_decay * w
        v = mu * v - lr * g  # V := mu V - alpha dJ/dW
        w = w + (mu * v - lr * g if nesterov else v)
        history.append(w)
    return history


def np_adam(lr, betas=(0.9, 0.999), eps=1e-8, weight_decay=0.0, decoupled=False):
    b1, b2 = betas
    w, m, s = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    history = []
    for t, g in enumerate(GRADS, start=1):
        if decoupled:
            w = w * (1 - lr * weight_decay)
        else:
            g = g + weight_decay * w
        m = b1 * m + (1 - b1) * g
        s = b2 * s + (1 - b2) * g**2
        m_hat, s_hat = m / (1 - b1**t), s / (1 - b2**t)
        w = w - lr * m_hat / (np.sqrt(s_hat) + eps)
        history.append(w)
    return history


def np_rmsprop(lr, rho=0.99, eps=1e-8, weight_decay=0.0, mu=0.0):
    w, s, b = W0.copy(), np.zeros_like(W0), np.zeros_like(W0)
    history = []
    for g in GRADS:
        g = g + weight_decay * w
        s = rho * s + (1 - rho) * g**2
        b = mu * b + g / (np.sqrt(s) + eps)
        w = w - lr * b
        history.append(w)
    return history


optim = tg.optim
CASES = [
    (
        "sgd-nesterov",
        lambda p: optim.SGD(p, 0.1, 0.9, nesterov=True),
        np_sgd(0.1, 0.9, True),
    ),
    (
        "sgd-weight-decay",
        lambda p: optim.SGD(p, 0.1, 0.8, weight_decay=0.3),
        np_sgd(0.1, 0.8, weight_decay=0.3),
    ),
    (
        "sgd-nesterov-weight-decay",
        lambda p: optim.SGD(p, 0.05, 0.5, nesterov=True, weight_decay=0.1),
        np_sgd(0.05, 0.5, True, 0.1),
    ),
    ("adam-defaults", lambda p: optim.Adam(p), np_adam(1e-3)),
    (
        "adam",
        lambda p: optim.Adam(p, lr=0.1, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.2),
        np_adam(0.1, (0.8, 0.9), 1e-3, 0.2),
    ),
    (
        "adamw-defaults",
        lambda p: optim.AdamW(p),
        np_adam(1e-3, weight_decay=1e-2, decoupled=True),
    ),
    (
        "adamw",
        lambda p: optim.AdamW(p, lr=0.1, betas=(0.5, 0.6), eps=1e-4, weight_decay=0.5),
        np_adam(0.1, (0.5, 0.6), 1e-4, 0.5, decoupled=True),
    ),
    ("rmsprop-defaults", lambda p: optim.RMSprop(p), np_rmsprop(1e-2)),
    (
        "rmsprop-momentum",
        lambda p: optim.RMSprop(
            p, lr=0.05, alpha=0.8, eps=1e-3, weight_decay=0.1, momentum=0.7
        ),
        np_rmsprop(0.05, 0.8, 1e-3, 0.1, 0.7),
    ),
]
IDS = [c[0] for c in CASES]


@pytest.mark.parametrize("name, make, reference", CASES, ids=IDS)
def test_optimiser_follows_its_update_written_in_numpy(name, make, reference):
    expected = reference
    got = run(make)
    assert len(got) == len(expected) == len(GRADS)
    for step, (ours, theirs) in enumerate(zip(got, expected)):
        np.testing.assert_allclose(
            ours, theirs, rtol=1e-13, atol=1e-15, err_msg=f"{name}, step {step + 1}"
        )
    assert not np.allclose(got[-1], W0)  # it moved


TORCH = {
    "sgd-nesterov": ("SGD", dict(lr=0.1, momentum=0.9, nesterov=True)),
    "sgd-weight-decay": ("SGD", dict(lr=0.1, momentum=0.8, weight_decay=0.3)),
    "sgd-nesterov-weight-decay": (
        "SGD",
        dict(lr=0.05, momentum=0.5, nesterov=True, weight_decay=0.1),
    ),
    "adam-defaults": ("Adam", {}),
    "adam": ("Adam", dict(lr=0.1, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.2)),
    "adamw-defaults": ("AdamW", {}),
    "adamw": ("AdamW", dict(lr=0.1, betas=(0.5, 0.6), eps=1e-4, weight_decay=0.5)),
    "rmsprop-defaults": ("RMSprop", {}),
    "rmsprop-momentum": (
        "RMSprop",
        dict(lr=0.05, alpha=0.8, eps=1e-3, weight_decay=0.1, momentum=0.7),
    ),
}


@pytest.mark.parametrize("name, make, reference", CASES, ids=IDS)
def test_optimiser_matches_torch_on_the_same_gradients(name, make, reference):
    torch = pytest.importorskip("torch")
    cls, settings = TORCH[name]
    wt = torch.tensor(W0.copy(), requires_grad=True)
    opt = getattr(torch.optim, cls)([wt], **settings)
    for step, (ours, g) in enumerate(zip(run(make), GRADS)):
        opt.zero_grad()
        wt.grad = torch.tensor(g)
        opt.step()
        np.testing.assert_allclose(
            ours,
            wt.detach().numpy(),
            rtol=1e-12,
            atol=1e-14,
            err_msg=f"{name}, step {step + 1}",
        )


def test_optimisers_have_torchs_defaults():
    w = [tg.tensor([1.0], requires_grad=True)]
    adam, adamw, rms = optim.Adam(w), optim.AdamW(w), optim.RMSprop(w)
    assert (adam.lr, adam.betas, adam.eps, adam.weight_decay) == (
        1e-3,
        (0.9, 0.999),
        1e-8,
        0.0,
    )
    assert (adamw.lr, adamw.betas, adamw.eps, adamw.weight_decay) == (
        1e-3,
        (0.9, 0.999),
        1e-8,
        1e-2,
    )
    assert (rms.lr, rms.alpha, rms.eps, rms.weight_decay, rms.momentum) == (
        1e-2,
        0.99,
        1e-8,
        0.0,
        0.0,
    )


def test_adam_first_step_is_lr_against_the_gradients_sign():
    # M_hat = g and S_hat = g^2 after one step: the step is alpha g/(|g| + eps)
    (w,) = run(lambda p: optim.Adam(p, lr=0.01, eps=0.0), GRADS[:1])
    np.testing.assert_allclose(w, W0 - 0.01 * np.sign(GRADS[0]), rtol=1e-14)


@pytest.mark.parametrize("name, make, reference", CASES, ids=IDS)
def test_optimiser_keeps_float32(name, make, reference):
    got = run(make, dtype=np.float32)
    assert all(w.dtype == np.float32 for w in got)
    np.testing.assert_allclose(got[-1], reference[-1], rtol=1e-4, atol=1e-5)


@pytest.mark.parametrize("make", [c[1] for c in CASES], ids=IDS)
def test_optimiser_assigns_a_new_array_and_skips_parameters_without_gradient(make):
    w = tg.tensor(W0.copy(), requires_grad=True)
    idle = tg.tensor([5.0], requires_grad=True)
    opt = make([w, idle])
    before = w.numpy()
    w.grad = GRADS[0].copy()
    opt.step()
    assert w.numpy() is not before  # a graph holding the old array keeps it
    np.testing.assert_array_equal(before, W0)
    assert idle.data[0] == 5.0
    opt.zero_grad()
    assert w.grad is None and idle.grad is None


def test_adam_counts_steps_per_parameter_as_torch_does():
    # b gets no gradient in the first step, so its bias correction starts later
    a = tg.tensor([1.0], requires_grad=True)
    b = tg.tensor([1.0], requires_grad=True)
    opt = optim.Adam([a, b], lr=0.1, eps=0.0)
    a.grad = np.array([2.0])
    opt.step()
    opt.zero_grad()
    a.grad, b.grad = np.array([2.0]), np.array([-3.0])
    opt.step()
    assert opt.steps == [2, 1]
    assert b.data[0] == pytest.approx(1.1, rel=1e-14)  # a first step: alpha
    assert a.data[0] == pytest.approx(0.8, rel=1e-14)  # a constant g: alpha each


@pytest.mark.parametrize("cls", [optim.Adam, optim.AdamW, optim.RMSprop])
def test_new_optimisers_share_sgds_checks(cls):
    name = cls.__name__
    W = tg.tensor(np.ones((2, 2)), requires_grad=True, name="W")
    with pytest.raises(ValueError, match=f"{name}: params is empty"):
        cls([])
    with pytest.raises(ValueError, match=rf"{name}: params\[0\] and params\[1\] are"):
        cls([W, W])
    with pytest.raises(
        ValueError,
        match=rf"{name}: params\[0\] \(x, shape \(1,\)\) "
        "does not require",
    ):
        cls([tg.tensor([1.0], name="x")])
    with pytest.raises(ValueError, match=f"{name}: lr .* must be a positive number"):
        cls([W], lr=0.0)
    b = tg.tensor(np.ones(2), requires_grad=True)
    opt = cls([b, W])
    b.grad, W.grad = np.ones(2), np.ones((1, 2))  # would broadcast silently
    with pytest.raises(ValueError, match=rf"{name}.step: params\[1\] \(W\) has shape"):
        opt.step()
    np.testing.assert_array_equal(b.data, np.ones(2))  # nothing moved


@pytest.mark.parametrize(
    "make, message",
    [
        (
            lambda p: optim.SGD(p, 0.1, nesterov=True),
            r"SGD: nesterov=True needs a momentum",
        ),
        (
            lambda p: optim.SGD(p, 0.1, weight_decay=-1),
            r"SGD: weight_decay must be a "
            r"number in \[0, inf\), got -1",
        ),
        (
            lambda p: optim.Adam(p, betas=(0.9, 1.0)),
            r"Adam: betas\[1\] must be a number "
            r"in \[0, 1\), got 1.0",
        ),
        (lambda p: optim.Adam(p, betas=0.9), r"Adam: betas must be a pair"),
        (
            lambda p: optim.AdamW(p, eps=-1e-8),
            r"AdamW: eps must be a number in \[0, inf",
        ),
        (lambda p: optim.AdamW(p, weight_decay=math.nan), r"AdamW: weight_decay must"),
        (
            lambda p: optim.RMSprop(p, alpha=1.5),
            r"RMSprop: alpha \(the smoothing "
            r"constant\) must be a number in \[0, 1\)",
        ),
        (lambda p: optim.RMSprop(p, momentum=True), r"RMSprop: momentum must be"),
    ],
)
def test_bad_settings_are_refused(make, message):
    with pytest.raises(ValueError, match=message):
        make([tg.tensor([1.0], requires_grad=True)])
