"""ReduceMin over ``axes``."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._reduce import Reduce


@register
class ReduceMin(Reduce):
    type_name = "ReduceMin"
    reducer = np.min
