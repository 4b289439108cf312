"""TopK along the last axis: the ``k`` largest (or smallest) values, sorted, and their
indices; equal values keep their input order (the lower index first)."""
import numpy as np

from qnnpy.htp import dtypes
from qnnpy.htp.ops import OpDef, OpError, Scalar, register


@register
class TopK(OpDef):
    type_name = "TopK"
    num_outputs = (2, 2)
    params = {"k": Scalar("uint32"), "largest": Scalar("bool", True)}

    def check_dtypes(self, ins, outs):
        if dtypes.category(ins[0].dtype) != dtypes.category(outs[0].dtype) or dtypes.category(ins[0].dtype) == "bool":
            raise OpError(f"values '{outs[0].name}' must be of the kind of '{ins[0].name}' (numbers)")
        if not dtypes.is_integer(outs[1].dtype):
            raise OpError(f"indices '{outs[1].name}' must be INT_32 or UINT_32, got {dtypes.name(outs[1].dtype)}")

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        if not 1 <= p["k"] <= dims[-1]:
            raise OpError(f"k {p['k']} must be in [1, {dims[-1]}] (the last dimension)")
        return [dims[:-1] + (p["k"],)] * 2

    def compute(self, ins, p, outs):
        x = ins[0].astype(np.float64)
        order = np.argsort(-x if p["largest"] else x, axis=-1, kind="stable")[..., :p["k"]]
        outs[0][...] = np.take_along_axis(ins[0], order, axis=-1)
        outs[1][...] = order
