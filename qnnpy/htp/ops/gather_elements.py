"""GatherElements: out[i][j][k] = data[index[i][j][k]][j][k] along ``axis`` (axis 0 shown)."""
import numpy as np

from qnnpy.htp.ops import OpError, Scalar, normalize_axis, register
from qnnpy.htp.ops._indexing import Gathering, wrapped


@register
class GatherElements(Gathering):
    type_name = "GatherElements"
    params = {"axis": Scalar("int32", 0)}

    def infer(self, ins, outs, p):
        data, idx = tuple(ins[0].dims), tuple(ins[1].dims)
        axis = normalize_axis(p["axis"], len(data), "axis")
        if len(idx) != len(data) or any(i > d for k, (i, d) in enumerate(zip(idx, data)) if k != axis):
            raise OpError(f"indices {list(idx)} must have the rank of data {list(data)} and fit it off the axis")
        return [idx]

    def compute(self, ins, p, outs):
        axis = p["axis"] % ins[0].ndim
        idx = wrapped(ins[1], ins[0].shape[axis], "GatherElements")
        outs[0][...] = np.take_along_axis(ins[0], idx, axis=axis)
