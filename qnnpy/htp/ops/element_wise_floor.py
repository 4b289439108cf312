"""ElementWiseFloor: round toward minus infinity."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseFloor(UfuncOp):
    type_name = "ElementWiseFloor"
    ufunc = np.floor
