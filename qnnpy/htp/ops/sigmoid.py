"""Sigmoid: 1 / (1 + exp(-x)), computed in float64 so large |x| neither overflows nor loses bits."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise


@register
class Sigmoid(UnaryElementWise):
    type_name = "Sigmoid"

    def apply(self, x, out):
        out[...] = 0.5 * (1.0 + np.tanh(0.5 * x.astype(np.float64)))
