# %% [markdown]
# # 7. Regularisation: L2, L1 and dropout
#
# **What you will learn**
#
# * what overfitting looks like: a network that fits its training set almost
#   perfectly and does clearly worse on examples it has not seen,
# * the L2 and L1 penalties of the notes, `λ/(2m) Σ w²` and `λ/m Σ |w|`, and
#   their derivatives `λ/m w` and `λ/m sign(w)`, checked against autodiff,
# * what each does to the weights (L2 shrinks all of them, L1 pushes many to
#   exactly zero) and to the gap between training and held-out accuracy,
# * inverted dropout: why kept units are divided by `1 - p`, and that it is
#   switched off at evaluation time.
#
# **Follows:** [002] (Wedgwood, *Artificial Neural Networks*), section 9
# *Regularisation Methods* (9.2 L2, 9.3 L1; 9.4 dropout is a TODO there, so
# we state the usual inverted form ourselves). The texts are listed in the
# README's [references](../README.md#references).

# %%
# %matplotlib inline
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np
from tutorial_checks import check, close

import tinygraph as tg

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The penalties and their derivatives
#
# The notes add a term to the cost that grows with the weights (not the
# biases):
#
# $$J_{L2} = J + \frac{\lambda}{2m}\sum_w w^2, \qquad
# \frac{\partial}{\partial w}\frac{\lambda}{2m}\sum w^2 = \frac{\lambda}{m}w,$$
#
# $$J_{L1} = J + \frac{\lambda}{m}\sum_w |w|, \qquad
# \frac{\partial}{\partial w}\frac{\lambda}{m}\sum |w|
# = \frac{\lambda}{m}\,\mathrm{sign}(w).$$

# %%
rng = np.random.default_rng(7)
W1 = tg.tensor(rng.normal(size=(4, 3)), requires_grad=True, name="W1")
W2 = tg.tensor(rng.normal(size=(2, 4)), requires_grad=True, name="W2")
lam, m = 0.7, 50

R2 = tg.nn.l2_penalty([W1, W2], lam, m)
R2.backward()
assert np.isclose(R2.item(), lam / (2 * m) * (np.sum(W1.data**2) + np.sum(W2.data**2)))
assert close(W1.grad, lam / m * W1.data) and close(W2.grad, lam / m * W2.data)
print("L2: value and derivative λ/m w agree with autodiff")

for W in (W1, W2):
    W.zero_grad()
R1 = tg.nn.l1_penalty([W1, W2], lam, m)
R1.backward()
assert np.isclose(R1.item(), lam / m * (np.abs(W1.data).sum() + np.abs(W2.data).sum()))
assert close(W1.grad, lam / m * np.sign(W1.data)) and close(
    W2.grad, lam / m * np.sign(W2.data)
)
print("L1: value and derivative λ/m sign(w) agree with autodiff")

# %% [markdown]
# In a gradient descent step the L2 term adds `α λ/m w` to the step: every
# weight is first multiplied by `1 - αλ/m` and then moved by the data's
# gradient. That is why L2 is also called *weight decay*. The L1 term instead
# moves every weight by the same amount `αλ/m` towards zero, however small it
# already is, so small weights end up at (or jittering around) zero.

# %%
alpha = 0.1
w = tg.tensor([2.0, -0.5, 0.01], requires_grad=True)
opt = tg.optim.SGD([w], lr=alpha)
tg.nn.l2_penalty([w], lam, m).backward()
opt.step()
assert close(w.data, np.array([2.0, -0.5, 0.01]) * (1 - alpha * lam / m))
print("one L2-only step multiplies w by 1 - αλ/m =", 1 - alpha * lam / m)

w = tg.tensor([2.0, -0.5, 0.01], requires_grad=True)
opt = tg.optim.SGD([w], lr=alpha)
tg.nn.l1_penalty([w], lam, m).backward()
opt.step()
assert close(
    w.data, np.array([2.0, -0.5, 0.01]) - alpha * lam / m * np.array([1, -1, 1])
)
print(f"one L1-only step moves every weight by αλ/m = {alpha * lam / m:g} towards 0")

# %% [markdown]
# ## An overfitting network
#
# To see overfitting on purpose we train a large network, `64 -> 100 -> 10`,
# on only 150 of the digit images and test it on 359 others. Without
# regularisation it fits its 150 examples perfectly.

# %%
data = tg.datasets.digits()
X, Y = data.X_train[:, :150], data.Y_train[:, :150]
X_test, Y_test = data.X_test, data.Y_test
m = X.shape[1]


def accuracy(net, X, Y):
    net.eval()
    with tg.no_grad():
        correct = net(X).data.argmax(axis=0) == Y.argmax(axis=0)
    net.train()
    return correct.mean()


def fit(l2=0.0, l1=0.0, dropout=0.0, epochs=300, lr=0.5, seed=0):
    layers = [tg.nn.Linear(64, 100, rng=seed), tg.nn.Tanh()]
    if dropout:
        layers.append(tg.nn.Dropout(dropout, rng=seed))
    layers.append(tg.nn.Linear(100, 10, rng=seed + 1))
    net = tg.nn.Sequential(*layers)
    weights = [p for p in net.parameters() if p.name.startswith("W")]
    opt = tg.optim.SGD(net.parameters(), lr=lr)
    for _ in range(epochs):
        J = tg.nn.cross_entropy_with_logits(net(X), Y)
        if l2:
            J = J + tg.nn.l2_penalty(weights, l2, m)
        if l1:
            J = J + tg.nn.l1_penalty(weights, l1, m)
        opt.zero_grad()
        J.backward()
        opt.step()
    return net, weights, accuracy(net, X, Y), accuracy(net, X_test, Y_test)


net0, weights0, train0, test0 = fit()
print(f"no regularisation: training accuracy {train0:.3f}, held-out {test0:.3f}")

# %% [markdown]
# ## L2: the gap against λ

# %%
lams = [0.0, 1.0, 3.0, 10.0, 30.0]
l2_runs = [fit(l2=lam_) for lam_ in lams]
train_acc = np.array([r[2] for r in l2_runs])
test_acc = np.array([r[3] for r in l2_runs])
norms = [np.sqrt(sum(np.sum(w.data**2) for w in r[1])) for r in l2_runs]

fig, axes = plt.subplots(1, 2, figsize=(11, 3.3))
axes[0].plot(lams, train_acc, marker="o", label="training")
axes[0].plot(lams, test_acc, marker="o", label="held-out")
axes[0].set_xscale("symlog")
axes[0].set_xlabel("λ (L2)")
axes[0].set_ylabel("accuracy")
axes[0].legend()
axes[1].plot(lams, norms, marker="o")
axes[1].set_xscale("symlog")
axes[1].set_xlabel("λ (L2)")
axes[1].set_ylabel("‖W‖ (all weights)")
fig.tight_layout()
plt.show()
for lam_, tr, te in zip(lams, train_acc, test_acc):
    print(f"λ = {lam_:5.1f}: training {tr:.3f}, held-out {te:.3f}, gap {tr - te:.3f}")
assert all(a > b for a, b in pairwise(norms))  # larger λ, smaller weights
assert test_acc[1:4].max() > test_acc[0]  # a moderate λ helps held-out
assert train_acc[-1] < train_acc[0] and test_acc[-1] < test_acc[0]  # too large hurts

# %% [markdown]
# Larger `λ` shrinks the weights steadily. A moderate `λ` narrows the gap and
# raises held-out accuracy a little (the digits are an easy problem, so there
# is not much to win). Too large a `λ` costs training *and* held-out accuracy:
# the penalty then outweighs the data, and the network underfits.
#
# ## L1 versus L2: what the weights look like

# %%
_, weights_l2, tr_l2, te_l2 = fit(l2=3.0)
_, weights_l1, tr_l1, te_l1 = fit(l1=1.0)
first = {
    "none": weights0[0].data,
    "L2 (λ=3)": weights_l2[0].data,
    "L1 (λ=1)": weights_l1[0].data,
}

fig, ax = plt.subplots(figsize=(7, 3.3))
bins = np.linspace(-0.6, 0.6, 61)
for name, Wd in first.items():
    ax.hist(Wd.ravel(), bins=bins, histtype="step", linewidth=1.5, label=name)
ax.set_yscale("log")
ax.set_xlabel("weight value (first layer)")
ax.legend()
plt.show()

near_zero = {name: np.mean(np.abs(Wd) < 1e-2) for name, Wd in first.items()}
for name, share in near_zero.items():
    print(f"{name:9s}: {share:.0%} of first-layer weights within 0.01 of zero")
print(
    f"L1: training {tr_l1:.3f}, held-out {te_l1:.3f};  "
    f"L2: training {tr_l2:.3f}, held-out {te_l2:.3f}"
)
assert near_zero["L1 (λ=1)"] > 2 * near_zero["L2 (λ=3)"]

# %% [markdown]
# L1 drives a large share of the weights to (nearly) zero, many of them those
# from pixels at the image border, which carry no information: it selects
# features. L2 keeps every weight but makes them all small.
#
# ## Dropout
#
# During training, inverted dropout zeroes each hidden unit with probability
# `p` and divides the survivors by `1 - p`, so each unit's expected value is
# unchanged and nothing needs rescaling at test time, when dropout is off.
# The mask is a constant of the graph, so the gradient flows only through
# kept units, scaled by the same `1 / (1 - p)`.

# %%
drop = tg.nn.Dropout(0.25, rng=0)
A = tg.tensor(np.ones((200, 500)), requires_grad=True)
out = drop(A)
kept = out.data != 0
print("share kept:", kept.mean().round(3), "  mean output:", out.data.mean().round(3))
assert abs(kept.mean() - 0.75) < 0.01 and abs(out.data.mean() - 1.0) < 0.02
out.sum().backward()
assert close(A.grad, kept / 0.75)
drop.eval()
assert drop(A) is A  # identity at evaluation time
_ = drop.train()

# %%
ps = [0.0, 0.2, 0.5]
drop_runs = [fit(dropout=p) for p in ps]
for p, r in zip(ps, drop_runs):
    print(
        f"dropout p = {p}: training {r[2]:.3f}, held-out {r[3]:.3f}, "
        f"gap {r[2] - r[3]:.3f}"
    )
gaps = [r[2] - r[3] for r in drop_runs]
assert min(gaps[1:]) < gaps[0]

# %% [markdown]
# Here too the effect is modest but in the expected direction: with dropout the
# network can no longer rely on any single hidden unit, and the held-out
# accuracy rises a little while the training set is still fitted.

# %%
fig, ax = plt.subplots(figsize=(7, 3.3))
names = (
    ["none"]
    + [f"L2 λ={l:g}" for l in lams[1:]]
    + ["L1 λ=1"]
    + [f"dropout {p}" for p in ps[1:]]
)
trains = [train0] + list(train_acc[1:]) + [tr_l1] + [r[2] for r in drop_runs[1:]]
tests = [test0] + list(test_acc[1:]) + [te_l1] + [r[3] for r in drop_runs[1:]]
x = np.arange(len(names))
ax.bar(x - 0.2, trains, 0.4, label="training")
ax.bar(x + 0.2, tests, 0.4, label="held-out")
ax.set_xticks(x, names, rotation=40, ha="right")
ax.set_ylim(0.7, 1.01)
ax.set_ylabel("accuracy")
ax.legend(loc="lower right")
fig.tight_layout()
plt.show()

# %% [markdown]
# ## A clearer case: sixty noisy points
#
# The digits are an easy problem, so regularisation wins little there. With
# only 60 noisy examples of the two-moons problem and a `2 -> 60 -> 60 -> 1`
# network trained for 2000 steps, the unregularised network draws a
# contorted boundary around individual points. We train it four ways and draw
# the boundaries it learns, with the held-out accuracy on 1000 new points.

# %%
Xm, Ym, Xm_test, Ym_test = tg.datasets.moons(60, noise=0.3, m_test=1000, seed=1)


def binary_accuracy(net, X, Y):
    net.eval()
    with tg.no_grad():
        correct = (net(X).data > 0) == (Y > 0.5)
    net.train()
    return correct.mean()


def fit_moons(l2=0.0, l1=0.0, dropout=0.0, steps=2000, seed=0):
    layers = [tg.nn.Linear(2, 60, rng=seed), tg.nn.Tanh()]
    if dropout:
        layers.append(tg.nn.Dropout(dropout, rng=seed))
    layers += [tg.nn.Linear(60, 60, rng=seed + 1), tg.nn.Tanh()]
    if dropout:
        layers.append(tg.nn.Dropout(dropout, rng=seed + 1))
    layers.append(tg.nn.Linear(60, 1, rng=seed + 2))
    net = tg.nn.Sequential(*layers)
    weights = [p for p in net.parameters() if p.name.startswith("W")]
    opt = tg.optim.SGD(net.parameters(), lr=0.5, momentum=0.9)
    m = Xm.shape[1]
    for _ in range(steps):
        J = tg.nn.binary_cross_entropy_with_logits(net(Xm), Ym)
        if l2:
            J = J + tg.nn.l2_penalty(weights, l2, m)
        if l1:
            J = J + tg.nn.l1_penalty(weights, l1, m)
        opt.zero_grad()
        J.backward()
        opt.step()
    return net, binary_accuracy(net, Xm, Ym), binary_accuracy(net, Xm_test, Ym_test)


settings = {
    "none": {},
    "L2 (λ = 0.3)": {"l2": 0.3},
    "L1 (λ = 0.3)": {"l1": 0.3},
    "dropout 0.5": {"dropout": 0.5},
}
moons = {name: fit_moons(**kw) for name, kw in settings.items()}

grid = np.meshgrid(np.linspace(-2, 3, 150), np.linspace(-1.5, 2, 120))
points = np.vstack([grid[0].ravel(), grid[1].ravel()])
fig, axes = plt.subplots(1, 4, figsize=(14, 3.2), sharey=True)
for ax, (name, (net, tr, te)) in zip(axes, moons.items()):
    net.eval()
    with tg.no_grad():
        scores = net(points).data.reshape(grid[0].shape)
    net.train()
    ax.contourf(*grid, scores > 0, alpha=0.25, cmap="coolwarm")
    ax.scatter(*Xm, c=Ym[0], s=14, cmap="coolwarm", edgecolors="k", linewidths=0.3)
    ax.set_title(f"{name}\ntrain {tr:.2f}, held-out {te:.2f}")
fig.tight_layout()
plt.show()

# %%
gap = {name: tr - te for name, (_, tr, te) in moons.items()}
test = {name: te for name, (_, _, te) in moons.items()}
for name in settings:
    print(f"{name:13s} gap {gap[name]:.3f}, held-out {test[name]:.3f}")
assert moons["none"][1] == 1.0  # it fits every training point
for name in ["L2 (λ = 0.3)", "dropout 0.5"]:
    assert gap[name] < gap["none"] and test[name] > test["none"]

# %% [markdown]
# Without regularisation the network fits all sixty points and pays for it on
# new ones. L2 and dropout smooth the boundary: a little worse on the training
# set, clearly better on held-out data. L1 with the same `λ` prunes so many
# weights that the boundary is nearly a straight line: the gap closes because
# the network underfits, and held-out accuracy gains nothing. `λ` has to be
# tuned for each penalty (the notes: "λ is tuned empirically").

# %% [markdown]
# ## Exercises
#
# **1.** `W = [[3, -1], [0.5, 2]]`, `λ = 2`, `m = 4`. What is the L2 penalty
# `λ/(2m) Σ w²`?

# %%
answer_1 = ...

# %%
W_ex = tg.tensor([[3.0, -1.0], [0.5, 2.0]], requires_grad=True)
check(answer_1, tg.nn.l2_penalty([W_ex], 2.0, 4), "L2 penalty")

# %% [markdown]
# **2.** Same `W`, `λ`, `m`: give the gradient of the **L1** penalty with
# respect to `W` (a 2 x 2 array).

# %%
answer_2 = ...

# %%
W_ex.zero_grad()
tg.nn.l1_penalty([W_ex], 2.0, 4).backward()
check(answer_2, W_ex.grad, "dR/dW (L1)")

# %% [markdown]
# **3.** With inverted dropout at `p = 0.2`, a kept unit with activation 0.6
# is passed on as which number?

# %%
answer_3 = ...

# %%
out3 = tg.nn.dropout(tg.tensor(np.full((1, 1000), 0.6)), p=0.2, rng=1).data
check(answer_3, out3[out3 != 0][0], "kept unit")
