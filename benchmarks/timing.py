"""Timing shared by the benchmark scripts: best of N runs, after one warm-up call."""
import time


def best_of(fn, repeat=20) -> float:
    """Seconds of the fastest of ``repeat`` calls: the figure least disturbed by a shared machine."""
    fn()
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return min(times)
