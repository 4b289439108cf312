"""ElementWiseNeg."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseNeg(UfuncOp):
    type_name = "ElementWiseNeg"
    ufunc = np.negative
