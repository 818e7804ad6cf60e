"""What a Hessian-vector product costs, relative to one gradient.

    python benchmarks/hessian.py            # the medium network, ~10 s
    python benchmarks/hessian.py --quick    # tiny sizes, one turn: a smoke run

On the medium network of ``mlp.py`` (64-256-256-10 tanh, m = 256, float64,
softmax cross-entropy) it times, with respect to all six weight arrays θ:

* one gradient: the forward pass and ``tg.grad(J, θ)``;
* one Hessian-vector product H v: the forward pass, the gradient g recorded
  (``create_graph=True``), then ``tg.grad(<g, v>, θ)``: reverse over
  reverse, which should cost a constant factor of a gradient, about 2-4x.

H v is first checked against central differences of the gradient along v,
(g(θ + εv) - g(θ - εv)) / 2ε. Times are medians over interleaved turns of
process CPU time, one BLAS thread (see ``timing.py``). Not part of ``run.py``.
"""

import argparse
import os
import sys

# One BLAS thread, as in run.py; set before NumPy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np  # noqa: E402

import tinygraph as tg  # noqa: E402
from benchmarks import mlp  # noqa: E402
from benchmarks.timing import interleaved_medians, paired_ratio, spread  # noqa: E402

TINY = ((5, 4, 4, 3), 6)


def network(sizes, m):
    """The parameters θ (W1, b1, W2, b2, ...) and a function giving J(θ)."""
    weights = mlp.initial_weights(sizes)
    X, Y = (tg.tensor(a) for a in mlp.batch(sizes, m))
    params = [tg.tensor(p, requires_grad=True) for W, b in weights for p in (W, b)]

    def cost():
        A = X
        for W, b in zip(params[0:-2:2], params[1:-2:2]):
            A = (W @ A + b).tanh()
        return tg.nn.cross_entropy_with_logits(params[-2] @ A + params[-1], Y)

    return params, cost


def gradient(params, cost):
    return tg.grad(cost(), params)


def hessian_vector(params, cost, v):
    """H v = d<g, v>/dθ, with g = dJ/dθ recorded so it can be differentiated."""
    g = tg.grad(cost(), params, create_graph=True)
    g_dot_v = sum((g_i * v_i).sum() for g_i, v_i in zip(g, v))
    return tg.grad(g_dot_v, params)


def check(params, cost, v, eps=1e-5):
    """H v against central differences of the gradient along v; stop if not."""
    Hv = hessian_vector(params, cost, v)
    start = [p.numpy().copy() for p in params]
    moved = []
    for sign in (1, -1):
        for p, p0, v_i in zip(params, start, v):
            p.data = p0 + sign * eps * v_i
        moved.append(gradient(params, cost))
    for p, p0 in zip(params, start):
        p.data = p0
    for index, (mine, above, below) in enumerate(zip(Hv, *moved)):
        expected = (above - below) / (2 * eps)
        error = np.abs(mine - expected).max() / (np.abs(expected).max() + 1e-12)
        if error > 1e-5:
            sys.exit(
                f"H v disagrees with finite differences for θ[{index}]: {error:.2g}"
            )


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one turn")
    args = parser.parse_args(argv)
    sizes, m = TINY if args.quick else mlp.NETWORKS["medium"]
    params, cost = network(sizes, m)
    rng = np.random.default_rng(2)
    v = [rng.normal(size=p.shape) for p in params]
    check(params, cost, v)

    medians, samples = interleaved_medians(
        {
            "gradient": lambda: gradient(params, cost),
            "hessian-vector product": lambda: hessian_vector(params, cost, v),
        },
        repeats=1 if args.quick else 11,
        warmup=1 if args.quick else 2,
        min_seconds=0.0 if args.quick else 0.05,
    )
    ratio = paired_ratio(samples, "hessian-vector product", reference="gradient")
    shape = "-".join(map(str, sizes))
    print(
        f"network {shape}, m = {m}, float64; median of {len(samples['gradient'])} turns"
    )
    for name, seconds in medians.items():
        noise = spread(samples[name])
        print(f"  {name:24s} {seconds * 1e3:8.2f} ms  (spread {noise:.0%})")
    print(f"  H v / gradient           {ratio:8.2f} x")
    return ratio


if __name__ == "__main__":
    main()
