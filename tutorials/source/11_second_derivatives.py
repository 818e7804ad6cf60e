# %% [markdown]
# # 11. Derivatives of derivatives, Jacobians and forward mode
#
# **What you will learn**
#
# * that a gradient can itself be a graph: `tg.grad(..., create_graph=True)`
#   records the backward pass as ordinary nodes, so it can be drawn and
#   differentiated again, which gives the second derivatives of the notes'
#   activations (`σ'' = σ(1 - σ)(1 - 2σ)`, `tanh'' = -2 tanh (1 - tanh²)`),
# * how to check a second derivative three ways: against finite differences,
#   against SymPy's own algebra, and with a green or red mark on the drawing,
# * what the Hessian buys: one Newton step against many gradient-descent
#   steps on logistic regression, a small convex problem,
# * the difference between a Jacobian (a whole matrix, `tg.jacobian`) and the
#   vector-Jacobian product a backward pass actually computes (`tg.vjp`),
#   and how mixing the two up produced two of the notes' softmax mistakes,
# * forward mode (`tg.jvp`): a *tangent* pushed from an input to the output,
#   shown as a column beside the gradient column of the u-variable table.
#
# **Follows:** [002] (Wedgwood), section 7 and appendix A (the activations
# and their first derivatives, which this notebook differentiates once more),
# section 8.2 (a network with no hidden layer, a logistic output and
# cross-entropy *is* logistic regression) and appendix A.3 with [001] (the
# softmax derivative). The softmax errata are entries E2 and E3 of
# `docs/notes_errata.md`. The texts are listed in the README's
# [references](../README.md#references).
#
# Every claim below is an `assert`: if the notebook runs, the claims hold.

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
# ## A gradient that is a graph
#
# Notebook 5 took `g'(z)` as one backward pass: the gradient of `sum(g(z))`
# with respect to `z`. By default that gradient comes back as plain numbers.
# With `create_graph=True`, `tg.grad` records the backward pass itself, so
# the gradient is a tensor with a graph of its own. Differentiate *that*
# once more and you get `g''(z)`.


# %%
def second_derivative(g, z):
    """g''(z) for an elementwise g: differentiate the gradient once more."""
    zt = tg.tensor(z, requires_grad=True, name="z")
    (first,) = tg.grad(g(zt).sum(), [zt], create_graph=True)  # g'(z), a graph
    if not first.requires_grad:
        # g' came out constant (ReLU's 0 or 1): nothing left to differentiate
        return np.zeros_like(z)
    (second,) = tg.grad(first.sum(), [zt])  # g''(z), numbers
    return second


z = np.linspace(-6, 6, 241)
sig = 1 / (1 + np.exp(-z))
th = np.tanh(z)
d2_sigmoid = second_derivative(tg.sigmoid, z)
d2_tanh = second_derivative(tg.tanh, z)
print("sigma''(z) at z = -2, 0, 2:", d2_sigmoid[[80, 120, 160]])

# %% [markdown]
# The first derivatives in the notes are written in terms of the activation
# itself: `σ' = σ(1 - σ)` and `tanh' = 1 - tanh²`. Differentiating once more
# with the product rule and those same two facts:
#
# $$\sigma'' = \sigma'(1-\sigma) - \sigma\sigma' = \sigma(1-\sigma)(1-2\sigma),
# \qquad \tanh'' = -2\tanh\cdot\tanh' = -2\tanh(1-\tanh^2).$$
#
# The rectifier is piecewise linear, so its second derivative is 0 wherever
# it has one (at the kink it has none, and autodiff reports 0 there). The
# check uses two oracles that know nothing about graphs: the central second
# difference `(g(z + h) - 2 g(z) + g(z - h)) / h²` of the activation itself,
# and the hand formula.

# %%
sigma_2 = sig * (1 - sig) * (1 - 2 * sig)
tanh_2 = -2 * th * (1 - th**2)


def second_difference(g, z, h=1e-4):
    return (g(z + h) - 2 * g(z) + g(z - h)) / h**2


assert close(d2_sigmoid, sigma_2)
assert close(d2_tanh, tanh_2)
assert close(second_difference(lambda v: 1 / (1 + np.exp(-v)), z), sigma_2, atol=1e-6)
assert close(second_difference(np.tanh, z), tanh_2, atol=1e-6)
assert close(second_derivative(tg.relu, z), np.zeros_like(z))
print("sigma'' and tanh'': autodiff, finite differences and the formula agree")

# %% [markdown]
# SymPy is a third, independent oracle: it knows the activations as formulas
# and differentiates them by its own rules.

# %%
s = sympy.Symbol("z")
sigma_sym = 1 / (1 + sympy.exp(-s))
tanh_sym = sympy.tanh(s)
sigma_2_sym = sympy.diff(sigma_sym, s, 2)
tanh_2_sym = sympy.diff(tanh_sym, s, 2)
assert sympy.simplify(
    sigma_2_sym - sigma_sym * (1 - sigma_sym) * (1 - 2 * sigma_sym)
) == 0
assert sympy.simplify(tanh_2_sym + 2 * tanh_sym * (1 - tanh_sym**2)) == 0
assert close(sympy.lambdify(s, sigma_2_sym, "numpy")(z), d2_sigmoid)
display(Markdown(f"$\\sigma''(z) = {sympy.latex(sympy.simplify(sigma_2_sym))}$"))

# %% [markdown]
# The curves: `σ''` is zero at `z = 0`, where `σ'` peaks, and changes sign
# there; it is largest near `z = ±1.3`, where `σ'` changes fastest.

# %%
fig, axes = plt.subplots(1, 2, figsize=(10, 3.2), sharex=True)
for ax, name, g, d1, d2 in [
    (axes[0], "sigmoid", sig, sig * (1 - sig), d2_sigmoid),
    (axes[1], "tanh", th, 1 - th**2, d2_tanh),
]:
    ax.plot(z, g, label=name)
    ax.plot(z, d1, label="first derivative")
    ax.plot(z, d2, label="second derivative (autodiff)")
    ax.axhline(0, color="grey", lw=0.5)
    ax.set_xlabel("z")
    ax.legend(fontsize=8)
fig.tight_layout()
plt.show()
assert np.isclose(d2_sigmoid[120], 0.0) and np.argmax(d2_sigmoid) < 120

# %% [markdown]
# ## Drawing a second derivative
#
# Because the first derivative is a graph, it draws like any other. Below,
# `u0 = sigmoid(z)` is the forward pass and the nodes after it are the
# backward pass of the sigmoid, recorded: `1 - u0`, then `u0 · (1 - u0)`,
# times the upstream gradient (a constant 1 here). Their sum `S` is
# `Σ σ'(z_i)`, so the gradient that arrives at `z` in *this* graph is
# `σ''(z)`. We pass the hand formula with `expect=`: the node turns green
# when autodiff agrees with it.

# %%
z3 = tg.tensor(np.array([-2.0, 0.0, 1.5]), requires_grad=True, name="z")
(first,) = tg.grad(z3.sigmoid().sum(), [z3], create_graph=True)
S = first.sum().named("S")
for line in tg.graph.equations(S):
    print(line)
s3 = 1 / (1 + np.exp(-z3.data))
visualize.draw(S, expect={z3: s3 * (1 - s3) * (1 - 2 * s3)})

# %% [markdown]
# ### Derived in symbols
#
# `tg.graph.derivation` works on this graph like on any other, so the
# second derivative can be derived, not only computed. Here `u1` is the
# array of ones that `tg.grad` seeded the first backward pass with (the
# upstream gradient of `sum`), and `u2 = 1 - u0`. The step for `z` reads
# `u0 (1 - u0) · u1 (u2 - u0)`: with `u0 = σ`, `u2 = 1 - σ` and `u1 = 1`,
# that is `σ(1 - σ)(1 - 2σ)`.

# %%
derivation_sigma = tg.graph.derivation(S)
print(derivation_sigma)
sym = derivation_sigma.symbols
closed = derivation_sigma[z3].closed_form.subs(sym["u1"], 1).subs(sym["z"], s)
assert sympy.simplify(closed - sigma_2_sym) == 0
assert close(derivation_sigma[z3].value, s3 * (1 - s3) * (1 - 2 * s3))

# %% [markdown]
# And tanh, where the derivation shows the product rule at work: the first
# backward pass computed `1 - u0²` (with `u0 = tanh z`), and differentiating
# `u0²` gives the factor `-2 u0`:

# %%
zt = tg.tensor(np.array([-2.0, 0.0, 1.5]), requires_grad=True, name="z")
(first_tanh,) = tg.grad(zt.tanh().sum(), [zt], create_graph=True)
S_tanh = first_tanh.sum().named("S")
derivation_tanh = tg.graph.derivation(S_tanh)
display(Markdown(f"$${derivation_tanh[zt].latex}$$"))
sym = derivation_tanh.symbols
closed = derivation_tanh[zt].closed_form.subs(sym["u1"], 1).subs(sym["z"], s)
assert sympy.simplify(closed - tanh_2_sym) == 0

# %% [markdown]
# A common slip is to take the first derivative once more by hand and forget
# the product rule, for instance claiming `tanh'' = 1 - tanh²` again. The
# drawing marks that claim red:

# %%
wrong = 1 - np.tanh(zt.data) ** 2
assert "✗" in visualize.draw(S_tanh, expect={zt: wrong}).source
visualize.draw(S_tanh, expect={zt: wrong})

# %% [markdown]
# ## The Hessian and a Newton step
#
# For a cost `J(θ)` of a parameter vector θ, the Hessian `H[s, t] =
# ∂²J/∂θ_s∂θ_t` is the Jacobian of the gradient: `tg.hessian` computes the
# gradient with `create_graph=True` and differentiates each entry once more.
#
# Gradient descent steps `θ ← θ - α ∇J`: the same rate α in every direction.
# Newton's method steps `θ ← θ - H⁻¹ ∇J`: it fits a quadratic to the cost at
# θ and jumps to that quadratic's minimum. On a convex cost near its minimum
# the error roughly squares at every step.
#
# The problem is logistic regression, which [002] section 8.2 notes is a
# network with no hidden layer, a logistic output and the cross-entropy cost:
# `A = σ(w x + b)`, two features, 200 examples drawn from two overlapping
# clouds (overlapping, so that the minimum is finite). θ = (w₁, w₂, b). The
# second feature is measured in units five times larger than the first, as
# happens with unscaled data: the cost is then a long narrow valley.

# %%
rng = np.random.default_rng(0)
m = 200
Y = (rng.uniform(size=(1, m)) < 0.5).astype(float)
X = rng.normal(size=(2, m)) + np.where(Y == 1, 1.0, -1.0) * np.array([[1.0], [0.5]])
X[1] *= 5  # the second feature in larger units


def cost(theta):
    """The cross-entropy of A = sigmoid(w X + b) against Y, theta = (w1, w2, b)."""
    w = theta[0:2].reshape(1, 2)
    A = (w @ X + theta[2]).sigmoid()
    return tg.nn.binary_cross_entropy(A, Y)


def cost_numpy(theta):
    """The same cost in NumPy only: the oracle for the finite differences."""
    A = 1 / (1 + np.exp(-(theta[:2] @ X + theta[2])))
    return -np.mean(Y * np.log(A) + (1 - Y) * np.log(1 - A))


theta0 = np.array([0.5, -0.1, 0.2])
H = tg.hessian(cost, theta0)
print("Hessian at theta0:\n", H)

# %% [markdown]
# Two checks. Finite differences of the NumPy cost, four evaluations per
# entry:
#
# $$H_{st} \approx \frac{J(θ + he_s + he_t) - J(θ + he_s - he_t)
# - J(θ - he_s + he_t) + J(θ - he_s - he_t)}{4h^2},$$
#
# and the closed form for logistic regression: with `X̃` the inputs with a row
# of ones appended (for b), `H = (1/m) X̃ diag(a(1 - a)) X̃ᵀ`. Every `a(1 - a)`
# is positive, so H is positive definite and the cost is convex.


# %%
def numeric_hessian(f, theta, h=1e-4):
    n = theta.size
    result = np.zeros((n, n))
    for s_ in range(n):
        for t_ in range(n):
            es, et = h * np.eye(n)[s_], h * np.eye(n)[t_]
            result[s_, t_] = (
                f(theta + es + et)
                - f(theta + es - et)
                - f(theta - es + et)
                + f(theta - es - et)
            ) / (4 * h**2)
    return result


X1 = np.vstack([X, np.ones((1, m))])
a0 = 1 / (1 + np.exp(-(theta0[:2] @ X + theta0[2])))
H_closed = (X1 * (a0 * (1 - a0))) @ X1.T / m
assert close(H, numeric_hessian(cost_numpy, theta0), atol=1e-6)
assert close(H, H_closed)
assert np.all(np.linalg.eigvalsh(H) > 0)
print("tg.hessian agrees with finite differences and with X diag(a(1-a)) Xᵀ / m")

# %% [markdown]
# Now both methods from θ = 0. Gradient descent gets the best fixed rate of
# 0.1, 0.2, ..., 1.0 (at 0.8 and above it zigzags across the valley); Newton
# needs no rate at all.


# %%
def gradient(theta):
    return tg.vjp(cost, theta)[1]  # the gradient is the vjp with u = 1


def descend(step, theta, steps=20):
    costs = [cost_numpy(theta)]
    for _ in range(steps):
        theta = step(theta)
        costs.append(cost_numpy(theta))
    return theta, np.array(costs)


def newton_step(theta):
    return theta - np.linalg.solve(tg.hessian(cost, theta), gradient(theta))


def gradient_step(theta, lr=0.6):
    return theta - lr * gradient(theta)


theta_newton, costs_newton = descend(newton_step, np.zeros(3))
theta_gd, costs_gd = descend(gradient_step, np.zeros(3))
best = costs_newton[-1]
print("J - J(minimum) after 0, 1, ..., 6 steps")
print("Newton          :", " ".join(f"{c:7.1e}" for c in costs_newton[:7] - best))
print("gradient descent:", " ".join(f"{c:7.1e}" for c in costs_gd[:7] - best))

fig, ax = plt.subplots(figsize=(6, 3.2))
# Newton's later steps are at the minimum to the last bit: left out (log 0)
ax.semilogy(costs_newton[:6] - best, marker="o", label="Newton")
ax.semilogy(costs_gd - best, marker="o", label="gradient descent, α = 0.6")
ax.xaxis.set_major_locator(plt.MaxNLocator(integer=True))
ax.set_xlabel("step")
ax.set_ylabel("J - J(minimum)")
ax.legend()
plt.show()

# %% [markdown]
# Newton's error falls below 1e-11 in five steps, the number of correct
# digits roughly doubling at each; gradient descent is still above 1e-3
# after twenty. Newton's step does not care about the units of the features
# (rescale a feature and H⁻¹ rescales the step to match), which is exactly
# what defeats a single learning rate here. The price is the Hessian: for n
# parameters it has n² entries and a solve costs about n³, which is why
# networks with millions of weights are trained with gradient methods, and
# second-order ideas enter them only through approximations.

# %%
assert np.linalg.norm(gradient(theta_newton)) < 1e-10
assert costs_newton[5] - best < 1e-11 and costs_gd[20] - best > 1e-3

# %% [markdown]
# ## The softmax Jacobian and what the backward pass computes
#
# For `a = softmax(z)` with K classes, the Jacobian is the K × K matrix
# `∂a_r/∂z_k = a_r(δ_rk - a_k)`, that is `diag(a) - a aᵀ` (notebook 2).
# `tg.jacobian` builds it, one backward pass per row:

# %%
z_soft = np.array([1.0, 0.0, -1.0])
a = np.exp(z_soft) / np.exp(z_soft).sum()
jac = tg.jacobian(lambda t: t.softmax(axis=0), z_soft)
print(jac)
assert close(jac, np.diag(a) - np.outer(a, a))
assert close(jac, tg.closed_form.softmax_jacobian(a))

# %% [markdown]
# A backward pass never builds that matrix. It receives the upstream gradient
# `u = ∂J/∂a` and returns `∂J/∂z = uᵀ J_softmax`, a vector-Jacobian product,
# which for softmax simplifies to `a ⊙ (u - (u · a))`: K numbers, O(K) work,
# no K × K matrix. For the log-loss with a one-hot `y` (m = 1), `u = -y/a`,
# and the product is the famous `a - y`.

# %%
y = np.array([1.0, 0.0, 0.0])
u = -y / a
_, vjp = tg.vjp(lambda t: t.softmax(axis=0), z_soft, u)
print("uᵀJ          :", vjp)
assert close(vjp, u @ jac)  # the vjp is the row vector u times the Jacobian
assert close(vjp, a * (u - u @ a))  # ... without building the Jacobian
assert close(vjp, a - y)

# %% [markdown]
# Forward mode is the other product. `tg.jvp` pushes a tangent `v` (a small
# change of z) forward and returns `J v`, how `a` moves, again without
# building J:

# %%
v = np.array([0.3, -0.1, 0.5])
_, jvp = tg.jvp(lambda t: t.softmax(axis=0), z_soft, v)
assert close(jvp, jac @ v)
assert np.isclose(jvp.sum(), 0.0)  # the outputs always sum to 1
print("J v:", jvp)

# %% [markdown]
# ### Where the notes confuse the two
#
# Entry **E2** of the errata: [002] A.3 shortens the two cases of the softmax
# derivative to `g(z_r)(δ_rk - g(z_r))`, a matrix with `-a_r²` off the
# diagonal. That is not the Jacobian: its columns do not sum to zero, so it
# would let a change of z change the total probability.
#
# Entry **E3**: [002] 8.3 applies BP1, `δ = ∇_h J ⊙ h'(z)`, to softmax, with
# `h'(z_k) = h_k(1 - h_k)`: the *diagonal* of the Jacobian, multiplied entry
# by entry. That is the vector-Jacobian product with every off-diagonal term
# dropped. Only for an elementwise activation (sigmoid, tanh) is the Jacobian
# diagonal, so that the product and the vjp coincide.

# %%
shorthand = a[:, None] * (np.eye(3) - a[:, None])  # E2: g(z_r)(δ_rk - g(z_r))
print("column sums, Jacobian :", jac.sum(axis=0))
print("column sums, shorthand:", shorthand.sum(axis=0))
assert close(jac.sum(axis=0), np.zeros(3)) and not close(shorthand, jac)

# E3: dJ/dh ⊙ h'(z), the diagonal only (+ 0.0 prints -0 as 0)
diagonal_only = u * np.diag(jac) + 0.0
print("E3's entrywise product:", diagonal_only, "  the vjp:", vjp)
assert close(diagonal_only, -y * (1 - a)) and not close(diagonal_only, vjp)

# for the sigmoid the Jacobian is diagonal and BP1's entrywise product is right
z_sig = np.array([1.0, 0.0, -1.0])
jac_sig = tg.jacobian(tg.sigmoid, z_sig)
assert close(jac_sig, np.diag(np.diag(jac_sig)))
assert close(tg.vjp(tg.sigmoid, z_sig, u)[1], u * np.diag(jac_sig))

# %% [markdown]
# With E3's product the two wrong classes get no gradient at all (the
# zeros above): training would never push their scores down.
#
# ## Forward mode, a tangent column beside the gradient column
#
# One sigmoid neuron on one example, `z = w x + b`, `a = σ(z)`, and the
# cross-entropy for `y = 1`. The backward pass fills the usual column
# `∂J/∂u`: the derivative of *the one output* with respect to every node.
# Forward mode fills the other column: seed the input `w` with tangent
# `dw = 1` (and `b` with 0), and each node's tangent `du = Σ ∂u/∂(input) ·
# d(input)` is `∂u/∂w`, the derivative of *every node* with respect to *the
# one input*. The two columns meet in the last row: the tangent of `J` is
# `∂J/∂w`, the gradient of the first row. `visualize.table` puts the
# tangent column (`tangent={w: 1}`) beside the gradient column, with the
# gradient in symbols between them.

# %%
w = tg.tensor(0.5, requires_grad=True, name="w")
b = tg.tensor(-0.5, requires_grad=True, name="b")
x_in, y_in = 2.0, 1.0
z_n = (w * x_in + b).named("z")
a_n = z_n.sigmoid().named("a")
J_n = (-a_n.log()).named("J")  # the cross-entropy for y = 1
J_n.backward()

# forward mode from w: dw = 1 (b is not seeded, so db = 0)
forward_and_back = visualize.table(J_n, tangent={w: np.array(1.0)})
display(forward_and_back)
tangents = {row.node: row.tangent for row in forward_and_back.rows}

# %% [markdown]
# Read the tangent column from the top: `dz/dw = x = 2`, then `da/dw = σ'(z)
# · 2`, then `dJ/dw = -(1/a) · da/dw`. Read the gradient column from the
# bottom: `∂J/∂a = -1/a`, `∂J/∂z = a - 1`, `∂J/∂w = (a - 1) x`. Both end at
# the same number:

# %%
a_val = a_n.item()
assert np.isclose(tangents[J_n], w.grad)  # forward mode meets reverse mode
assert np.isclose(tangents[z_n], x_in)
assert np.isclose(tangents[a_n], a_val * (1 - a_val) * x_in)
assert np.isclose(w.grad, (a_val - y_in) * x_in)
_, jvp_w = tg.jvp(lambda t: -(t * x_in + b.data).sigmoid().log(), w.data)
assert np.isclose(jvp_w, w.grad)  # tg.jvp: the same push, from w alone
print("dJ/dw by forward mode:", tangents[J_n], "  by reverse mode:", w.grad)

# %% [markdown]
# Which mode is cheaper depends on the shape: one reverse pass gives the
# gradient of one output with respect to all inputs, one forward pass the
# derivatives of all outputs with respect to one input direction. A cost
# with millions of weights and one number out is the case reverse mode
# (backpropagation) was made for.
#
# ## Exercises
#
# Replace each `...` with your answer and run the check cell below it.
#
# **1.** A sigmoid unit has output `σ(z) = 0.8`. Using the formula in terms
# of σ only, what is `σ''(z)`?

# %%
answer_1 = ...

# %%
check(answer_1, second_derivative(tg.sigmoid, np.array(np.log(4.0))), "sigma''(z)")

# %% [markdown]
# **2.** Write `tanh''` as a function of the unit's output `a = tanh(z)`
# (NumPy, elementwise). The check compares it with autodiff's second
# derivative at random points.


# %%
def tanh_second_derivative(a):
    return ...


# %%
z_random = np.random.default_rng(2).normal(scale=2.0, size=50)
mine = tanh_second_derivative(np.tanh(z_random))
check(
    None if mine is Ellipsis else mine,
    second_derivative(tg.tanh, z_random),
    "tanh'' as a function of a",
)

# %% [markdown]
# **3.** One Newton step for the one-dimensional `f(x) = x⁴`, starting from
# `x = 1`: `x - f'(x)/f''(x)`. Where does it land? (A fraction or four
# significant figures will do.)

# %%
answer_3 = ...

# %%
x_start = tg.tensor(1.0, requires_grad=True)
(d1,) = tg.grad(x_start**4, [x_start], create_graph=True)
(d2,) = tg.grad(d1, [x_start])
check(answer_3, 1.0 - d1.item() / d2, "x after one Newton step")

# %% [markdown]
# **4.** Two classes with equal scores, `z = (0, 0)`. Write the softmax
# Jacobian `∂a_r/∂z_k` (a 2 × 2 nested list). Why do its columns sum to 0?

# %%
answer_4 = ...

# %%
check(answer_4, tg.jacobian(lambda t: t.softmax(axis=0), [0.0, 0.0]), "the Jacobian")
