"""ScatterElements: a copy of data with updates written at ``indices`` along ``axis``;
``reduction`` none / add / mul combines them with what is there (in index order)."""
import numpy as np

from qnnpy.htp.ops import OpError, Scalar, normalize_axis, register
from qnnpy.htp.ops._indexing import Scatter, reduction, wrapped


@register
class ScatterElements(Scatter):
    type_name = "ScatterElements"
    params = {"axis": Scalar("int32", 0), "reduction": Scalar("uint32", 0)}

    def infer(self, ins, outs, p):
        reduction(p)
        data, idx, upd = (tuple(t.dims) for t in ins)
        normalize_axis(p["axis"], len(data), "axis")
        if idx != upd or len(idx) != len(data):
            raise OpError(f"indices {list(idx)} and updates {list(upd)} must match, with data's rank")
        return [data]

    def compute(self, ins, p, outs):
        data, indices, updates = ins
        axis = p["axis"] % data.ndim
        out = data.copy()
        idx = wrapped(indices, data.shape[axis], "ScatterElements")
        coords = list(np.indices(idx.shape, sparse=False))
        coords[axis] = idx
        ufunc = reduction(p)
        if ufunc is None:
            out[tuple(coords)] = updates
        else:
            ufunc.at(out, tuple(coords), updates)
        outs[0][...] = out
