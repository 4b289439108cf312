"""Cast: converts stored values between types and ignores quantization (codes are plain ints).

Float to integer truncates toward zero, as a C cast does; integers saturate at the target
range rather than wrap, which we document as qnnpy's choice.
"""
import numpy as np

from qnnpy.htp.ops import OpDef, register


@register
class Cast(OpDef):
    type_name = "Cast"
    raw_values = True

    def check_dtypes(self, ins, outs):
        """Any supported type to any other."""

    def infer(self, ins, outs, p):
        return [tuple(ins[0].dims)]

    def compute(self, ins, p, outs):
        x, out = ins[0], outs[0]
        if np.issubdtype(out.dtype, np.integer):
            info = np.iinfo(out.dtype)
            if np.issubdtype(x.dtype, np.floating):  # clip in float64: int32's max is not a float32
                x = np.trunc(x.astype(np.float64))
            x = np.clip(x, info.min, info.max)
        out[...] = x
