"""MatMul: batched, broadcasting over leading dims; transposes act on the last two dims."""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, Scalar, broadcast_shape, register


def _last_two(dims, transpose):
    m, n = dims[-2], dims[-1]
    return (n, m) if transpose else (m, n)


@register
class MatMul(OpDef):
    type_name = "MatMul"
    num_inputs = (2, 3)
    optional_inputs = (2,)
    params = {"transpose_in0": Scalar("bool", False), "transpose_in1": Scalar("bool", False)}

    def infer(self, ins, outs, p):
        a, b = ins[0].dims, ins[1].dims
        if len(a) < 2 or len(b) < 2:
            raise OpError(f"MatMul needs rank >= 2 inputs, got {list(a)} and {list(b)}")
        m, k0 = _last_two(a, p["transpose_in0"])
        k1, n = _last_two(b, p["transpose_in1"])
        if k0 != k1:
            raise OpError(f"inner dimensions differ: {k0} ('{ins[0].name}') vs {k1} ('{ins[1].name}')")
        if len(ins) > 2 and ins[2] is not None and tuple(ins[2].dims) != (n,):
            raise OpError(f"bias '{ins[2].name}' must have shape [{n}], got {list(ins[2].dims)}")
        return [broadcast_shape(a[:-2], b[:-2], "MatMul batch dims") + (m, n)]

    def compute(self, ins, p, outs):
        a = np.swapaxes(ins[0], -1, -2) if p["transpose_in0"] else ins[0]
        b = np.swapaxes(ins[1], -1, -2) if p["transpose_in1"] else ins[1]
        np.matmul(a, b, out=outs[0])
        if len(ins) > 2 and ins[2] is not None:
            outs[0] += ins[2]
