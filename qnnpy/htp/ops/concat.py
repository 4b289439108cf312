"""Concat along ``axis`` (default: the last)."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, Scalar, normalize_axis, register


@register
class Concat(DataMovement):
    type_name = "Concat"
    num_inputs = (1, 1 << 16)
    params = {"axis": Scalar("uint32", None)}

    def check_dtypes(self, ins, outs):
        for t in ins:
            super().check_dtypes([t], outs)

    def infer(self, ins, outs, p):
        first = tuple(ins[0].dims)
        axis = normalize_axis(p["axis"] if p["axis"] is not None else len(first) - 1,
                              len(first), "axis")
        total = 0
        for t in ins:
            d = tuple(t.dims)
            if len(d) != len(first) or d[:axis] + d[axis + 1:] != first[:axis] + first[axis + 1:]:
                raise OpError(f"'{t.name}' {list(d)} does not match {list(first)} outside axis {axis}")
            total += d[axis]
        return [first[:axis] + (total,) + first[axis + 1:]]

    def compute(self, ins, p, outs):
        axis = p["axis"] if p["axis"] is not None else ins[0].ndim - 1
        np.concatenate(ins, axis=axis, out=outs[0])
