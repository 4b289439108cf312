"""What the gather and scatter ops share: integer index tensors, checked and wrapped.

Negative indices count from the end; an index outside the dimension fails the execute
(QNN leaves it undefined; a silent wrong read is worse than an error)."""
import numpy as np

from qnnpy.htp import dtypes
from qnnpy.htp.ops import DataMovement, OpError

REDUCTIONS = {0: None, 1: np.add, 2: np.multiply}


def check_indices(t) -> None:
    if not dtypes.is_integer(t.dtype):
        raise OpError(f"indices '{t.name}' must be INT_32 or UINT_32, got {dtypes.name(t.dtype)}")


def wrapped(indices: np.ndarray, size, what: str) -> np.ndarray:
    idx = indices.astype(np.int64)
    size = np.asarray(size, np.int64)
    if idx.size and ((idx < -size).any() or (idx >= size).any()):
        raise OpError(f"{what}: an index is out of range [-n, n) for n = {size.tolist()}")
    return np.where(idx < 0, idx + size, idx)


def reduction(p) -> np.ufunc | None:
    if p["reduction"] not in REDUCTIONS:
        raise OpError(f"reduction {p['reduction']} is not one of {sorted(REDUCTIONS)} (none, add, mul)")
    return REDUCTIONS[p["reduction"]]


class Gathering(DataMovement):
    """data, indices: elements of data read at the indices."""
    num_inputs = (2, 2)

    def check_dtypes(self, ins, outs):
        super().check_dtypes(ins[:1], outs)
        check_indices(ins[1])


class Scatter(DataMovement):
    """data, indices, updates: updates of data's kind written into a copy of data."""
    num_inputs = (3, 3)

    def check_dtypes(self, ins, outs):
        super().check_dtypes([ins[0], ins[2]], outs)
        check_indices(ins[1])
