"""ElementWiseRsqrt: 1 / sqrt(x)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise


@register
class ElementWiseRsqrt(UnaryElementWise):
    type_name = "ElementWiseRsqrt"

    def apply(self, x, out):
        np.sqrt(x, out=out)
        np.reciprocal(out, out=out)
