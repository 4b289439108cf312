"""ElementWiseAsin: arc sine of real values."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseAsin(UfuncOp):
    type_name = "ElementWiseAsin"
    ufunc = np.arcsin
