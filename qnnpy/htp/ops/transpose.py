"""Transpose by ``perm``."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, TensorParam, register


@register
class Transpose(DataMovement):
    type_name = "Transpose"
    params = {"perm": TensorParam(1)}

    def infer(self, ins, outs, p):
        perm = [int(v) for v in p["perm"]]
        if sorted(perm) != list(range(len(ins[0].dims))):
            raise OpError(f"perm {perm} is not a permutation of the {len(ins[0].dims)} input dims")
        return [tuple(ins[0].dims[i] for i in perm)]

    def compute(self, ins, p, outs):
        outs[0][...] = np.transpose(ins[0], [int(v) for v in p["perm"]])
