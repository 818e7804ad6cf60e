"""Timing several implementations of one workload fairly on a shared machine.

The implementations take turns (round robin), so a neighbour's burst of load
slows all of them alike instead of whichever happened to be running; each
turn runs a batch of calls long enough for the clock, and the report is the
median over turns, which ignores the odd stalled turn. Ratios are taken turn
by turn, then their median.

The clock is the process's CPU time (``time.process_time``), not the wall
clock: on a machine shared with other jobs, wall time also counts the moments
the scheduler gave our core to somebody else. Every library runs one BLAS
thread, so for a single process the two agree when the machine is idle.
"""

import gc
import statistics
import time


def calls_per_batch(fn, min_seconds):
    """How many calls of ``fn`` take at least ``min_seconds`` (a power of 2)."""
    n = 1
    while True:
        start = time.process_time()
        for _ in range(n):
            fn()
        if time.process_time() - start >= min_seconds or n >= 1 << 16:
            return n
        n *= 2


def interleaved_medians(functions, repeats=7, warmup=2, min_seconds=0.02):
    """Median seconds per call of each function in ``functions`` (a dict).

    Each function is warmed up, then the functions take ``repeats`` turns
    each, in order, running a batch of calls per turn.
    """
    batches = {}
    for name, fn in functions.items():
        for _ in range(warmup):
            fn()
        batches[name] = calls_per_batch(fn, min_seconds)
    samples = {name: [] for name in functions}
    # Start from a clean heap; a full collection per turn would cost more
    # than the small workloads once PyTorch's objects are loaded.
    gc.collect()
    for _ in range(repeats):
        for name, fn in functions.items():
            n = batches[name]
            start = time.process_time()
            for _ in range(n):
                fn()
            samples[name].append((time.process_time() - start) / n)
    return {name: statistics.median(times) for name, times in samples.items()}, samples


def paired_ratio(samples, name, reference="numpy"):
    """Median over turns of ``name``'s time over ``reference``'s in the same
    turn: neighbouring turns see the same load, so the ratio is steadier
    than the ratio of the two medians."""
    return statistics.median(
        mine / theirs for mine, theirs in zip(samples[name], samples[reference])
    )


def spread(times):
    """(max - min) / median of one implementation's samples: the run's noise."""
    return (max(times) - min(times)) / statistics.median(times)
