"""ElementWiseLessEqual: a <= b into BOOL_8, broadcasting."""
import numpy as np

from qnnpy.htp.ops import register
from qnnpy.htp.ops._elementwise import Comparison


@register
class ElementWiseLessEqual(Comparison):
    type_name = "ElementWiseLessEqual"
    ufunc = np.less_equal
