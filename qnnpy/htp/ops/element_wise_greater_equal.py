"""ElementWiseGreaterEqual: a >= b into BOOL_8, broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Comparison


@register
class ElementWiseGreaterEqual(Comparison):
    type_name = "ElementWiseGreaterEqual"
    ufunc = np.greater_equal
