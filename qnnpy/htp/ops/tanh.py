"""Tanh."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise


@register
class Tanh(UnaryElementWise):
    type_name = "Tanh"

    def apply(self, x, out):
        np.tanh(x, out=out)
