"""StridedSlice: ``ranges`` [rank, 3] rows of (begin, end, stride), with begin/end masks and
shrink_axes bit masks. Negative begin/end count from the end, as in Python slicing."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, Scalar, TensorParam, register


@register
class StridedSlice(DataMovement):
    type_name = "StridedSlice"
    params = {"ranges": TensorParam(2), "begin_mask": Scalar("uint32", 0),
              "end_mask": Scalar("uint32", 0), "shrink_axes": Scalar("uint32", 0),
              "new_axes_mask": Scalar("uint32", 0)}

    def _slices(self, dims, p):
        ranges = np.asarray(p["ranges"]).reshape(-1, 3) if np.size(p["ranges"]) else None
        if ranges is None or ranges.shape[0] != len(dims):
            raise OpError(f"ranges must be [{len(dims)}, 3] for an input of rank {len(dims)}")
        if p["new_axes_mask"]:
            raise OpError("new_axes_mask is not supported by qnnpy; reshape the result instead")
        slices = []
        for axis, (begin, end, stride) in enumerate(ranges.tolist()):
            if stride == 0:
                raise OpError(f"stride of axis {axis} is 0")
            if p["begin_mask"] >> axis & 1:
                begin = None
            if p["end_mask"] >> axis & 1:
                end = None
            if p["shrink_axes"] >> axis & 1:
                begin = begin or 0
                if not -dims[axis] <= begin < dims[axis]:
                    raise OpError(f"shrink axis {axis}: index {begin} out of range")
                slices.append(begin)
            else:
                slices.append(slice(begin, end, stride))
        return tuple(slices)

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        probe = np.empty(dims, dtype=np.bool_)  # zero-cost shape evaluation: no data is touched
        return [tuple(probe[self._slices(dims, p)].shape)]

    def compute(self, ins, p, outs):
        outs[0][...] = ins[0][self._slices(ins[0].shape, p)]
