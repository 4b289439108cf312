"""PoolAvg2d: the mean of each window. ``count_pad_for_edges`` counts the explicit padding
in the divisor; positions a ceil-rounded last window adds past the padding never count."""
import numpy as np

from qnnpy.htp.ops import Scalar, register
from qnnpy.htp.ops._pool import Pool2d


@register
class PoolAvg2d(Pool2d):
    type_name = "PoolAvg2d"
    extra_params = {"count_pad_for_edges": Scalar("bool", False)}

    def compute(self, ins, p, outs):
        x = ins[0]
        total = self.windows(x, p, 0.0).sum(axis=(4, 5))
        ones = np.ones((1,) + x.shape[1:3] + (1,), np.float32)
        count = self.windows(ones, p, 0.0, pad_fill=1.0 if p["count_pad_for_edges"] else 0.0).sum(axis=(4, 5))
        outs[0][...] = total / count
