"""ElementWiseSelect: where(condition, a, b), all three broadcasting."""
import numpy as np

from qnnpy.htp import dtypes
from qnnpy.htp.ops import OpDef, OpError, broadcast_shape, register
from qnnpy.htp.ops._elementwise import check_same_kind


@register
class ElementWiseSelect(OpDef):
    type_name = "ElementWiseSelect"
    num_inputs = (3, 3)

    def check_dtypes(self, ins, outs):
        if dtypes.category(ins[0].dtype) != "bool":
            raise OpError(f"condition '{ins[0].name}' must be BOOL_8, got {dtypes.name(ins[0].dtype)}")
        check_same_kind(self.type_name, ins[1:], outs, ("real", "int", "bool"))

    def infer(self, ins, outs, p):
        shape = broadcast_shape(ins[0].dims, ins[1].dims, "ElementWiseSelect")
        return [broadcast_shape(shape, ins[2].dims, "ElementWiseSelect")]

    def compute(self, ins, p, outs):
        np.copyto(outs[0], np.where(ins[0].astype(bool), ins[1], ins[2]))
