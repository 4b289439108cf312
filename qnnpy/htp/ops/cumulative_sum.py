"""CumulativeSum along ``axis``; ``exclusive`` leaves each element out of its own sum,
``reverse`` sums from the end."""
import numpy as np

from qnnpy.htp.ops import OpDef, Scalar, normalize_axis, register
from qnnpy.htp.ops._elementwise import check_same_kind


@register
class CumulativeSum(OpDef):
    type_name = "CumulativeSum"
    params = {"axis": Scalar("uint32"), "exclusive": Scalar("bool", False), "reverse": Scalar("bool", False)}

    def check_dtypes(self, ins, outs):
        check_same_kind(self.type_name, ins, outs)

    def infer(self, ins, outs, p):
        normalize_axis(p["axis"], len(ins[0].dims), "axis")
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        axis = p["axis"]
        x = np.flip(ins[0], axis) if p["reverse"] else ins[0]
        total = np.cumsum(x, axis=axis, dtype=outs[0].dtype)
        if p["exclusive"]:
            total = total - x
        outs[0][...] = np.flip(total, axis) if p["reverse"] else total
