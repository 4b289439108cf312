"""ElementWiseLog: natural logarithm (log of 0 is -inf, of a negative NaN)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseLog(UfuncOp):
    type_name = "ElementWiseLog"
    ufunc = np.log
