"""ElementWiseNotEqual: a != b into BOOL_8 (booleans compare too), broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Comparison


@register
class ElementWiseNotEqual(Comparison):
    type_name = "ElementWiseNotEqual"
    kinds = ("real", "int", "bool")
    ufunc = np.not_equal
