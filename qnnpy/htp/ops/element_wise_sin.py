"""ElementWiseSin: sine of real values."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseSin(UfuncOp):
    type_name = "ElementWiseSin"
    ufunc = np.sin
