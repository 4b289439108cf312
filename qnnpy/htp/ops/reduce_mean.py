"""ReduceMean over ``axes``."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._reduce import Reduce


@register
class ReduceMean(Reduce):
    type_name = "ReduceMean"
    reducer = np.mean
