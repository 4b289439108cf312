"""ElementWiseAtan: arc tangent of real values."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseAtan(UfuncOp):
    type_name = "ElementWiseAtan"
    ufunc = np.arctan
