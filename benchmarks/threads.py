"""Thread counts, fixed before numpy loads: every benchmark imports this first, so numpy's BLAS
runs one thread, as the onnxruntime sessions they compare with do (intra_op_num_threads=1)."""
import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
os.environ.setdefault("OMP_NUM_THREADS", "1")


def line() -> str:
    """The thread settings, printed above each table."""
    return (f"threads: OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
            f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}, onnxruntime sessions intra_op 1; "
            f"{os.cpu_count()} cores")
