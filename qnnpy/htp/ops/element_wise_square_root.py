"""ElementWiseSquareRoot."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseSquareRoot(UfuncOp):
    type_name = "ElementWiseSquareRoot"
    ufunc = np.sqrt
