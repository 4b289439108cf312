"""ElementWiseSign: -1, 0 or 1 by the sign of real values or integers."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import NumericUfuncOp


@register
class ElementWiseSign(NumericUfuncOp):
    type_name = "ElementWiseSign"
    ufunc = np.sign
