"""Split along ``axis`` at the positions in ``split_index`` (even split when absent)."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, Scalar, TensorParam, normalize_axis, register


@register
class Split(DataMovement):
    type_name = "Split"
    num_outputs = (1, 1 << 16)
    params = {"axis": Scalar("uint32"), "split_index": TensorParam(1, None)}

    def _bounds(self, dims, axis, p, count):
        length = dims[axis]
        if p["split_index"] is None:
            if length % count:
                raise OpError(f"dim {length} does not split evenly into {count} outputs")
            cuts = [length // count * i for i in range(1, count)]
        else:
            cuts = [int(v) for v in p["split_index"]]
        if len(cuts) != count - 1 or cuts != sorted(cuts) or any(not 0 < c < length for c in cuts):
            raise OpError(f"split_index {cuts} must be {count - 1} increasing positions inside "
                          f"(0, {length}) for {count} outputs")
        return [0] + cuts + [length]

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        axis = normalize_axis(p["axis"], len(dims), "axis")
        edges = self._bounds(dims, axis, p, len(outs))
        return [dims[:axis] + (hi - lo,) + dims[axis + 1:] for lo, hi in zip(edges, edges[1:])]

    def compute(self, ins, p, outs):
        axis = p["axis"] % ins[0].ndim
        edges = self._bounds(ins[0].shape, axis, p, len(outs))
        for out, lo, hi in zip(outs, edges, edges[1:]):
            out[...] = np.take(ins[0], np.arange(lo, hi), axis=axis)
