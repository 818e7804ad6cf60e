"""Where a tinygraph training step spends its time: a profile you can rerun.

    python benchmarks/profile_step.py                 # small net, float32
    python benchmarks/profile_step.py medium float64 --steps 200

Uses pyinstrument (a sampling profiler: little overhead, so the shares it
reports are close to the real ones) when installed, else cProfile.
"""

import argparse
import os
import sys

for _variable in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_variable, "1")

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

import numpy as np

from benchmarks import mlp


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("network", nargs="?", default="small", choices=mlp.NETWORKS)
    parser.add_argument(
        "dtype", nargs="?", default="float32", choices=["float32", "float64"]
    )
    parser.add_argument("--steps", type=int, default=5000)
    args = parser.parse_args(argv)

    sizes, m = mlp.NETWORKS[args.network]
    X, Y = mlp.batch(sizes, m)
    step = mlp.tinygraph_step(mlp.initial_weights(sizes), X, Y, getattr(np, args.dtype))
    step()
    try:
        from pyinstrument import Profiler
    except ImportError:
        import cProfile

        cProfile.runctx(
            "for _ in range(n): step()",
            {},
            {"n": args.steps, "step": step},
            sort="tottime",
        )
        return
    profiler = Profiler(interval=0.0002)
    profiler.start()
    for _ in range(args.steps):
        step()
    profiler.stop()
    print(profiler.output_text(unicode=False, color=False))


if __name__ == "__main__":
    main()
