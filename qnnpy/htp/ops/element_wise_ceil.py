"""ElementWiseCeil: round toward plus infinity."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseCeil(UfuncOp):
    type_name = "ElementWiseCeil"
    ufunc = np.ceil
