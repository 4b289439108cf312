"""GatherNd: slices of data addressed by the last axis of ``indices``, after
``batch_dims`` leading dimensions that data and indices share."""
import numpy as np

from qnnpy.htp.ops import OpError, Scalar, register
from qnnpy.htp.ops._indexing import Gathering, wrapped


@register
class GatherNd(Gathering):
    type_name = "GatherNd"
    params = {"batch_dims": Scalar("uint32", 0)}

    def infer(self, ins, outs, p):
        data, idx, b = tuple(ins[0].dims), tuple(ins[1].dims), p["batch_dims"]
        if b >= min(len(data), len(idx)) or data[:b] != idx[:b] or idx[-1] > len(data) - b:
            raise OpError(f"indices {list(idx)} do not address data {list(data)} with batch_dims {b}")
        return [idx[:-1] + data[b + idx[-1]:]]

    def compute(self, ins, p, outs):
        data, b = ins[0], p["batch_dims"]
        idx = ins[1]
        depth = idx.shape[-1]
        batch = int(np.prod(data.shape[:b], dtype=np.int64))
        flat_data = data.reshape((batch,) + data.shape[b:])
        flat_idx = wrapped(idx.reshape(batch, -1, depth), data.shape[b:b + depth], "GatherNd")
        rows = [flat_data[n][tuple(flat_idx[n].T)] for n in range(batch)]
        outs[0][...] = np.stack(rows).reshape(outs[0].shape)
