"""Run every benchmark and print the results as Markdown tables.

    make bench                         # or: python benchmarks/run.py
    python benchmarks/run.py --only mlp_step op_overhead
    python benchmarks/run.py --quick   # tiny sizes, one turn: a smoke run

Each workload is written by hand in NumPy (the floor, no graph), with
tinygraph, and with PyTorch, MyGrad and HIPS autograd when they are
installed. All start from the same weights; the costs (or the chain's value
and gradient) must agree before anything is timed. Times are medians over
interleaved turns with one BLAS thread for every library.
"""

import argparse
import gc
import importlib.metadata
import importlib.util
import os
import platform
import sys
import time
import tracemalloc

# One BLAS thread for every library (see README.md); set before NumPy loads.
for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from benchmarks import chain, mlp, overhead, recording
from benchmarks.timing import interleaved_medians, paired_ratio, spread

OPTIONAL = {"torch": "torch", "mygrad": "mygrad", "autograd": "autograd"}
DTYPES = {"float64": np.float64, "float32": np.float32}


def available(implementations):
    """The implementations whose library is installed."""
    return {
        name: make
        for name, make in implementations.items()
        if name not in OPTIONAL or importlib.util.find_spec(OPTIONAL[name]) is not None
    }


def machine():
    """One line about the machine, the libraries and the load."""
    model = platform.processor() or "unknown CPU"
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            model = next(
                line.split(":", 1)[1].strip()
                for line in cpuinfo
                if "model name" in line
            )
    except (OSError, StopIteration):
        pass
    versions = [f"Python {platform.python_version()}", f"NumPy {np.__version__}"]
    for name in OPTIONAL:
        if importlib.util.find_spec(name) is not None:
            versions.append(f"{name} {importlib.metadata.version(name)}")
    return f"{model}, {os.cpu_count()} cores; " + ", ".join(versions)


def load():
    try:
        one, five, fifteen = os.getloadavg()
        return f"load average {one:.2f} {five:.2f} {fifteen:.2f}"
    except OSError:
        return "load average unknown"


def table(header, rows):
    """A Markdown table from a header and rows of already-formatted cells."""
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def check_agree(name, values, reference="numpy", rtol=1e-9):
    """Raise unless every implementation's values match the reference's."""
    expected = values[reference]
    for impl, got in values.items():
        if not np.allclose(got, expected, rtol=rtol, atol=0):
            raise AssertionError(
                f"{name}: {impl} computes {got}, {reference} computes {expected}"
            )


def ratio_cells(medians, samples, names, scale, unit_format):
    """``1.23 ms (1.05x)``: the median time and the paired ratio to NumPy."""
    return [
        unit_format.format(medians[n] * scale) + f" ({paired_ratio(samples, n):.2f}x)"
        if n in medians
        else "-"
        for n in names
    ]


# ----- mlp_step ----------------------------------------------------------


def time_steps(sizes, m, dtype, implementations, timing):
    weights = mlp.initial_weights(sizes)
    X, Y = mlp.batch(sizes, m)
    steps = {name: make(weights, X, Y, dtype) for name, make in implementations.items()}
    # Two steps each: the first checks the forward, the second the update.
    costs = {name: [step(), step()] for name, step in steps.items()}
    rtol = 1e-9 if dtype == np.float64 else 1e-4
    check_agree(f"mlp_step {sizes} m={m} {dtype.__name__}", costs, rtol=rtol)
    return interleaved_medians(steps, **timing)


def mlp_step(networks, timing, implementations):
    names = list(implementations)
    rows, noise = [], []
    for net, (sizes, m) in networks.items():
        for dtype_name, dtype in DTYPES.items():
            medians, samples = time_steps(sizes, m, dtype, implementations, timing)
            label = f"{net} {'-'.join(map(str, sizes))} m={m}"
            rows.append(
                [label, dtype_name]
                + ratio_cells(medians, samples, names, 1e3, "{:.3g} ms")
            )
            noise.append(max(spread(s) for s in samples.values()))
    print("## mlp_step: one training step (forward, cost, backward, SGD)\n")
    print(table(["network", "dtype"] + names, rows))
    print(f"\nlargest spread (max-min)/median of any cell: {max(noise):.0%}\n")
    return rows


def float32_check(sizes, m):
    """tinygraph keeps float32 all the way, and its cost stays near float64."""
    weights = mlp.initial_weights(sizes)
    X, Y = mlp.batch(sizes, m)
    costs = {}
    for dtype in (np.float64, np.float32):
        step = mlp.tinygraph_step(weights, X, Y, dtype)
        costs[dtype] = [step() for _ in range(3)]
        for p in step.parameters:
            if p.data.dtype != dtype or p.grad.dtype != dtype:
                raise AssertionError(
                    f"float32: a parameter became {p.data.dtype} (grad {p.grad.dtype})"
                )
    gap = max(abs(a - b) for a, b in zip(costs[np.float64], costs[np.float32]))
    if gap > 2e-3:
        raise AssertionError(f"float32: the cost is {gap:.2g} away from float64")
    print(
        f"float32: parameters and gradients stay float32; cost within {gap:.1e} "
        "of float64 over 3 steps (target 2e-3)\n"
    )
    return gap


# ----- op_overhead and deep_chain ----------------------------------------


def op_overhead(n_ops, timing, implementations):
    names = list(implementations)
    x0 = chain.start_value()
    runs = {name: make(x0, n_ops) for name, make in implementations.items()}
    results = {name: run() for name, run in runs.items()}
    check_agree("op_overhead cost", {n: r[0] for n, r in results.items()})
    check_agree("op_overhead gradient", {n: r[1] for n, r in results.items()})
    medians, samples = interleaved_medians(runs, **timing)
    print(f"## op_overhead: {n_ops} small elementwise ops on 4x4, forward + backward\n")
    print(
        table(
            ["", *names],
            [
                [
                    "us per op",
                    *ratio_cells(medians, samples, names, 1e6 / n_ops, "{:.2f}"),
                ]
            ],
        )
    )
    print(f"\nlargest spread: {max(spread(s) for s in samples.values()):.0%}\n")
    return {n: medians[n] * 1e6 / n_ops for n in names}


def memory(run):
    """Peak bytes while ``run`` builds and frees its graph, the objects the
    cycle collector then finds (0 when refcounting freed the whole graph),
    and the bytes still held after that collection."""
    run()  # the first call may fill caches that outlive it
    gc.collect()
    gc.disable()
    try:
        tracemalloc.start()
        run()
        peak = tracemalloc.get_traced_memory()[1]
        # A full collection also empties CPython's free lists of tuples and
        # the like, which would otherwise show up as bytes left behind.
        cycles = gc.collect()
        left = tracemalloc.get_traced_memory()[0]
        tracemalloc.stop()
    finally:
        gc.enable()
    return peak, cycles, left


def collector_paused(run):
    """``run`` with Python's cycle collector off while it runs."""

    def paused():
        gc.disable()
        try:
            return run()
        finally:
            gc.enable()

    return paused


def deep_chain(lengths, timing):
    """Time per op of the chain at each length. All lengths take turns in one
    round robin, so "vs 1,000" is a ratio within each turn, like the others."""
    x0 = chain.start_value()
    runs = {}
    for n in lengths:
        numpy_run = chain.numpy_chain(x0, n)
        tinygraph_run = chain.tinygraph_chain(x0, n)
        check_agree(
            f"deep_chain {n} gradient",
            {"numpy": numpy_run()[1], "tinygraph": tinygraph_run()[1]},
        )
        runs[("numpy", n)] = numpy_run
        runs[("tinygraph", n)] = tinygraph_run
        # The same run with the cycle collector paused shows how much of the
        # time is the collector's passes over a heap of n nodes.
        runs[("paused", n)] = collector_paused(tinygraph_run)
    medians, samples = interleaved_medians(runs, **timing)
    per_op = {key: medians[key] / key[1] for key in runs}
    first = lengths[0]

    def per_op_ratio(name, n, reference_name, reference_n):
        return paired_ratio(samples, (name, n), (reference_name, reference_n)) * (
            reference_n / n
        )

    rows = []
    for n in lengths:
        peak, cycles, left = memory(runs[("tinygraph", n)])
        rows.append(
            [
                f"{n:,}",
                f"{per_op[('numpy', n)] * 1e6:.2f}",
                f"{per_op[('tinygraph', n)] * 1e6:.2f} "
                f"({per_op_ratio('tinygraph', n, 'numpy', n):.2f}x)",
                f"{per_op_ratio('tinygraph', n, 'tinygraph', first):.2f}",
                f"{per_op[('paused', n)] * 1e6:.2f} "
                f"({per_op_ratio('paused', n, 'paused', first):.2f})",
                f"{peak / n:.0f} B",
                f"{cycles}",
                f"{left} B",
            ]
        )
    limit = sys.getrecursionlimit()
    print(f"## deep_chain: n sequential ops and backward (recursion limit {limit})\n")
    header = [
        "n ops",
        "numpy us/op",
        "tinygraph us/op",
        f"vs {lengths[0]:,}",
        f"collector paused (vs {lengths[0]:,})",
        "peak memory per op",
        "objects in cycles",
        "left after",
    ]
    print(table(header, rows) + "\n")
    return {n: per_op[("tinygraph", n)] for n in lengths}


# ----- scaling -----------------------------------------------------------


def scaling(sizes, batch_sizes, timing, implementations):
    names = list(implementations)
    rows = []
    for m in batch_sizes:
        medians, samples = time_steps(sizes, m, np.float64, implementations, timing)
        rows.append([f"{m}"] + ratio_cells(medians, samples, names, 1e3, "{:.3g} ms"))
    shape = "-".join(map(str, sizes))
    print(f"## scaling: the medium step ({shape}, float64) as m doubles\n")
    print(table(["m"] + names, rows) + "\n")
    return rows


# ----- recording ---------------------------------------------------------


def recording_cost(timing, steps):
    """The demo's training step with and without a tg.Recorder (issue 17)."""
    runs = {mode: recording.training_run(mode, steps) for mode in recording.MODES}
    medians, samples = interleaved_medians(runs, **timing)
    rows = [
        [mode, f"{medians[mode] / steps * 1e6:.0f}",
         f"{paired_ratio(samples, mode, 'none'):.3f}x"]
        for mode in recording.MODES
    ]
    shape = "-".join(map(str, recording.SIZES))
    print(f"## recording: the demo's training step ({shape} ReLU, m={recording.BATCH}"
          f", SGD momentum) with a tg.Recorder\n")
    print(table(["recorder", "us per step", "vs none"], rows))
    analysis = recording.analysis_seconds(steps)
    print(f"\nworking out one record afterwards (recorder.records): "
          f"{analysis * 1e3:.2f} ms\n")
    return {mode: paired_ratio(samples, mode, "none") for mode in recording.MODES}


# ----- overhead ----------------------------------------------------------


def overhead_budget(sizes, m, timing):
    """The small step with tinygraph's conveniences taken away in turn (see
    benchmarks/overhead.py), down to a bare engine: what each one costs."""
    names = list(overhead.IMPLEMENTATIONS)
    rows = []
    for dtype_name, dtype in DTYPES.items():
        medians, samples = time_steps(sizes, m, dtype, overhead.IMPLEMENTATIONS, timing)
        rows.append(
            [dtype_name] + ratio_cells(medians, samples, names, 1e6, "{:.1f} us")
        )
    shape = "-".join(map(str, sizes))
    print(f"## overhead: the {shape} m={m} step without each of tinygraph's "
          "conveniences\n")
    print(table(["dtype"] + names, rows))
    print()
    return rows


SECTIONS = (
    "deep_chain", "mlp_step", "op_overhead", "scaling", "recording", "overhead"
)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=SECTIONS, default=SECTIONS)
    parser.add_argument("--quick", action="store_true", help="tiny sizes, one turn")
    parser.add_argument(
        "--repeats", type=int, default=11, help="turns per implementation"
    )
    args = parser.parse_args(argv)

    if args.quick:
        networks = {"tiny": ((5, 4, 3), 6), "tiny-deep": ((5, 4, 4, 3), 6)}
        timing = {"repeats": 1, "warmup": 1, "min_seconds": 0.0}
        n_ops, lengths, batch_sizes = 20, (100, 400), (4, 8)
        medium = networks["tiny-deep"][0]
    else:
        networks = mlp.NETWORKS
        timing = {"repeats": args.repeats, "warmup": 2, "min_seconds": 0.05}
        n_ops, lengths = 200, (1_000, 10_000, 100_000)
        batch_sizes = tuple(32 * 2**k for k in range(8))
        medium = mlp.NETWORKS["medium"][0]

    print(f"# tinygraph benchmarks\n\n{machine()}\n\nat start: {load()}\n")
    started = time.perf_counter()
    results = {}
    # deep_chain first, while only NumPy and tinygraph are loaded: PyTorch
    # brings hundreds of thousands of Python objects, and every full pass of
    # the cycle collector (which a 100,000-node graph triggers) walks them all.
    if "deep_chain" in args.only:
        results["deep_chain"] = deep_chain(lengths, timing)
    if "mlp_step" in args.only:
        results["mlp_step"] = mlp_step(networks, timing, available(mlp.IMPLEMENTATIONS))
        sizes, m = next(iter(networks.values()))
        results["float32_gap"] = float32_check(sizes, m)
    if "op_overhead" in args.only:
        results["op_overhead"] = op_overhead(
            n_ops, timing, available(chain.IMPLEMENTATIONS)
        )
    if "scaling" in args.only:
        results["scaling"] = scaling(
            medium, batch_sizes, timing, available(mlp.IMPLEMENTATIONS)
        )
    if "recording" in args.only:
        results["recording"] = recording_cost(timing, 20 if args.quick else 100)
    if "overhead" in args.only:
        results["overhead"] = overhead_budget(*next(iter(networks.values())), timing)
    print(f"at end: {load()}; took {time.perf_counter() - started:.0f} s")
    return results


if __name__ == "__main__":
    main()
