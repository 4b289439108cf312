"""ReduceMean over ``axes``; real values only (an integer mean is not an integer)."""
import numpy as np

from qnnpy.htp.ops import OpDef, register
from qnnpy.htp.ops._reduce import Reduce


@register
class ReduceMean(Reduce):
    type_name = "ReduceMean"
    reducer = np.mean
    check_dtypes = OpDef.check_dtypes
