"""HardSwish: x * relu6(x + 3) / 6."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import UnaryElementWise


@register
class HardSwish(UnaryElementWise):
    type_name = "HardSwish"

    def apply(self, x, out):
        out[...] = x * np.clip(x + np.float32(3), 0, 6) / np.float32(6)
