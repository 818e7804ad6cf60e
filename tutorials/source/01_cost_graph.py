# %% [markdown]
# # 1. The computation graph of a cost
#
# **What you will learn**
#
# * how the binary cross-entropy cost breaks into the small steps the notes
#   call u-variables (`u0 = a`, `u1 = 1 - u0`, `u2 = log u0`, ...),
# * how tinygraph records those steps as a graph, and how to draw it with the
#   value and the gradient of every node,
# * how the backward pass walks that graph node by node, multiplying a local
#   derivative by the gradient that arrives from above,
# * that every `dJ/du_k` the notes derive by hand is what autodiff computes,
#   and why `dJ/dZ = (A - Y)/m` once a sigmoid sits in front of the cost.
#
# **Follows:** [000], Ionas Lalin's *Feedforward Neural Networks in Depth,
# Part 3: Cost Functions* (2021), section *Binary Classification*, equations
# (1)-(3). The four texts cited as [000]-[003] are listed, with their authors
# and dates, in the README's [references](../README.md#references).
#
# Every formula from the notes that this notebook shows is checked with an
# `assert` against autodiff, so if a cell runs, the claim holds.

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
import sympy
from IPython.display import Markdown, display
from tutorial_checks import check, close

import tinygraph as tg
import visualize

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The cost, one example per column
#
# For binary classification the output layer has one unit, so `A` (the
# network's predicted probabilities) and `Y` (the labels, 0 or 1) are rows of
# `m` numbers, one per example. The cost is the average log-loss
#
# $$J = -\frac{1}{m}\sum_i \big(y_i \log a_i + (1-y_i)\log(1-a_i)\big).$$
#
# We take four examples, with made-up predictions, so every number stays
# readable.

# %%
A = np.array([[0.9, 0.2, 0.6, 0.3]])  # predicted probabilities, shape (1, m)
Y = np.array([[1.0, 0.0, 1.0, 1.0]])  # labels
m = A.shape[1]

J_direct = -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))
print("m =", m, "  J =", round(J_direct, 6))

# %% [markdown]
# ## Building the graph from the notes' u-variables
#
# The notes write the cost as a chain of elementary steps:
#
# | notes | meaning |
# | --- | --- |
# | `u0 = a` | the input of the cost |
# | `u1 = 1 - u0` | |
# | `u2 = log(u0)` | |
# | `u3 = log(u1)` | |
# | `u4 = y u2 + (1 - y) u3` | per-example log-likelihood |
# | `u5 = -(1/m) sum_i u4` | the cost `J` |
#
# In tinygraph each operation is one node, so `u4` takes three nodes (two
# products and a sum, which we call `u4a`, `u4b`, `u4`) and `u5` two (a sum
# `s4`, then the scaling). We give every node the notes' name with
# `.named(...)`; unnamed nodes would be numbered `u0, u1, ...` automatically.


# %%
def bce_graph(A, Y):
    """The notes' u-variable graph of the binary cross-entropy cost."""
    m = A.shape[1]
    y = tg.tensor(Y, name="y")  # labels: data, no gradient
    not_y = tg.tensor(1 - Y, name="(1-y)")
    u0 = tg.tensor(A, requires_grad=True, name="u0")
    u1 = (1 - u0).named("u1")
    u2 = u0.log().named("u2")
    u3 = u1.log().named("u3")
    u4a = (y * u2).named("u4a")
    u4b = (not_y * u3).named("u4b")
    u4 = (u4a + u4b).named("u4")
    s4 = u4.sum().named("s4")
    u5 = (s4 * (-1 / m)).named("u5")
    return u5


J = bce_graph(A, Y)
print("J from the graph:", round(J.item(), 6))
assert np.isclose(J.item(), J_direct)

# %% [markdown]
# `tg.graph.equations` prints the forward pass back in the notes' style, one
# line per operation, in the order the values are computed:

# %%
for line in tg.graph.equations(J):
    print(line)

# %% [markdown]
# ## The backward pass
#
# `J.backward()` seeds `dJ/du5 = 1` and walks the graph from the root back to
# the leaves. At every node it multiplies the gradient that arrived from above
# (the *upstream* gradient) by the node's *local* derivative and sends the
# product to the node's inputs. Where a node feeds two consumers (here `u0`
# feeds both `u1` and `u2`) the two contributions are **added**: that is the
# multivariable chain rule.

# %%
J.backward()
nodes = {tg.graph.labels(J)[n]: n for n in tg.graph.nodes(J)}
for name in ["u5", "u4", "u3", "u2", "u1", "u0"]:
    print(f"dJ/d{name} =", nodes[name].grad)

# %% [markdown]
# ### Drawing it
#
# `visualize.draw` draws one box per node with its value and its gradient.
# Grey boxes are data (no gradient needed); the arrows point the way values
# flow forward, and gradients flow back along them.

# %%
visualize.draw(J)

# %% [markdown]
# ### Stepping through, node by node
#
# `tg.graph.backward_steps(J)` returns the backward pass as data: one step per
# node, root first, each listing the contributions that flowed into the node's
# gradient (which consumer sent it, the local derivative, the product).
# `visualize.frames(J)` spells each step out as the chain rule with numbers.
# This is the derivation the notes do by hand, written out by the machine.
# (Here `J` is the node `u5`, so `∂u5/∂u_k` is the notes' `∂J/∂u_k`.)

# %%
for frame in visualize.frames(J):
    if frame.grad is not None:
        print(frame.text, end="\n\n")

# %% [markdown]
# Look at the last step, `u0`: it feeds both `u1 = 1 - u0` and
# `u2 = log(u0)`, so its gradient is the **sum** of two products, exactly the
# notes' line
# `∂J/∂u0 = ∂J/∂u1 · ∂u1/∂u0 + ∂J/∂u2 · ∂u2/∂u0`.
# The raw data behind it:

# %%
names = tg.graph.labels(J)
u0_step = next(s for s in tg.graph.backward_steps(J) if names[s.node] == "u0")
for c in u0_step.contributions:
    print(f"from {names[c.consumer]}: local {c.local}, contribution {c.value}")
assert close(sum(c.value for c in u0_step.contributions), u0_step.grad)

# %% [markdown]
# With `edges="local"` the drawing writes each edge's local derivative on it,
# so the picture itself reads as the chain rule:

# %%
visualize.draw(J, edges="local", show="grad")

# %% [markdown]
# The same walk as a page you can click through, one node at a time (open
# `steps_01.html` in a browser):

# %%
page = visualize.step_through(J, "steps_01.html")
print("wrote", page)

# %% [markdown]
# ## Checking the notes, line by line
#
# The notes derive, for every example `i`:
#
# $$\frac{\partial J}{\partial u_{5}} = 1,\quad
# \frac{\partial J}{\partial u_{4,i}} = -\frac{1}{m},\quad
# \frac{\partial J}{\partial u_{3,i}} = -\frac{1}{m}(1-y_i),\quad
# \frac{\partial J}{\partial u_{2,i}} = -\frac{1}{m}y_i,$$
#
# $$\frac{\partial J}{\partial u_{1,i}} = -\frac{1}{m}\frac{1-y_i}{1-a_i},\qquad
# \frac{\partial J}{\partial u_{0,i}}
# = \frac{1}{m}\Big(\frac{1-y_i}{1-a_i}-\frac{y_i}{a_i}\Big).$$
#
# We write each one as NumPy and compare it with the gradient autodiff
# stored on the node. An `assert` fails loudly if any disagrees.

# %%
notes_formula = {
    "u5": np.array(1.0),
    "u4": np.full_like(A, -1 / m),
    "u3": -(1 - Y) / m,
    "u2": -Y / m,
    "u1": -(1 - Y) / (1 - A) / m,
    "u0": ((1 - Y) / (1 - A) - Y / A) / m,
}
for name, formula in notes_formula.items():
    assert close(nodes[name].grad, formula), name
    print(f"dJ/d{name}: notes' formula agrees with autodiff")

# %% [markdown]
# The drawing can do the comparison too: `expect=` marks each node whose
# gradient matches the hand-derived array.

# %%
visualize.draw(J, expect={nodes[k]: v for k, v in notes_formula.items()})

# %% [markdown]
# Autodiff is itself code, so we also check it against an oracle that knows
# nothing about graphs: central finite differences of the cost,
# $(J(a + \varepsilon) - J(a - \varepsilon)) / 2\varepsilon$, one entry at a time.


# %%
def cost(A):
    return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))


eps = 1e-6
numeric = np.zeros_like(A)
for i in range(m):
    step = np.zeros_like(A)
    step[0, i] = eps
    numeric[0, i] = (cost(A + step) - cost(A - step)) / (2 * eps)
print("finite differences:", numeric)
print("notes' dJ/du0     :", notes_formula["u0"])
assert np.allclose(numeric, notes_formula["u0"], atol=1e-7)

# %% [markdown]
# ## The same graph from `tg.nn`
#
# You will rarely build the cost by hand. `tg.nn.binary_cross_entropy` builds
# it for you, with the notes' `u4` (the per-example log-likelihood) and `u5`
# (the scaled sum) each as a single node, so its graph is the notes' list
# line for line, the unnamed nodes numbered automatically:

# %%
J_nn = tg.nn.binary_cross_entropy(tg.tensor(A, requires_grad=True), Y)
for line in tg.graph.equations(J_nn):
    print(line)
assert tg.graph.equations(J_nn) == [
    "u1 = 1 - u0",
    "u2 = log(u0)",
    "u3 = log(u1)",
    "u4 = Y * u2 + (1 - Y) * u3",
    f"u5 = -sum(u4) / {m}",
]
J_nn.backward()
labels_nn = tg.graph.labels(J_nn)
for node in tg.graph.nodes(J_nn):
    if labels_nn[node] in notes_formula:
        assert close(node.grad, notes_formula[labels_nn[node]]), labels_nn[node]
print("every dJ/du_k of tg.nn's graph agrees with the notes")

# %% [markdown]
# ## The derivation in symbols
#
# So far we compared numbers. `tg.graph.derivation` writes the same backward
# pass in symbols, in the notes' notation, one step per node from the root
# down. Each step reads left to right: the chain rule (the gradient of each
# consumer times its local derivative), then that expression simplified in
# the labels of the node's neighbours, then the closed form in the leaf
# `A`, the labels `Y` and `m`. SymPy does the algebra; in Jupyter it shows
# as typeset maths.

# %%
A_leaf = tg.tensor(A, requires_grad=True, name="A")
J_sym = tg.nn.binary_cross_entropy(A_leaf, Y)
derivation = tg.graph.derivation(J_sym)
display(derivation)

# %% [markdown]
# These are the notes' seeds, derived by the machine. (tinygraph numbers only
# the nodes made by operations, and the leaf is called `A`, so its `u0` is
# the notes' `u1`, and so on.) `∂J/∂u3 = -1/m` is the notes' `u4` line; then
# `-(1 - y)/m` and `-y/m` for the two logarithms; `u0 = 1 - a` divides by
# `1 - a`; and the last step adds the two paths into `a`: equation (2). Two
# checks: every step's numbers equal autodiff's gradient, and SymPy confirms
# that the closed form for `A` *is* equation (2).

# %%
print(derivation)
J_sym.backward()
for step in derivation:
    assert close(step.value, step.node.grad), step.label
s_ = derivation.symbols
equation_2 = ((1 - s_["Y"]) / (1 - s_["A"]) - s_["Y"] / s_["A"]) / s_["m"]
assert sympy.simplify(tg.graph.derive(J_sym, A_leaf) - equation_2) == 0
print("derive(J, A) is the notes' equation (2)")

# %% [markdown]
# ## Adding the sigmoid: why `dJ/dZ = (A - Y)/m`
#
# In a network, `A = sigmoid(Z)`. The notes multiply `dJ/dA` by the sigmoid's
# derivative `a(1 - a)` and the fractions cancel:
#
# $$\frac{\partial J}{\partial z_i}
# = \frac{1}{m}\Big(\frac{1-y_i}{1-a_i}-\frac{y_i}{a_i}\Big)a_i(1-a_i)
# = \frac{1}{m}(a_i - y_i).$$
#
# We put a sigmoid node in front of the same graph and compare.

# %%
Z = tg.tensor(np.log(A / (1 - A)), requires_grad=True, name="Z")  # sigmoid(Z) = A
A_node = Z.sigmoid().named("A")
y = tg.tensor(Y, name="y")
J_z = -(y * A_node.log() + (1 - y) * (1 - A_node).log()).sum() / m
J_z.backward()

print("autodiff dJ/dZ:", Z.grad)
print("(A - Y) / m   :", (A - Y) / m)
assert close(A_node.data, A)
assert close(A_node.grad, notes_formula["u0"])  # dJ/dA, equation (2)
assert close(Z.grad, (A - Y) / m)  # dJ/dZ, equation (3)

# %% [markdown]
# The derivation does the cancellation for us. With the sigmoid node named
# `A` between `Z` and the cost, the step for `Z` multiplies by the local
# derivative `A(1 - A)`, simplifies to `(A - Y)/m` in its neighbour `A`,
# and gives the closed form in the leaf `Z`:

# %%
Z_leaf = tg.tensor(Z.data, requires_grad=True, name="Z")
J_zs = tg.nn.binary_cross_entropy(Z_leaf.sigmoid().named("A"), Y)
step_z = tg.graph.derivation(J_zs)[Z_leaf]
display(Markdown(f"$${step_z.latex}$$"))
s_ = step_z.derivation.symbols
sigma_Z = 1 / (1 + sympy.exp(-s_["Z"]))
assert sympy.simplify(step_z.expression - (s_["A"] - s_["Y"]) / s_["m"]) == 0
assert sympy.simplify(step_z.closed_form - (sigma_Z - s_["Y"]) / s_["m"]) == 0
assert close(step_z.value, Z.grad)

# %% [markdown]
# `dJ/dA` blows up when a confident prediction is wrong (`a` near 0 for a
# positive example), but `dJ/dZ` stays between `-1/m` and `1/m`. The plot shows
# both for a single positive example (`y = 1`, `m = 1`) as `a` moves.

# %%
a = np.linspace(0.01, 0.99, 200)
# the two curves, from autodiff: one example (m = 1) per grid point, y = 1
z_grid = tg.tensor(np.log(a / (1 - a)), requires_grad=True)
a_grid = z_grid.sigmoid()
(-a_grid.log()).sum().backward()
assert close(a_grid.grad, -1 / a) and close(z_grid.grad, a - 1)

fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(a, -1 / a, label="dJ/da = -y/a")
ax.plot(a, a - 1, label="dJ/dz = a - y")
ax.set_xlabel("prediction a (true label y = 1)")
ax.set_ylim(-10, 1)
ax.axhline(0, color="grey", lw=0.5)
ax.legend()
plt.show()

# %% [markdown]
# ## Exercises
#
# Replace each `...` with your answer and run the check cell below it.
#
# **1.** One example with `a = 0.25`, `y = 0` (so `m = 1`). By hand, what is
# `dJ/du1`, the gradient at `u1 = 1 - a`?

# %%
answer_1 = ...

# %%
J1 = bce_graph(np.array([[0.25]]), np.array([[0.0]]))
J1.backward()
u1_node = next(n for n in tg.graph.nodes(J1) if n.name == "u1")
check(answer_1, u1_node.grad, "dJ/du1")

# %% [markdown]
# **2.** For the four examples above, `dJ/du3` is exactly zero for three of
# them. Give the row of `dJ/du3` values (a list of four numbers). Why are
# three of them zero?

# %%
answer_2 = ...

# %%
check(answer_2, nodes["u3"].grad, "dJ/du3")

# %% [markdown]
# **3.** Two examples, `Z = [[0.0, 2.0]]`, `Y = [[1, 0]]`, a sigmoid output.
# Using only the closed form `(A - Y)/m`, compute `dJ/dZ` (a 1 x 2 array).

# %%
answer_3 = ...

# %%
Z3 = tg.tensor([[0.0, 2.0]], requires_grad=True)
A3 = Z3.sigmoid()
Y3 = np.array([[1.0, 0.0]])
(-(Y3 * A3.log() + (1 - Y3) * (1 - A3).log()).mean()).backward()
check(answer_3, Z3.grad, "dJ/dZ")

# %% [markdown]
# **4.** Write the notes' seed `dJ/dA` (equation 2) as a NumPy function of
# `A` and `Y`, for any number `m` of examples (one per column). The check
# tries it on random predictions and labels.


# %%
def bce_seed(A, Y):
    return ...


# %%
rng4 = np.random.default_rng(14)
A4 = rng4.uniform(0.05, 0.95, size=(1, 7))
Y4 = rng4.integers(0, 2, size=(1, 7)).astype(float)
A4t = tg.tensor(A4, requires_grad=True)
tg.nn.binary_cross_entropy(A4t, Y4).backward()
mine = bce_seed(A4, Y4)
check(None if mine is Ellipsis else mine, A4t.grad, "dJ/dA as a function of A, Y")
