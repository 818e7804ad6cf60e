# %% [markdown]
# # 3. Multi-label classification: independent binary problems
#
# **What you will learn**
#
# * how an example can carry several labels at once (a photo can show a cat
#   *and* a dog), and why a softmax, which makes the classes compete, is the
#   wrong output for that,
# * the multi-label cost as `n` binary cross-entropies added together, and its
#   u-variable graph with every partial derivative checked against autodiff
#   (one line of the notes' derivation is wrong; we find it),
# * that with sigmoid outputs the output error is again `dJ/dZ = (A - Y)/m`,
# * training a small multi-label classifier and reading off one decision per
#   label.
#
# **Follows:** [000] (Lalin, *Cost Functions*), section *Multi-Label
# Classification*, equations (7)-(9). The texts are listed in the README's
# [references](../README.md#references).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import sympy
from IPython.display import display
from tutorial_checks import check, close

import tinygraph as tg
import visualize

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(3)

# %% [markdown]
# ## Labels that do not compete
#
# `Y` has one row per label and one column per example; a column may hold any
# number of ones. Each output unit gets its own sigmoid, so each row of `A` is
# an independent probability "label j applies", and the columns of `A` need
# not sum to 1.

# %%
Y = np.array(
    [[1.0, 0.0, 1.0, 1.0, 0.0], [1.0, 1.0, 0.0, 1.0, 0.0], [0.0, 0.0, 1.0, 1.0, 0.0]]
)  # 3 labels, 5 examples
Z = rng.normal(size=Y.shape)
A = 1 / (1 + np.exp(-Z))
n, m = Y.shape
print("labels per example:", Y.sum(axis=0))
print("column sums of A  :", A.sum(axis=0))

# %% [markdown]
# ## The cost and its graph
#
# $$J = \sum_j\Big(-\frac1m\sum_i \big(y_{j,i}\log a_{j,i} +
# (1-y_{j,i})\log(1-a_{j,i})\big)\Big)$$
#
# The notes' u-variables are those of the binary cost (notebook 1), with one
# more step: `u5` averages each label's row (tinygraph: a sum `s4`, then the
# scaling), `u6` adds the labels up.
#
# | notes | |
# | --- | --- |
# | `u0 = a`, `u1 = 1 - u0`, `u2 = log u0`, `u3 = log u1` | |
# | `u4 = y u2 + (1 - y) u3` | |
# | `u5,j = -(1/m) sum_i u4,j,i` | one cost per label |
# | `u6 = sum_j u5,j` | `J` |


# %%
def multilabel_graph(A, Y):
    m = A.shape[1]
    y = tg.tensor(Y, name="y")
    not_y = tg.tensor(1 - Y, name="(1-y)")
    u0 = tg.tensor(A, requires_grad=True, name="u0")
    u1 = (1 - u0).named("u1")
    u2 = u0.log().named("u2")
    u3 = u1.log().named("u3")
    u4 = ((y * u2).named("u4a") + (not_y * u3).named("u4b")).named("u4")
    u5 = (u4.sum(axis=1).named("s4") * (-1 / m)).named("u5")
    u6 = u5.sum().named("u6")
    return u6


J = multilabel_graph(A, Y)
J.backward()
node = {t.name: t for t in tg.graph.nodes(J)}
for line in tg.graph.equations(J):
    print(line)

# The library's cost builds the same number.
assert np.isclose(J.item(), tg.nn.multilabel_bce(A, Y).item())
# And it is the sum of one binary cross-entropy per label row.
per_label = [
    tg.nn.binary_cross_entropy(A[j : j + 1], Y[j : j + 1]).item() for j in range(n)
]
assert np.isclose(J.item(), sum(per_label))
print("J =", round(J.item(), 5), "= sum of", np.round(per_label, 5))

# %% [markdown]
# ## The notes' partial derivatives, one by one
#
# The notes state:
#
# | | notes |
# | --- | --- |
# | `dJ/du5,j` | `1` |
# | `dJ/du4,j,i` | `-1/m` |
# | `dJ/du3,j,i` | `-(1/m)(1 - y)` |
# | `dJ/du2,j,i` | `-(1/m)(1 - y)` ← ? |
# | `dJ/du1,j,i` | `-(1/m)(1 - y)/(1 - a)` |
# | `dJ/du0,j,i` | `(1/m)((1 - y)/(1 - a) - y/a)` |
#
# We check each against autodiff and print which hold.

# %%
notes_says = {
    "u5": np.ones(n),
    "u4": np.full_like(A, -1 / m),
    "u3": -(1 - Y) / m,
    "u2": -(1 - Y) / m,
    "u1": -(1 - Y) / (1 - A) / m,
    "u0": ((1 - Y) / (1 - A) - Y / A) / m,
}
holds = {name: close(node[name].grad, formula) for name, formula in notes_says.items()}
for name, ok in holds.items():
    print(f"dJ/d{name}: {'holds' if ok else 'DOES NOT HOLD'}")
assert holds == {
    "u5": True,
    "u4": True,
    "u3": True,
    "u2": False,
    "u1": True,
    "u0": True,
}

# %% [markdown]
# The line for `u2` is a copy-paste slip: `u4 = y u2 + (1 - y) u3`, so the
# local derivative `du4/du2` is `y`, not `1 - y`. The correct line is
# `dJ/du2 = -(1/m) y`, exactly as in the binary case, and the notes' next
# result for `u0` already uses the right value (which is why it holds).

# %%
assert close(node["u2"].grad, -Y / m)
print("dJ/du2 = -(1/m) y  holds")

# %% [markdown]
# The drawing shows the same check at a glance. Hand `expect=` the notes'
# lines, one array per node: every node whose gradient agrees is marked
# green, and the one that does not, `u2`, red, with the largest difference.

# %%
notes_drawing = visualize.draw(J, expect={node[k]: v for k, v in notes_says.items()})
assert notes_drawing.source.count("✓") == 5 and notes_drawing.source.count("✗") == 1
visualize.draw(J, expect={node[k]: v for k, v in notes_says.items()})

# %% [markdown]
# And derived: `tg.graph.derivation` on the library's multi-label cost writes
# every line in symbols, per entry `[j, i]` (label `j`, example `i`). Its
# nodes are numbered from the first operation, so its `u1 = log(A)` is the
# notes' `u2`, and the line for it reads `Y ∂J/∂u3 = -y/m`: the local
# derivative is `y`, as the corrected line says.

# %%
A_leaf = tg.tensor(A, requires_grad=True, name="A")
J_lib = tg.nn.multilabel_bce(A_leaf, Y)
derivation = tg.graph.derivation(J_lib)
display(derivation)
s_ = derivation.symbols
log_a = derivation["u1"]  # u1 = log(A), the notes' u2
assert "Y[j,i]*∂J/∂u3[j,i]" in log_a.text  # the local derivative is y
assert sympy.simplify(log_a.closed_form + s_["Y"] / s_["m"]) == 0  # -y/m
J_lib.backward()
assert close(log_a.value, -Y / m)

# %% [markdown]
# ## The output error with sigmoids
#
# Each label's sigmoid cancels the fractions in `dJ/dA` exactly as in
# notebook 1, entry by entry, so equation (9) of the notes holds:
# `dJ/dZ = (A - Y)/m`. The fused form `multilabel_bce_with_logits` takes `Z`
# directly and gives the same cost and gradient without ever forming `log(a)`.

# %%
Zt = tg.tensor(Z, requires_grad=True, name="Z")
tg.nn.multilabel_bce(Zt.sigmoid(), Y).backward()
assert close(Zt.grad, (A - Y) / m)

Zf = tg.tensor(Z, requires_grad=True, name="Z")
J_fused = tg.nn.multilabel_bce_with_logits(Zf, Y)
J_fused.backward()
assert np.isclose(J_fused.item(), J.item())
assert close(Zf.grad, (A - Y) / m)
assert close(Zf.grad, tg.closed_form.output_error(A, Y))
print("dJ/dZ = (A - Y)/m:\n", Zf.grad)

# %% [markdown]
# A softmax output, by contrast, couples the labels: raising one label's score
# lowers every other label's probability. Notebook 2 showed that with two ones
# in a column its gradient is no longer `(A - Y)/m`.
#
# ## A small multi-label problem
#
# Points in the plane carry three labels: *right half* (`x1 > 0`), *upper
# half* (`x2 > 0`) and *outside the unit circle*. The first two are linear;
# the circle needs a hidden layer. We train `2 -> 16 -> 3` with tanh hidden
# units, sigmoid outputs and the multi-label cost, by plain gradient descent.


# %%
def make_points(m, rng):
    X = rng.uniform(-2, 2, size=(2, m))
    Y = np.vstack([X[0] > 0, X[1] > 0, (X**2).sum(axis=0) > 1]).astype(float)
    return X, Y


X_train, Y_train = make_points(400, rng)
X_test, Y_test = make_points(400, rng)

net = tg.nn.Sequential(
    tg.nn.Linear(2, 16, rng=0), tg.nn.Tanh(), tg.nn.Linear(16, 3, rng=1)
)
costs = []
for _ in range(400):  # epochs
    J_train = tg.nn.multilabel_bce_with_logits(net(X_train), Y_train)
    for p in net.parameters():
        p.zero_grad()
    J_train.backward()
    for p in net.parameters():
        p.data -= 1.0 * p.grad
    costs.append(J_train.item())

with tg.no_grad():
    predicted = net(X_test).sigmoid().data > 0.5
accuracy = (predicted == Y_test).mean(axis=1)
print(
    "held-out accuracy per label:",
    dict(zip(["right", "upper", "outside"], accuracy.round(3).tolist())),
)
assert accuracy.min() > 0.9

# %%
fig, axes = plt.subplots(1, 4, figsize=(13, 3))
axes[0].plot(costs)
axes[0].set_xlabel("epoch")
axes[0].set_ylabel("J (sum over labels)")
for j, title in enumerate(["right half", "upper half", "outside circle"]):
    axes[j + 1].scatter(*X_test, c=predicted[j], s=6, cmap="coolwarm")
    axes[j + 1].set_title(f"predicted: {title}")
    axes[j + 1].set_aspect("equal")
fig.tight_layout()
plt.show()

# %% [markdown]
# Each output unit answers its own yes/no question; a point can be in all
# three sets at once, which no softmax could express.
#
# ## Exercises
#
# **1.** Two labels, one example: `a = [[0.8], [0.4]]`, `y = [[1], [1]]`.
# What is the multi-label cost `J`?

# %%
answer_1 = ...

# %%
check(
    answer_1,
    tg.nn.multilabel_bce(np.array([[0.8], [0.4]]), np.array([[1.0], [1.0]])),
    "J",
)

# %% [markdown]
# **2.** For the same example, give `dJ/dA` (a 2 x 1 array), using the
# corrected formulas.

# %%
answer_2 = ...

# %%
A2 = tg.tensor([[0.8], [0.4]], requires_grad=True)
tg.nn.multilabel_bce(A2, np.array([[1.0], [1.0]])).backward()
check(answer_2, A2.grad, "dJ/dA")

# %% [markdown]
# **3.** Three labels, two examples, scores `Z = [[0, 0], [1, -1], [2, 2]]`,
# targets `Y = [[1, 0], [0, 0], [1, 1]]`, sigmoid outputs. Give `dJ/dZ`.

# %%
answer_3 = ...

# %%
Z3 = tg.tensor([[0.0, 0.0], [1.0, -1.0], [2.0, 2.0]], requires_grad=True)
tg.nn.multilabel_bce_with_logits(
    Z3, np.array([[1.0, 0.0], [0.0, 0.0], [1.0, 1.0]])
).backward()
check(answer_3, Z3.grad, "dJ/dZ")
