"""RmsNorm over ``axes``: x / sqrt(mean(x^2) + epsilon) * gamma + beta."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._norm import Normalization


@register
class RmsNorm(Normalization):
    type_name = "RmsNorm"
    default_epsilon = 1e-6

    def compute(self, ins, p, outs):
        x = ins[0]
        ms = np.mean(x * x, axis=self.axes(p, x.ndim), keepdims=True)
        self.scale_shift(ins, p, x / np.sqrt(ms + np.float32(p["epsilon"])), outs[0])
