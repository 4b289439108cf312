"""Prelu: x for x >= 0, slope * x otherwise; the slope broadcasts against x."""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, register


@register
class Prelu(OpDef):
    type_name = "Prelu"
    num_inputs = (2, 2)

    def infer(self, ins, outs, p):
        dims = tuple(ins[0].dims)
        try:
            if np.broadcast_shapes(dims, tuple(ins[1].dims)) != dims:
                raise ValueError
        except ValueError:
            raise OpError(f"slope {list(ins[1].dims)} does not broadcast to the input {list(dims)}") from None
        return [dims]

    def compute(self, ins, p, outs):
        x = ins[0]
        outs[0][...] = np.where(x >= 0, x, x * ins[1])
