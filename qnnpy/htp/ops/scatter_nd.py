"""ScatterNd: a copy of data with slices of ``updates`` written at the positions the last
axis of ``indices`` addresses; ``reduction`` none / add / mul."""

from qnnpy.htp.ops import OpError, Scalar, register
from qnnpy.htp.ops._indexing import Scatter, reduction, wrapped


@register
class ScatterNd(Scatter):
    type_name = "ScatterNd"
    params = {"reduction": Scalar("uint32", 0)}

    def infer(self, ins, outs, p):
        reduction(p)
        data, idx, upd = (tuple(t.dims) for t in ins)
        if idx[-1] > len(data) or upd != idx[:-1] + data[idx[-1]:]:
            raise OpError(f"updates {list(upd)} do not fit indices {list(idx)} into data {list(data)}")
        return [data]

    def compute(self, ins, p, outs):
        data, indices, updates = ins
        depth = indices.shape[-1]
        out = data.copy()
        idx = wrapped(indices.reshape(-1, depth), data.shape[:depth], "ScatterNd")
        upd = updates.reshape((idx.shape[0],) + data.shape[depth:])
        ufunc = reduction(p)
        for row, value in zip(idx, upd):
            where = tuple(row)
            out[where] = value if ufunc is None else ufunc(out[where], value)
        outs[0][...] = out
