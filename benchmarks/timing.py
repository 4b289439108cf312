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


def best_of_interleaved(fn_a, fn_b, repeat=100) -> tuple[float, float]:
    """Fastest calls of two functions timed in turns, so a slow spell on the shared machine
    hits both sides of a ratio alike."""
    fn_a()
    fn_b()
    best_a = best_b = float("inf")
    for _ in range(repeat):
        start = time.perf_counter()
        fn_a()
        best_a = min(best_a, time.perf_counter() - start)
        start = time.perf_counter()
        fn_b()
        best_b = min(best_b, time.perf_counter() - start)
    return best_a, best_b
