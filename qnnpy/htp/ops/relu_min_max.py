"""ReluMinMax: x clamped to [min_value, max_value]."""
import numpy as np

from qnnpy.htp.ops import OpError, Scalar, register
from qnnpy.htp.ops._elementwise import UnaryElementWise


@register
class ReluMinMax(UnaryElementWise):
    type_name = "ReluMinMax"
    params = {"min_value": Scalar("float32"), "max_value": Scalar("float32")}

    def infer(self, ins, outs, p):
        if not p["min_value"] <= p["max_value"]:
            raise OpError(f"min_value {p['min_value']} is above max_value {p['max_value']}")
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        np.clip(ins[0], np.float32(p["min_value"]), np.float32(p["max_value"]), out=outs[0])
