"""LayerNorm over ``axes``: (x - mean) / sqrt(var + epsilon) * gamma + beta."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._norm import Normalization


@register
class LayerNorm(Normalization):
    type_name = "LayerNorm"
    default_epsilon = 0.001

    def compute(self, ins, p, outs):
        x = ins[0]
        axes = self.axes(p, x.ndim)
        centered = x - x.mean(axis=axes, keepdims=True)
        var = np.mean(centered * centered, axis=axes, keepdims=True)
        self.scale_shift(ins, p, centered / np.sqrt(var + np.float32(p["epsilon"])), outs[0])
