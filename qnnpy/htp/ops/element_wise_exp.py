"""ElementWiseExp."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseExp(UfuncOp):
    type_name = "ElementWiseExp"
    ufunc = np.exp
