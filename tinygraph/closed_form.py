"""The notes' hand-derived results, as plain NumPy: an oracle for autodiff.

Nothing here imports tinygraph, so a bug in the engine cannot make the two
agree. The layout is the notes': a batch is features x examples (one column
per example), a layer computes ``Z = W @ A_prev + b`` with ``W`` of shape
(n_out, n_in) and ``b`` of shape (n_out, 1), and every cost averages over
the ``m`` columns. Symbols follow the notes: ``A``, ``Z``, ``W``, ``b``,
``m``, ``delta`` (= dJ/dZ).

Sources, all in ``notes/`` (see ``notes/README.md``):

* [000] "Feedforward Neural Networks in Depth, Part 3: Cost Functions";
* [001] the post on sigmoid hidden layers, softmax output, cross-entropy;
* [002] M. Wedgwood, "Artificial Neural Networks" (sections 5-10, appendices);
* [003] the NE 795 homework on the four equations of backpropagation.

Where a note states a formula wrongly, the formula here is the corrected one
and ``docs/notes_errata.md`` says what the note got wrong.

>>> import numpy as np
>>> A = np.array([[0.9, 0.2, 0.6]])
>>> Y = np.array([[1.0, 0.0, 1.0]])
>>> output_error(A, Y)
array([[-0.03333333,  0.06666667, -0.13333333]])
"""

from dataclasses import dataclass

import numpy as np

# ----- activations ([002] sections 7, 8 and appendix A) ------------------


def identity(Z):
    """h(z) = z, the regression output ([002] section 8.1)."""
    return np.asarray(Z, dtype=float)


def step(Z):
    """The perceptron's step: 1 where z >= 0, else 0 ([002] section 7.1)."""
    return (np.asarray(Z) >= 0).astype(float)


def sigmoid(Z):
    """sigma(z) = 1 / (1 + exp(-z)) ([002] section 7.2).

    Written as exp(-log(1 + exp(-z))), which never overflows.
    """
    return np.exp(-np.logaddexp(0.0, -np.asarray(Z, dtype=float)))


def tanh(Z):
    """tanh(z) = (e^z - e^-z) / (e^z + e^-z) ([002] section 7.3)."""
    return np.tanh(Z)


def relu(Z):
    """max(0, z), the rectifier ([002] section 7.4)."""
    return np.maximum(Z, 0.0)


def softmax(Z):
    """a_k = exp(z_k) / sum_i exp(z_i) down each column ([002] section 8.3).

    Subtracting each column's maximum changes nothing and avoids overflow.
    """
    E = np.exp(Z - np.max(Z, axis=0, keepdims=True))
    return E / E.sum(axis=0, keepdims=True)


def identity_prime(Z):
    """h'(z) = 1 ([002] section 8.1)."""
    return np.ones_like(Z, dtype=float)


def step_prime(Z):
    """step'(z) = 0 wherever it exists ([002] section 7.1): no gradient flows."""
    return np.zeros_like(Z, dtype=float)


def sigmoid_prime(Z):
    """sigma'(z) = sigma(z) (1 - sigma(z)) = A (1 - A).

    From [001] ("Sigmoid hidden layer"), [002] section 7.2 and appendix A.1.

    >>> sigmoid_prime(np.array([0.0]))
    array([0.25])
    """
    A = sigmoid(Z)
    return A * (1 - A)


def tanh_prime(Z):
    """tanh'(z) = 1 - tanh(z)^2 = 1 - A * A ([002] section 7.3, appendix A.2)."""
    A = np.tanh(Z)
    return 1 - A * A


def relu_prime(Z):
    """relu'(z) = 1 where z > 0, else 0; 0 at z = 0 as in [002] section 7.4.

    >>> relu_prime(np.array([-1.0, 0.0, 2.0]))
    array([0., 0., 1.])
    """
    return (np.asarray(Z) > 0).astype(float)


def softmax_jacobian(a):
    """d a_r / d z_k = a_r (delta_rk - a_k): the matrix diag(a) - a a^T.

    The two cases of [001] ("Softmax output layer"), [003] problem 3 and
    [002] appendix A.3: a_k (1 - a_k) on the diagonal, -a_r a_k off it.
    (The Kronecker shorthand in [002] A.3 has a_r where a_k belongs; see
    the errata.) ``a`` is one example's column of softmax outputs, shape
    (K,) or (K, 1); a (K, m) batch gives one Jacobian per example,
    shape (m, K, K). Row r, column k holds d a_r / d z_k.

    >>> softmax_jacobian(np.array([0.5, 0.5]))
    array([[ 0.25, -0.25],
           [-0.25,  0.25]])
    """
    a = np.asarray(a, dtype=float)
    if a.ndim == 2 and a.shape[1] > 1:
        return np.stack([softmax_jacobian(column) for column in a.T])
    a = a.reshape(-1)
    return np.diag(a) - np.outer(a, a)


def softmax_backward(A, G):
    """dJ/dZ from G = dJ/dA through A = softmax(Z), down each column.

    dJ/dz_k = sum_r G_r a_r (delta_rk - a_k) = a_k (G_k - sum_r G_r a_r):
    the Jacobian applied to G without building it, the first line of
    [000]'s multiclass dJ/dz_{j,i}.

    >>> softmax_backward(np.array([[0.5], [0.5]]), np.array([[1.0], [0.0]]))
    array([[ 0.25],
           [-0.25]])
    """
    return A * (G - np.sum(G * A, axis=0, keepdims=True))


ACTIVATIONS = {
    "identity": (identity, identity_prime),
    "step": (step, step_prime),
    "sigmoid": (sigmoid, sigmoid_prime),
    "tanh": (tanh, tanh_prime),
    "relu": (relu, relu_prime),
    "softmax": (softmax, None),
}


def activate(name, Z):
    """A = g(Z) for the activation called ``name`` (a key of ACTIVATIONS)."""
    return ACTIVATIONS[_known(name, ACTIVATIONS, "activation")][0](Z)


def activation_backward(name, Z, A, G):
    """dJ/dZ = G * g'(Z) for an entrywise g, softmax_backward(A, G) for softmax.

    This is BP1 and the g'(Z) factor of BP2 ([002] sections 6.1.1, 6.2.1).
    """
    if _known(name, ACTIVATIONS, "activation") == "softmax":
        return softmax_backward(A, G)
    return G * ACTIVATIONS[name][1](Z)


# ----- costs and their seeds dJ/dA ([000], [002] section 8) --------------


def mse(A, Y):
    """The quadratic cost J = 1/(2m) sum (A - Y)^2 ([002] section 8.1)."""
    A, Y, m = _pair("mse", A, Y)
    return np.sum((A - Y) ** 2) / (2 * m)


def binary_cross_entropy(A, Y):
    """J = -1/m sum (Y log A + (1 - Y) log(1 - A)) ([000] eq. 1, [002] 8.2)."""
    A, Y, m = _pair("binary_cross_entropy", A, Y)
    return -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A)) / m


def cross_entropy(A, Y):
    """The softmax log-loss J = -1/m sum Y log A, Y one-hot ([000] eq. 4)."""
    A, Y, m = _pair("cross_entropy", A, Y)
    return -np.sum(Y * np.log(A)) / m


def multilabel_bce(A, Y):
    """J = sum_j (-1/m sum_i (y log a + (1 - y) log(1 - a))) ([000] eq. 7).

    A sum of one binary cross-entropy per label (row), which is the same
    number as ``binary_cross_entropy`` over the whole array.
    """
    A, Y, m = _pair("multilabel_bce", A, Y)
    per_label = -np.sum(Y * np.log(A) + (1 - Y) * np.log(1 - A), axis=1) / m
    return np.sum(per_label)


def mse_dA(A, Y):
    """dJ/dA = (A - Y) / m for the quadratic cost ([002] section 8.1)."""
    A, Y, m = _pair("mse", A, Y)
    return (A - Y) / m


def binary_cross_entropy_dA(A, Y):
    """dJ/dA = 1/m ((1 - Y) / (1 - A) - Y / A) ([000] eq. 2)."""
    A, Y, m = _pair("binary_cross_entropy", A, Y)
    return ((1 - Y) / (1 - A) - Y / A) / m


def cross_entropy_dA(A, Y):
    """dJ/dA = -1/m Y / A for the softmax log-loss ([000] eq. 5)."""
    A, Y, m = _pair("cross_entropy", A, Y)
    return -Y / A / m


def multilabel_bce_dA(A, Y):
    """dJ/dA = 1/m ((1 - Y) / (1 - A) - Y / A) ([000] eq. 8)."""
    A, Y, m = _pair("multilabel_bce", A, Y)
    return ((1 - Y) / (1 - A) - Y / A) / m


COSTS = {
    "mse": (mse, mse_dA),
    "binary_cross_entropy": (binary_cross_entropy, binary_cross_entropy_dA),
    "cross_entropy": (cross_entropy, cross_entropy_dA),
    "multilabel_bce": (multilabel_bce, multilabel_bce_dA),
}


def cost(name, A, Y):
    """The value of the cost called ``name`` (a key of COSTS)."""
    return COSTS[_known(name, COSTS, "cost")][0](A, Y)


def dJ_dA(name, A, Y):
    """The backpropagation seed dJ/dA for the cost called ``name``."""
    return COSTS[_known(name, COSTS, "cost")][1](A, Y)


# ----- the output-layer error delta^L = dJ/dZ^L --------------------------

# Output activation and cost that the notes pair so that dJ/dZ = (A - Y)/m.
MATCHED_PAIRS = (
    ("identity", "mse"),  # [002] section 8.1
    ("sigmoid", "binary_cross_entropy"),  # [000] eq. 3, [002] section 8.2
    ("softmax", "cross_entropy"),  # [000] eq. 6, [001], [002] section 8.3
    ("sigmoid", "multilabel_bce"),  # [000] eq. 9
)


def output_error(A, Y):
    """delta^L = dJ/dZ^L = (A - Y) / m, for each of the MATCHED_PAIRS.

    Each column is one example's error a - y ([001]), divided by m because
    the cost averages over the m examples ([000] eqs. 3, 6, 9). For softmax
    it needs each column of Y to sum to 1 ([000]: "probabilities = 1").

    >>> output_error(np.array([[0.7, 0.1], [0.3, 0.9]]), np.eye(2))
    array([[-0.15,  0.05],
           [ 0.15, -0.05]])
    """
    A, Y, m = _pair("output_error", A, Y)
    return (A - Y) / m


def output_delta(output, cost, Z, A, Y):
    """delta^L for any output activation and cost: BP1, dJ/dA through h.

    (A - Y)/m for a matched pair, else ``activation_backward`` applied to
    the seed dJ/dA ([002] BP1.2: Delta^L = grad_H J * h'(Z^L), with the
    full softmax Jacobian in place of h' for softmax).
    """
    if (output, cost) in MATCHED_PAIRS:
        if output == "softmax":
            return _softmax_cross_entropy_delta(A, Y)
        return output_error(A, Y)
    return activation_backward(output, Z, A, dJ_dA(cost, A, Y))


def _softmax_cross_entropy_delta(A, Y):
    """dJ/dZ = (A sum_k y_k - Y) / m for softmax and the log-loss, column by
    column: the softmax Jacobian applied to dJ/dA = -Y / (m A).

    NOTE: it is the notes' (A - Y) / m only when every column of Y sums to 1
    (one-hot labels); a multi-hot or unnormalised Y would be silently wrong
    with the short form, so the short form is used only where it holds.
    """
    A, Y, m = _pair("output_delta", A, Y)
    totals = Y.sum(axis=0, keepdims=True)
    if np.all(totals == 1):
        return (A - Y) / m
    return (A * totals - Y) / m


# ----- regularisation ([002] sections 9.2, 9.3) ---------------------------


def l2_penalty(W, lam, m):
    """lam / (2m) sum w^2 over every weight matrix in the list ``W``."""
    return lam / (2 * m) * sum(np.sum(Wl**2) for Wl in W)


def l2_penalty_dW(Wl, lam, m):
    """d/dW of the L2 term: lam / m * W ([002] section 9.2)."""
    return lam / m * Wl


def l1_penalty(W, lam, m):
    """lam / m sum |w| over every weight matrix in the list ``W``."""
    return lam / m * sum(np.sum(np.abs(Wl)) for Wl in W)


def l1_penalty_dW(Wl, lam, m):
    """d/dW of the L1 term: lam / m * sign(W), 0 at w = 0 ([002] 9.3)."""
    return lam / m * np.sign(Wl)


# ----- a dense network by hand: forward (FP2) and backward (BP1-BP4) ------


@dataclass
class Backprop:
    """One manual forward and backward pass through a dense network.

    Lists run over layers 1..L, so layer l is at index l - 1, except ``A``,
    which starts with the input: ``A[0]`` is X and ``A[l]`` is layer l's
    output. ``delta[l - 1]`` is dJ/dZ of layer l. (This is [000]'s
    numbering, A^[0] = X; [002] calls the input layer 1.)
    """

    J: float
    Z: list
    A: list
    delta: list
    dW: list
    db: list


def forward(X, W, b, hidden="sigmoid", output="sigmoid"):
    """Z^l = W^l A^(l-1) + b^l, A^l = g(Z^l), A^L = h(Z^L) ([002] FP2.1-2).

    Returns the lists Z (one per layer) and A (the input first).
    """
    A = [np.asarray(X, dtype=float)]
    Z = []
    L = len(W)
    _check_layers(A[0], W, b)
    for layer in range(L):
        Z.append(W[layer] @ A[-1] + b[layer])
        name = output if layer == L - 1 else hidden
        A.append(activate(name, Z[-1]))
    return Z, A


def backprop(
    X,
    Y,
    W,
    b,
    hidden="sigmoid",
    output="sigmoid",
    cost="binary_cross_entropy",
    l2=0.0,
    l1=0.0,
):
    """dJ/dW and dJ/db of every layer by the four equations, batch form.

    From [002] section 6.2, with delta = dJ/dZ (the 1/m already inside,
    from the cost):

    * BP1: Delta^L = (A^L - Y)/m for a matched pair, else dJ/dA through h;
    * BP2: Delta^l = ((W^(l+1))^T Delta^(l+1)) * g'(Z^l);
    * BP3: dJ/dW^l = Delta^l (A^(l-1))^T   (+ lam/m W^l, + lam/m sign W^l);
    * BP4: dJ/db^l = Delta^l 1, the sum over the m columns.

    ``J`` includes the penalties lam/(2m) sum W^2 (``l2``) and lam/m sum |W|
    (``l1``) over the weights, not the biases.

    >>> rng = np.random.default_rng(0)
    >>> W = [rng.normal(size=(3, 2)), rng.normal(size=(1, 3))]
    >>> b = [np.zeros((3, 1)), np.zeros((1, 1))]
    >>> X, Y = rng.normal(size=(2, 4)), np.array([[0.0, 1.0, 1.0, 0.0]])
    >>> grads = backprop(X, Y, W, b, hidden="tanh")
    >>> [g.shape for g in grads.dW], [g.shape for g in grads.db]
    ([(3, 2), (1, 3)], [(3, 1), (1, 1)])
    """
    Z, A = forward(X, W, b, hidden, output)
    Y = np.asarray(Y, dtype=float)
    m = A[0].shape[1]
    L = len(W)
    data_cost = COSTS[_known(cost, COSTS, "cost")][0](A[-1], Y)
    J = data_cost + l2_penalty(W, l2, m) + l1_penalty(W, l1, m)
    delta = [None] * L
    delta[-1] = output_delta(output, cost, Z[-1], A[-1], Y)  # BP1
    for layer in range(L - 2, -1, -1):  # BP2, from layer L-1 down to 1
        G = W[layer + 1].T @ delta[layer + 1]  # dJ/dA of this layer
        delta[layer] = activation_backward(hidden, Z[layer], A[layer + 1], G)
    dW = [
        delta[layer] @ A[layer].T  # BP3: sums delta a^T over the m examples
        + l2_penalty_dW(W[layer], l2, m)
        + l1_penalty_dW(W[layer], l1, m)
        for layer in range(L)
    ]
    db = [d.sum(axis=1, keepdims=True) for d in delta]  # BP4
    return Backprop(J=float(J), Z=Z, A=A, delta=delta, dW=dW, db=db)


# ----- input checks -------------------------------------------------------


def _known(name, table, what):
    if name not in table:
        raise ValueError(
            f"closed_form: unknown {what} {name!r}; choose from {sorted(table)}"
        )
    return name


def _pair(operation, A, Y):
    """A and Y as float arrays of one shape, and m, the number of columns."""
    A = np.asarray(A, dtype=float)
    Y = np.asarray(Y, dtype=float)
    if A.shape != Y.shape:
        raise ValueError(
            f"{operation}: A has shape {A.shape} but Y has shape {Y.shape}; "
            "they must match (features x examples)"
        )
    if A.ndim != 2:
        raise ValueError(
            f"{operation}: A and Y must be 2-D (features x examples), "
            f"got shape {A.shape}"
        )
    return A, Y, A.shape[1]


def _check_layers(X, W, b):
    if X.ndim != 2:
        raise ValueError(f"forward: X must be 2-D (features x examples), got {X.shape}")
    if len(W) != len(b) or not W:
        raise ValueError(f"forward: need one b per W, got {len(W)} W and {len(b)} b")
    n_in = X.shape[0]
    for layer, (Wl, bl) in enumerate(zip(W, b), start=1):
        if Wl.ndim != 2 or Wl.shape[1] != n_in or np.shape(bl) != (Wl.shape[0], 1):
            raise ValueError(
                f"forward: layer {layer} expects W of shape (n_out, {n_in}) and b of "
                f"shape (n_out, 1), got W {np.shape(Wl)} and b {np.shape(bl)}"
            )
        n_in = Wl.shape[0]
