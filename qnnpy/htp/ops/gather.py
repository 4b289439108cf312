"""Gather along ``axis`` with INT_32 / UINT_32 indices; negative indices wrap."""
import numpy as np

from qnnpy.htp.ops import Scalar, normalize_axis, register
from qnnpy.htp.ops._indexing import Gathering, wrapped


@register
class Gather(Gathering):
    type_name = "Gather"
    params = {"axis": Scalar("int32")}

    def infer(self, ins, outs, p):
        data = tuple(ins[0].dims)
        axis = normalize_axis(p["axis"], len(data), "axis")
        return [data[:axis] + tuple(ins[1].dims) + data[axis + 1:]]

    def compute(self, ins, p, outs):
        data, idx = ins
        axis = p["axis"] % data.ndim
        np.take(data, wrapped(idx, data.shape[axis], "Gather"), axis=axis, out=outs[0])
