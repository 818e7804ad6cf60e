# %% [markdown]
# # 5. Activations and their derivatives
#
# **What you will learn**
#
# * the four hidden-layer activations of the notes: step, logistic
#   (sigmoid), tanh and the rectifier (ReLU), and what their derivatives look
#   like,
# * why the notes can write those derivatives in terms of the activation
#   itself (`a(1 - a)`, `1 - a^2`), so the backward pass reuses the forward
#   values,
# * what *saturation* does to a gradient, and why a sigmoid output trained with
#   the quadratic cost learns slowly when it is badly wrong, while the same
#   neuron trained with cross-entropy does not.
#
# **Follows:** [002] (Wedgwood, *Artificial Neural Networks*), section 7
# *Hidden Layer Activation Functions* and appendix A; the learning-slowdown
# argument of [002] section 8.2, against the version of the homework
# write-up [003] (Earthperson), problem 4, which gets it wrong. The texts
# are listed in the README's [references](../README.md#references).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from tutorial_checks import check, close, numeric_derivative

import tinygraph as tg
from tinygraph.maths import numeric
from tinygraph.op import Elementwise

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## Autodiff derivative of an elementwise function
#
# For an elementwise activation `g`, the derivative at every point of a grid
# `z` is one backward pass: the gradient of `sum(g(z))` with respect to `z`
# is `g'(z)` entry by entry, because each output depends only on its own input.


# %%
def autodiff_derivative(g, z):
    """g'(z) for an elementwise g built from tinygraph ops."""
    zt = tg.tensor(z, requires_grad=True)
    g(zt).sum().backward()
    return zt.grad


z = np.linspace(-6, 6, 601)  # includes z = 0 exactly
assert 0.0 in z

# %% [markdown]
# ## The four activations, and the notes' derivatives
#
# | activation | `g(z)` | notes' `g'(z)` |
# | --- | --- | --- |
# | step | 1 if `z >= 0`, else 0 | not differentiable at 0, zero elsewhere |
# | logistic | `1 / (1 + e^-z)` | `g(z)(1 - g(z)) = a(1 - a)` |
# | tanh | `(e^z - e^-z)/(e^z + e^-z)` | `1 - g(z)^2 = 1 - a^2` |
# | rectifier | `max(0, z)` | 0 if `z <= 0`, 1 if `z > 0` |
#
# Each row of the table becomes one `assert` below, against autodiff, and the
# smooth ones also against finite differences (an oracle that knows nothing
# of graphs).

# %%
sig = 1 / (1 + np.exp(-z))
th = np.tanh(z)

notes = {
    "step": (lambda t: t.step(), np.zeros_like(z)),
    "sigmoid": (lambda t: t.sigmoid(), sig * (1 - sig)),
    "tanh": (lambda t: t.tanh(), 1 - th**2),
    "relu": (lambda t: t.relu(), np.where(z > 0, 1.0, 0.0)),
}
for name, (g, formula) in notes.items():
    assert close(autodiff_derivative(g, z), formula), name
    print(
        f"{name:8s} derivative: notes' formula agrees with autodiff on {z.size} points"
    )

# The smooth ones, against finite differences too.
assert close(
    numeric_derivative(lambda v: 1 / (1 + np.exp(-v)), z), sig * (1 - sig), atol=1e-8
)
assert close(numeric_derivative(np.tanh, z), 1 - th**2, atol=1e-8)

# %% [markdown]
# The forward values match NumPy as well, including the conventions at zero:
# `step(0) = 1` (the perceptron fires at 0) and ReLU's derivative at 0 is 0,
# as the notes choose.

# %%
zt = tg.tensor(z)
assert close(zt.step().data, np.where(z >= 0, 1.0, 0.0))
assert close(zt.sigmoid().data, sig) and close(zt.tanh().data, th)
assert close(zt.relu().data, np.maximum(0, z))
i0 = np.flatnonzero(z == 0)[0]
print(
    "step(0) =",
    zt.step().data[i0],
    "  relu'(0) =",
    autodiff_derivative(lambda t: t.relu(), z)[i0],
)

# %%
fig, axes = plt.subplots(2, 4, figsize=(12, 5), sharex=True)
for col, (name, (g, _)) in enumerate(notes.items()):
    axes[0, col].plot(z, g(tg.tensor(z)).data)
    axes[0, col].set_title(name)
    axes[1, col].plot(z, autodiff_derivative(g, z), color="C1")
    axes[1, col].set_xlabel("z")
axes[0, 0].set_ylabel("g(z)")
axes[1, 0].set_ylabel("g'(z) (autodiff)")
fig.tight_layout()
plt.show()

# %% [markdown]
# The step function's gradient is zero everywhere autodiff can see, so no
# signal about *how* to change the weights reaches earlier layers: that is why
# the notes replace it by smooth "sigmoid-shaped" functions.
#
# Two facts worth remembering, both read off the plot and checked here:
# the logistic derivative is at most 1/4 (at `z = 0`), tanh's at most 1.

# %%
d_sig = autodiff_derivative(lambda t: t.sigmoid(), z)
d_tanh = autodiff_derivative(lambda t: t.tanh(), z)
assert np.isclose(d_sig.max(), 0.25) and np.isclose(d_tanh.max(), 1.0)
print("max sigmoid' =", d_sig.max(), "  max tanh' =", d_tanh.max())

# %% [markdown]
# ## Saturation
#
# When `|z|` is large the logistic and tanh curves are flat: the neuron is
# *saturated* and its derivative is nearly zero. At `z = 6` the sigmoid's
# derivative is already below 0.0025. Because the backward pass multiplies by
# `g'(z)` at every layer, a saturated neuron passes almost nothing back.
#
# A chain of sigmoid layers makes this concrete: the gradient that reaches the
# input is a product of one `g'` per layer, each at most 1/4.

# %%
six = autodiff_derivative(lambda t: t.sigmoid(), np.array([-6.0, 6.0]))
print("sigmoid'(±6) =", six)
assert np.all(six < 0.0025)


# %%
def gradient_at_input(activation, depth, z0=0.5, weight=1.0):
    x = tg.tensor([z0], requires_grad=True)
    h = x
    for _ in range(depth):
        h = activation(h * weight)
    h.sum().backward()
    return abs(x.grad[0])


depths = np.arange(1, 16)
fig, ax = plt.subplots(figsize=(6, 3.2))
for name in ["sigmoid", "tanh", "relu"]:
    g = notes[name][0]
    ax.semilogy(
        depths, [gradient_at_input(g, d) for d in depths], marker="o", label=name
    )
ax.set_xlabel("number of layers")
ax.set_ylabel("|dJ/dx|")
ax.legend()
plt.show()
assert gradient_at_input(notes["sigmoid"][0], 10) < 0.25**10 * 1.01

# %% [markdown]
# ## Learning slowdown: quadratic cost versus cross-entropy
#
# Take one sigmoid neuron, `a = sigmoid(w x + b)`, with input `x = 1` and
# target `y = 0`, and start it badly wrong: `w = b = 2`, so `a ≈ 0.98`.
#
# * With the quadratic cost `J = (a - y)^2 / 2` the output error is
#   `dJ/dz = (a - y) a (1 - a)`: the factor `a(1 - a)` is tiny exactly when
#   the neuron is confidently wrong.
# * With cross-entropy the sigmoid's derivative cancels (notebook 1) and
#   `dJ/dz = a - y`: the worse the answer, the larger the step.
#
# First the two closed forms, checked against autodiff:


# %%
def neuron_gradients(w, b, cost, x=1.0, y=0.0):
    W = tg.tensor(w, requires_grad=True)
    B = tg.tensor(b, requires_grad=True)
    Zn = W * x + B
    Zn.name = "z"
    A_ = Zn.sigmoid()
    if cost == "quadratic":
        J = (A_ - y) ** 2 / 2
    else:
        J = -(y * A_.log() + (1 - y) * (1 - A_).log())
    J.backward()
    return J.item(), W.grad.item(), B.grad.item(), A_.item()


_, _, db_quad, a0 = neuron_gradients(2.0, 2.0, "quadratic")
_, _, db_xent, _ = neuron_gradients(2.0, 2.0, "cross-entropy")
assert np.isclose(db_quad, (a0 - 0) * a0 * (1 - a0))  # dJ/dz = dJ/db, quadratic
assert np.isclose(db_xent, a0 - 0)  # dJ/dz = dJ/db, cross-entropy
print(f"a = {a0:.4f}: dJ/dz quadratic = {db_quad:.4f}, cross-entropy = {db_xent:.4f}")

# %% [markdown]
# Now train both neurons with plain gradient descent, learning rate 0.15, and
# watch the output `a`:


# %%
def train(cost, epochs=300, lr=0.15):
    w, b = 2.0, 2.0
    outputs = []
    for _ in range(epochs):
        _, dw, db, a = neuron_gradients(w, b, cost)
        outputs.append(a)
        w, b = w - lr * dw, b - lr * db
    return np.array(outputs)


a_quad, a_xent = train("quadratic"), train("cross-entropy")
fig, ax = plt.subplots(figsize=(6, 3.2))
ax.plot(a_quad, label="quadratic cost")
ax.plot(a_xent, label="cross-entropy")
ax.set_xlabel("epoch")
ax.set_ylabel("output a (target 0)")
ax.legend()
plt.show()
print(
    f"after 50 epochs: quadratic a = {a_quad[50]:.3f}, "
    f"cross-entropy a = {a_xent[50]:.3f}"
)
assert a_xent[50] < a_quad[50]

# %% [markdown]
# The quadratic-cost neuron sits on the flat top of the sigmoid for dozens of
# epochs before it starts to move; the cross-entropy neuron moves at once.
# That plateau is the *learning slowdown*, and the cancellation of `a(1 - a)`
# is why sigmoid outputs are paired with cross-entropy (and softmax with
# log-loss, notebook 2).
#
# **Which note has it right.** [002] section 8.2 states it as above: with
# the log loss, an output that is confidently *wrong* still gets a large
# gradient. The homework write-up [003], problem 4, states it about the
# other end: the softmax log-loss gradient "will not become very small" even
# when the cost is very small. That is wrong (entry E13 of
# `docs/notes_errata.md`): for the true class `∂C/∂z_y = e^(-C) - 1`, a
# function of the cost alone, which goes to 0 with the cost, as any gradient
# must at a minimum. The cell below checks both halves on the same
# cross-entropy neuron: a small gradient when it is right, a large one when
# it is wrong.

# %%
for z_value, label in [(8.0, "confidently right"), (-8.0, "confidently wrong")]:
    zt = tg.tensor(z_value, requires_grad=True)
    cost_y1 = -zt.sigmoid().log()  # y = 1
    cost_y1.backward()
    print(f"{label:18s}: cost {cost_y1.item():.2e}, dJ/dz {zt.grad.item():+.2e}")
    # for sigmoid + cross-entropy (y = 1), dJ/dz = a - 1 = e^(-J) - 1
    assert np.isclose(zt.grad, np.expm1(-cost_y1.item()))
    assert abs(zt.grad) < 1e-3 if z_value > 0 else abs(zt.grad) > 0.99

# %% [markdown]
# ## Exercises
#
# **1.** What is the derivative of the logistic function at `z = 0`? (One
# number; use `a(1 - a)`.)

# %%
answer_1 = ...

# %%
check(
    answer_1, autodiff_derivative(lambda t: t.sigmoid(), np.array(0.0)), "sigmoid'(0)"
)

# %% [markdown]
# **2.** The *leaky* rectifier is `g(z) = z` for `z > 0` and `0.01 z`
# otherwise. Write its derivative as a NumPy function of `z`. The check builds
# the leaky rectifier from tinygraph ops, `relu(z) - 0.01 relu(-z)`, and
# compares on a grid that skips the kink at `z = 0` (where autodiff's answer
# is a convention, here 0).


# %%
def leaky_relu_derivative(z):
    return ...


# %%
zs = np.linspace(-3, 3, 60)  # 60 points: z = 0 is not among them
assert 0.0 not in zs
mine = leaky_relu_derivative(zs)
check(
    None if mine is Ellipsis else mine,
    autodiff_derivative(lambda t: t.relu() - 0.01 * (-t).relu(), zs),
    "leaky ReLU derivative",
)

# %% [markdown]
# **3.** A tanh neuron has output `a = 0.8`. Using the notes' formula in terms
# of `a` only, what is `g'(z)`?

# %%
answer_3 = ...

# %%
z_at = np.arctanh(0.8)
check(
    answer_3,
    autodiff_derivative(lambda t: t.tanh(), np.array(z_at)),
    "tanh'(z) at a = 0.8",
)

# %% [markdown]
# **4.** Write an op. LeCun's *scaled tanh*, `f(z) = 1.7159 tanh(2z/3)`, is
# an activation tinygraph does not have. Below is its op class, written as
# `CONTRIBUTING.md` shows (the maths once, against a namespace `m` of
# primitive functions). Fill in its local derivative `df/dz` in the line
# `local = ...`, using `m`, `z` and the op's output `out` (for instance the
# notes' trick: tanh' = 1 - tanh², in terms of the output). The check runs
# `tg.gradcheck`, which compares your derivative with finite differences.


# %%
class ScaledTanh(Elementwise):
    """f(z) = 1.7159 tanh(2z/3): tanh stretched so that f(±1) = ±1."""

    name, formula = "scaled_tanh", "scaled_tanh({0})"

    def maths(self, m, z):
        return 1.7159 * m.tanh(2 * z / 3)

    def derivative(self, m, i, out, z):
        # d out / dz
        local = ...
        return local


def scaled_tanh(z):
    return ScaledTanh().apply(z)


# %%
z_grid = tg.tensor(np.linspace(-4, 4, 17), requires_grad=True)
if ScaledTanh().derivative(numeric, 0, 1.0, 0.5) is Ellipsis:
    check(None, 0.0, "the scaled tanh's derivative")
else:
    result = tg.gradcheck(scaled_tanh, [z_grid])
    print(result)
    verdict = "passed" if result else "failed"
    check(
        autodiff_derivative(scaled_tanh, z_grid.data),
        numeric_derivative(lambda v: 1.7159 * np.tanh(2 * v / 3), z_grid.data),
        f"the scaled tanh's derivative (gradcheck {verdict})",
    )
