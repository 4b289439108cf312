"""Shared shape of the element-wise ops: unary maps and broadcasting binary ops."""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, broadcast_shape


class UnaryElementWise(OpDef):
    def infer(self, ins, outs, p):
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        self.apply(ins[0], outs[0])

    def apply(self, x: np.ndarray, out: np.ndarray) -> None:
        raise NotImplementedError


class BinaryElementWise(OpDef):
    num_inputs = (2, 2)
    ufunc = None

    def infer(self, ins, outs, p):
        return [broadcast_shape(ins[0].dims, ins[1].dims, self.type_name)]

    def compute(self, ins, p, outs):
        type(self).ufunc(ins[0], ins[1], out=outs[0])


def check_same_shape(x_dims, gamma, what):
    if gamma is not None and tuple(gamma.dims) != tuple(x_dims):
        raise OpError(f"{what} '{gamma.name}' has shape {list(gamma.dims)}, expected {list(x_dims)}")
