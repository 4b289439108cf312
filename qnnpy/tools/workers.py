"""Worker processes for --jobs: started fresh (spawn) with one BLAS thread each, so that N
workers use N cores instead of fighting over them (each numpy would otherwise start a BLAS
thread per core, and those spin against each other)."""
import multiprocessing
import os
from concurrent.futures import ProcessPoolExecutor

_ONE_THREAD = {"OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def check_count(jobs, error: type[Exception]) -> None:
    """--jobs is a positive int; anything else raises the tool's own ``error``."""
    if not isinstance(jobs, int) or jobs < 1:
        raise error(f"--jobs must be a positive number, got {jobs!r}")


def pool(workers: int, initializer=None, initargs=()) -> ProcessPoolExecutor:
    saved = {k: os.environ.get(k) for k in _ONE_THREAD}
    os.environ.update(_ONE_THREAD)  # inherited by the workers at spawn; restored below for this process
    try:
        executor = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"),
                                       initializer=initializer, initargs=initargs)
        executor.submit(int).result()  # start the workers now, while the environment says one thread
    finally:
        for key, value in saved.items():
            if value is None:
                os.environ.pop(key, None)
            else:
                os.environ[key] = value
    return executor
