"""Relu: max(x, 0)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise


@register
class Relu(UnaryElementWise):
    type_name = "Relu"

    def apply(self, x, out):
        np.maximum(x, 0, out=out)
