"""ElementWiseNeg: -x for real values or integers."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import NumericUfuncOp


@register
class ElementWiseNeg(NumericUfuncOp):
    type_name = "ElementWiseNeg"
    ufunc = np.negative
