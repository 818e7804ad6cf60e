# %% [markdown]
# # 8. Checking the notes
#
# **What you will learn**
#
# * how to test a hand-derived derivative: evaluate it on random inputs and
#   compare it with autodiff (which is itself tested against finite
#   differences), and how to tell a real mistake from round-off,
# * which of the notes' stated derivatives hold, and which do not: fourteen
#   slips across the four texts, each with the correct result and the reason
#   the slip is an easy one to make,
# * that a wrong intermediate line can still lead to a right result, and why
#   that makes these slips hard to spot by reading.
#
# **Follows:** all four notes, [000]-[003] in the README's
# [references](../README.md#references). The list of mistakes is the
# project's errata, `docs/notes_errata.md` (entries E1-E14); this notebook
# recomputes the evidence for every entry from scratch and, at the end, checks
# that its own verdicts and the errata list agree.

# %%
# %matplotlib inline
import re
from itertools import pairwise

import matplotlib.pyplot as plt
import numpy as np
from IPython.display import Markdown, display
from tutorial_checks import REPO_ROOT, check, close

import tinygraph as tg

np.set_printoptions(precision=4, suppress=True)
rng = np.random.default_rng(8)

# %% [markdown]
# ## How a claim is tested
#
# For each claim we build the quantity with tinygraph ops, run `backward()`,
# and compare the gradient autodiff stored with the formula from the note,
# evaluated in NumPy on the same numbers. `close` uses a tolerance near
# round-off (1e-10 absolute), so a formula either agrees to ten digits or it
# is wrong. When a claim fails we also write down the corrected formula and
# assert that *it* agrees, so every "wrong" comes with a demonstrated "right".
#
# Autodiff is only a trustworthy referee if it is right itself. Before
# anything else, we check the engine's gradients on a whole network against
# central finite differences with `tg.gradcheck`.


# %%
def one_hot(n_classes, m, rng):
    return np.eye(n_classes)[:, rng.integers(0, n_classes, size=m)]


def dense(sizes, m, rng, output="sigmoid"):
    """A sigmoid network as engine ops; returns the lists W, b, Z, A (A[0] = X)."""
    A = [tg.tensor(rng.normal(size=(sizes[0], m)), name="X")]
    W, b, Z = [], [], []
    for l, (n_in, n_out) in enumerate(pairwise(sizes), start=1):
        W.append(
            tg.tensor(rng.normal(size=(n_out, n_in)), requires_grad=True, name=f"W{l}")
        )
        b.append(
            tg.tensor(rng.normal(size=(n_out, 1)), requires_grad=True, name=f"b{l}")
        )
        Z.append((W[-1] @ A[-1] + b[-1]).named(f"Z{l}"))
        last = l == len(sizes) - 1
        A.append(
            Z[-1].softmax(axis=0) if last and output == "softmax" else Z[-1].sigmoid()
        )
    return W, b, Z, A


def quadratic(A, Y):
    return ((A - Y) ** 2).sum() / (2 * A.shape[1])


def log_loss(A, Y):
    return -(Y * A.log()).sum() / A.shape[1]


def bce(A, Y):
    return -(Y * A.log() + (1 - Y) * (1 - A).log()).sum() / A.shape[1]


# the referee, refereed: autodiff against finite differences on a 3-4-2 network
Xg, Yg = rng.normal(size=(3, 5)), one_hot(2, 5, rng)
params = [
    tg.tensor(rng.normal(size=s), requires_grad=True)
    for s in [(4, 3), (4, 1), (2, 4), (2, 1)]
]


def network_cost(W1, b1, W2, b2):
    return log_loss((W2 @ (W1 @ Xg + b1).tanh() + b2).softmax(axis=0), Yg)


result = tg.gradcheck(network_cost, params)
print(result)
assert result

# %% [markdown]
# Every verdict goes into one table, printed at the end.

# %%
verdicts = []


def verdict(key, where, claim, autodiff, note, correct=None):
    """Record whether the note's formula agrees with autodiff (and assert the fix)."""
    autodiff, note = np.asarray(autodiff, float), np.asarray(note, float)
    holds = close(autodiff, note)
    if correct is not None:
        assert close(autodiff, correct), f"{key}: the correction disagrees too"
    gap = np.abs(autodiff - note).max() if autodiff.shape == note.shape else np.inf
    verdicts.append(
        {"key": key, "where": where, "claim": claim, "holds": holds, "gap": gap}
    )
    print(
        f"{key}: {'holds' if holds else 'DOES NOT HOLD'} (largest difference {gap:.2g})"
    )
    return holds


def record(key, where, claim, holds):
    """Record a verdict that is a yes/no fact rather than a formula."""
    verdicts.append(
        {"key": key, "where": where, "claim": claim, "holds": holds, "gap": np.nan}
    )
    print(f"{key}: {'holds' if holds else 'DOES NOT HOLD'}")
    return holds


# %% [markdown]
# ## Part 1: claims that hold
#
# Most of what the notes derive is right. Notebooks 1-5 check the cost
# graphs, activations and BP1-BP4 in detail; here is one compact test per
# group, so the table at the end is complete.

# %%
m = 5
A0 = rng.uniform(0.05, 0.95, size=(1, m))
Y0 = rng.integers(0, 2, size=(1, m)).astype(float)
At = tg.tensor(A0, requires_grad=True)
bce(At, Y0).backward()
assert verdict(
    "H1",
    "[000] eq. 2",
    "binary dJ/dA = (1/m)((1-y)/(1-a) - y/a)",
    At.grad,
    ((1 - Y0) / (1 - A0) - Y0 / A0) / m,
)

Zt = tg.tensor(rng.normal(size=(4, m)), requires_grad=True)
Y1 = one_hot(4, m, rng)
Ht = Zt.softmax(axis=0)
log_loss(Ht, Y1).backward()
assert verdict(
    "H2", "[000] eqs. 5, 6", "multiclass dJ/dA = -(1/m) Y/A", Ht.grad, -Y1 / Ht.data / m
)
assert verdict(
    "H3",
    "[000] eq. 6; [001]; [002] 8.3",
    "softmax + log-loss: dJ/dZ = (A - Y)/m",
    Zt.grad,
    (Ht.data - Y1) / m,
)

# %%
z = np.linspace(-4, 4, 81)


def derivative(f):
    t = tg.tensor(z, requires_grad=True)
    f(t).sum().backward()
    return t.grad


s = 1 / (1 + np.exp(-z))
assert verdict(
    "H4",
    "[001]; [002] 7.2, A.1",
    "sigmoid' = a(1 - a)",
    derivative(lambda t: t.sigmoid()),
    s * (1 - s),
)
assert verdict(
    "H5",
    "[002] 7.3, A.2",
    "tanh' = 1 - a^2",
    derivative(lambda t: t.tanh()),
    1 - np.tanh(z) ** 2,
)
assert verdict(
    "H6",
    "[002] 7.4",
    "ReLU' = 0 for z <= 0, 1 for z > 0",
    derivative(lambda t: t.relu()),
    (z > 0).astype(float),
)

# %%
zs = rng.normal(size=4)
a = np.exp(zs) / np.exp(zs).sum()
jac = np.zeros((4, 4))
for j in range(4):
    t = tg.tensor(zs, requires_grad=True)
    t.softmax(axis=0).backward(np.eye(4)[j])
    jac[j] = t.grad
off_diagonal = ~np.eye(4, dtype=bool)
assert verdict(
    "H7",
    "[001]; [002] A.3 cases; [003] 3",
    "da_j/dz_j = a_j(1 - a_j)",
    np.diag(jac),
    a * (1 - a),
)
assert verdict(
    "H8",
    "[001]; [002] A.3 cases; [003] 3",
    "da_j/dz_k = -a_j a_k (j != k)",
    jac[off_diagonal],
    -np.outer(a, a)[off_diagonal],
)

# %%
W, b, Z, A = dense((3, 5, 4, 2), 6, rng)
Y2 = rng.uniform(size=(2, 6))
quadratic(A[-1], Y2).backward()
Delta = [Zl.grad for Zl in Z]
gprime = A[2].data * (1 - A[2].data)
assert verdict(
    "H9",
    "[002] BP2.2",
    "Delta^l = (W^(l+1))^T Delta^(l+1) * g'(Z^l)",
    Delta[1],
    W[2].data.T @ Delta[2] * gprime,
)
assert verdict(
    "H10",
    "[002] BP3.2",
    "dJ/dW^l = Delta^l (A^(l-1))^T",
    W[1].grad,
    Delta[1] @ A[1].data.T,
)
assert verdict(
    "H11",
    "[002] BP4.2",
    "dJ/db^l = Delta^l 1",
    b[1].grad,
    Delta[1].sum(axis=1, keepdims=True),
)
assert verdict(
    "H12",
    "[002] BP1.2 (entrywise h)",
    "Delta^L = grad_H J * h'(Z^L)",
    Delta[2],
    A[3].grad * A[3].data * (1 - A[3].data),
)

# %%
Wr = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
lam, m_r = 0.3, 20
tg.nn.l2_penalty([Wr], lam, m_r).backward()
assert verdict(
    "H13", "[002] 9.2", "d/dw lam/(2M) sum w^2 = lam/M w", Wr.grad, lam / m_r * Wr.data
)
Wr.zero_grad()
tg.nn.l1_penalty([Wr], lam, m_r).backward()
assert verdict(
    "H14",
    "[002] 9.3",
    "d/dw lam/M sum |w| = lam/M sign(w)",
    Wr.grad,
    lam / m_r * np.sign(Wr.data),
)

# %% [markdown]
# ## Part 2: the mistakes
#
# Each entry: where it is, what the note says, what is right, the numbers,
# and why the slip is easy to make. In each cell the note's formula must
# *disagree* with autodiff and the correction must *agree*.
#
# ### E1. [000] multi-label: `dJ/du2` copies the line above
#
# The graph has `u4 = y u2 + (1 - y) u3`, so `du4/du2 = y`. The note writes
# `dJ/du2 = -(1/m)(1 - y)`, a copy of its `u3` line with one subscript
# changed. Right: `-(1/m) y`. Its final results (eqs. 8, 9) are unaffected.

# %%
m = 6
Y = rng.integers(0, 2, size=(3, m)).astype(float)
u0 = tg.tensor(rng.uniform(0.1, 0.9, size=(3, m)), requires_grad=True)
u2 = u0.log()
u4 = Y * u2 + (1 - Y) * (1 - u0).log()
(u4.sum(axis=1) * (-1 / m)).sum().backward()
assert not verdict(
    "E1",
    "[000] multi-label",
    "dJ/du2 = -(1/m)(1 - y)",
    u2.grad,
    -(1 - Y) / m,
    correct=-Y / m,
)

# %% [markdown]
# ### E2. [002] A.3: the Kronecker shorthand for the softmax derivative
#
# The two cases are right, but the merged form
# `∂g(z_r)/∂z_k = g(z_r)(δ_rk - g(z_r))` has the wrong index in the last
# factor; it must be `g(z_k)`. On the diagonal `r = k` and the two agree,
# which is how the slip hides.

# %%
a = np.array([0.5, 0.3, 0.2])
zs = np.log(a)
jac = np.zeros((3, 3))
for r in range(3):
    t = tg.tensor(zs, requires_grad=True)
    t.softmax(axis=0).backward(np.eye(3)[r])
    jac[r] = t.grad
note = a[:, None] * (np.eye(3) - a[:, None])
right = a[:, None] * (np.eye(3) - a[None, :])
print("autodiff da_1/dz_2 =", jac[0, 1], "  shorthand gives", note[0, 1])
assert not verdict(
    "E2", "[002] A.3", "dg(z_r)/dz_k = g(z_r)(δ_rk - g(z_r))", jac, note, correct=right
)

# %% [markdown]
# ### E3. [002] 8.3: BP1 with an entrywise `h'` for softmax
#
# Section 8.3 uses `δ_k = ∂J/∂h_k · h'(z_k)` with `h'(z_k) = h_k(1 - h_k)`.
# Softmax is not entrywise: each `z_k` moves every `h_r`, so BP1 needs the
# whole Jacobian, `δ = h ⊙ (∇_h J - Σ_r ∂J/∂h_r h_r)`. The entrywise product
# gives `-Y ⊙ (1 - H)/M`: right for the true class by luck, zero for all
# others. ([001] says exactly this; [002]'s own appendix B.2 sums correctly.)

# %%
M = 5
Y = one_hot(4, M, rng)
Zt = tg.tensor(rng.normal(size=(4, M)), requires_grad=True)
H = Zt.softmax(axis=0)
log_loss(H, Y).backward()
dJ_dH, Hd = H.grad, H.data
full = Hd * (dJ_dH - (dJ_dH * Hd).sum(axis=0, keepdims=True))
assert close(dJ_dH * Hd * (1 - Hd), -Y * (1 - Hd) / M)
assert not verdict(
    "E3",
    "[002] 8.3",
    "softmax delta_k = dJ/dh_k h_k(1 - h_k)",
    Zt.grad,
    dJ_dH * Hd * (1 - Hd),
    correct=full,
)

# %% [markdown]
# ### E4. [002] 8.2, 8.3: `(H - Y)/M` called `∇_H J`
#
# After deriving `∂J/∂z = (h - y)/M`, sections 8.2 and 8.3 call the same
# matrix "the matrix of partial derivatives `∂J/∂a_k^(L)(m)`", `∇_H J`.
# It is `∂J/∂Z`. The sentence is copied from 8.1 (identity output), where
# `h' = 1` and the two coincide.

# %%
M = 5
Y = rng.integers(0, 2, size=(3, M)).astype(float)
Zt = tg.tensor(rng.normal(size=(3, M)), requires_grad=True)
H = Zt.sigmoid()
bce(H, Y).backward()
Hd = H.data
assert not verdict(
    "E4",
    "[002] 8.2, 8.3",
    "grad_H J = (H - Y)/M",
    H.grad,
    (Hd - Y) / M,
    correct=((1 - Y) / (1 - Hd) - Y / Hd) / M,
)
assert close(Zt.grad, (Hd - Y) / M)  # it is dJ/dZ
Hq = tg.tensor(rng.normal(size=(3, M)), requires_grad=True)
Yq = rng.normal(size=(3, M))
quadratic(Hq, Yq).backward()
assert close(Hq.grad, (Hq.data - Yq) / M)  # and true for identity + quadratic

# %% [markdown]
# ### E5. [002] 8.1-8.3, B.1, B.2: a sum over the batch that belongs to `b`
#
# "For a batch", the note writes `∂J/∂z_k^(L) = (1/M) Σ_m (h_k^(m) - y_k^(m))`.
# But every example has its own `z_k^(L)(m)`, and its derivative is
# `(h_k^(m) - y_k^(m))/M`, one column each. The sum over examples is the
# gradient of a parameter all examples share: the bias, BP4.

# %%
M = 6
X = rng.normal(size=(4, M))
Wt = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
bt = tg.tensor(rng.normal(size=(3, 1)), requires_grad=True)
Zt = Wt @ X + bt
H = Zt.softmax(axis=0)
Y = one_hot(3, M, rng)
log_loss(H, Y).backward()
note = np.broadcast_to((H.data - Y).sum(axis=1, keepdims=True) / M, Zt.shape)
assert not verdict(
    "E5",
    "[002] 8.1-8.3, B",
    "batch dJ/dz_k = (1/M) sum_m (h - y)",
    Zt.grad,
    note,
    correct=(H.data - Y) / M,
)
assert close(bt.grad, note[:, :1])  # the sum is dJ/db

# %% [markdown]
# ### E6. [002] 6.2.1: `h'` twice
#
# The derivation of BP1.2 ends with `Δ = ∇_H J ⊙ h'(Z) ⊙ h'(Z)`; the boxed
# BP1.2 right after it has one factor, which is right.

# %%
Y = rng.uniform(size=(3, 4))
Zt = tg.tensor(rng.normal(size=(3, 4)), requires_grad=True)
H = Zt.sigmoid()
quadratic(H, Y).backward()
hp = H.data * (1 - H.data)
assert not verdict(
    "E6",
    "[002] 6.2.1",
    "Delta^L = grad_H J * h' * h'",
    Zt.grad,
    H.grad * hp * hp,
    correct=H.grad * hp,
)

# %% [markdown]
# ### E7. [002] 6.1.2, 6.2.2: the indices inside the vectorised BP2
#
# The big matrices write the transposed weights as `w^(ℓ)` (it must be
# `w^(ℓ+1)`), and in 6.2.2 every column uses the first example's errors
# `δ^(ℓ+1)(1)`. The boxed BP2.1/BP2.2 are right. To even *evaluate*
# `(W^(ℓ))ᵀ Δ^(ℓ+1)` we need equal layer widths.

# %%
W, b, Z, A = dense((4, 4, 4, 4), 5, rng)
quadratic(A[-1], rng.uniform(size=(4, 5))).backward()
gp = A[2].data * (1 - A[2].data)
right = W[2].data.T @ Z[2].grad * gp
assert not verdict(
    "E7",
    "[002] 6.1.2, 6.2.2",
    "BP2 matrix with w^(l) entries",
    Z[1].grad,
    W[1].data.T @ Z[2].grad * gp,
    correct=right,
)
first_column_everywhere = W[2].data.T @ Z[2].grad[:, [0]] * gp
assert not close(Z[1].grad, first_column_everywhere)

# %% [markdown]
# ### E8. [002] 4: the size annotations of `W^(ℓ)`
#
# The braces around `W^(ℓ)` say its columns run to `s_ℓ` and its rows to
# `s_(ℓ+1)`. It is `s_ℓ × s_(ℓ-1)`, as the text in parentheses says. A matrix
# of the annotated shape cannot multiply the layer's input at all:

# %%
s1, s2, s3 = 3, 5, 2
Xs = tg.tensor(rng.normal(size=(s1, 4)), name="X")
annotated = tg.tensor(rng.normal(size=(s3, s2)), name="W2_annotated")
try:
    annotated @ Xs
    multiplies = True
except ValueError as err:
    multiplies = False
    print("ValueError:", err)
W2 = tg.tensor(rng.normal(size=(s2, s1)), name="W2")
assert (W2 @ Xs).shape == (s2, 4)
assert not record("E8", "[002] 4", "W^(l) is s_(l+1) x s_l", multiplies)

# %% [markdown]
# ### E9. [003] equation 2: `δ` is `∂C/∂z`, not `∂C/∂a`
#
# Steps (8) and (10) of the homework's BP2 derivation say
# `∂a_j^(l+1)/∂z^l = w_j^(l+1) σ'(z^l)` and `δ_j^(l+1) = ∂C/∂a_j^(l+1)`. Both
# drop a factor `σ'(z_j^(l+1))`; the two slips cancel, so the result (11) is
# right. Equation (9) as written, with `∂C/∂a^(l+1)`, is not:

# %%
W, b, Z, A = dense((3, 4, 4, 2), 1, rng)
(((A[-1] - rng.uniform(size=(2, 1))) ** 2).sum() / 2).backward()
dC_da_next, delta_next = A[2].grad, Z[1].grad
sp = A[1].data * (1 - A[1].data)
assert not close(dC_da_next, delta_next)
assert not verdict(
    "E9",
    "[003] eqs. (8)-(10)",
    "delta^(l+1) = dC/da^(l+1) in eq. (9)",
    Z[0].grad,
    W[1].data.T @ dC_da_next * sp,
    correct=W[1].data.T @ delta_next * sp,
)

# %% [markdown]
# ### E10. [003] equation (19): `∂C/∂w_jk` with its indices swapped
#
# Right under the correct headline `a_k^(l-1) δ_j^l`, equation (19) writes
# `a_j^(l-1) δ_k^l`: the transpose. With unequal layer sizes it does not even
# have the right shape; with equal ones it is simply wrong.

# %%
W, b, Z, A = dense((4, 4, 2), 3, rng)
quadratic(A[-1], rng.uniform(size=(2, 3))).backward()
delta, a_prev = Z[0].grad, A[0].data
assert not verdict(
    "E10",
    "[003] eq. (19)",
    "dC/dw_jk = a_j delta_k",
    W[0].grad,
    a_prev @ delta.T,
    correct=delta @ a_prev.T,
)

# %% [markdown]
# ### E11. [003] problem 2: hidden biases have gradients too
#
# The homework says the derivative with respect to "the biases of the neurons
# in the other layers is 0". Every bias gets `Σ_x δ^l` (BP4).

# %%
W, b, Z, A = dense((3, 5, 1), 7, rng)
bce(A[-1], rng.integers(0, 2, size=(1, 7)).astype(float)).backward()
print("hidden dC/db:", b[0].grad.ravel())
assert not verdict(
    "E11",
    "[003] problem 2",
    "hidden-layer dC/db = 0",
    b[0].grad,
    np.zeros_like(b[0].grad),
    correct=Z[0].grad.sum(axis=1, keepdims=True),
)

# %% [markdown]
# ### E12. [003] problem 4: the NLL gradient for the wrong classes
#
# `C = -log S_y` depends on `S_y` only, so `∂C/∂S_i` is 0 for `i ≠ y`, and the
# chain rule sums over all outputs: `∂C/∂z_j = S_j - y_j`. The homework takes
# `∂C/∂S_i = -1/S_i` for every `i` and gets `-(1 - S_j)` for every `j`, right
# only for the true class, and then calls `1 - a_j` "equivalent" to
# `a_j - y_j`. Its final `∂C/∂w` and `∂C/∂b` are right.

# %%
zt = tg.tensor([[2.0], [1.0], [0.0]], requires_grad=True)
S = zt.softmax(axis=0)
C = -(S[0, 0]).log()
C.backward()
y = np.array([[1.0], [0.0], [0.0]])
print("autodiff dC/dz:", zt.grad.ravel(), "  note:", (-(1 - S.data)).ravel())
assert close(S.grad, -y / S.data)  # zero off the true class
assert not verdict(
    "E12",
    "[003] problem 4",
    "dC/dz_j = -(1 - S_j) for every j",
    zt.grad,
    -(1 - S.data),
    correct=S.data - y,
)

# %% [markdown]
# ### E13. [003] problem 4: "the derivative will not become very small"
#
# For the NLL, `∂C/∂z_y = S_y - 1 = e^(-C) - 1`: a function of the cost alone,
# going to zero with it, as any gradient must at a minimum. What softmax + NLL
# avoids is the *quadratic* cost's factor `σ'(z)`, which kills the gradient of
# a confidently **wrong** output (notebook 5).

# %%
gaps = np.array([0.0, 1.0, 2.0, 5.0, 10.0])
costs, grads = [], []
for g in gaps:
    zt = tg.tensor([[g], [0.0], [0.0]], requires_grad=True)
    C = -(zt.softmax(axis=0)[0, 0]).log()
    C.backward()
    costs.append(C.item())
    grads.append(zt.grad[0, 0])
costs, grads = np.array(costs), np.array(grads)
for c_, g_ in zip(costs, grads):
    print(f"cost {c_:9.2e}   dC/dz_y {g_:10.2e}")
assert close(grads, np.expm1(-costs))
# The claim, as a fact to test: at the smallest cost the gradient is not small.
assert not record(
    "E13",
    "[003] problem 4",
    "the NLL gradient stays large when C is small",
    abs(grads[-1]) > 1e-2,
)

fig, ax = plt.subplots(figsize=(5, 3))
c_line = np.linspace(0, 3, 100)
ax.plot(c_line, np.expm1(-c_line), label="e^(-C) - 1")
ax.plot(costs, grads, "o", label="autodiff")
ax.set_xlabel("cost C")
ax.set_ylabel("dC/dz (true class)")
ax.legend()
plt.show()

# %% [markdown]
# ### E14. [001]: where the sigmoid derivative goes in BP2
#
# The last paragraph of [001] says to plug the sigmoid derivative into BP2
# "as `δ_j^(l+1)`". It enters as the factor `σ'(z_j^l)`; `δ^(l+1)` is the
# next layer's error.

# %%
W, b, Z, A = dense((3, 4, 4, 3), 4, rng, output="softmax")
log_loss(A[-1], one_hot(3, 4, rng)).backward()
a_l, a_next = A[1].data, A[2].data
misread = W[1].data.T @ (a_next * (1 - a_next)) * (a_l * (1 - a_l))
assert not verdict(
    "E14",
    "[001] last paragraph",
    "sigma' enters BP2 as delta^(l+1)",
    Z[0].grad,
    misread,
    correct=W[1].data.T @ Z[1].grad * (a_l * (1 - a_l)),
)

# %% [markdown]
# ## The report

# %%
rows = [
    "| | where | claim | verdict | largest difference |",
    "| --- | --- | --- | --- | --- |",
]
for v in verdicts:
    mark = "holds" if v["holds"] else "**wrong**"
    gap = "—" if not np.isfinite(v["gap"]) else f"{v['gap']:.1e}"
    claim = v["claim"].replace("|", "\\|")  # a bare | would split the table cell
    rows.append(f"| {v['key']} | {v['where']} | `{claim}` | {mark} | {gap} |")
display(Markdown("\n".join(rows)))
wrong = [v["key"] for v in verdicts if not v["holds"]]
print(
    f"{len(verdicts)} claims checked: {len(verdicts) - len(wrong)} hold, "
    f"{len(wrong)} do not."
)

# %% [markdown]
# ### Agreement with the errata
#
# The project keeps its list of the notes' mistakes in `docs/notes_errata.md`.
# The entries this notebook found wrong must be exactly the ones listed there,
# and every claim it found to hold must not be listed.

# %%
errata = (REPO_ROOT / "docs" / "notes_errata.md").read_text()
listed = sorted(
    set(re.findall(r"^\| (E\d+) \|", errata, flags=re.MULTILINE)),
    key=lambda k: int(k[1:]),
)
print("listed in docs/notes_errata.md:", ", ".join(listed))
assert listed == wrong, (listed, wrong)
assert all(v["key"].startswith("H") for v in verdicts if v["holds"])

# %% [markdown]
# The errata sort the entries into two kinds. A *substantive* mistake is
# wrong reasoning: follow it and you get a wrong gradient (most treat a
# softmax like an entrywise function, or a batch like one example). A
# *typo* is a slip with the right version next to it (a boxed equation, the
# line above), and the note's own results stay right. Both give a wrong
# number when used as written, which is why every one is checked above.

# %%
substantive_part = errata.split("### Substantive mistakes")[1].split("### Typos")[0]
substantive = re.findall(r"^\| (E\d+) \|", substantive_part, flags=re.MULTILINE)
typos = [key for key in listed if key not in substantive]
print("substantive:", ", ".join(substantive))
print("typos      :", ", ".join(typos))
assert substantive and typos and set(substantive) <= set(listed)

# %% [markdown]
# ## Exercises
#
# **1.** With `a = softmax(z) = (0.5, 0.3, 0.2)`, what is `∂a_3/∂z_1` (the
# correct value, not the shorthand's)?

# %%
answer_1 = ...

# %%
t1 = tg.tensor(np.log([0.5, 0.3, 0.2]), requires_grad=True)
t1.softmax(axis=0).backward(np.array([0.0, 0.0, 1.0]))
check(answer_1, t1.grad[0], "da_3/dz_1")

# %% [markdown]
# **2.** Scores `z = (0, 0, ln 2)` for three classes, the true class is the
# second. Give the correct `dC/dz` for `C = -log S_y` (three numbers).

# %%
answer_2 = ...

# %%
t2 = tg.tensor(np.array([0.0, 0.0, np.log(2.0)]), requires_grad=True)
(-(t2.softmax(axis=0)[1]).log()).backward()
check(answer_2, t2.grad, "dC/dz")

# %% [markdown]
# **3.** Find the slip yourself. A student claims that for the quadratic cost
# with a sigmoid output, `J = (1/2m) Σ (a - y)^2`, the output error is
# `δ = (a - y)/m`, "the same as for cross-entropy". For `z = [[0.0, 2.0]]`,
# `y = [[1.0, 0.0]]`, give the correct `dJ/dz` (a 1 x 2 array). What factor did
# the student drop?

# %%
answer_3 = ...

# %%
t3 = tg.tensor([[0.0, 2.0]], requires_grad=True)
tg.nn.mse(t3.sigmoid(), np.array([[1.0, 0.0]])).backward()
check(answer_3, t3.grad, "dJ/dz")
