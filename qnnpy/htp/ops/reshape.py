"""Reshape: the target shape is the declared shape of the output tensor (no parameters)."""
import math

from qnnpy.htp.ops import DataMovement, OpError, register


@register
class Reshape(DataMovement):
    type_name = "Reshape"

    def infer(self, ins, outs, p):
        target = tuple(outs[0].dims)
        if math.prod(target) != math.prod(ins[0].dims):
            raise OpError(f"cannot reshape {list(ins[0].dims)} into the output's {list(target)}")
        return [target]

    def compute(self, ins, p, outs):
        outs[0][...] = ins[0].reshape(outs[0].shape)
