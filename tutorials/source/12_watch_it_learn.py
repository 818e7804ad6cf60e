# %% [markdown]
# # 12. Watch a network learn
#
# **What you will learn**
#
# * how to record a training run with `tg.Recorder`, one line around
#   `opt.step()`, and replay it as a page: the cost curves, the decision
#   boundary forming, each layer's health, and the graph of a few examples
#   with its values and gradients at every recorded step;
# * what the health panel measures: each layer's gradient norm, how far one
#   step moves its weights compared with their size, and how many of its
#   units are saturated (sigmoid, tanh) or dead (ReLU);
# * why a deep network of sigmoid layers barely learns while the same
#   network of ReLU layers does: each layer of the backward pass multiplies
#   the error by `g'(z)`, and the logistic function's derivative is at most
#   1/4, so the gradient *vanishes* on its way back to the first layers.
#
# **Follows:** [002] (Wedgwood, *Artificial Neural Networks*), section 6.2
# (the backward pass for a batch, BP2) and section 7 (*Hidden Layer
# Activation Functions*: the logistic function's derivative `a(1 - a)` and
# the rectifier's, 0 or 1). The texts are listed in the README's
# [references](../README.md#references).

# %%
# %matplotlib inline
import matplotlib.pyplot as plt
import numpy as np
from tutorial_checks import check, close

import tinygraph as tg
import visualize

np.set_printoptions(precision=4, suppress=True)

# %% [markdown]
# ## The data: two moons
#
# Two interleaved half circles in the plane, labelled 0 and 1, with some
# noise: no straight line separates them, so the network has to bend its
# boundary. The layout is the notes': one column per example.

# %%
data = tg.datasets.moons(300, noise=0.15, seed=0)
print("training:", data.X_train.shape, data.Y_train.shape,
      "  held out:", data.X_test.shape)
cost = tg.nn.binary_cross_entropy_with_logits  # sigmoid + cross-entropy, on Z


def network(activation, hidden, seed=0):
    """2 inputs, the hidden layers (a list of widths), 1 output (a logit)."""
    rng = np.random.default_rng(seed)
    modules, n_in = [], 2
    init = "he" if activation is tg.nn.ReLU else "xavier"
    for width in hidden:
        modules += [tg.nn.Linear(n_in, width, rng=rng, init=init), activation()]
        n_in = width
    modules.append(tg.nn.Linear(n_in, 1, rng=rng))
    return tg.nn.Sequential(*modules)


def fit(net, recorder, epochs, lr=0.1, seed=0):
    """Mini-batch gradient descent with momentum, every step shown to the
    recorder; tqdm's bar counts the epochs."""
    rng = np.random.default_rng(seed)
    opt = tg.optim.SGD(net.parameters(), lr=lr, momentum=0.9)
    for _ in visualize.progress(range(epochs), desc="epochs", leave=False):
        for X, Y in tg.data.batches(data.X_train, data.Y_train, 32, rng=rng):
            J = cost(net(X), Y)
            opt.zero_grad()
            J.backward()
            with recorder.step(J, X, Y):  # records every n-th step
                opt.step()


# %% [markdown]
# ## Watch the boundary form
#
# The recorder is told the model, the cost, how often to record and the
# held-out examples. `visualize.watch` shows its page below at once and
# redraws it while training runs. Move the slider (or press play) to
# see the boundary bend around the moons, the cost fall, and the graph of
# four training examples change its values and gradients step by step.

# %%
relu_net = network(tg.nn.ReLU, [16, 16])
recorder = tg.Recorder(relu_net, cost, every=60, test=(data.X_test, data.Y_test))
view = visualize.watch(recorder, seconds=0.5,
                       title="Two moons: a 2-16-16-1 ReLU network learning")
fit(relu_net, recorder, epochs=60)
view.update()  # the last steps

# %% [markdown]
# Everything on the page is also plain data. `recorder.records` holds one
# `StepRecord` per recorded step: the costs, the accuracies, each layer's
# health, the boundary on the grid, and the probe batch's graph.

# %%
first, last = recorder.records[0], recorder.records[-1]
print(f"{len(recorder.records)} records, steps {first.step} to {last.step}")
print(f"held-out accuracy: {first.test_accuracy:.0%} at step 0, "
      f"{last.test_accuracy:.0%} at step {last.step}")
for layer in last.layers:
    activation = layer.activation or "no activation"
    print(f"{layer.name}: gradient norm {layer.gradient_norm:.2e}, "
          f"update/size {layer.update_ratio:.1e}, {activation}")
assert last.test_accuracy > 0.9 and last.test_cost < first.test_cost

# %% [markdown]
# The numbers are the ones you would compute by hand. The gradient norm of
# a layer is `sqrt(sum dW² + sum db²)`; the probe graph kept at each step
# has every node's gradient, so we can check the first layer's entry of the
# health table on it, with a separate forward and backward pass on the
# same four examples at the same weights.

# %%
nodes = {label: node for node, label in tg.graph.labels(last.graph).items()}
W1, b1 = nodes["W1"], nodes["b1"]
X4 = nodes["X"].data
Y4 = recorder.probe[1]
W1_ = tg.tensor(W1.data, requires_grad=True)
b1_ = tg.tensor(b1.data, requires_grad=True)
rest = [nodes[name].data for name in ("W2", "b2", "W3", "b3")]
A1 = (W1_ @ X4 + b1_).relu()
A2 = (tg.tensor(rest[0]) @ A1 + rest[1]).relu()
J4 = cost(tg.tensor(rest[2]) @ A2 + rest[3], Y4)
J4.backward()
assert close(W1_.grad, W1.grad) and close(b1_.grad, b1.grad)
print("dJ/dW1 in the recorded graph agrees with a fresh backward pass")
print("its norm, sqrt(sum dW1^2 + sum db1^2):",
      np.sqrt(np.sum(W1.grad**2) + np.sum(b1.grad**2)).round(4))

# %% [markdown]
# ## Deep sigmoid against deep ReLU
#
# Now make the network deep: six hidden layers of 16 units. One copy uses
# the logistic function in every hidden layer, the other the rectifier;
# everything else (data, initial scale, learning rate, batches) is the
# same. Record both.

# %%
depth = [16] * 6
deep_sigmoid = network(tg.nn.Sigmoid, depth)
deep_relu = network(tg.nn.ReLU, depth)
held_out = (data.X_test, data.Y_test)
sigmoid_recorder = tg.Recorder(deep_sigmoid, cost, every=240, test=held_out)
relu_recorder = tg.Recorder(deep_relu, cost, every=240, test=held_out)
fit(deep_sigmoid, sigmoid_recorder, epochs=60)
fit(deep_relu, relu_recorder, epochs=60)
for name, rec in [("sigmoid", sigmoid_recorder), ("ReLU", relu_recorder)]:
    print(f"deep {name:7s}: held-out accuracy {rec.records[-1].test_accuracy:.0%}")

# %% [markdown]
# The ReLU network learned the moons; the sigmoid network is still
# guessing, at about one in two. Its page says why: look at the health
# panel at any step.

# %%
visualize.training_page(sigmoid_recorder,
                        title="Two moons: six sigmoid layers (barely) learning")

# %% [markdown]
# The warnings say that the first layers' gradients are hundreds or
# thousands of times smaller than the output layer's. The picture: each
# layer's gradient norm at step 0, for both networks.

# %%
fig, ax = plt.subplots(figsize=(6, 3.2))
for name, rec in [("sigmoid", sigmoid_recorder), ("ReLU", relu_recorder)]:
    norms = [layer.gradient_norm for layer in rec.records[0].layers]
    ax.semilogy(range(1, len(norms) + 1), norms, marker="o", label=name)
ax.set_xlabel("layer (7 is the output)")
ax.set_ylabel("gradient norm at step 0")
ax.legend()
plt.show()
for warning in sigmoid_recorder.records[0].warnings:
    print(warning)
sigmoid_norms = [layer.gradient_norm for layer in sigmoid_recorder.records[0].layers]
relu_norms = [layer.gradient_norm for layer in relu_recorder.records[0].layers]
assert sigmoid_norms[0] < sigmoid_norms[-1] / 100
assert relu_norms[0] > relu_norms[-1] / 10
assert relu_recorder.records[0].warnings == []

# %% [markdown]
# ## Why: BP2 multiplies by g'(z) at every layer
#
# The notes' BP2 (section 6.2) moves the error one layer back:
#
# `delta^(l) = (W^(l+1)ᵀ delta^(l+1)) * g'(Z^(l))`
#
# and section 7 gives the logistic function's derivative as `a(1 - a)`,
# which is at most 1/4 (at `a = 1/2`). So each sigmoid layer shrinks the
# error by a factor of at most `||W^(l+1)|| / 4`, where `||W||` is the
# largest factor by which `W` can stretch a vector (its spectral norm). The
# rectifier's derivative is 1 wherever the unit is active, so a ReLU layer
# passes the error back unshrunk there.
#
# The recorded probe graph has `delta^(l)` for every layer: it is the
# gradient of the node `Z_l`. Check the bound on it, layer by layer.

# %%
probe = sigmoid_recorder.records[0].graph
nodes = {label: node for node, label in tg.graph.labels(probe).items()}
for l in range(1, 7):
    delta, delta_next = nodes[f"Z{l}"].grad, nodes[f"Z{l + 1}"].grad
    W_next = nodes[f"W{l + 1}"].data
    shrink = np.linalg.norm(delta) / np.linalg.norm(delta_next)
    bound = np.linalg.norm(W_next, 2) / 4
    print(f"layer {l}: ||delta|| shrinks by {shrink:.3f} (bound ||W{l + 1}||/4 = "
          f"{bound:.3f})")
    assert shrink <= bound * (1 + 1e-9)

# %% [markdown]
# Six factors of about 0.2 to 0.4 make the first layer's gradient a few
# thousandths of the output layer's: its weights hardly move, so the
# features the later layers see stay almost random. That is the vanishing
# gradient, and the reason deep networks use rectifiers in their hidden
# layers. (The sigmoid units here are not saturated: the health panel shows
# 0%. The shrinking comes from `a(1 - a) <= 1/4` alone.)
#
# ## Exercises
#
# **1.** One step of gradient descent changes a layer's parameters from
# `W = [[3, 0]]`, `b = [[4]]` to `W = [[3, 0.3]]`, `b = [[4.4]]`. What is its
# update-to-data ratio, `||change|| / ||parameters before||`, with both
# norms taken over W and b together?

# %%
answer_1 = ...

# %%
check(answer_1,
      tg.diagnostics.update_ratio([np.array([[3.0, 0.0]]), np.array([[4.0]])],
                                  [np.array([[3.0, 0.3]]), np.array([[4.4]])]),
      "the update-to-data ratio")

# %% [markdown]
# **2.** A ReLU layer of four units gives these outputs on a batch of three
# examples (one column each). What share of its units are dead on this
# batch?
#
# ```
# A = [[0, 0, 0],
#      [1, 0, 2],
#      [0, 0, 0],
#      [0, 3, 0]]
# ```

# %%
answer_2 = ...

# %%
A = np.array([[0.0, 0, 0], [1, 0, 2], [0, 0, 0], [0, 3, 0]])
check(answer_2, tg.diagnostics.dead_share(A), "the share of dead units")

# %% [markdown]
# **3.** A chain of four sigmoid layers, each with weight 1 and a bias that
# keeps every `z` at 0: `z1 = x`, `a1 = sigmoid(z1)`, `z2 = a1 - 1/2`, ...,
# `a4 = sigmoid(z4)`, starting from `x = 0`. By BP2, what is `da4/dx`?
# (One number; every `z` is 0.)

# %%
answer_3 = ...

# %%
x = tg.tensor(0.0, requires_grad=True)
a = x.sigmoid()
for _ in range(3):
    a = (a - 0.5).sigmoid()
(da4_dx,) = tg.grad(a, [x])
check(answer_3, da4_dx, "da4/dx")
