# %% [markdown]
# # 10. One example, index by index, and the batch built from it
#
# **What you will learn**
#
# * forward propagation of a single example written the way the notes first
#   write it, one unit at a time: `z_i = b_i + Σ_j w_ij a_j`, `a_i = g(z_i)`,
# * backpropagation of that example index by index: `δ_k` of the output
#   layer, `δ_j = (Σ_i δ_i w_ij) g'(z_j)` of a hidden layer, then
#   `∂J/∂w_ij = δ_i a_j` and `∂J/∂b_i = δ_i`, each one a loop in plain
#   Python checked against autodiff,
# * how those loops become the vector equations BP1.1-BP4.1,
# * how the batch equations follow: one column per example, the sum over
#   examples hidden inside a matrix product for `W` and a row sum for `b`.
#
# **Follows:** [002] (Wedgwood, *Artificial Neural Networks*), section 5.1
# *Feed forward a single training example* (FP1.1, FP1.2) and section 6.1
# *Backward propagating a single training example* (BP1.1-BP4.1), then 6.2
# for the batch. The texts are listed in the README's
# [references](../README.md#references). Notebook 4 starts from the batch
# equations; this one arrives at them.
#
# Every formula below is checked with an `assert` against autodiff.

# %%
import numpy as np
from IPython.display import Markdown, display
from tutorial_checks import check, close

import tinygraph as tg
import visualize

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(10)

# %% [markdown]
# ## The network and one example
#
# Three inputs, a hidden layer of four sigmoid units, two sigmoid outputs,
# and the quadratic cost. (The sigmoid output with the quadratic cost keeps
# both factors of BP1 visible; with cross-entropy one would cancel.) The
# notes number the input layer 1, so the weights are `W^(2)`, `W^(3)`; in
# Python they are `W[2]` and `W[3]`. `W^(l)` has `s_l` rows and `s_(l-1)`
# columns: `w_ij^(l)` connects unit `j` of layer `l-1` to unit `i` of
# layer `l`.

# %%
s = {1: 3, 2: 4, 3: 2}  # units per layer, the notes' s_l
L = 3
W = {l: rng.normal(size=(s[l], s[l - 1])) for l in (2, 3)}
b = {l: rng.normal(size=s[l]) for l in (2, 3)}
x = rng.normal(size=s[1])  # one example: a vector, not yet a matrix
y = np.array([1.0, 0.0])


def g(z):
    return 1 / (1 + np.exp(-z))


def g_prime(z):
    return g(z) * (1 - g(z))


for l in (2, 3):
    print(f"W^({l}): {W[l].shape}   b^({l}): {b[l].shape}")

# %% [markdown]
# ## Forward, one unit at a time (section 5.1)
#
# $$z_i^{(l)} = b_i^{(l)} + \sum_j w_{ij}^{(l)} a_j^{(l-1)}, \qquad
# a_i^{(l)} = g\big(z_i^{(l)}\big), \qquad a^{(1)} = x.$$
#
# Plain Python loops over `i` and `j`, with no matrix in sight:

# %%
a = {1: list(x)}
z = {}
for l in (2, 3):
    z[l], a[l] = [], []
    for i in range(s[l]):
        total = b[l][i]
        for j in range(s[l - 1]):
            total += W[l][i, j] * a[l - 1][j]
        z[l].append(total)
        a[l].append(g(total))
print("z^(2) =", np.array(z[2]))
print("a^(3) =", np.array(a[3]))
J_loops = 0.5 * sum((a[3][k] - y[k]) ** 2 for k in range(s[3]))
print("J =", J_loops)

# %% [markdown]
# Collecting the loop over `i` into a vector and the sum over `j` into a
# matrix-vector product gives FP1.1 and FP1.2, `a^(l) = g(b^(l) + W^(l)
# a^(l-1))`:

# %%
a_vec = {1: x}
for l in (2, 3):
    a_vec[l] = g(b[l] + W[l] @ a_vec[l - 1])
    assert close(a_vec[l], np.array(a[l]))
print("the loops and FP1.1/FP1.2 agree")

# %% [markdown]
# The same network in tinygraph, with the example as a column (shape `(s_1,
# 1)`), so that later a batch is just more columns. Each layer is named like
# the notes.

# %%
Wt = {l: tg.tensor(W[l], requires_grad=True, name=f"W{l}") for l in (2, 3)}
bt = {l: tg.tensor(b[l][:, None], requires_grad=True, name=f"b{l}") for l in (2, 3)}
Zt, At = {}, {1: tg.tensor(x[:, None], name="x")}
for l in (2, 3):
    Zt[l] = (Wt[l] @ At[l - 1] + bt[l]).named(f"z{l}")
    At[l] = Zt[l].sigmoid().named(f"a{l}")
J = (((At[3] - tg.tensor(y[:, None], name="y")) ** 2).sum() / 2).named("J")
J.backward()
assert np.isclose(J.item(), J_loops)
visualize.draw(J)

# %% [markdown]
# ## Backward, one unit at a time (section 6.1)
#
# **The output layer (6.1.1).** `J = ½ Σ_k (a_k - y_k)²` depends on `z_k`
# only through `a_k = g(z_k)`, so
#
# $$\delta_k^{(L)} = \frac{\partial J}{\partial z_k^{(L)}}
# = \frac{\partial J}{\partial a_k^{(L)}}\, g'(z_k^{(L)})
# = (a_k - y_k)\, g'(z_k^{(L)}).$$

# %%
delta = {3: [(a[3][k] - y[k]) * g_prime(z[3][k]) for k in range(s[3])]}
assert close(np.array(delta[3]), Zt[3].grad[:, 0])
print("delta^(3) =", np.array(delta[3]))

# %% [markdown]
# **A hidden layer (6.1.2).** `z_j^(l)` reaches the cost through `a_j^(l)`,
# which feeds *every* unit `i` of the next layer with weight `w_ij^(l+1)`:
# one chain-rule term per unit `i`, added up.
#
# $$\delta_j^{(l)} = \sum_i \frac{\partial J}{\partial z_i^{(l+1)}}
# \frac{\partial z_i^{(l+1)}}{\partial a_j^{(l)}}
# \frac{\partial a_j^{(l)}}{\partial z_j^{(l)}}
# = \Big(\sum_i \delta_i^{(l+1)} w_{ij}^{(l+1)}\Big)\, g'(z_j^{(l)}).$$
#
# Note the weights of layer `l + 1`, and that `j` is their *column* index.

# %%
delta[2] = []
for j in range(s[2]):
    incoming = sum(delta[3][i] * W[3][i, j] for i in range(s[3]))
    delta[2].append(incoming * g_prime(z[2][j]))
assert close(np.array(delta[2]), Zt[2].grad[:, 0])
print("delta^(2) =", np.array(delta[2]))

# %% [markdown]
# **Weights and biases (6.1.3, 6.1.4).** `w_ij^(l)` appears in one weighted
# input only, `z_i^(l)`, multiplied by `a_j^(l-1)`; `b_i^(l)` appears in
# `z_i^(l)` with factor 1:
#
# $$\frac{\partial J}{\partial w_{ij}^{(l)}} = \delta_i^{(l)} a_j^{(l-1)},
# \qquad \frac{\partial J}{\partial b_i^{(l)}} = \delta_i^{(l)}.$$

# %%
for l in (2, 3):
    dW = np.zeros_like(W[l])
    for i in range(s[l]):
        for j in range(s[l - 1]):
            dW[i, j] = delta[l][i] * a[l - 1][j]
    assert close(dW, Wt[l].grad), l
    assert close(np.array(delta[l]), bt[l].grad[:, 0]), l
print("every dJ/dw_ij and dJ/db_i of the loops agrees with autodiff")

# %% [markdown]
# ## From loops to BP1.1-BP4.1
#
# Each loop is a vector equation in disguise:
#
# * the loop over `k` multiplies entry by entry: `δ^(L) = ∇_a J ⊙ g'(z^(L))`
#   (BP1.1);
# * `Σ_i δ_i w_ij` is entry `j` of `(W^(l+1))ᵀ δ^(l+1)`: the transpose,
#   because the sum runs down a *column* of `W^(l+1)` (BP2.1);
# * the double loop `δ_i a_j` is the outer product `δ^(l) (a^(l-1))ᵀ` (BP3.1);
# * `∂J/∂b^(l) = δ^(l)` (BP4.1).

# %%
d = {3: (a_vec[3] - y) * g_prime(W[3] @ a_vec[2] + b[3])}  # BP1.1
d[2] = W[3].T @ d[3] * g_prime(W[2] @ x + b[2])  # BP2.1
for l in (2, 3):
    assert close(d[l], np.array(delta[l]))
    assert close(np.outer(d[l], a_vec[l - 1]), Wt[l].grad)  # BP3.1
    assert close(d[l], bt[l].grad[:, 0])  # BP4.1
print("BP1.1-BP4.1 agree with the loops and with autodiff")

# %% [markdown]
# ### The same rules, derived from the graph
#
# `tg.graph.derivation` finds these rules by itself, reading each op's
# local derivative. Below are the chain-rule sides of five of its steps:
# elementwise steps are written per entry `j`, as in the loops above, and
# the matrix product by its rule. (`u1` is the product `W3 a2` before `b3`
# is added, so `∂J/∂u1 = δ^(3)`; `u0 = W2 x`, so `∂J/∂u0 = δ^(2)`; `u2` is
# `a3 - y`.)

# %%
one_example = tg.graph.derivation(J)
one_example_labels = ["z3", "a2", "z2", "W2", "b2"]
for label in one_example_labels:
    chain = " = ".join(one_example[label].latex.split(" = ")[:2])
    display(Markdown(f"$${chain}$$"))
    assert close(one_example[label].value, one_example[label].node.grad), label
chains = {lab: one_example[lab].text.split(" = ")[1] for lab in one_example_labels}
assert "∂J/∂a3[j]" in chains["z3"]  # BP1.1: per entry, through a3 only
assert chains["a2"].startswith("W3.T @")  # BP2.1's transpose
assert chains["W2"].endswith("@ x.T")  # BP3.1
assert chains["b2"] == "∂J/∂z2[j]"  # BP4.1

# %% [markdown]
# ## The batch, built from single examples
#
# Take `M = 5` examples and the average cost,
# `J = (1/M) Σ_m J^(m)`. The derivative of a sum is the sum of the
# derivatives, so every gradient of the batch is the average of the
# single-example gradients, computed above one example at a time:


# %%
def one_example_gradients(x_m, y_m):
    """BP1.1-BP4.1 for one example: dW and db per layer, and delta."""
    a1 = x_m
    z2 = W[2] @ a1 + b[2]
    a2 = g(z2)
    z3 = W[3] @ a2 + b[3]
    a3 = g(z3)
    d3 = (a3 - y_m) * g_prime(z3)
    d2 = W[3].T @ d3 * g_prime(z2)
    return {
        "W2": np.outer(d2, a1), "b2": d2, "W3": np.outer(d3, a2), "b3": d3,
        "delta2": d2, "delta3": d3,
    }


M = 5
X = rng.normal(size=(s[1], M))
Y = rng.uniform(size=(s[3], M))
per_example = [one_example_gradients(X[:, m], Y[:, m]) for m in range(M)]
average = {k: sum(p[k] for p in per_example) / M for k in ("W2", "b2", "W3", "b3")}

# the batch in tinygraph: the same layers on a matrix of M columns
Wb = {l: tg.tensor(W[l], requires_grad=True, name=f"W{l}") for l in (2, 3)}
bb = {l: tg.tensor(b[l][:, None], requires_grad=True, name=f"b{l}") for l in (2, 3)}
Zb = {}
Ab = tg.tensor(X, name="X")
for l in (2, 3):
    Zb[l] = Wb[l] @ Ab + bb[l]
    Ab = Zb[l].sigmoid()
J_batch = ((Ab - Y) ** 2).sum() / (2 * M)
J_batch.backward()
for l in (2, 3):
    assert close(Wb[l].grad, average[f"W{l}"])
    assert close(bb[l].grad[:, 0], average[f"b{l}"])
print("batch gradients = the average of the single-example gradients")

# %% [markdown]
# Now stack the examples' errors as columns, each divided by `M`:
# `Δ^(l) = [δ^(l)(1) … δ^(l)(M)] / M`. That matrix is autodiff's `∂J/∂Z^(l)`,
# and the batch equations follow from the single-example ones:
#
# * BP2.1 holds for every column at once: `Δ^(l) = (W^(l+1))ᵀ Δ^(l+1) ⊙
#   g'(Z^(l))` (BP2.2);
# * the sum over examples of the outer products `δ^(m) a^(m)ᵀ / M` is one
#   matrix product: `∂J/∂W^(l) = Δ^(l) (A^(l-1))ᵀ` (BP3.2), since a matrix
#   product sums over the shared index, here the examples;
# * the sum over examples of `δ^(m)/M` is the row sum: `∂J/∂b^(l) = Δ^(l) 1`
#   (BP4.2).
#
# So the sum over examples of section 6.2 is there, but hidden in the
# matrix product and the row sum. It belongs to the parameters, which all
# examples share, and never to `Δ` itself (errata E5).

# %%
A2 = g(W[2] @ X + b[2][:, None])
for l in (2, 3):
    Delta = np.column_stack([p[f"delta{l}"] for p in per_example]) / M
    assert close(Delta, Zb[l].grad)  # one column per example
    A_prev = X if l == 2 else A2
    assert close(Delta @ A_prev.T, Wb[l].grad)  # BP3.2
    assert close(Delta.sum(axis=1), bb[l].grad[:, 0])  # BP4.2
Delta3 = Zb[3].grad
assert close(W[3].T @ Delta3 * g_prime(W[2] @ X + b[2][:, None]), Zb[2].grad)  # BP2.2
print("BP2.2-BP4.2 follow from the single-example equations")

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the check cell below it.
#
# **1.** A layer with two inputs has `w_11 = 0.5`, `w_12 = -1`, `b_1 = 0.25`,
# and gets the input `a = (2, 0.5)`. What is `z_1`?

# %%
answer_1 = ...

# %%
W1 = tg.tensor([[0.5, -1.0]])
check(answer_1, (W1 @ tg.tensor([[2.0], [0.5]]) + 0.25).item(), "z_1")

# %% [markdown]
# **2.** A hidden unit `j` feeds two units of the next layer, whose errors
# are `δ_1 = 0.5` and `δ_2 = -0.5`, with weights `w_1j = 2` and `w_2j = 1`.
# Its weighted input is `z_j = 0`, and `g` is the sigmoid. What is `δ_j`?

# %%
answer_2 = ...

# %%
z_j = tg.tensor(0.0, requires_grad=True)
a_j = z_j.sigmoid()
z_next = tg.stack([2.0 * a_j, 1.0 * a_j])  # the next layer's weighted inputs
z_next.backward(np.array([0.5, -0.5]))  # their errors delta_1, delta_2
check(answer_2, z_j.grad, "delta_j")

# %% [markdown]
# **3.** Write BP3.1 as a NumPy function: given one example's error
# `delta` (a vector of `s_l` numbers) and the previous layer's activations
# `a_prev` (`s_(l-1)` numbers), return `∂J/∂W^(l)`, of shape
# `(s_l, s_(l-1))`. The check tries it on the network above.


# %%
def weight_gradient(delta, a_prev):
    return ...


# %%
mine = weight_gradient(np.array(delta[3]), np.array(a[2]))
check(None if mine is Ellipsis else mine, Wt[3].grad, "dJ/dW^(3)")

# %% [markdown]
# **4.** Two examples have output errors `δ^(1) = (0.2, -0.4)` and
# `δ^(2) = (0.6, 0.0)` (each already `∂J^(m)/∂z`, before dividing by M).
# With the average cost over the `M = 2` examples, what is `∂J/∂b^(L)` (a
# list of two numbers)?

# %%
answer_4 = ...

# %%
z4 = tg.tensor(np.zeros((2, 2)))
b4 = tg.tensor(np.zeros((2, 1)), requires_grad=True)
per_example_cost = (z4 + b4) * np.array([[0.2, 0.6], [-0.4, 0.0]])  # dJ^(m)/dz
(per_example_cost.sum() / 2).backward()  # the average over M = 2
check(answer_4, b4.grad[:, 0], "dJ/db")
