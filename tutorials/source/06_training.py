# %% [markdown]
# # 6. Training: batch, mini-batch and online gradient descent, and momentum
#
# **What you will learn**
#
# * the gradient descent update `W := W - α ∇_W J` of the notes, and that
#   `tg.optim.SGD` does exactly that,
# * the three ways to choose which examples go into `∇J`: all of them (batch),
#   one at a time (online, or stochastic), or a few dozen (mini-batch), and how
#   their cost curves differ per epoch and per update,
# * momentum: a velocity that remembers past steps, and what it does to the
#   cost curve,
# * a complete training loop on real data: scikit-learn's handwritten digits.
#
# **Follows:** [002] (Wedgwood, *Artificial Neural Networks*), section 10
# *Optimisation / Learning* (10.1-10.4; the notes leave momentum as a TODO, so
# we state the usual heavy-ball rule ourselves). The texts are listed in the
# README's [references](../README.md#references).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from tutorial_checks import check, close

import tinygraph as tg

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The data
#
# 8×8 images of handwritten digits, flattened to 64 features and standardised;
# one column per image, one-hot labels over the 10 digits. `tg.datasets`
# returns a training part and a held-out test part.

# %%
data = tg.datasets.digits()
X, Y = data.X_train, data.Y_train
m = X.shape[1]
print("X_train", X.shape, " Y_train", Y.shape, " X_test", data.X_test.shape)

fig, axes = plt.subplots(1, 8, figsize=(8, 1.3))
raw = X  # standardised pixels: dark = above the average for that pixel
for i, ax in enumerate(axes):
    ax.imshow(raw[:, i].reshape(8, 8), cmap="gray_r")
    ax.set_title(int(Y[:, i].argmax()))
    ax.axis("off")
plt.show()

# %% [markdown]
# ## One gradient descent step, checked
#
# The notes' batch update (10.1) is `W := W - α ∇_W J` for every layer, and
# the same for `b`. Before trusting `tg.optim.SGD` with it, we check one step
# against the rule written out by hand.


# %%
def make_net(seed=0):
    return tg.nn.Sequential(
        tg.nn.Linear(64, 32, rng=seed), tg.nn.Tanh(), tg.nn.Linear(32, 10, rng=seed + 1)
    )


net = make_net()
before = [p.data.copy() for p in net.parameters()]
opt = tg.optim.SGD(net.parameters(), lr=0.5)
opt.zero_grad()
tg.nn.cross_entropy_with_logits(net(X), Y).backward()
grads = [p.grad.copy() for p in net.parameters()]
opt.step()
for p, w0, g in zip(net.parameters(), before, grads):
    assert close(p.data, w0 - 0.5 * g)
print("one SGD step = W - α ∇J for all", len(before), "parameter arrays")

# %% [markdown]
# ## Batch, mini-batch and online
#
# All three run the same update; they differ in the examples behind `∇J`.
# `tg.data.batches(X, Y, batch_size)` cuts the (shuffled) columns into
# batches: `batch_size = m` is batch gradient descent, `1` is online. An
# *epoch* is one pass over the training set, so an epoch is 1 update for batch
# gradient descent and `m` updates online.
#
# After each epoch we record the cost on the whole training set (without
# recording a graph) and the accuracy on the held-out test set.


# %%
def evaluate(net):
    with tg.no_grad():
        J = tg.nn.cross_entropy_with_logits(net(X), Y).item()
        predicted = net(data.X_test).data.argmax(axis=0)
    return J, (predicted == data.Y_test.argmax(axis=0)).mean()


def train(batch_size, lr, epochs, momentum=0.0, seed=0):
    net = make_net(seed)
    opt = tg.optim.SGD(net.parameters(), lr=lr, momentum=momentum)
    rng = np.random.default_rng(seed)
    history = [evaluate(net)]
    for _ in range(epochs):
        for Xb, Yb in tg.data.batches(X, Y, batch_size, rng=rng):
            opt.zero_grad()
            tg.nn.cross_entropy_with_logits(net(Xb), Yb).backward()
            opt.step()
        history.append(evaluate(net))
    return np.array(history)


sizes = {1: m, 32: int(np.ceil(m / 32)), m: 1}  # updates per epoch
for size, updates in sizes.items():
    assert len(list(tg.data.batches(X, Y, size))) == updates

epochs = 8
runs = {
    "batch (m)": (m, 0.5),
    "mini-batch (32)": (32, 0.1),
    "online (1)": (1, 0.01),
}
results = {name: train(size, lr, epochs) for name, (size, lr) in runs.items()}
for name, h in results.items():
    print(
        f"{name:16s} cost after {epochs} epochs {h[-1, 0]:.3f}, "
        f"test accuracy {h[-1, 1]:.3f}"
    )

# %%
fig, axes = plt.subplots(1, 2, figsize=(11, 3.5))
for name, h in results.items():
    size = runs[name][0]
    updates_per_epoch = int(np.ceil(m / size))
    axes[0].plot(range(epochs + 1), h[:, 0], marker="o", label=name)
    axes[1].semilogx(
        np.arange(epochs + 1) * updates_per_epoch + 1, h[:, 0], marker="o", label=name
    )
axes[0].set_xlabel("epoch (passes over the data)")
axes[1].set_xlabel("number of updates + 1")
for ax in axes:
    ax.set_ylabel("training cost J")
    ax.legend()
fig.tight_layout()
plt.show()

# %% [markdown]
# Per epoch, batch gradient descent is by far the slowest: it takes one careful
# step per pass over the data. Online and mini-batch descent take many cheap,
# noisy steps and get far further in the same number of passes. Per update,
# the picture reverses: each batch step is better informed. Mini-batches sit
# in between, and NumPy processes 32 columns for roughly the price of one,
# which is why they are the default in practice.

# %%
final = {name: h[-1, 0] for name, h in results.items()}
assert final["mini-batch (32)"] < final["batch (m)"]
assert final["online (1)"] < final["batch (m)"]
assert results["mini-batch (32)"][-1, 1] > 0.9

# %% [markdown]
# ## Momentum
#
# With momentum rate `μ`, the update keeps a velocity `V` (one per parameter,
# starting at zero):
#
# $$V := \mu V - \alpha \nabla_W J, \qquad W := W + V.$$
#
# Steps that keep pointing the same way add up; steps that flip sign cancel.
# First the rule, checked against `tg.optim.SGD` for two steps on
# `J = sum(w^2)`:

# %%
w = tg.tensor([1.0, -2.0], requires_grad=True)
opt = tg.optim.SGD([w], lr=0.1, momentum=0.9)
V, w_hand = np.zeros(2), np.array([1.0, -2.0])
for _ in range(2):
    opt.zero_grad()
    (w * w).sum().backward()
    opt.step()
    V = 0.9 * V - 0.1 * (2 * w_hand)  # dJ/dw = 2w
    w_hand = w_hand + V
    assert close(w.data, w_hand)
print("two momentum steps match the rule:", w.data)

# %% [markdown]
# Now batch gradient descent on the digits, with and without momentum, for the
# same learning rate and number of updates:

# %%
plain = train(m, 0.5, 40)
heavy = train(m, 0.5, 40, momentum=0.9)
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(plain[:, 0], label="no momentum")
ax.plot(heavy[:, 0], label="momentum 0.9")
ax.set_xlabel("update (batch gradient descent)")
ax.set_ylabel("training cost J")
ax.legend()
plt.show()
print(f"after 40 updates: plain {plain[-1, 0]:.3f}, momentum {heavy[-1, 0]:.3f}")
assert heavy[-1, 0] < plain[-1, 0]

# %% [markdown]
# ## Exercises
#
# **1.** With the 1438 training columns and a batch size of 100, how many
# updates does one epoch make? (The last batch may be smaller.)

# %%
answer_1 = ...

# %%
check(answer_1, len(list(tg.data.batches(X, Y, 100))), "updates per epoch")

# %% [markdown]
# **2.** `J(w) = (w1 - 3)^2 + w2^2`, starting from `w = [0, 1]`. Give `w` after
# one plain gradient descent step with `α = 0.25`.

# %%
answer_2 = ...


# %%
def after_steps(steps, lr, momentum=0.0):
    w = tg.tensor([0.0, 1.0], requires_grad=True)
    opt = tg.optim.SGD([w], lr=lr, momentum=momentum)
    for _ in range(steps):
        opt.zero_grad()
        ((w - np.array([3.0, 0.0])) ** 2).sum().backward()
        opt.step()
    return w.data


check(answer_2, after_steps(1, 0.25), "w after one step")

# %% [markdown]
# **3.** Same cost and start, `α = 0.25`, momentum `μ = 0.5`: give `w` after
# **two** steps.

# %%
answer_3 = ...

# %%
check(answer_3, after_steps(2, 0.25, momentum=0.5), "w after two momentum steps")
