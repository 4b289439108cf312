"""PoolMax2d: the largest value of each window (padding never wins); real values, or
integers in their own type (a maximum needs no arithmetic)."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import check_same_kind
from qnnpy.htp.ops._pool import Pool2d


@register
class PoolMax2d(Pool2d):
    type_name = "PoolMax2d"

    def check_dtypes(self, ins, outs):
        check_same_kind(self.type_name, ins, outs)

    def compute(self, ins, p, outs):
        x = ins[0]
        lowest = np.iinfo(x.dtype).min if x.dtype.kind in "iu" else -np.inf
        outs[0][...] = self.windows(x, p, lowest).max(axis=(4, 5))
