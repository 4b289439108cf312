"""ElementWiseAbs: absolute value of real values or integers (the most negative integer stays as it is, as in C)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import NumericUfuncOp


@register
class ElementWiseAbs(NumericUfuncOp):
    type_name = "ElementWiseAbs"
    ufunc = np.abs
