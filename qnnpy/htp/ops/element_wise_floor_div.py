"""ElementWiseFloorDiv: the quotient rounded toward minus infinity, real values or
integers (an integer zero divisor gives 0)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWiseFloorDiv(BinaryElementWise):
    type_name = "ElementWiseFloorDiv"

    def compute(self, ins, p, outs):
        a, b = ins
        if outs[0].dtype.kind in "iu":
            outs[0][...] = np.where(b == 0, 0, np.floor_divide(a, np.where(b == 0, 1, b)))
        else:
            np.floor(np.divide(a, b), out=outs[0])
