"""ElementWiseRound: round to the nearest integer, halves to even."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseRound(UfuncOp):
    type_name = "ElementWiseRound"
    ufunc = np.rint
