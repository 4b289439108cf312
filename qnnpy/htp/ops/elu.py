"""Elu: x for x > 0, alpha * (exp(x) - 1) otherwise."""
import numpy as np

from qnnpy.htp.ops import Scalar, register
from qnnpy.htp.ops._elementwise import UnaryElementWise


@register
class Elu(UnaryElementWise):
    type_name = "Elu"
    params = {"alpha": Scalar("float32", 1.0)}

    def compute(self, ins, p, outs):
        x = ins[0]
        outs[0][...] = np.where(x > 0, x, np.float32(p["alpha"]) * np.expm1(np.minimum(x, 0)))
