"""LogSoftmax along ``axis`` with inverse temperature ``beta``: beta*x - log(sum(exp(beta*x))),
max-subtracted like Softmax (whose parameters and shapes it shares)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops.softmax import Softmax


@register
class LogSoftmax(Softmax):
    type_name = "LogSoftmax"

    def compute(self, ins, p, outs):
        x = ins[0]
        axis = p["axis"] if p["axis"] is not None else x.ndim - 1
        z = (x - x.max(axis=axis, keepdims=True)) * np.float32(p["beta"])
        outs[0][...] = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
