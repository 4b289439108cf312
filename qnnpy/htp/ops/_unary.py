"""Element-wise ops that are one numpy ufunc of one input."""
from qnnpy.htp.ops._elementwise import NumericUnary, UnaryElementWise


class UfuncOp(UnaryElementWise):
    """Real values only (float or fixed point)."""
    ufunc = None

    def apply(self, x, out):
        type(self).ufunc(x, out=out)


class NumericUfuncOp(NumericUnary):
    """Real values, or integers in their own type."""
    ufunc = None

    def apply(self, x, out):
        type(self).ufunc(x, out=out)
