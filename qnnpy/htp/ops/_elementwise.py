"""Shared shape of the element-wise ops: unary maps and broadcasting binary ops.

Arithmetic ops compute either on real values (float or fixed point, as float32) or on
integers in their own type (wrapping as C integer arithmetic does); the two never mix.
Comparisons read either kind and write BOOL_8; logical ops read and write BOOL_8.
"""
import numpy as np

from qnnpy.htp import dtypes
from qnnpy.htp.ops import OpDef, OpError, broadcast_shape


def check_same_kind(op_name: str, ins, outs, kinds=("real", "int")) -> None:
    """Every tensor real, or every tensor integer (``kinds`` says which are allowed)."""
    kind = dtypes.category(ins[0].dtype)
    for t in list(ins) + list(outs):
        if dtypes.category(t.dtype) != kind or kind not in kinds:
            raise OpError(f"'{t.name}' is {dtypes.name(t.dtype)} but '{ins[0].name}' is "
                          f"{dtypes.name(ins[0].dtype)}; {op_name} takes tensors of one kind among "
                          f"{' / '.join(kinds)}")


def check_bool(op_name: str, tensors) -> None:
    for t in tensors:
        if dtypes.category(t.dtype) != "bool":
            raise OpError(f"'{t.name}' is {dtypes.name(t.dtype)}; {op_name} takes BOOL_8 tensors")


class UnaryElementWise(OpDef):
    def infer(self, ins, outs, p):
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        self.apply(ins[0], outs[0])

    def apply(self, x: np.ndarray, out: np.ndarray) -> None:
        raise NotImplementedError


class NumericUnary(UnaryElementWise):
    """A unary map defined on integers as well as on real values."""

    def check_dtypes(self, ins, outs):
        check_same_kind(self.type_name, ins, outs)


class BinaryElementWise(OpDef):
    num_inputs = (2, 2)
    ufunc = None

    def check_dtypes(self, ins, outs):
        check_same_kind(self.type_name, ins, outs)

    def infer(self, ins, outs, p):
        return [broadcast_shape(ins[0].dims, ins[1].dims, self.type_name)]

    def compute(self, ins, p, outs):
        type(self).ufunc(ins[0], ins[1], out=outs[0])


class Comparison(BinaryElementWise):
    """Compares two real or two integer tensors into BOOL_8."""
    kinds = ("real", "int")

    def check_dtypes(self, ins, outs):
        check_same_kind(self.type_name, ins, [], self.kinds)
        check_bool(self.type_name, outs)

    def compute(self, ins, p, outs):
        outs[0][...] = type(self).ufunc(ins[0], ins[1])


class Logical(BinaryElementWise):
    def check_dtypes(self, ins, outs):
        check_bool(self.type_name, list(ins) + list(outs))

    def compute(self, ins, p, outs):
        outs[0][...] = type(self).ufunc(ins[0] != 0, ins[1] != 0)

