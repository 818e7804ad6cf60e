# %% [markdown]
# # 9. Regression: the identity output and the quadratic cost
#
# **What you will learn**
#
# * the notes' third output pair: an identity output `h(z) = z` with the
#   quadratic cost (mean squared error), for predicting real numbers,
# * the quadratic cost as u-variables, and every `∂J/∂u_k` by hand against
#   autodiff,
# * why, for this pair only, `∂J/∂A` and `∂J/∂Z` are the same matrix
#   `(A - Y)/M`, and why it has one column per example (no sum over them),
# * that a network with no hidden layer is linear regression: gradient
#   descent reaches the least-squares answer that NumPy computes directly,
# * that one hidden layer of tanh units, with the same identity output, fits
#   a curve.
#
# **Follows:** [002] (Wedgwood, *Artificial Neural Networks*), section 8.1
# *Identity Hypothesis and Quadratic Cost*, with sections 8 (the table of
# output pairs) and 6.2 (the batch). Entries E4 and E5 of
# `docs/notes_errata.md` are about this section's last lines. The texts are
# listed in the README's [references](../README.md#references).
#
# Every formula from the notes that this notebook shows is checked with an
# `assert` against autodiff, so if a cell runs, the claim holds.

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

# %% [markdown]
# ## The pair
#
# For regression the output layer predicts numbers, not probabilities, so
# it applies nothing to its weighted input:
#
# $$h(z_k) = z_k, \qquad h'(z_k) = 1,$$
#
# and the cost is the quadratic cost over `M` examples and `K` outputs,
#
# $$J = \frac{1}{2M}\sum_{m=1}^{M}\sum_{k=1}^{K}\big(h_k^{(m)} - y_k^{(m)}\big)^2.$$
#
# The `1/2` is there so that it cancels the 2 of the square's derivative.
# We start with `K = 2` outputs and `M = 3` examples, numbers small enough to
# follow by hand.

# %%
A = np.array([[1.5, 0.0, 2.0], [-1.0, 0.5, 1.0]])  # predictions h, shape (K, M)
Y = np.array([[1.0, 0.5, 2.5], [0.0, 0.5, 1.0]])  # targets
M = A.shape[1]
J_direct = ((A - Y) ** 2).sum() / (2 * M)
print("J =", J_direct)

# %% [markdown]
# ## The cost as u-variables
#
# | u-variable | meaning |
# | --- | --- |
# | `u0 = a` | the predictions |
# | `u1 = u0 - y` | the errors |
# | `u2 = u1²` | squared, entry by entry |
# | `u3 = Σ u2` | summed over outputs and examples |
# | `J = u3 / (2M)` | the cost |
#
# Going back up, each line is one local derivative times the one below it:
#
# $$\frac{\partial J}{\partial u_3} = \frac{1}{2M},\quad
# \frac{\partial J}{\partial u_{2,k,m}} = \frac{1}{2M},\quad
# \frac{\partial J}{\partial u_{1,k,m}} = \frac{1}{2M}\,2u_{1,k,m}
# = \frac{1}{M}(a_{k,m} - y_{k,m}),\quad
# \frac{\partial J}{\partial u_{0,k,m}} = \frac{1}{M}(a_{k,m} - y_{k,m}).$$


# %%
def quadratic_graph(A, Y):
    """The quadratic cost as named u-variables; returns J."""
    M = A.shape[1]
    y = tg.tensor(Y, name="y")
    u0 = tg.tensor(A, requires_grad=True, name="u0")
    u1 = (u0 - y).named("u1")
    u2 = (u1**2).named("u2")
    u3 = u2.sum().named("u3")
    return (u3 / (2 * M)).named("J")


J = quadratic_graph(A, Y)
J.backward()
nodes = {tg.graph.labels(J)[n]: n for n in tg.graph.nodes(J)}
hand = {
    "u3": np.array(1 / (2 * M)),
    "u2": np.full_like(A, 1 / (2 * M)),
    "u1": (A - Y) / M,
    "u0": (A - Y) / M,
}
assert np.isclose(J.item(), J_direct)
for name, formula in hand.items():
    assert close(nodes[name].grad, formula), name
    print(f"dJ/d{name}: the hand derivative agrees with autodiff")
visualize.draw(J, expect={nodes[k]: v for k, v in hand.items()})

# %% [markdown]
# `tg.nn.mse` builds the same graph (with `Y` as a constant and `M` written
# into the last step), so the costs of the library and of the notes agree:

# %%
A_leaf = tg.tensor(A, requires_grad=True, name="A")
J_nn = tg.nn.mse(A_leaf, Y)
for line in tg.graph.equations(J_nn):
    print(line)
assert np.isclose(J_nn.item(), J_direct)

# %% [markdown]
# `tg.graph.derivation` writes its backward pass in symbols, per entry
# `[j, i]` (output `j`, example `i`), and SymPy confirms the closed form
# `∂J/∂A = (A - Y)/m`:

# %%
derivation = tg.graph.derivation(J_nn)
display(derivation)
s_ = derivation.symbols
derived = tg.graph.derive(J_nn, A_leaf)
assert sympy.simplify(derived - (s_["A"] - s_["Y"]) / s_["m"]) == 0
J_nn.backward()
assert close(derivation[A_leaf].value, A_leaf.grad)

# %% [markdown]
# ## The output error: `∂J/∂Z = ∂J/∂A = (A - Y)/M`
#
# Put the output layer in front: `Z = W A_prev + b` and `A = h(Z) = Z`.
# BP1 multiplies `∂J/∂A` by `h'(Z) = 1`, so nothing changes:
#
# $$\Delta^{(L)} = \frac{\partial J}{\partial Z^{(L)}} = \nabla_H J \odot h'(Z^{(L)})
# = \frac{1}{M}(H - Y).$$
#
# This is the one pair for which [002] may call `(H - Y)/M` both the
# gradient with respect to the outputs and the output error. Sections 8.2
# and 8.3 repeat the sentence for the logistic and softmax outputs, where it
# is wrong (errata E4): there `(H - Y)/M` is `∂J/∂Z` only. Below, the same
# output layer with an identity, then with a sigmoid output, both against
# autodiff.

# %%
rng = np.random.default_rng(9)
A_prev = rng.normal(size=(3, M))
Wt = tg.tensor(rng.normal(size=(2, 3)), requires_grad=True, name="W")
bt = tg.tensor(rng.normal(size=(2, 1)), requires_grad=True, name="b")
Z = (Wt @ A_prev + bt).named("Z")
H = Z  # the identity output: the prediction is Z itself
tg.nn.mse(H, Y).backward()
assert close(Z.grad, (Z.data - Y) / M)  # dJ/dZ = (H - Y)/M

Z_sig = tg.tensor(Z.data, requires_grad=True)
H_sig = Z_sig.sigmoid()
tg.nn.mse(H_sig, Y).backward()
assert close(H_sig.grad, (H_sig.data - Y) / M)  # dJ/dH is still (H - Y)/M ...
assert not close(Z_sig.grad, (H_sig.data - Y) / M)  # ... but dJ/dZ is not
s = H_sig.data
assert close(Z_sig.grad, (s - Y) / M * s * (1 - s))  # the factor h'(z) = s(1 - s)
print("identity: dJ/dZ = (H - Y)/M;  sigmoid with the quadratic cost: it is not")

# %% [markdown]
# ## One column per example, and the sum that belongs to `b`
#
# `∂J/∂Z` has the shape of `Z`: one column per example, each the error of
# that example divided by `M`. The notes' section 8.1 first writes it "for a
# batch" as a sum over the examples (errata E5). That sum is a real
# quantity, but of another parameter: every example adds the same `b`, so
# `∂J/∂b` collects one term per example (BP4 for a batch). And `∂J/∂W` is the
# sum of one outer product per example (BP3).

# %%
Delta = (Z.data - Y) / M
print("dJ/dZ (one column per example):\n", Z.grad)
print("dJ/db:", bt.grad.ravel(), " = the row sums of dJ/dZ")
assert close(bt.grad, Delta.sum(axis=1, keepdims=True))
per_example = sum(np.outer(Delta[:, i], A_prev[:, i]) for i in range(M))
assert close(Wt.grad, per_example) and close(Wt.grad, Delta @ A_prev.T)

# %% [markdown]
# ## No hidden layer: linear regression
#
# [002] 8.1 points out that a network with no hidden layer, an identity
# output and the quadratic cost is linear regression. Linear regression has
# an answer in closed form, least squares, which NumPy computes with no
# gradients at all: an independent check on the whole training loop. The
# data are 200 examples of three features with a linear target plus noise.

# %%
data = tg.datasets.noisy_linear(200, n_features=3, noise=0.1, seed=0)
Xr, Yr = data.X_train, data.Y_train
rng = np.random.default_rng(0)
layer = tg.nn.Linear(3, 1, rng=rng)
opt = tg.optim.SGD(layer.parameters(), lr=0.3)
costs = []
for _ in range(100):  # batch gradient descent: all 200 columns at once
    J_r = tg.nn.mse(layer(Xr), Yr)
    opt.zero_grad()
    J_r.backward()
    opt.step()
    costs.append(J_r.item())

# least squares: [W b] minimises |[W b] [X; 1] - Y|^2
X1 = np.vstack([Xr, np.ones((1, Xr.shape[1]))])
solution = np.linalg.lstsq(X1.T, Yr.T, rcond=None)[0].T
W_fit, b_fit = layer.parameters()
print("gradient descent W, b:", W_fit.data.ravel(), b_fit.data.ravel())
print("least squares    W, b:", solution[0, :3], solution[0, 3:])
assert close(np.hstack([W_fit.data, b_fit.data]), solution, atol=1e-8)

fig, ax = plt.subplots(figsize=(6, 3))
ax.semilogy(costs)
ax.set_xlabel("step (batch gradient descent)")
ax.set_ylabel("J (training)")
plt.show()

# %% [markdown]
# The cost levels off at about half the noise variance, `0.1² / 2 = 0.005`:
# the noise is what no straight line can predict.

# %%
assert 0.003 < costs[-1] < 0.007

# %% [markdown]
# ## One hidden layer: a curve
#
# Keep the identity output and the quadratic cost, and put a layer of tanh
# units in front: the network can now bend. The target is `sin(2x)` plus a
# little noise, one feature, one output.

# %%
rng = np.random.default_rng(1)
x = np.sort(rng.uniform(-2, 2, size=(1, 80)), axis=1)
y = np.sin(2 * x) + rng.normal(scale=0.1, size=x.shape)
net = tg.nn.Sequential(
    tg.nn.Linear(1, 16, rng=rng), tg.nn.Tanh(), tg.nn.Linear(16, 1, rng=rng)
)
opt = tg.optim.SGD(net.parameters(), lr=0.1, momentum=0.9)
for _ in range(1500):
    J_c = tg.nn.mse(net(x), y)
    opt.zero_grad()
    J_c.backward()
    opt.step()
print("final cost:", J_c.item())

grid = np.linspace(-2, 2, 200)[None, :]
with tg.no_grad():
    fit = net(grid).data
fig, ax = plt.subplots(figsize=(6, 3))
ax.plot(x[0], y[0], ".", label="examples")
ax.plot(grid[0], fit[0], label="network (identity output)")
ax.plot(grid[0], np.sin(2 * grid[0]), "--", color="grey", label="sin(2x)")
ax.legend(fontsize=8)
plt.show()
assert J_c.item() < 0.02

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the check cell below it.
#
# **1.** One output, two examples: predictions `A = [[2.0, 0.5]]`, targets
# `Y = [[1.0, 1.5]]`. By hand, what is `∂J/∂A` (a 1 × 2 list)?

# %%
answer_1 = ...

# %%
A1 = tg.tensor([[2.0, 0.5]], requires_grad=True)
tg.nn.mse(A1, [[1.0, 1.5]]).backward()
check(answer_1, A1.grad, "dJ/dA")

# %% [markdown]
# **2.** Write `∂J/∂Z` for an identity output with the quadratic cost as a
# NumPy function of `A` and `Y` (any number of outputs `K` and examples `M`,
# the examples in columns). The check tries it on random arrays.


# %%
def output_error(A, Y):
    return ...


# %%
rng2 = np.random.default_rng(2)
Z2 = tg.tensor(rng2.normal(size=(3, 5)), requires_grad=True)
Y2 = rng2.normal(size=(3, 5))
tg.nn.mse(Z2, Y2).backward()  # identity output: A = Z
mine = output_error(Z2.data, Y2)
check(None if mine is Ellipsis else mine, Z2.grad, "dJ/dZ as a function of A, Y")

# %% [markdown]
# **3.** Find the wrong node. A student derived the gradients of the graph
# above by hand, for `A` and `Y` of the first section. One line is wrong.
# Which `k` (of `u_k`)? Check each line against autodiff's `nodes[...]`
# yourself, or find the slip by reading.

# %%
student = {
    "u3": 1 / (2 * M),
    "u2": np.full_like(A, 1 / M),
    "u1": (A - Y) / M,
    "u0": (A - Y) / M,
}
answer_3 = ...

# %%
wrong = [int(k[1:]) for k, v in student.items() if not close(nodes[k].grad, v)]
check(answer_3, wrong[0] if len(wrong) == 1 else np.nan, "the wrong node's k")

# %% [markdown]
# **4.** An output layer with one identity unit and a bias `b` gives the
# predictions `A = [[2.0, 0.5, 1.0]]` for the targets `Y = [[1.0, 1.5, 0.0]]`
# (three examples). What is `∂J/∂b`? (One number; four significant figures
# or a fraction.)

# %%
answer_4 = ...

# %%
b4 = tg.tensor([[0.0]], requires_grad=True)
Z4 = tg.tensor([[2.0, 0.5, 1.0]]) + b4  # b = 0, so the predictions are as given
tg.nn.mse(Z4, [[1.0, 1.5, 0.0]]).backward()
check(answer_4, b4.grad, "dJ/db")
