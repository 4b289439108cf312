"""Pad: ``pad_amount`` [rank, 2] rows of (before, after); ``scheme`` constant (with
``pad_constant_value``), mirror-symmetric, mirror-reflect or edge."""
import numpy as np

from qnnpy.htp.ops import DataMovement, OpError, Scalar, TensorParam, register

SCHEMES = {0: "constant", 1: "symmetric", 2: "reflect", 3: "edge"}


@register
class Pad(DataMovement):
    type_name = "Pad"
    params = {"pad_amount": TensorParam(2), "scheme": Scalar("uint32", 0),
              "pad_constant_value": Scalar("float32", 0.0)}

    def _widths(self, dims, p):
        pads = np.asarray(p["pad_amount"])
        if pads.shape != (len(dims), 2) or pads.min(initial=0) < 0:
            raise OpError(f"pad_amount must be [{len(dims)}, 2] non-negative values, got {pads.tolist()}")
        if p["scheme"] not in SCHEMES:
            raise OpError(f"scheme {p['scheme']} is not one of {sorted(SCHEMES)}")
        if p["scheme"] in (1, 2) and any(b > d - (p["scheme"] == 2) or a > d - (p["scheme"] == 2)
                                         for (b, a), d in zip(pads.tolist(), dims)):
            raise OpError("a mirror pad must not be wider than the dimension it mirrors")
        return [tuple(int(v) for v in row) for row in pads]

    def infer(self, ins, outs, p):
        widths = self._widths(tuple(ins[0].dims), p)
        return [tuple(d + b + a for d, (b, a) in zip(ins[0].dims, widths))]

    def compute(self, ins, p, outs):
        widths, mode = self._widths(ins[0].shape, p), SCHEMES[p["scheme"]]
        extra = {"constant_values": p["pad_constant_value"]} if mode == "constant" else {}
        outs[0][...] = np.pad(ins[0], widths, mode=mode, **extra)
