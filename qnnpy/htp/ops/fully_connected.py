"""FullyConnected: x reshaped to [batch, n] times weights [m, n] transposed, plus bias [m]."""
import math

import numpy as np

from qnnpy.htp.ops import OpDef, OpError, Scalar, register


@register
class FullyConnected(OpDef):
    type_name = "FullyConnected"
    num_inputs = (2, 3)
    optional_inputs = (2,)
    params = {"keep_dims": Scalar("bool", False)}

    def infer(self, ins, outs, p):
        x, w = tuple(ins[0].dims), tuple(ins[1].dims)
        if len(w) != 2:
            raise OpError(f"weights '{ins[1].name}' must be [m, n], got {list(w)}")
        m, n = w
        total = math.prod(x)
        if n == 0 or total % n:
            raise OpError(f"input {list(x)} cannot be reshaped to [batch, {n}]")
        if len(ins) > 2 and ins[2] is not None and tuple(ins[2].dims) != (m,):
            raise OpError(f"bias '{ins[2].name}' must have shape [{m}], got {list(ins[2].dims)}")
        if p["keep_dims"]:
            if x[-1] != n:
                raise OpError(f"keep_dims needs the last input dim to be {n}, got {list(x)}")
            return [x[:-1] + (m,)]
        return [(total // n, m)]

    def compute(self, ins, p, outs):
        n = ins[1].shape[1]
        out2d = outs[0].reshape(-1, ins[1].shape[0])
        np.matmul(ins[0].reshape(-1, n), ins[1].T, out=out2d)
        if len(ins) > 2 and ins[2] is not None:
            out2d += ins[2]
