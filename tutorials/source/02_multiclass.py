# %% [markdown]
# # 2. Multiclass classification: softmax and log-loss
#
# **What you will learn**
#
# * the multiclass cost as the notes' u-variable graph, and each of its
#   partial derivatives checked against autodiff,
# * the softmax Jacobian `da_j/dz_k = a_j (δ_jk - a_k)`: both of the notes'
#   cases (`j = k` and `j ≠ k`) at once,
# * why `dJ/dZ = (A - Y)/m` even though `dJ/dA = -(1/m) Y/A`: the softmax
#   mixes all classes, so the chain rule sums over them, and the sum collapses
#   only because each column of `A` and of `Y` adds up to 1,
# * why the elementwise shortcut `dJ/dA ⊙ a(1 - a)` gives the wrong answer
#   for softmax.
#
# **Follows:** [000] (Lalin, *Cost Functions*), section *Multiclass
# Classification*, equations (4)-(6); the softmax derivative of [001] and
# appendix A.3 of [002] (Wedgwood, *Artificial Neural Networks*). The texts
# are listed in the README's [references](../README.md#references).

# %%
# %matplotlib inline
import numpy as np
import sympy
from IPython.display import display
from tutorial_checks import check, close

import tinygraph as tg
import visualize

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(2)

# %% [markdown]
# ## A small batch
#
# Three classes (`n = 3` rows) and four examples (`m = 4` columns), in the
# notes' features-by-examples layout. `Y` is one-hot: a single 1 per column.
# Softmax turns each column of scores `Z` into probabilities.

# %%
Z = rng.normal(size=(3, 4))
labels = np.array([0, 2, 1, 2])
Y = np.eye(3)[:, labels]  # one-hot columns
m = Z.shape[1]


def softmax(Z):
    E = np.exp(
        Z - Z.max(axis=0)
    )  # subtracting the column max changes nothing but overflow
    return E / E.sum(axis=0)


A = softmax(Z)
print("Y =\n", Y)
print("A = softmax(Z) =\n", A)
print("column sums of A:", A.sum(axis=0))
assert close(tg.tensor(Z).softmax(axis=0).data, A)

# %% [markdown]
# ## The cost as u-variables
#
# $$J = -\frac{1}{m}\sum_i\sum_j y_{j,i}\log a_{j,i}$$
#
# | notes | |
# | --- | --- |
# | `u0 = a` | |
# | `u1 = log(u0)` | |
# | `u2 = y u1` | |
# | `u3 = sum_j u2` | one number per example |
# | `u4 = -(1/m) sum_i u3` | `J` |


# %%
def log_loss_graph(A, Y):
    m = A.shape[1]
    y = tg.tensor(Y, name="y")
    u0 = tg.tensor(A, requires_grad=True, name="u0")
    u1 = u0.log().named("u1")
    u2 = (y * u1).named("u2")
    u3 = u2.sum(axis=0).named("u3")
    u4 = (u3.sum().named("s3") * (-1 / m)).named("u4")
    return u4


J = log_loss_graph(A, Y)
J.backward()
for line in tg.graph.equations(J):
    print(line)
node = {n.name: n for n in tg.graph.nodes(J)}
assert np.isclose(J.item(), -np.sum(Y * np.log(A)) / m)

# %% [markdown]
# The notes' derivatives, each checked against the gradient autodiff left on
# the node:
#
# $$\frac{\partial J}{\partial u_{3,i}} = -\frac1m,\quad
# \frac{\partial J}{\partial u_{2,j,i}} = -\frac1m,\quad
# \frac{\partial J}{\partial u_{1,j,i}} = -\frac1m y_{j,i},\quad
# \frac{\partial J}{\partial u_{0,j,i}} = -\frac1m \frac{y_{j,i}}{a_{j,i}}.$$

# %%
claims = {
    "u3": np.full(m, -1 / m),
    "u2": np.full_like(A, -1 / m),
    "u1": -Y / m,
    "u0": -Y / A / m,  # equation (5): dJ/dA
}
for name, formula in claims.items():
    assert close(node[name].grad, formula), name
    print(f"dJ/d{name}: notes' formula agrees with autodiff")

# %% [markdown]
# `dJ/dA` is zero wherever `y = 0`: the log-loss only looks at the probability
# of the correct class. Yet `dJ/dZ` will be nonzero for *every* class. The
# softmax is what spreads the gradient out.
#
# ## The softmax Jacobian
#
# For one column, `a = softmax(z)`. The notes derive two cases:
#
# $$\frac{\partial a_j}{\partial z_j} = a_j(1 - a_j), \qquad
# \frac{\partial a_j}{\partial z_k} = -a_j a_k \quad (j \ne k),$$
#
# which together are the matrix `diag(a) - a aᵀ`. Autodiff gives the Jacobian
# one row at a time: seeding the backward pass with the one-hot vector `e_j`
# as upstream gradient returns row `j`, the gradient of `a_j`.

# %%
z = Z[:, 0]
a = A[:, 0]
jacobian_notes = np.diag(a) - np.outer(a, a)


def autodiff_jacobian(f, z):
    rows = []
    for j in range(len(z)):
        zt = tg.tensor(z, requires_grad=True)
        f(zt).backward(np.eye(len(z))[j])
        rows.append(zt.grad)
    return np.array(rows)


def numeric_jacobian(f, z, eps=1e-6):
    cols = [(f(z + eps * e) - f(z - eps * e)) / (2 * eps) for e in np.eye(len(z))]
    return np.array(cols).T


jac_autodiff = autodiff_jacobian(lambda t: t.softmax(axis=0), z)
jac_numeric = numeric_jacobian(lambda v: softmax(v[:, None])[:, 0], z)
print(jacobian_notes)
assert close(jac_autodiff, jacobian_notes)
assert close(jac_numeric, jacobian_notes, atol=1e-8)
# The diagonal is the j = k case, the rest is the j != k case:
assert close(np.diag(jac_autodiff), a * (1 - a))
off = ~np.eye(3, dtype=bool)
assert close(jac_autodiff[off], -np.outer(a, a)[off])

# %% [markdown]
# Every column of the Jacobian sums to zero: pushing one score `z_k` up can
# only move probability around, never create it, since the `a_j` always sum
# to 1.

# %%
print("column sums:", jac_autodiff.sum(axis=0))
assert close(jac_autodiff.sum(axis=0), np.zeros(3))

# %% [markdown]
# ## From `dJ/dA` to `dJ/dZ`
#
# Because `z_k` reaches the cost through **every** `a_j`, the chain rule sums
# over `j`:
#
# $$\frac{\partial J}{\partial z_{k}}
# = \sum_j \frac{\partial J}{\partial a_{j}}\frac{\partial a_j}{\partial z_k}
# = a_k\Big(\frac{\partial J}{\partial a_k} -
# \sum_p \frac{\partial J}{\partial a_p}a_p\Big).$$
#
# With `dJ/da_p = -(1/m) y_p / a_p` the sum is `-(1/m) sum_p y_p = -1/m`
# (one-hot labels), and what is left is `(1/m)(a_k - y_k)`. Three ways to get
# `dJ/dZ`, all compared:

# %%
Zt = tg.tensor(Z, requires_grad=True, name="Z")
At = Zt.softmax(axis=0).named("A")
J_z = -(Y * At.log()).sum() / m
J_z.backward()

dJ_dA = -Y / A / m
via_jacobian = np.column_stack(
    [(np.diag(A[:, i]) - np.outer(A[:, i], A[:, i])).T @ dJ_dA[:, i] for i in range(m)]
)
print("autodiff dJ/dZ =\n", Zt.grad)
assert close(At.grad, dJ_dA)  # equation (5)
assert close(via_jacobian, Zt.grad)  # chain rule through the Jacobian
assert close(Zt.grad, (A - Y) / m)  # equation (6)

# %% [markdown]
# ### The same steps, derived
#
# `tg.graph.derivation` writes the backward pass of this graph in symbols,
# per entry `[j, i]` (class `j`, example `i`): the seeds `-1/m` and
# `-y/m`, equation (5) for `A`, and for `Z` the chain rule through the
# softmax with its sum over the classes `j`.

# %%
Z_leaf = tg.tensor(Z, requires_grad=True, name="Z")
J_soft = tg.nn.cross_entropy(Z_leaf.softmax(axis=0).named("A"), Y)
derivation = tg.graph.derivation(J_soft)
display(derivation)
J_soft.backward()
for step in derivation:
    assert close(step.value, step.node.grad), step.label

# %% [markdown]
# The step for `Z` simplifies to `A (Σ_j y_j - y/a)/m = (a Σ_j y_j - y)/m`,
# and stops there: the derivation does not know that the labels are
# one-hot. Tell it, `Σ_j y_j = 1`, and SymPy gives equation (6):

# %%
step_z = derivation[Z_leaf]
s_ = derivation.symbols
sum_of_Y = next(
    f for f in step_z.expression.atoms(sympy.Function) if f.args[0] == s_["Y"]
)
one_hot = step_z.expression.subs(sum_of_Y, 1)
print(step_z.text.split(" = ")[2])  # dJ/dZ in its neighbours' labels
print("with one-hot labels:", sympy.simplify(one_hot))
assert sympy.simplify(one_hot - (s_["A"] - s_["Y"]) / s_["m"]) == 0

# %% [markdown]
# ### Where the one-hot assumption is used
#
# The last step needs `sum_p y_p = 1` in every column. With targets that do
# not sum to one (say, an example that belongs to two classes) the general
# result is `dJ/dZ = (A · sum_p y_p - Y)/m`, and `(A - Y)/m` is wrong:

# %%
Y_two = Y.copy()
Y_two[1, 0] = 1.0  # first example now has two labels
Zt = tg.tensor(Z, requires_grad=True)
(-(Y_two * Zt.softmax(axis=0).log()).sum() / m).backward()
general = (A * Y_two.sum(axis=0) - Y_two) / m
assert close(Zt.grad, general)
assert not close(Zt.grad, (A - Y_two) / m)
print("column 0, autodiff     :", Zt.grad[:, 0])
print("column 0, (A - Y)/m    :", ((A - Y_two) / m)[:, 0])

# %% [markdown]
# Multi-label problems therefore use independent sigmoids instead of a softmax
# (notebook 3).
#
# ### The elementwise shortcut fails for softmax
#
# For a sigmoid output, `dJ/dZ = dJ/dA ⊙ a(1 - a)` (BP1 with an elementwise
# derivative). Using only the diagonal of the softmax Jacobian in the same way
# drops the `j ≠ k` terms, and the result is wrong: it is `-(1/m) Y ⊙ (1 - A)`,
# zero for every wrong class.

# %%
diagonal_only = dJ_dA * A * (1 - A)
print("diagonal only:\n", diagonal_only)
assert close(diagonal_only, -Y * (1 - A) / m)
assert not close(diagonal_only, (A - Y) / m)

# %% [markdown]
# ### The fan-in, drawn
#
# Build the softmax of one example from its parts, `e = exp(z)`,
# `s = Σ_j e_j`, `a = e / s`, and the fan-in is visible: every score's
# `e_j` flows into the one sum `s`, and `s` flows back out into every
# `a_j`. So each `z_k` reaches the cost along two paths, its own `e_k / s`
# and the shared `s`, and the backward pass adds the two contributions
# (the `- a_k Σ_p ...` term above comes from `s`). The drawing checks the
# notes' results with `expect=`: `dJ/da = -y/a` and `dJ/dz = a - y` (one
# example, `m = 1`) are green; the elementwise shortcut, tried on `z`, is
# red.

# %%
z0 = tg.tensor(Z[:, [0]], requires_grad=True, name="z")
e0 = z0.exp().named("e")
s0 = e0.sum(axis=0).named("s")  # the fan-in: every class into one sum
a0 = (e0 / s0).named("a")
J0 = (-(tg.tensor(Y[:, [0]], name="y") * a0.log()).sum()).named("J")
a_col, y_col = A[:, [0]], Y[:, [0]]
right = {a0: -y_col / a_col, z0: a_col - y_col}
shortcut = {a0: -y_col / a_col, z0: -y_col / a_col * a_col * (1 - a_col)}
assert "✗" not in visualize.draw(J0, expect=right).source
assert visualize.draw(J0, expect=shortcut).source.count("✗") == 1
visualize.draw(J0, expect=right)

# %% [markdown]
# And with the shortcut's `dJ/dz = dJ/da ⊙ a(1 - a)`, which ignores the path
# through `s`:

# %%
visualize.draw(J0, expect=shortcut, show="grad")

# %% [markdown]
# ## The stable form: log-softmax
#
# Computing `log(softmax(z))` in two steps overflows for large scores and
# loses precision for tiny probabilities. `log_softmax` computes
# `z - max(z) - log(sum(exp(z - max(z))))` in one op; its gradient in the cost
# is still `(A - Y)/m`.

# %%
Z_big = Z * 400  # scores in the hundreds
Zt = tg.tensor(Z_big, requires_grad=True)
J_big = -(Y * Zt.log_softmax(axis=0)).sum() / m
J_big.backward()
shifted = Z_big - Z_big.max(axis=0)
assert close(Zt.log_softmax(axis=0).data, shifted - np.log(np.exp(shifted).sum(axis=0)))
print("J =", J_big.item())
assert np.isfinite(J_big.item())
assert close(Zt.grad, (softmax(Z_big) - Y) / m)
with np.errstate(all="ignore"):
    naive = -(Y * np.log(np.exp(Z_big) / np.exp(Z_big).sum(axis=0))).sum() / m
print("naive two-step NumPy:", naive)

# %% [markdown]
# ## Exercises
#
# **1.** For `z = [1, 2, 3]`, what is `∂a_1/∂z_3` (first output, third score;
# numbering from 1)? Use the notes' `j ≠ k` formula.

# %%
answer_1 = ...

# %%
z1 = np.array([1.0, 2.0, 3.0])
check(answer_1, autodiff_jacobian(lambda t: t.softmax(axis=0), z1)[0, 2], "da_1/dz_3")

# %% [markdown]
# **2.** Two examples, two classes: `Z = [[0, 1], [0, -1]]`, labels class 1
# for the first example and class 2 for the second, so
# `Y = [[1, 0], [0, 1]]`. Give `dJ/dZ` (a 2 x 2 array) for the mean log-loss.

# %%
answer_2 = ...

# %%
Z2 = tg.tensor([[0.0, 1.0], [0.0, -1.0]], requires_grad=True)
(-(np.eye(2) * Z2.log_softmax(axis=0)).sum() / 2).backward()
check(answer_2, Z2.grad, "dJ/dZ")

# %% [markdown]
# **3.** Same `Z` and `Y` as exercise 2. Give `dJ/dA` (2 x 2). Which entries
# are zero, and why?

# %%
answer_3 = ...

# %%
Z3 = tg.tensor([[0.0, 1.0], [0.0, -1.0]])
A3 = tg.tensor(Z3.softmax(axis=0).data, requires_grad=True)
(-(np.eye(2) * A3.log()).sum() / 2).backward()
check(answer_3, A3.grad, "dJ/dA")

# %% [markdown]
# **4.** Write `dJ/dZ` of the softmax with the mean log-loss as a NumPy
# function of `A = softmax(Z)` and `Y`, for targets that need *not* be
# one-hot (each column of `Y` may hold any non-negative numbers). The check
# tries it on random arrays of 4 classes and 6 examples.


# %%
def softmax_output_error(A, Y):
    return ...


# %%
rng4 = np.random.default_rng(24)
Z4 = tg.tensor(rng4.normal(size=(4, 6)), requires_grad=True)
Y4 = rng4.uniform(size=(4, 6))  # not one-hot: columns do not sum to 1
A4 = Z4.softmax(axis=0)
(-(Y4 * A4.log()).sum() / 6).backward()
mine = softmax_output_error(A4.data, Y4)
check(None if mine is Ellipsis else mine, Z4.grad, "dJ/dZ as a function of A, Y")
