"""ElementWiseNot: logical not of a BOOL_8 tensor."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise, check_bool


@register
class ElementWiseNot(UnaryElementWise):
    type_name = "ElementWiseNot"

    def check_dtypes(self, ins, outs):
        check_bool(self.type_name, list(ins) + list(outs))

    def apply(self, x, out):
        out[...] = np.logical_not(x)
