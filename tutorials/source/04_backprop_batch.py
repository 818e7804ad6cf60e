# %% [markdown]
# # 4. Forward and backward propagation of a batch
#
# **What you will learn**
#
# * the notes' layout: a batch `X` is features × examples, a layer computes
#   `Z = W A_prev + b` with `b` broadcast across the `m` columns,
# * the four backpropagation equations BP1-BP4 for a batch, written out by
#   hand in NumPy,
# * that they give exactly the gradients autodiff computes, side by side,
#   layer by layer,
# * why the batch formulas are the per-example formulas summed over the
#   columns, and where the `1/m` lives.
#
# **Follows:** [002] (Wedgwood, *Artificial Neural Networks*), sections 3-6
# (input data, weights and biases, forward propagation FP2.1-FP2.2, backward
# propagation BP1.2-BP4.2), with the sigmoid-hidden, softmax-output network of
# [001]. The texts are listed in the README's
# [references](../README.md#references).

# %%
# %matplotlib inline
from itertools import pairwise

import numpy as np
from IPython.display import Markdown, display
from tutorial_checks import check, close

import tinygraph as tg
import visualize

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(4)

# %% [markdown]
# ## The network and the batch
#
# Four input features, two hidden layers of 5 and 4 sigmoid units, and a
# softmax over 3 classes; `m = 6` examples. With the notes' symbols, layer
# sizes `s = [4, 5, 4, 3]` and `W^(l)` has shape `(s_l, s_(l-1))`.

# %%
sizes = [4, 5, 4, 3]
m = 6
X = rng.normal(size=(sizes[0], m))
Y = np.eye(sizes[-1])[:, rng.integers(0, sizes[-1], size=m)]
W = [rng.normal(size=(n_out, n_in)) for n_in, n_out in pairwise(sizes)]
b = [rng.normal(size=(n_out, 1)) for n_out in sizes[1:]]
L = len(W)
for l in range(L):
    print(f"layer {l + 1}: W{l + 1} {W[l].shape}, b{l + 1} {b[l].shape}")
print("X", X.shape, " Y", Y.shape)

# %% [markdown]
# ## Forward propagation by hand (FP2.1, FP2.2)
#
# $$A^{(0)} = X,\qquad Z^{(l)} = W^{(l)}A^{(l-1)} + b^{(l)},\qquad
# A^{(l)} = g(Z^{(l)}),\qquad A^{(L)} = \mathrm{softmax}(Z^{(L)}).$$
#
# (The notes number the input as layer 1; we count weight layers from 1 and
# call the input `A^(0)`, so `W1` is the first weight matrix.) NumPy
# broadcasting adds the column `b` to every column, which is the notes'
# broadcast matrix `B`.


# %%
def sigmoid(Z):
    return 1 / (1 + np.exp(-Z))


def softmax(Z):
    E = np.exp(Z - Z.max(axis=0))
    return E / E.sum(axis=0)


Zs, As = [], [X]
for l in range(L):
    Zs.append(W[l] @ As[-1] + b[l])
    As.append(softmax(Zs[-1]) if l == L - 1 else sigmoid(Zs[-1]))
J_hand = -np.sum(Y * np.log(As[-1])) / m
print("J =", J_hand)

# %% [markdown]
# ## Backward propagation by hand (BP1-BP4)
#
# With `Δ^(l) = dJ/dZ^(l)` (one column per example, the `1/m` of the cost
# already inside):
#
# | | |
# | --- | --- |
# | BP1 | `Δ^(L) = (A^(L) - Y)/m` for softmax with log-loss |
# | BP2 | `Δ^(l) = (W^(l+1))ᵀ Δ^(l+1) ⊙ g'(Z^(l))`, with `g'(Z) = A ⊙ (1 - A)` |
# | BP3 | `dJ/dW^(l) = Δ^(l) (A^(l-1))ᵀ` |
# | BP4 | `dJ/db^(l) = Δ^(l) 1`, the row sums |

# %%
delta = [None] * L
delta[L - 1] = (As[L] - Y) / m  # BP1
for l in range(L - 2, -1, -1):
    delta[l] = (W[l + 1].T @ delta[l + 1]) * As[l + 1] * (1 - As[l + 1])  # BP2
dW_hand = [delta[l] @ As[l].T for l in range(L)]  # BP3
db_hand = [delta[l].sum(axis=1, keepdims=True) for l in range(L)]  # BP4

# %% [markdown]
# ## The same network in tinygraph
#
# Now the network as tensors. Naming the parameters and the layer outputs
# makes the graph read like the notes.

# %%
W_t = [tg.tensor(w, requires_grad=True, name=f"W{l + 1}") for l, w in enumerate(W)]
b_t = [tg.tensor(v, requires_grad=True, name=f"b{l + 1}") for l, v in enumerate(b)]
A_t = tg.tensor(X, name="X")
Z_t = []
for l in range(L):
    Z_t.append((W_t[l] @ A_t + b_t[l]).named(f"Z{l + 1}"))
    A_t = (Z_t[-1].softmax(axis=0) if l == L - 1 else Z_t[-1].sigmoid()).named(
        f"A{l + 1}"
    )
J = tg.nn.cross_entropy(A_t, Y)
J.backward()
assert np.isclose(J.item(), J_hand)

for line in tg.graph.equations(J):
    print(line)

# %% [markdown]
# ### Side by side
#
# For every layer, the largest difference between the hand-written BP1-BP4
# and autodiff, for `Δ = dJ/dZ`, `dJ/dW` and `dJ/db`; each is asserted to be
# at round-off level. `tg.closed_form.backprop` (the project's own NumPy
# version of BP1-BP4, written independently of the engine) joins as a third
# opinion.

# %%
library = tg.closed_form.backprop(
    X, Y, W, b, hidden="sigmoid", output="softmax", cost="cross_entropy"
)
print(f"{'layer':>5} {'max|Δ diff|':>12} {'max|dW diff|':>13} {'max|db diff|':>13}")
for l in range(L):
    dz = np.abs(delta[l] - Z_t[l].grad).max()
    dw = np.abs(dW_hand[l] - W_t[l].grad).max()
    db_ = np.abs(db_hand[l] - b_t[l].grad).max()
    print(f"{l + 1:>5} {dz:12.2e} {dw:13.2e} {db_:13.2e}")
    assert close(delta[l], Z_t[l].grad) and close(delta[l], library.delta[l])
    assert close(dW_hand[l], W_t[l].grad) and close(dW_hand[l], library.dW[l])
    assert close(db_hand[l], b_t[l].grad) and close(db_hand[l], library.db[l])
assert np.isclose(library.J, J_hand)

# %% [markdown]
# The last layer's weight gradient as two matrices, hand and autodiff:

# %%
print("BP3 by hand:\n", dW_hand[-1])
print("autodiff:\n", W_t[-1].grad)

# %% [markdown]
# ### The derivation table
#
# `visualize.table(J)` lists every node with its definition, value and
# gradient: the whole forward and backward pass on one page.

# %%
visualize.table(J)

# %% [markdown]
# ### A network small enough to draw
#
# The same kind of network built from `tg.nn` modules, shrunk to 2 inputs,
# 3 sigmoid units, 2 softmax outputs and 2 examples. `Sequential` names the
# parameters `W1, b1, W2, b2` and groups each layer's nodes in a box; every
# node shows its value and `∂J/∂node`, so BP1-BP4 can be read off the picture:
# the gradient at `Z2` is BP1, at `Z1` BP2, at `W1`, `W2` BP3, at `b1`, `b2`
# BP4.

# %%
small = tg.nn.Sequential(
    tg.nn.Linear(2, 3, rng=0),
    tg.nn.Sigmoid(),
    tg.nn.Linear(3, 2, rng=1),
    tg.nn.Softmax(),
)
X_small = tg.tensor([[0.5, -1.0], [1.5, 0.3]], name="X")
A_small = small(X_small)
J_small = tg.nn.cross_entropy(A_small, np.eye(2))
J_small.backward()
assert close(
    tg.closed_form.output_error(A_small.data, np.eye(2)),
    next(n for n in tg.graph.nodes(J_small) if n.name == "Z2").grad,
)
visualize.draw(J_small)

# %% [markdown]
# ## Batch = sum of single examples
#
# The notes derive BP3.1 and BP4.1 for one example (`δ aᵀ` and `δ`) and then
# note that a cost averaged over the batch has gradients that add up over the
# examples. With the `1/m` kept inside `Δ`, the batch `dJ/dW` is the sum over
# columns of one outer product per example:

# %%
per_example = sum(np.outer(delta[-1][:, i], As[-2][:, i]) for i in range(m))
assert close(per_example, dW_hand[-1])

# Equivalently: run each example alone (m = 1, cost of that example only),
# then average the gradients.
singles = []
for i in range(m):
    Wi = tg.tensor(W[-1], requires_grad=True)
    Ai = (Wi @ As[-2][:, i : i + 1] + b[-1]).softmax(axis=0)
    tg.nn.cross_entropy(Ai, Y[:, i : i + 1]).backward()
    singles.append(Wi.grad)
assert close(np.mean(singles, axis=0), dW_hand[-1])
print("batch dJ/dW3 = mean of the six single-example gradients")

# %% [markdown]
# ## BP2's transpose and BP4's sum, derived
#
# The notes reach BP2 and BP4 by writing out sums over indices (section 6.1,
# and notebook 10 does the same in code). `tg.graph.derivation` reaches
# them from the graph, in symbols. Take a 2-3-2 network (2 inputs, 3 sigmoid
# units, 2 softmax outputs) and **one** example, and read the chain-rule
# side of four of its steps. (`u1` is the product `W2 A1` before `b2` is
# added, so `∂J/∂u1` is `Δ2`; likewise `u0 = W1 X`.)


# %%
def network_232(m_examples, seed=5):
    """The 2-3-2 sigmoid/softmax network on m examples; returns J and nodes."""
    rng_ = np.random.default_rng(seed)
    X_ = tg.tensor(rng_.normal(size=(2, m_examples)), name="X")
    Y_ = np.eye(2)[:, rng_.integers(0, 2, size=m_examples)]
    W1_ = tg.tensor(rng_.normal(size=(3, 2)), requires_grad=True, name="W1")
    b1_ = tg.tensor(rng_.normal(size=(3, 1)), requires_grad=True, name="b1")
    W2_ = tg.tensor(rng_.normal(size=(2, 3)), requires_grad=True, name="W2")
    b2_ = tg.tensor(rng_.normal(size=(2, 1)), requires_grad=True, name="b2")
    Z1_ = (W1_ @ X_ + b1_).named("Z1")
    A1_ = Z1_.sigmoid().named("A1")
    Z2_ = (W2_ @ A1_ + b2_).named("Z2")
    J_ = tg.nn.cross_entropy(Z2_.softmax(axis=0).named("A2"), Y_)
    return J_


def chain_rule(step):
    """A step's first two sides: ∂J/∂x = Σ ∂J/∂(consumer) · local derivative."""
    return " = ".join(step.latex.split(" = ")[:2])


J_one = network_232(1)
derivation_one = tg.graph.derivation(J_one)
J_one.backward()
for label in ["A1", "Z1", "W1", "b1"]:
    display(Markdown(f"$${chain_rule(derivation_one[label])}$$"))
for step in derivation_one:
    assert close(step.value, step.node.grad), step.label
def chain_text(step):
    return step.text.split(" = ")[1]


assert chain_text(derivation_one["A1"]).startswith("W2.T @")  # BP2's transpose
assert chain_text(derivation_one["W1"]).endswith("@ X.T")  # BP3: Δ Xᵀ
assert chain_text(derivation_one["b1"]) == "∂J/∂Z1[j]"  # BP4, one example

# %% [markdown]
# * `∂J/∂A1 = W2ᵀ ∂J/∂u1`: the transpose of BP2. `A1` feeds the product
#   `W2 A1`, whose rule sends the gradient back through `W2ᵀ`: entry `j` of
#   the result is `Σ_i w_ij δ_i`, a sum down *column* `j` of `W2`.
# * `∂J/∂Z1 = A1 ⊙ (1 - A1) ⊙ ∂J/∂A1`: BP2's factor `g'(Z1)`, entry by entry.
# * `∂J/∂W1 = ∂J/∂u0 Xᵀ`: BP3.
# * `∂J/∂b1 = ∂J/∂Z1`: BP4 for one example: `b1` is added once.
#
# Now the same network on **three** examples. Every step keeps its form but
# one: `b1` is a single column added to all three columns of `W1 X`
# (broadcast), so its gradient collects one term per example. The sum over
# examples of the batch equations appears by itself:

# %%
J_three = network_232(3)
derivation_three = tg.graph.derivation(J_three)
J_three.backward()
display(Markdown(f"$${chain_rule(derivation_three['b1'])}$$"))
assert chain_text(derivation_three["b1"]).startswith("Sum(")  # BP4.2
assert close(derivation_three["b1"].value, derivation_three["b1"].node.grad)
assert chain_text(derivation_three["A1"]).startswith("W2.T @")  # BP2 unchanged

# %% [markdown]
# ## Autodiff as the oracle, and finite differences as its oracle
#
# Checking one entry of `dJ/dW1` by nudging it, to close the loop:


# %%
def cost_with(W1_entry):
    W1 = W[0].copy()
    W1[2, 1] = W1_entry
    A_ = X
    for l, Wl in enumerate([W1] + W[1:]):
        Zl = Wl @ A_ + b[l]
        A_ = softmax(Zl) if l == L - 1 else sigmoid(Zl)
    return -np.sum(Y * np.log(A_)) / m


eps = 1e-6
numeric = (cost_with(W[0][2, 1] + eps) - cost_with(W[0][2, 1] - eps)) / (2 * eps)
print("finite difference:", numeric, "  BP3:", dW_hand[0][2, 1])
assert np.isclose(numeric, dW_hand[0][2, 1], atol=1e-8)

# %% [markdown]
# ## Exercises
#
# **1.** In this network, `Δ^(2)` has shape `(4, 6)` and `A^(1)` has shape
# `(5, 6)`. What is `dJ/db^(2)` for the `Δ^(2)` printed below? (A 4 x 1
# array: BP4.)

# %%
print(np.round(delta[1], 4))
answer_1 = ...

# %%
check(answer_1, b_t[1].grad, "dJ/db2", atol=5e-4)  # rounded inputs

# %% [markdown]
# **2.** A one-layer network (logistic regression): `W = [[1, -1]]`,
# `b = [[0]]`, `X = [[1, 2], [0, 1]]`, `Y = [[1, 0]]`, sigmoid output and
# binary cross-entropy. Use BP1 and BP3 to compute `dJ/dW` (a 1 x 2 array).

# %%
answer_2 = ...

# %%
W2 = tg.tensor([[1.0, -1.0]], requires_grad=True)
X2 = np.array([[1.0, 2.0], [0.0, 1.0]])
tg.nn.binary_cross_entropy((W2 @ X2 + 0.0).sigmoid(), np.array([[1.0, 0.0]])).backward()
check(answer_2, W2.grad, "dJ/dW")

# %% [markdown]
# **3.** Same network as exercise 2: what is `dJ/db` (BP4)?

# %%
answer_3 = ...

# %%
b3 = tg.tensor([[0.0]], requires_grad=True)
tg.nn.binary_cross_entropy(
    (W2.data @ X2 + b3).sigmoid(), np.array([[1.0, 0.0]])
).backward()
check(answer_3, b3.grad, "dJ/db")
