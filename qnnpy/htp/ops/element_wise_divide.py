"""ElementWiseDivide: numpy broadcasting, as QNN broadcasts. Integers divide as C does:
the quotient truncated toward zero (a zero divisor gives 0 rather than a fault)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import BinaryElementWise


@register
class ElementWiseDivide(BinaryElementWise):
    type_name = "ElementWiseDivide"

    def compute(self, ins, p, outs):
        a, b = ins
        if outs[0].dtype.kind in "iu":
            with np.errstate(divide="ignore", invalid="ignore"):
                q = np.trunc(np.true_divide(a, b, dtype=np.float64))
            outs[0][...] = np.where(b == 0, 0, q)
        else:
            np.divide(a, b, out=outs[0])
