"""LogSoftmax along ``axis`` with inverse temperature ``beta``: beta*x - log(sum(exp(beta*x)))."""
import numpy as np

from qnnpy.htp.ops import OpDef, Scalar, normalize_axis, register


@register
class LogSoftmax(OpDef):
    type_name = "LogSoftmax"
    params = {"axis": Scalar("uint32", None), "beta": Scalar("float32", 1.0)}

    def infer(self, ins, outs, p):
        rank = len(ins[0].dims)
        normalize_axis(p["axis"] if p["axis"] is not None else rank - 1, rank, "axis")
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        x = ins[0]
        axis = p["axis"] if p["axis"] is not None else x.ndim - 1
        z = (x - x.max(axis=axis, keepdims=True)) * np.float32(p["beta"])
        outs[0][...] = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
