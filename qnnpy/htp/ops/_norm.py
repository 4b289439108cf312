"""What LayerNorm and RmsNorm share: the axes parameter and the optional gamma / beta."""
import numpy as np

from qnnpy.htp.ops import OpDef, OpError, Scalar, TensorParam, normalize_axis


class Normalization(OpDef):
    num_inputs = (1, 3)
    optional_inputs = (1, 2)
    default_epsilon = 0.0

    def __init__(self):
        self.params = {"epsilon": Scalar("float32", self.default_epsilon), "axes": TensorParam(1)}

    def infer(self, ins, outs, p):
        rank = len(ins[0].dims)
        axes = [normalize_axis(int(a), rank, "axes entry") for a in p["axes"]]
        if not axes or len(set(axes)) != len(axes):
            raise OpError(f"axes must be unique and non-empty, got {list(p['axes'])}")
        expected = tuple(ins[0].dims[a] for a in sorted(axes))
        for t in ins[1:]:
            if t is not None and tuple(t.dims) != expected:
                raise OpError(f"'{t.name}' has shape {list(t.dims)}; the normalized dims are "
                              f"{list(expected)}")
        return [tuple(ins[0].dims)]

    @staticmethod
    def axes(p, ndim):
        return tuple(sorted(int(a) % ndim for a in p["axes"]))

    @staticmethod
    def scale_shift(ins, p, y, out):
        """Apply gamma / beta, which cover the normalized axes (laid out in axis order)."""
        axes = Normalization.axes(p, y.ndim)
        shape = [y.shape[d] if d in axes else 1 for d in range(y.ndim)]
        gamma = ins[1] if len(ins) > 1 else None
        beta = ins[2] if len(ins) > 2 else None
        if gamma is not None and beta is None:
            np.multiply(y, gamma.reshape(shape), out=out)  # the usual RmsNorm: one pass, straight into the output
            return
        if gamma is not None:
            y = y * gamma.reshape(shape)
        if beta is not None:
            y = y + beta.reshape(shape)
        out[...] = y
