"""Ops whose whole effect is the requantization the executor applies to every output."""
import numpy as np

from qnnpy.htp import dtypes
from qnnpy.htp.ops import OpDef, OpError


class RequantizeOnly(OpDef):
    input_rule = staticmethod(dtypes.is_real)
    output_rule = staticmethod(dtypes.is_real)
    rule_text = "float or fixed point in and out"

    def check_dtypes(self, ins, outs):
        if not (self.input_rule(ins[0].dtype) and self.output_rule(outs[0].dtype)):
            raise OpError(f"{self.type_name} takes {self.rule_text}; got "
                          f"{dtypes.name(ins[0].dtype)} -> {dtypes.name(outs[0].dtype)}")

    def infer(self, ins, outs, p):
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        np.copyto(outs[0], ins[0])
