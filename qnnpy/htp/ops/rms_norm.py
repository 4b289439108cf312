"""RmsNorm over ``axes``: x / sqrt(mean(x^2) + epsilon) * gamma + beta."""
import math

import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._norm import Normalization


@register
class RmsNorm(Normalization):
    type_name = "RmsNorm"
    default_epsilon = 1e-6

    def compute(self, ins, p, outs):
        x = ins[0]
        axes = self.axes(p, x.ndim)
        if x.dtype == np.float32:  # np.mean's own sum and division, without its Python wrapper: the same bits
            ms = np.add.reduce(x * x, axis=axes, keepdims=True)
            np.true_divide(ms, np.intp(math.prod(x.shape[a] for a in axes)), out=ms, casting="unsafe")
        else:
            ms = np.mean(x * x, axis=axes, keepdims=True)
        self.scale_shift(ins, p, x / np.sqrt(ms + np.float32(p["epsilon"])), outs[0])
