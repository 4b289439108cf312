"""ElementWiseCos: cosine of real values."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._unary import UfuncOp


@register
class ElementWiseCos(UfuncOp):
    type_name = "ElementWiseCos"
    ufunc = np.cos
