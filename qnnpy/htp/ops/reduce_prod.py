"""ReduceProd over ``axes``."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._reduce import Reduce


@register
class ReduceProd(Reduce):
    type_name = "ReduceProd"
    reducer = np.prod
