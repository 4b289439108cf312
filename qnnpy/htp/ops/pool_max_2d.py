"""PoolMax2d: the largest value of each window (padding never wins)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._pool import Pool2d


@register
class PoolMax2d(Pool2d):
    type_name = "PoolMax2d"

    def compute(self, ins, p, outs):
        outs[0][...] = self.windows(ins[0], p, -np.inf).max(axis=(4, 5))
