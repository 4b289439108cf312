"""Gather along ``axis`` with INT_32 / UINT_32 indices; negative indices wrap."""
import numpy as np

from qnnpy.htp import dtypes
from qnnpy.htp.ops import DataMovement, OpError, Scalar, normalize_axis, register


@register
class Gather(DataMovement):
    type_name = "Gather"
    num_inputs = (2, 2)
    params = {"axis": Scalar("int32")}

    def check_dtypes(self, ins, outs):
        super().check_dtypes(ins[:1], outs)
        if not dtypes.is_integer(ins[1].dtype):
            raise OpError(f"indices '{ins[1].name}' must be INT_32 or UINT_32, "
                          f"got {dtypes.name(ins[1].dtype)}")

    def infer(self, ins, outs, p):
        data = tuple(ins[0].dims)
        axis = normalize_axis(p["axis"], len(data), "axis")
        return [data[:axis] + tuple(ins[1].dims) + data[axis + 1:]]

    def compute(self, ins, p, outs):
        data, idx = ins
        axis = p["axis"] % data.ndim
        n = data.shape[axis]
        idx = idx.astype(np.int64)
        if idx.size and (idx.min() < -n or idx.max() >= n):
            raise OpError(f"Gather index out of range [-{n}, {n})")
        np.take(data, np.where(idx < 0, idx + n, idx), axis=axis, out=outs[0])
