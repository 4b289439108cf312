"""ReduceMax over ``axes``."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._reduce import Reduce


@register
class ReduceMax(Reduce):
    type_name = "ReduceMax"
    reducer = np.max
