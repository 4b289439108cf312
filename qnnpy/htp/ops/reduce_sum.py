"""ReduceSum over ``axes``."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._reduce import Reduce


@register
class ReduceSum(Reduce):
    type_name = "ReduceSum"
    reducer = np.sum
